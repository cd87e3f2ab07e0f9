"""The less common Cinder endpoints: metadata, actions, admin views."""

from cinderclient import client
from cinderclient import exceptions as c_exc
import pytest
import requests

from karbor.tests.sandbox.conftest import wait_status


def _available(cinder, **kw):
    vol = cinder.volumes.create(1, **kw)
    return wait_status(lambda: cinder.volumes.get(vol.id), 'available')


def test_volume_and_snapshot_metadata(cinder, sandbox):
    vol = _available(cinder, metadata={'a': '1'})
    cinder.volumes.update_all_metadata(vol, {'b': '2'})
    assert cinder.volumes.get(vol.id).metadata == {'b': '2'}
    snap = cinder.volume_snapshots.create(vol.id, metadata={'x': '1'})
    cinder.volume_snapshots.set_metadata(snap, {'y': '2'})
    cinder.volume_snapshots.delete_metadata(snap, ['x'])
    assert cinder.volume_snapshots.get(snap.id).metadata == {'y': '2'}
    cinder.volume_snapshots.update_all_metadata(snap, {'z': '3'})
    assert cinder.volume_snapshots.get(snap.id).metadata == {'z': '3'}
    cinder.volume_snapshots.update(snap, name='renamed')
    assert cinder.volume_snapshots.get(snap.id).name == 'renamed'
    token = sandbox.session().get_token()
    url = '%s/volumes/%s/metadata/b' % (sandbox.url('volume'), vol.id)
    assert requests.get(url, headers={'X-Auth-Token': token},
                        timeout=5).json() == {'meta': {'b': '2'}}
    resp = requests.delete(url.replace('/b', '/nope'), timeout=5,
                           headers={'X-Auth-Token': token})
    assert resp.json()['itemNotFound']['code'] == 404


def test_volume_actions(cinder):
    vol = _available(cinder)
    cinder.volumes.set_bootable(vol, True)
    cinder.volumes.update_readonly_flag(vol, True)
    vol = cinder.volumes.get(vol.id)
    assert vol.bootable == 'true' and vol.metadata['readonly'] == 'true'
    cinder.volumes.reserve(vol)
    cinder.volumes.unreserve(vol)
    assert cinder.volumes.get(vol.id).status == 'available'
    info = cinder.volumes.initialize_connection(vol, {'host': 'h'})
    assert info['driver_volume_type'] == 'iscsi'
    cinder.volumes.terminate_connection(vol, {'host': 'h'})
    cinder.volumes.attach(vol, 'srv', '/dev/vdb')
    cinder.volumes.begin_detaching(vol)
    assert cinder.volumes.get(vol.id).status == 'detaching'
    cinder.volumes.roll_detaching(vol)
    assert cinder.volumes.get(vol.id).status == 'in-use'
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.extend(vol, 2)
    clone = _available(cinder, source_volid=vol.id)
    assert clone.source_volid == vol.id
    with pytest.raises(c_exc.BadRequest):
        cinder.volumes.extend(clone, 1)


def test_admin_backup_and_snapshot_actions(cinder, admin_cinder):
    vol = _available(cinder)
    backup = cinder.backups.create(vol.id)
    with pytest.raises(c_exc.Forbidden):
        cinder.backups.reset_state(backup, 'error')
    admin_cinder.backups.reset_state(backup, 'error')
    assert cinder.backups.get(backup.id).status == 'error'
    admin_cinder.backups.delete(backup, force=True)
    with pytest.raises(c_exc.NotFound):
        cinder.backups.get(backup.id)
    snap = cinder.volume_snapshots.create(vol.id)
    admin_cinder.volume_snapshots.reset_state(snap, 'error')
    assert cinder.volume_snapshots.get(snap.id).status == 'error'
    cinder.volume_snapshots.delete(snap)
    assert cinder.volume_snapshots.list() == []


def test_backup_update_volume_from_backup_and_counts(sandbox, cinder):
    c347 = client.Client('3.47', session=sandbox.session())
    vol = _available(cinder)
    backup = c347.backups.create(vol.id, name='b')
    c347.backups.update(backup, name='b2', description='d')
    backup = c347.backups.get(backup.id)
    assert (backup.name, backup.description) == ('b2', 'd')
    from_backup = c347.volumes.create(1, backup_id=backup.id)
    assert wait_status(lambda: cinder.volumes.get(from_backup.id),
                       'available').backup_id == backup.id
    token = sandbox.session().get_token()
    body = requests.get(sandbox.url('volume') + '/backups/detail',
                        params={'with_count': 'true'}, timeout=5,
                        headers={'X-Auth-Token': token}).json()
    assert body['count'] == 1
    summary = cinder.volumes.summary(False)
    assert summary['volume-summary']['total_count'] == 2


def test_types_services_quotas(cinder, admin_cinder, sandbox):
    default = cinder.volume_types.default()
    assert default.name == '__DEFAULT__'
    assert cinder.volume_types.get(default.id).name == '__DEFAULT__'
    gold = admin_cinder.volume_types.create('gold')
    with pytest.raises(c_exc.ClientException) as err:
        admin_cinder.volume_types.create('gold')
    assert err.value.code == 409
    admin_cinder.volume_types.delete(gold)
    with pytest.raises(c_exc.NotFound):
        cinder.volume_types.get(gold.id)
    assert {s.binary for s in admin_cinder.services.list()} == {
        'cinder-scheduler', 'cinder-volume', 'cinder-backup'}
    quotas = cinder.quotas.get(sandbox.project_id)
    assert quotas.volumes == -1
    assert cinder.quotas.get(sandbox.project_id, usage=True).volumes[
        'limit'] == -1
