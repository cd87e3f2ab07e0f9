"""Manila v2 contract tests with python-manilaclient."""

import http.client

from manilaclient import api_versions
from manilaclient import client as manila_client
from manilaclient import exceptions as m_exc
import pytest
import requests

from karbor.tests.functional import share_files
from karbor.tests.sandbox.conftest import wait_status


@pytest.fixture
def manila(sandbox):
    return manila_client.Client('2', session=sandbox.session())


@pytest.fixture
def admin_manila(sandbox):
    return manila_client.Client('2', session=sandbox.admin_session())


def _share(manila, size=1, **kw):
    share = manila.shares.create('NFS', size, **kw)
    assert share.status == 'creating'
    return wait_status(lambda: manila.shares.get(share.id), 'available')


def test_versions_and_microversions(sandbox, manila):
    found = api_versions.discover_version(
        manila, api_versions.APIVersion('2.60'))
    assert found.get_string() == '2.60'
    token = sandbox.session().get_token()
    resp = requests.get(sandbox.url('share') + '/shares', timeout=5,
                        headers={'X-Auth-Token': token,
                                 'X-OpenStack-Manila-API-Version': '2.46'})
    assert resp.headers['X-OpenStack-Manila-API-Version'] == '2.46'
    resp = requests.get(sandbox.url('share') + '/shares', timeout=5,
                        headers={'X-Auth-Token': token,
                                 'X-OpenStack-Manila-API-Version': '2.999'})
    assert resp.status_code == 406


def test_share_lifecycle(manila, sandbox):
    share = _share(manila, 2, name='s1', description='d',
                   metadata={'k': 'v'})
    assert share.share_proto == 'NFS' and share.size == 2
    assert share.project_id == sandbox.project_id
    assert share.share_type_name == 'default' and share.share_type
    assert share.export_locations
    assert [s.id for s in manila.shares.list(detailed=True)] == [share.id]
    assert manila.shares.list(search_opts={'name': 'nope'}) == []
    manila.shares.update(share, display_name='renamed')
    assert manila.shares.get(share.id).name == 'renamed'
    manila.shares.delete(share)
    with pytest.raises(m_exc.NotFound):
        manila.shares.get(share.id)


def test_snapshots_and_share_from_snapshot(manila):
    share = _share(manila, 1)
    snap = manila.share_snapshots.create(share, force=True, name='snap')
    assert snap.status == 'creating'
    snap = wait_status(lambda: manila.share_snapshots.get(snap.id),
                       'available')
    assert snap.share_id == share.id and snap.size == 1
    assert [s.id for s in manila.share_snapshots.list()] == [snap.id]
    with pytest.raises(m_exc.Forbidden, match='dependent snapshots'):
        manila.shares.delete(share)
    copy = _share(manila, 1, snapshot_id=snap.id, name='restored')
    assert copy.snapshot_id == snap.id
    with pytest.raises(m_exc.BadRequest):
        manila.shares.create('NFS', 0)
    manila.share_snapshots.delete(snap)
    with pytest.raises(m_exc.NotFound):
        manila.share_snapshots.get(snap.id)
    manila.shares.delete(share)


def test_errors_faults_and_isolation(sandbox, manila, admin_manila):
    token = sandbox.session().get_token()
    resp = requests.get(sandbox.url('share') + '/shares/nope', timeout=5,
                        headers={'X-Auth-Token': token})
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Share nope could not be found.'}}
    with pytest.raises(m_exc.BadRequest):
        manila.shares.create('FOO', 1)
    with pytest.raises(m_exc.NotFound):
        manila.shares.create('NFS', 1, share_type='gold')
    share = _share(manila)
    sandbox.inject_fault(service='share', operation='snapshot',
                         resource_id=share.id)
    snap = manila.share_snapshots.create(share)
    wait_status(lambda: manila.share_snapshots.get(snap.id), 'error')
    broken = manila.shares.create('NFS', 1, metadata={
        'sandbox:fault:create': 'error'})
    wait_status(lambda: manila.shares.get(broken.id), 'error')
    theirs = _share(admin_manila, name='theirs')
    with pytest.raises(m_exc.NotFound):
        manila.shares.get(theirs.id)
    assert theirs.id not in [s.id for s in manila.shares.list()]
    everyone = admin_manila.shares.list(search_opts={'all_tenants': 1})
    assert {s.id for s in everyone} == {share.id, broken.id, theirs.id}


def test_share_networks_and_types(manila):
    assert [t.name for t in manila.share_types.list()] == ['default']
    network = manila.share_networks.create(name='sn', neutron_net_id='n1',
                                           neutron_subnet_id='s1')
    share = _share(manila, share_network=network.id)
    assert share.share_network_id == network.id
    assert [n.id for n in manila.share_networks.list()] == [network.id]


def test_files_follow_snapshots_and_shares_made_from_them(sandbox, manila):
    base = sandbox.base_url
    share = _share(manila)
    assert share_files.read(base, share.id) == {}
    share_files.write(base, share.id, {'a.txt': b'one', 'dir/b': b'two'})
    snap = manila.share_snapshots.create(share)
    wait_status(lambda: manila.share_snapshots.get(snap.id), 'available')
    share_files.write(base, share.id, {'a.txt': b'changed'})
    copy = _share(manila, snapshot_id=snap.id)
    assert share_files.read(base, copy.id) == {'a.txt': b'one',
                                               'dir/b': b'two'}
    assert share_files.read(base, share.id)['a.txt'] == b'changed'
    url = '%s/sandbox/shares/%s/files' % (base, share.id)
    # http.client sends the dot segments as they are (requests drops them).
    conn = http.client.HTTPConnection(base.split('//', 1)[1], timeout=5)
    conn.request('PUT', '/sandbox/shares/%s/files/a/../../escape' % share.id,
                 body=b'x')
    assert conn.getresponse().status == 400
    conn.close()
    assert requests.get(url + '/missing', timeout=5).status_code == 404
    assert requests.get('%s/sandbox/shares/nope/files' % base,
                        timeout=5).status_code == 404


def test_admin_actions(sandbox):
    manila = manila_client.Client('2.60', session=sandbox.session())
    admin_manila = manila_client.Client('2.60',
                                        session=sandbox.admin_session())
    share = _share(manila)
    with pytest.raises(m_exc.Forbidden, match='share:reset_task_state'):
        manila.shares.reset_task_state(share, None)
    admin_manila.shares.reset_state(share, 'error')
    assert manila.shares.get(share.id).status == 'error'
    admin_manila.shares.force_delete(share)
    with pytest.raises(m_exc.NotFound):
        manila.shares.get(share.id)
