"""Cinder v3 contract tests with python-cinderclient."""

from cinderclient import exceptions as c_exc
import pytest
import requests

from karbor.tests.sandbox.conftest import wait_status
from karbor.tests.sandbox import in_use_backup_rule


def _available(cinder, size=1, **kw):
    vol = cinder.volumes.create(size, **kw)
    assert vol.status == 'creating'
    return wait_status(lambda: cinder.volumes.get(vol.id), 'available')


def test_version_discovery_and_microversion_header(sandbox, cinder):
    from cinderclient import api_versions
    assert str(api_versions.get_highest_version(cinder)) == \
        'API Version Major: 3, Minor: 71'
    token = sandbox.session().get_token()
    resp = requests.get(sandbox.url('volume') + '/volumes', timeout=5,
                        headers={'X-Auth-Token': token,
                                 'OpenStack-API-Version': 'volume 3.50'})
    assert resp.headers['OpenStack-API-Version'] == 'volume 3.50'
    resp = requests.get(sandbox.url('volume') + '/volumes', timeout=5,
                        headers={'X-Auth-Token': token,
                                 'OpenStack-API-Version': 'volume 3.99'})
    assert resp.status_code == 406


def test_volume_lifecycle(cinder, sandbox):
    vol = _available(cinder, 2, name='v1', description='d',
                     metadata={'k': 'v'})
    assert vol.size == 2 and vol.availability_zone == 'nova'
    assert vol.bootable == 'false' and vol.volume_type == '__DEFAULT__'
    assert getattr(vol, 'os-vol-tenant-attr:tenant_id') == sandbox.project_id
    assert [v.id for v in cinder.volumes.list()] == [vol.id]
    cinder.volumes.update(vol, name='renamed')
    cinder.volumes.set_metadata(vol, {'a': 'b'})
    cinder.volumes.delete_metadata(vol, ['k'])
    again = cinder.volumes.get(vol.id)
    assert again.name == 'renamed' and again.metadata == {'a': 'b'}
    assert cinder.volumes.list(search_opts={'name': 'nope'}) == []
    cinder.volumes.extend(vol, 3)
    assert wait_status(lambda: cinder.volumes.get(vol.id),
                       'available').size == 3
    cinder.volumes.delete(vol)
    with pytest.raises(c_exc.NotFound):
        cinder.volumes.get(vol.id)


def test_slow_delete_shows_deleting(sandbox, cinder):
    vol = _available(cinder)
    sandbox.inject_fault(service='volume', operation='delete',
                         resource_id=vol.id, action='slow', delay=30)
    cinder.volumes.delete(vol)
    assert cinder.volumes.get(vol.id).status == 'deleting'
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.delete(vol)


def test_volume_errors_have_cinder_bodies(sandbox, cinder):
    token = sandbox.session().get_token()
    url = sandbox.url('volume')
    resp = requests.get(url + '/volumes/missing', timeout=5,
                        headers={'X-Auth-Token': token})
    assert resp.status_code == 404
    assert resp.json() == {'itemNotFound': {
        'code': 404, 'message': 'Volume missing could not be found.'}}
    resp = requests.post(url + '/volumes', json={'volume': {'size': 0}},
                         headers={'X-Auth-Token': token}, timeout=5)
    assert resp.status_code == 400 and 'badRequest' in resp.json()
    resp = requests.post(url + '/volumes', data='{nope',
                         headers={'X-Auth-Token': token}, timeout=5)
    assert resp.json()['badRequest']['message'] == 'Malformed request body'
    resp = requests.get(url + '/volumes', timeout=5)
    assert resp.status_code == 401
    assert 'WWW-Authenticate' in resp.headers
    with pytest.raises(c_exc.NotFound):
        cinder.volumes.create(1, volume_type='gold')
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.create(1, availability_zone='mars')


def test_projects_are_isolated(cinder, admin_cinder, sandbox):
    mine = _available(cinder, name='demo-vol')
    theirs = _available(admin_cinder, name='admin-vol')
    assert [v.name for v in cinder.volumes.list()] == ['demo-vol']
    with pytest.raises(c_exc.NotFound):
        cinder.volumes.get(theirs.id)
    everyone = admin_cinder.volumes.list(search_opts={'all_tenants': 1})
    assert {v.id for v in everyone} == {mine.id, theirs.id}


def test_list_pagination_newest_first(cinder):
    ids = [_available(cinder, name='p%d' % i).id for i in range(3)]
    first = cinder.volumes.list(limit=2)
    assert [v.id for v in first] == ids[::-1][:2]
    rest = cinder.volumes.list(marker=first[-1].id)
    assert [v.id for v in rest] == [ids[0]]
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.list(marker='bogus')


