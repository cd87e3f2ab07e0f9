"""DatabaseProtectionPlugin on the sandbox's Trove, with real checkpoints
on a file-system bank."""

from neutronclient.v2_0 import client as neutron_client
import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection.protection_plugins import database
from karbor.tests.functional.plugins import helpers
from karbor.tests.sandbox.conftest import wait_status

PLUGIN = 'karbor-database-protection-plugin'
DATABASE = constants.DATABASE_RESOURCE_TYPE



@pytest.fixture
def db_plugin(provider):
    plugin = provider.load_plugins()[DATABASE]
    assert isinstance(plugin, database.DatabaseProtectionPlugin)
    return plugin


def new_instance(trove, name, size=2, flavor='3', datastore='postgresql'):
    inst = trove.instances.create(name, flavor, volume={'size': size},
                                  datastore=datastore,
                                  datastore_version='12.11')
    return wait_status(lambda: trove.instances.get(inst.id), 'ACTIVE')


def _protect(plugin, provider, ctx, inst, parameters=None):
    resource = Resource(DATABASE, inst.id, inst.name)
    return helpers.protect(plugin, provider, ctx, resource,
                           parameters), resource


def _backups(trove, inst):
    return [b for b in trove.backups.list() if b.instance_id == inst.id]


def test_protect_restore_verify_delete(db_plugin, provider, ctx, trove,
                                       sandbox, sqlite_db):
    inst = new_instance(trove, 'orders')
    checkpoint, resource = _protect(db_plugin, provider, ctx, inst,
                                    {'backup_name': 'nightly',
                                     'description': 'by karbor'})
    (backup,) = _backups(trove, inst)
    assert (backup.name, backup.description, backup.status) == (
        'nightly', 'by karbor', 'COMPLETED')
    status, metadata = helpers.bank_state(checkpoint, resource)
    assert status == 'available'
    assert metadata == {'instance_id': inst.id, 'backup_id': backup.id,
                        'flavor': '3', 'size': 2,
                        'datastore': {'type': 'postgresql',
                                      'version': '12.11'}}

    net = neutron_client.Client(session=sandbox.session()).create_network(
        {'network': {'name': 'dbnet'}})['network']
    record, new_resources = helpers.restore(
        db_plugin, ctx, checkpoint, resource,
        {'restore_name': 'orders-back', 'restore_net_id': net['id']})
    restored = trove.instances.get(new_resources[inst.id])
    assert (restored.name, restored.status, restored.flavor['id'],
            restored.volume['size'], restored.datastore['type'],
            restored.datastore['version']) == (
        'orders-back', 'ACTIVE', '3', 2, 'postgresql', '12.11')
    assert [a['network'] for a in restored.addresses] == [net['id']]
    blobs = sandbox.cloud.blobs
    assert open(blobs.path('trove-instance-%s' % restored.id), 'rb').read() \
        == open(blobs.path('trove-instance-%s' % inst.id), 'rb').read()
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (DATABASE, restored.id): 'available'}

    assert helpers.verify(db_plugin, ctx, checkpoint, resource) == {
        '%s#%s' % (DATABASE, inst.id): 'available'}
    helpers.delete(db_plugin, ctx, checkpoint, resource)
    assert _backups(trove, inst) == []
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)


def test_failed_backup_is_reverted_and_named(db_plugin, provider, ctx,
                                            trove, sandbox):
    inst = new_instance(trove, 'doomed')
    sandbox.inject_fault(service='database', operation='backup',
                         resource_id=inst.id, action='error')
    resource = Resource(DATABASE, inst.id, inst.name)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    with pytest.raises(exception.ProtectResourceFailed) as err:
        helpers.run_hooks(db_plugin.get_protect_operation(resource),
                          checkpoint, resource, ctx, operation_log=None)
    assert inst.id in str(err.value)
    assert 'ended in status FAILED' in str(err.value)
    assert _backups(trove, inst) == []
    assert helpers.bank_state(checkpoint, resource) == (None, None)
    assert trove.instances.get(inst.id).status == 'ACTIVE'


def test_unknown_network_fails_the_restore_cleanly(db_plugin, provider, ctx,
                                                  trove, sqlite_db):
    inst = new_instance(trove, 'netless')
    checkpoint, resource = _protect(db_plugin, provider, ctx, inst)
    before = {i.id for i in trove.instances.list()}
    with pytest.raises(exception.RestoreResourceFailed,
                       match='Network nope could not be found'):
        helpers.restore(db_plugin, ctx, checkpoint, resource,
                        {'restore_net_id': 'nope'})
    assert {i.id for i in trove.instances.list()} == before


def test_instance_in_error_is_named(db_plugin, provider, ctx, trove,
                                   sandbox):
    sandbox.inject_fault(service='database', operation='create')
    broken = trove.instances.create('broken', '2', volume={'size': 1})
    wait_status(lambda: trove.instances.get(broken.id), 'ERROR')
    with pytest.raises(exception.ProtectResourceFailed,
                       match='database instance %s ended in status ERROR'
                       % broken.id):
        _protect(db_plugin, provider, ctx, broken)


def test_a_resumed_protect_takes_the_backup_over(db_plugin, provider, ctx,
                                                 trove):
    inst = new_instance(trove, 'resumed')
    checkpoint, resource = _protect(db_plugin, provider, ctx, inst)
    (backup,) = _backups(trove, inst)
    # A flow resumed after a restart runs the protect hook again.
    helpers.run_hooks(db_plugin.get_protect_operation(resource), checkpoint,
                      resource, ctx, operation_log=None)
    assert [b.id for b in _backups(trove, inst)] == [backup.id]
    assert helpers.bank_state(checkpoint, resource)[0] == 'available'


def test_restore_plan_names_and_conflicts(db_plugin, provider, ctx, trove,
                                          sandbox, sqlite_db):
    inst = new_instance(trove, 'ledger')
    checkpoint, resource = _protect(db_plugin, provider, ctx, inst)
    step = helpers.plan_step(db_plugin, ctx, checkpoint, resource)
    assert step.name == '%s@%s' % (checkpoint.id, inst.id)
    assert step.parameters == {'restore_name': step.name}
    assert step.conflicts == []
    assert step.details['size'] == 2
    step = helpers.plan_step(db_plugin, ctx, checkpoint, resource, {
        'restore_name': 'ledger', 'restore_net_id': 'no-such-net'})
    assert [kind for kind, _message in step.conflicts] == [
        'name_in_use', 'missing_network']
