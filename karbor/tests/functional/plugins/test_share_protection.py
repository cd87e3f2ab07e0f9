"""ShareProtectionPlugin on the sandbox's Manila, with real checkpoints on
a file-system bank; the share's files are read back after restore."""

import pytest

from karbor.common import constants
from karbor import exception
from karbor import objects
from karbor.resource import Resource
from karbor.services.protection.protection_plugins import share as plugin_mod
from karbor.tests.functional.plugins import helpers
from karbor.tests.functional import share_files
from karbor.tests.sandbox.conftest import wait_status

PLUGIN = 'karbor-share-protection-plugin'
SHARE = constants.SHARE_RESOURCE_TYPE
FILES = {'README': b'hello share\n', 'data/blob.bin': bytes(range(256)) * 8}



@pytest.fixture
def share_plugin(provider):
    plugin = provider.load_plugins()[SHARE]
    assert isinstance(plugin, plugin_mod.ShareProtectionPlugin)
    return plugin


def new_share(manila, name, size=1):
    share = manila.shares.create('NFS', size, name=name)
    return wait_status(lambda: manila.shares.get(share.id), 'available')


def _protect(plugin, provider, ctx, share, parameters=None):
    resource = Resource(SHARE, share.id, share.name)
    return helpers.protect(plugin, provider, ctx, resource,
                           parameters), resource


def _snapshots(manila, share):
    return manila.share_snapshots.list(search_opts={'share_id': share.id})


def test_protect_restore_verify_delete(share_plugin, provider, ctx, manila,
                                       sandbox, sqlite_db):
    share = new_share(manila, 'files', size=2)
    share_files.write(sandbox.base_url, share.id, FILES)
    checkpoint, resource = _protect(
        share_plugin, provider, ctx, share,
        {'snapshot_name': 'daily', 'description': 'by karbor'})
    (snapshot,) = _snapshots(manila, share)
    assert (snapshot.name, snapshot.description, snapshot.status) == (
        'daily', 'by karbor', 'available')
    status, metadata = helpers.bank_state(checkpoint, resource)
    assert status == 'available'
    assert metadata == {'share_id': share.id, 'snapshot_id': snapshot.id,
                        'size': 2, 'share_proto': 'NFS',
                        'share_type': share.share_type,
                        'share_network_id': None}
    section = checkpoint.get_resource_bank_section(share.id)
    assert share_plugin.get_saved_info(section, resource) == metadata

    # The files change after the checkpoint; the restore has the old ones.
    share_files.delete(sandbox.base_url, share.id, 'README')
    record, new_resources = helpers.restore(
        share_plugin, ctx, checkpoint, resource,
        {'restore_name': 'back', 'restore_description': 'x'})
    restored = manila.shares.get(new_resources[share.id])
    assert (restored.name, restored.description, restored.size,
            restored.share_proto, restored.snapshot_id, restored.status) == (
        'back', 'x', 2, 'NFS', snapshot.id, 'available')
    assert share_files.read(sandbox.base_url, restored.id) == FILES
    assert objects.Restore.get_by_id(ctx, record.id).resources_status == {
        '%s#%s' % (SHARE, restored.id): 'available'}

    assert helpers.verify(share_plugin, ctx, checkpoint, resource) == {
        '%s#%s' % (SHARE, share.id): 'available'}
    helpers.delete(share_plugin, ctx, checkpoint, resource)
    assert _snapshots(manila, share) == []
    assert helpers.bank_state(checkpoint, resource) == ('deleted', None)


def test_default_restore_name(share_plugin, provider, ctx, manila,
                              sqlite_db):
    share = new_share(manila, 'named')
    checkpoint, resource = _protect(share_plugin, provider, ctx, share)
    _record, new_resources = helpers.restore(share_plugin, ctx,
                                             checkpoint, resource)
    restored = manila.shares.get(new_resources[share.id])
    assert restored.name == '%s@%s' % (checkpoint.id, share.id)


def test_snapshot_error_is_reverted_and_named(share_plugin, provider, ctx,
                                              manila, sandbox):
    share = new_share(manila, 'doomed')
    sandbox.inject_fault(service='share', operation='snapshot',
                         resource_id=share.id, action='error')
    resource = Resource(SHARE, share.id, share.name)
    checkpoint = helpers.new_checkpoint(provider, ctx, [resource])
    with pytest.raises(exception.ProtectResourceFailed) as err:
        helpers.run_hooks(share_plugin.get_protect_operation(resource),
                          checkpoint, resource, ctx, operation_log=None)
    assert share.id in str(err.value)
    assert 'ended in status error' in str(err.value)
    helpers.wait_until(lambda: _snapshots(manila, share) == [])
    assert helpers.bank_state(checkpoint, resource) == (None, None)


def test_share_gone_or_in_error_is_named(share_plugin, provider, ctx,
                                         manila):
    share = new_share(manila, 'gone')
    manila.shares.delete(share)
    helpers.wait_until(lambda: share.id not in {
        s.id for s in manila.shares.list()})
    with pytest.raises(exception.ProtectResourceFailed,
                       match='share %s does not exist' % share.id):
        _protect(share_plugin, provider, ctx, share)
    broken = manila.shares.create('NFS', 1, metadata={
        'sandbox:fault:create': 'error'})
    wait_status(lambda: manila.shares.get(broken.id), 'error')
    with pytest.raises(exception.ProtectResourceFailed,
                       match='ended in status error'):
        _protect(share_plugin, provider, ctx, broken)


def test_restore_failure_deletes_the_new_share(share_plugin, provider, ctx,
                                               manila, sandbox, sqlite_db):
    share = new_share(manila, 'src')
    checkpoint, resource = _protect(share_plugin, provider, ctx, share)
    before = {s.id for s in manila.shares.list()}
    sandbox.inject_fault(service='share', operation='create', action='error')
    with pytest.raises(exception.RestoreResourceFailed,
                       match='ended in status error'):
        helpers.restore(share_plugin, ctx, checkpoint, resource)
    helpers.wait_until(lambda: {s.id for s in manila.shares.list()} ==
                       before)


def test_checkpoints_cannot_be_copied(share_plugin, manila):
    share = new_share(manila, 'kept')
    resource = Resource(SHARE, share.id, share.name)
    assert not share_plugin.can_copy(SHARE)
    with pytest.raises(NotImplementedError):
        share_plugin.get_copy_operation(resource)


def test_restore_plan_names_and_conflicts(share_plugin, provider, ctx,
                                          manila, sqlite_db):
    share = new_share(manila, 'reports')
    checkpoint, resource = _protect(share_plugin, provider, ctx, share)
    step = helpers.plan_step(share_plugin, ctx, checkpoint, resource)
    assert (step.name, step.conflicts) == (
        '%s@%s' % (checkpoint.id, share.id), [])
    assert step.parameters['restore_name'] == step.name
    step = helpers.plan_step(share_plugin, ctx, checkpoint, resource,
                             {'restore_name': 'reports'})
    assert [kind for kind, _message in step.conflicts] == ['name_in_use']
    # A restore plans the same name without asking Manila.
    assert helpers.plan_step(share_plugin, ctx, checkpoint, resource,
                             restore_id='r1', preview=False).parameters == {
        'restore_name': '%s@%s' % (checkpoint.id, share.id)}
