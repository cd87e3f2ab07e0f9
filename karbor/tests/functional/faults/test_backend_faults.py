"""Each Cinder call of a protect or delete failing (sandbox faults).

The operation ends at once in ``error`` (or ``error-deleting``) with
Cinder's failure as its reason; a protect's rollback deletes every backup
and snapshot it made, and a Cinder object that cannot be deleted is named
in the reason instead of being forgotten.
"""

import time

from karbor.services.protection import recovery
from karbor.tests.functional.faults import conftest as faults
from karbor.tests.functional.plugins import helpers

VOLUMES = 5


def failed_protect(protection, ctx, cinder, volumes):
    started = time.monotonic()
    checkpoint_id = protection.protect(ctx, volumes)
    view, seconds = protection.wait_final(ctx, checkpoint_id, started)
    assert view['status'] == 'error'
    reason = protection.reason(ctx, checkpoint_id)
    assert recovery.INTERRUPTED not in reason
    return checkpoint_id, seconds, reason


def test_snapshot_fails(protection, sandbox, ctx, cinder):
    volumes = faults.new_volumes(cinder, VOLUMES)
    sandbox.inject_fault(service='volume', operation='snapshot',
                         resource_id=volumes[-1].id, action='error')
    checkpoint_id, seconds, reason = failed_protect(protection, ctx, cinder,
                                                    volumes)
    assert 'ended in status error' in reason and volumes[-1].id in reason
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('Cinder snapshot fails', seconds, left, reason)


def test_backup_fails(protection, sandbox, ctx, cinder):
    volumes = faults.new_volumes(cinder, VOLUMES)
    sandbox.inject_fault(service='volume', operation='backup',
                         resource_id=volumes[-1].id, action='error',
                         message='backup driver on fire')
    checkpoint_id, seconds, reason = failed_protect(protection, ctx, cinder,
                                                    volumes)
    assert 'status error: backup driver on fire' in reason, reason
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('Cinder backup fails', seconds, left, reason)


def test_rollback_delete_fails(protection, sandbox, ctx, cinder):
    """A delete of the rollback fails: the object is named, not lost."""
    volumes = faults.new_volumes(cinder, 1)
    sandbox.inject_fault(service='volume', operation='backup',
                         resource_id=volumes[0].id, action='error')
    sandbox.inject_fault(service='volume', operation='delete', action='error')
    checkpoint_id, seconds, reason = failed_protect(protection, ctx, cinder,
                                                    volumes)
    (backup,) = [b for b in cinder.backups.list()
                 if b.volume_id == volumes[0].id]
    assert backup.status == 'error_deleting'
    assert 'Not rolled back' in reason and backup.id in reason, reason
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    # The backup's id stays in the bank for a later delete of the
    # checkpoint; the snapshot went.
    assert left['backups'] == 1 and left['snapshots'] == 0
    faults.record_figures('Cinder delete fails in rollback', seconds, left,
                          reason, expected='the backup Cinder could not '
                          'delete, named in the reason, and its bank record')


def test_delete_of_backup_fails(protection, sandbox, ctx, cinder):
    volumes = faults.new_volumes(cinder, VOLUMES)
    started = time.monotonic()
    checkpoint_id = protection.protect(ctx, volumes)
    view, _seconds = protection.wait_final(ctx, checkpoint_id, started)
    assert view['status'] == 'available'
    helpers.wait_until(lambda: not [
        s for s in cinder.volume_snapshots.list()
        if s.volume_id in {v.id for v in volumes}])
    victim = [b for b in cinder.backups.list()
              if b.volume_id == volumes[0].id][0]
    sandbox.inject_fault(service='volume', operation='delete',
                         resource_id=victim.id, action='error')

    started = time.monotonic()
    protection.delete(ctx, checkpoint_id)
    view, seconds = protection.wait_final(ctx, checkpoint_id, started)
    assert view['status'] == 'error-deleting'
    reason = protection.reason(ctx, checkpoint_id, 'delete')
    assert victim.id in reason and 'error_deleting' in reason, reason
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left['backups'] == 1 and left['snapshots'] == 0
    faults.record_figures('Cinder delete fails in checkpoint delete',
                          seconds, left, reason, expected='the backup Cinder '
                          'could not delete, named in the reason, and the '
                          'error-deleting checkpoint\'s bank data')


def test_restore_fails(protection, sandbox, ctx, cinder):
    """A failed restore deletes the volumes it made, the failed one too."""
    volumes = faults.new_volumes(cinder, 3)
    checkpoint_id = protection.protect(ctx, volumes)
    view, _seconds = protection.wait_final(ctx, checkpoint_id,
                                           time.monotonic())
    assert view['status'] == 'available'
    victim = [b for b in cinder.backups.list()
              if b.volume_id == volumes[0].id][0]
    sandbox.inject_fault(service='volume', operation='restore',
                         resource_id=victim.id, action='error')

    started = time.monotonic()
    record = protection.manager.restore(ctx, {
        'provider_id': faults.PROVIDER, 'checkpoint_id': checkpoint_id,
        'parameters': {}})
    record = protection.wait_restore(ctx, record.id)
    seconds = time.monotonic() - started
    assert record.status == 'fail'
    reason = protection.reason(ctx, checkpoint_id, 'restore')
    assert 'error_restoring' in reason and victim.volume_id in reason
    assert recovery.INTERRUPTED not in reason
    statuses = record.resources_status
    # The two volumes restored are deleted again; the failed one is error.
    assert sorted(statuses.values()).count('deleted') == 2, statuses
    assert 'available' not in statuses.values()
    restored = [v for v in cinder.volumes.list()
                if v.name.startswith(checkpoint_id)]
    left = {'volumes': len(restored)}
    assert left == {'volumes': 0}
    faults.record_figures('Cinder restore fails (3 volumes)', seconds, left,
                          reason)