def test_types_and_zones(cinder, admin_cinder):
    assert {t.name for t in cinder.volume_types.list()} == {
        '__DEFAULT__', 'lvmdriver-1'}
    assert [z.zoneName for z in cinder.availability_zones.list()] == ['nova']
    gold = admin_cinder.volume_types.create('gold')
    assert _available(cinder, volume_type='gold').volume_type == 'gold'
    with pytest.raises(c_exc.Forbidden):
        cinder.volume_types.create('silver')
    assert gold.name == 'gold'
    assert cinder.limits.get().absolute


def test_snapshots(cinder):
    vol = _available(cinder)
    snap = cinder.volume_snapshots.create(vol.id, name='s1')
    assert snap.status == 'creating'
    snap = wait_status(lambda: cinder.volume_snapshots.get(snap.id),
                       'available')
    assert snap.size == 1 and snap.volume_id == vol.id
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.delete(vol)
    clone = _available(cinder, snapshot_id=snap.id)
    assert clone.snapshot_id == snap.id
    cinder.volume_snapshots.delete(snap)
    assert cinder.volume_snapshots.list() == []
    with pytest.raises(c_exc.NotFound):
        cinder.volume_snapshots.get(snap.id)


def test_snapshot_of_in_use_volume_needs_force(cinder):
    vol = _available(cinder)
    cinder.volumes.attach(vol, 'server-1', '/dev/vdb')
    assert cinder.volumes.get(vol.id).status == 'in-use'
    with pytest.raises(c_exc.BadRequest):
        cinder.volume_snapshots.create(vol.id)
    snap = cinder.volume_snapshots.create(vol.id, force=True)
    wait_status(lambda: cinder.volume_snapshots.get(snap.id), 'available')


def test_backups_full_incremental_and_delete(cinder):
    vol = _available(cinder)
    with pytest.raises(c_exc.BadRequest):
        cinder.backups.create(vol.id, incremental=True)
    full = cinder.backups.create(vol.id, name='full', container='bank')
    assert cinder.volumes.get(vol.id).status == 'available'
    full = cinder.backups.get(full.id)
    assert (full.status, full.container, full.is_incremental,
            full.object_count, full.fail_reason) == (
                'available', 'bank', False, 1, None)
    incr = cinder.backups.create(vol.id, incremental=True)
    incr = wait_status(lambda: cinder.backups.get(incr.id), 'available')
    assert incr.is_incremental and incr.container == 'volumebackups'
    assert cinder.backups.get(full.id).has_dependent_backups
    with pytest.raises(c_exc.BadRequest):
        cinder.backups.delete(full)
    cinder.backups.delete(incr)
    assert not cinder.backups.get(full.id).has_dependent_backups
    cinder.backups.delete(full)
    assert cinder.backups.list() == []


@pytest.mark.parametrize('name,source,force,refusal',
                         in_use_backup_rule.CASES,
                         ids=[c[0] for c in in_use_backup_rule.CASES])
def test_backup_of_in_use_volume(cinder, name, source, force, refusal):
    volume, snapshot, message = in_use_backup_rule.attempt(cinder, source,
                                                           force)
    assert message == refusal
    if refusal:
        return
    (backup,) = cinder.backups.list(search_opts={'volume_id': volume.id})
    backup = wait_status(lambda: cinder.backups.get(backup.id), 'available')
    assert backup.snapshot_id == (snapshot.id if snapshot else None)
    assert cinder.volumes.get(volume.id).status == 'in-use'
    if snapshot:
        assert cinder.volume_snapshots.get(snapshot.id).status == \
            'available'


def test_restore_to_new_and_existing_volume(cinder):
    vol = _available(cinder, 2)
    backup = cinder.backups.create(vol.id)
    wait_status(lambda: cinder.backups.get(backup.id), 'available')
    restore = cinder.restores.restore(backup.id, name='restored')
    assert restore.volume_name == 'restored'
    new = wait_status(lambda: cinder.volumes.get(restore.volume_id),
                      'available')
    assert new.size == 2
    small = _available(cinder, 1)
    with pytest.raises(c_exc.BadRequest):
        cinder.restores.restore(backup.id, small.id)
    target = _available(cinder, 3)
    restore = cinder.restores.restore(backup.id, target.id)
    assert restore.volume_id == target.id
    wait_status(lambda: cinder.volumes.get(target.id), 'available')
    assert cinder.backups.get(backup.id).status == 'available'


def test_restore_status_while_running(tmp_path):
    from cinderclient import client
    from karbor_sandbox import fixture
    with fixture.running_sandbox(str(tmp_path), delay=0) as sb:
        cinder = client.Client('3.60', session=sb.session())
        vol = _available(cinder)
        backup = cinder.backups.create(vol.id)
        wait_status(lambda: cinder.backups.get(backup.id), 'available')
        sb.inject_fault(service='volume', operation='restore',
                        resource_id=backup.id, action='slow', delay=30)
        restore = cinder.restores.restore(backup.id, vol.id)
        assert cinder.volumes.get(restore.volume_id).status == \
            'restoring-backup'
        assert cinder.backups.get(backup.id).status == 'restoring'
        with pytest.raises(c_exc.BadRequest):
            cinder.backups.delete(backup)


