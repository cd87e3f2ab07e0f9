"""Trove v1.0 contract tests with python-troveclient."""

from neutronclient.v2_0 import client as neutron_client
import pytest
import requests
from troveclient import client as trove_client
from troveclient import exceptions as t_exc

from karbor.tests.sandbox.conftest import wait_status


@pytest.fixture
def trove(sandbox):
    return trove_client.Client('1.0', session=sandbox.session())


@pytest.fixture
def admin_trove(sandbox):
    return trove_client.Client('1.0', session=sandbox.admin_session())


def _instance(trove, name='db1', **kw):
    inst = trove.instances.create(name, '2', volume={'size': 1},
                                  datastore='mysql', **kw)
    assert inst.status == 'BUILD'
    return wait_status(lambda: trove.instances.get(inst.id), 'ACTIVE')


def _backup(trove, inst, name='bk1'):
    backup = trove.backups.create(name, inst.id, description='d')
    assert backup.status == 'NEW'
    return wait_status(lambda: trove.backups.get(backup.id), 'COMPLETED')


def test_versions_and_datastores(sandbox, trove):
    body = requests.get(sandbox.base_url + '/database/', timeout=5).json()
    assert body['versions'][0]['id'] == 'v1.0'
    names = {d.name for d in trove.datastores.list()}
    assert names == {'mysql', 'postgresql', 'mariadb'}
    versions = trove.datastore_versions.list('mysql')
    assert {v.name for v in versions} == {'5.7.29', '8.0.29'}


def test_instance_backup_restore(trove, sandbox):
    inst = _instance(trove)
    assert inst.flavor['id'] == '2' and inst.volume == {'size': 1}
    assert inst.datastore['type'] == 'mysql'
    assert inst.datastore['version'] == '5.7.29'
    assert [i.id for i in trove.instances.list()] == [inst.id]
    backup = _backup(trove, inst)
    assert backup.instance_id == inst.id and backup.locationRef
    assert backup.datastore['type'] == 'mysql'
    assert [b.id for b in trove.backups.list()] == [backup.id]
    assert [b.id for b in trove.instances.backups(inst.id)] == [backup.id]
    restored = trove.instances.create('db2', '2', volume={'size': 1},
                                      restorePoint={'backupRef': backup.id})
    restored = wait_status(lambda: trove.instances.get(restored.id),
                           'ACTIVE')
    assert restored.datastore['type'] == 'mysql'
    blobs = sandbox.cloud.blobs
    assert open(blobs.path('trove-instance-%s' % restored.id), 'rb').read() \
        == open(blobs.path('trove-instance-%s' % inst.id), 'rb').read()
    trove.backups.delete(backup.id)
    with pytest.raises(t_exc.NotFound):
        trove.backups.get(backup.id)
    trove.instances.delete(inst.id)
    with pytest.raises(t_exc.NotFound):
        trove.instances.get(inst.id)


def test_errors_and_faults(sandbox, trove):
    token = sandbox.session().get_token()
    resp = requests.get(sandbox.url('database') + '/instances/nope',
                        headers={'X-Auth-Token': token}, timeout=5)
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Instance nope cannot be found.'}}
    with pytest.raises(t_exc.BadRequest):
        trove.instances.create('x', '2')
    with pytest.raises(t_exc.NotFound):
        trove.instances.create('x', '2', volume={'size': 1},
                               datastore='oracle')
    with pytest.raises(t_exc.NotFound):
        trove.instances.create('x', '2', volume={'size': 1},
                               restorePoint={'backupRef': 'nope'})
    inst = _instance(trove)
    sandbox.inject_fault(service='database', operation='backup',
                         resource_id=inst.id)
    backup = trove.backups.create('bad', inst.id)
    wait_status(lambda: trove.backups.get(backup.id), 'FAILED')
    assert trove.instances.get(inst.id).status == 'ACTIVE'
    sandbox.inject_fault(service='database', operation='create')
    broken = trove.instances.create('broken', '2', volume={'size': 1})
    wait_status(lambda: trove.instances.get(broken.id), 'ERROR')
    sandbox.inject_fault(service='database', operation='backup',
                         action='slow', delay=30)
    slow = trove.backups.create('slow', inst.id)
    assert trove.backups.get(slow.id).status == 'NEW'
    assert trove.instances.get(inst.id).status == 'BACKUP'
    with pytest.raises(t_exc.UnprocessableEntity):
        trove.backups.create('again', inst.id)


def test_projects_are_isolated(trove, admin_trove):
    mine = _instance(trove, 'mine')
    theirs = _instance(admin_trove, 'theirs')
    assert [i.name for i in trove.instances.list()] == ['mine']
    with pytest.raises(t_exc.NotFound):
        trove.instances.get(theirs.id)
    with pytest.raises(t_exc.NotFound):
        trove.backups.create('steal', theirs.id)
    assert [i.id for i in admin_trove.instances.list()] == [theirs.id]
    assert mine.tenant_id != theirs.tenant_id


def test_instances_on_a_network(sandbox, trove):
    net = neutron_client.Client(session=sandbox.session()).create_network(
        {'network': {'name': 'trove-net'}})['network']
    with pytest.raises(t_exc.NotFound, match='Network nope'):
        trove.instances.create('x', '2', volume={'size': 1},
                               nics=[{'net-id': 'nope'}])
    inst = _instance(trove, 'netted', nics=[{'net-id': net['id']}])
    assert [a['network'] for a in inst.addresses] == [net['id']]