def test_fault_backup_ends_in_error(sandbox, cinder):
    vol = _available(cinder)
    sandbox.inject_fault(service='volume', operation='backup',
                         resource_id=vol.id, action='error',
                         message='disk on fire')
    failed = cinder.backups.create(vol.id)
    failed = cinder.backups.get(failed.id)
    assert (failed.status, failed.fail_reason) == ('error', 'disk on fire')
    assert cinder.volumes.get(vol.id).status == 'available'
    ok = cinder.backups.create(vol.id)
    assert cinder.backups.get(ok.id).status == 'available'
    cinder.backups.delete(failed)


def test_fault_by_metadata_slow_snapshot(cinder):
    vol = _available(cinder, metadata={'sandbox:fault:snapshot': 'slow:30'})
    snap = cinder.volume_snapshots.create(vol.id)
    assert cinder.volume_snapshots.get(snap.id).status == 'creating'
    bad = _available(cinder)
    cinder.volumes.set_metadata(bad, {'sandbox:fault:create': 'error'})
    clone = cinder.volumes.create(1, source_volid=bad.id,
                                  metadata={'sandbox:fault:create': 'error'})
    assert cinder.volumes.get(clone.id).status == 'error'


def test_attachments_api_and_os_attach(cinder, sandbox):
    from cinderclient import client
    vol = _available(cinder)
    c327 = client.Client('3.44', session=sandbox.session())
    att = c327.attachments.create(vol.id, None, 'server-9')
    assert att['status'] == 'reserved'
    assert cinder.volumes.get(vol.id).status == 'reserved'
    att = c327.attachments.update(att['id'], {'host': 'h1',
                                           'mountpoint': '/dev/vdc'})
    c327.attachments.complete(att.id)
    vol = cinder.volumes.get(vol.id)
    assert vol.status == 'in-use'
    assert vol.attachments[0]['server_id'] == 'server-9'
    assert [a.id for a in c327.attachments.list()] == [att.id]
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.delete(vol)
    c327.attachments.delete(att.id)
    assert cinder.volumes.get(vol.id).status == 'available'
    cinder.volumes.reserve(vol)
    assert cinder.volumes.get(vol.id).status == 'attaching'
    cinder.volumes.attach(vol, 'server-2', '/dev/vdb', host_name='h2')
    vol = cinder.volumes.get(vol.id)
    assert vol.status == 'in-use' and vol.attachments[0]['host_name'] == 'h2'
    cinder.volumes.detach(vol, vol.attachments[0]['attachment_id'])
    assert cinder.volumes.get(vol.id).status == 'available'
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.detach(vol)


def test_admin_actions(cinder, admin_cinder):
    vol = _available(cinder)
    with pytest.raises(c_exc.Forbidden):
        cinder.volumes.reset_state(vol, 'error')
    admin_cinder.volumes.reset_state(vol, 'error')
    assert cinder.volumes.get(vol.id).status == 'error'
    admin_cinder.volumes.force_delete(vol)
    with pytest.raises(c_exc.NotFound):
        cinder.volumes.get(vol.id)


def test_upload_to_image_and_volume_from_image(cinder, sandbox):
    import glanceclient
    glance = glanceclient.Client('2', session=sandbox.session())
    vol = _available(cinder)
    with open(sandbox.cloud.blobs.path('volume-%s' % vol.id), 'wb') as f:
        f.write(b'disk bytes')
    cinder.volumes.attach(vol, 'server-1', '/dev/vdb')
    with pytest.raises(c_exc.BadRequest, match='status must be available'):
        cinder.volumes.upload_to_image(vol, False, 'img', 'bare', 'raw',
                                       'private', False)
    cinder.volumes.detach(vol)
    _resp, body = cinder.volumes.upload_to_image(vol, False, 'img', 'bare',
                                                 'raw', 'private', False)
    upload = body['os-volume_upload_image']
    assert (upload['status'], upload['image_name'], upload['disk_format']) \
        == ('uploading', 'img', 'raw')
    image = wait_status(lambda: glance.images.get(upload['image_id']),
                        'active')
    assert wait_status(lambda: cinder.volumes.get(vol.id), 'available')
    assert (image.size, image.container_format) == (10, 'bare')
    assert b''.join(glance.images.data(image.id)) == b'disk bytes'
    with pytest.raises(c_exc.NotFound, match='Image nope could not be'):
        cinder.volumes.create(1, imageRef='nope')
    copy = cinder.volumes.create(1, imageRef=image.id)
    copy = wait_status(lambda: cinder.volumes.get(copy.id), 'available')
    assert copy.bootable == 'true'
    assert b''.join(sandbox.cloud.blobs.read('volume-%s' % copy.id)) == \
        b'disk bytes'
