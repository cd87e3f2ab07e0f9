"""A bank that fills up, or turns read-only, in the middle of a protect.

The checkpoint must end ``error`` at once (not when the bank recovers),
with the bank's error as its reason; the rollback deletes the Cinder
backups and snapshots made so far and the checkpoint's resource data; the
owner can delete the failed checkpoint; the bank's copy of the final
status is written once the bank takes writes again.
"""

import errno
import os
import subprocess
import time

import pytest

from karbor.services.protection.bank_plugins import file_system_bank_plugin
from karbor.services.protection import deferred
from karbor.services.protection import recovery
from karbor.tests.functional.faults import conftest as faults
from karbor.tests.functional.plugins import helpers

# KARBOR_FAULT_VOLUMES and KARBOR_FAULT_BANK_SIZE reproduce larger cases
# (e.g. 100 volumes on 256k: the bank fills before every backup started).
VOLUMES = int(os.environ.get('KARBOR_FAULT_VOLUMES', 6))
BANK_SIZE = os.environ.get('KARBOR_FAULT_BANK_SIZE', '1m')
# Backups take this long, so that the bank fails while they are made.
BACKUP_SECONDS = 1.0


@pytest.fixture
def small_bank(bank_dir):
    faults.mount_tmpfs(bank_dir, BANK_SIZE)
    yield bank_dir
    faults.umount(bank_dir)


def fill(directory):
    """Write a file until the file system is full."""
    path = os.path.join(directory, 'filler')
    try:
        with open(path, 'wb') as filler:
            while True:
                filler.write(b'\0' * 4096)
                filler.flush()
    except OSError as err:
        assert err.errno == errno.ENOSPC
    return path


def start_slow_protect(protection, sandbox, ctx, cinder):
    volumes = faults.new_volumes(cinder, VOLUMES)
    for volume in volumes:
        sandbox.inject_fault(service='volume', operation='backup',
                             resource_id=volume.id, action='slow',
                             delay=BACKUP_SECONDS)
    started = time.monotonic()
    checkpoint_id = protection.protect(ctx, volumes)
    ids = {v.id for v in volumes}

    def all_backing_up_or_ended():
        return len([b for b in cinder.backups.list()
                    if b.volume_id in ids]) == VOLUMES or protection.show(
            ctx, checkpoint_id)['status'] in faults.FINAL
    helpers.wait_until(all_backing_up_or_ended, timeout=60)
    return volumes, checkpoint_id, started


def bank_status(protection, checkpoint_id):
    from karbor.tests.functional.test_crash_recovery import read_bank_object
    return read_bank_object(os.path.join(
        protection.bank_root, 'checkpoints', checkpoint_id,
        'index.json'))['status']


def check_failed(protection, ctx, cinder, volumes, checkpoint_id, started,
                 expected_reason):
    view, seconds = protection.wait_final(ctx, checkpoint_id, started)
    assert view['status'] == 'error'
    reason = protection.reason(ctx, checkpoint_id)
    assert expected_reason in reason, reason
    assert recovery.INTERRUPTED not in reason
    return seconds, reason


def delete_checkpoint(protection, ctx, checkpoint_id):
    protection.delete(ctx, checkpoint_id)
    view, _seconds = protection.wait_final(ctx, checkpoint_id,
                                           time.monotonic())
    assert view['status'] == 'deleted'


def test_bank_full(small_bank, protection, sandbox, ctx, cinder):
    volumes, checkpoint_id, started = start_slow_protect(
        protection, sandbox, ctx, cinder)
    filler = fill(small_bank)

    seconds, reason = check_failed(
        protection, ctx, cinder, volumes, checkpoint_id, started,
        'bank: no space left on device while writing /checkpoints/%s/' %
        checkpoint_id)
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('bank full (%d volumes)' % VOLUMES, seconds, left,
                          reason)

    os.unlink(filler)
    protection.manager.take_over_interrupted(ctx)
    assert not deferred.pending_ids()
    assert bank_status(protection, checkpoint_id) == 'error'
    if BANK_SIZE == '1m':
        # (A smaller bank may be too small for the delete's own writes.)
        delete_checkpoint(protection, ctx, checkpoint_id)


def test_bank_read_only(small_bank, protection, sandbox, ctx, cinder):
    volumes, checkpoint_id, started = start_slow_protect(
        protection, sandbox, ctx, cinder)
    subprocess.run(['mount', '-o', 'remount,ro', small_bank], check=True)

    seconds, reason = check_failed(
        protection, ctx, cinder, volumes, checkpoint_id, started,
        'bank: read-only file system while writing /checkpoints/%s/' %
        checkpoint_id)
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    # Nothing in the cloud; the bank objects wait for the bank.
    assert left['backups'] == left['snapshots'] == 0
    assert bank_status(protection, checkpoint_id) == 'protecting'

    subprocess.run(['mount', '-o', 'remount,rw', small_bank], check=True)
    protection.manager.take_over_interrupted(ctx)
    assert not deferred.pending_ids()
    assert bank_status(protection, checkpoint_id) == 'error'
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('bank read-only (%d volumes)' % VOLUMES, seconds,
                          left, reason)
    delete_checkpoint(protection, ctx, checkpoint_id)


def test_bank_sync_fails(protection, ctx, cinder, monkeypatch):
    """The disk fails the one sync that makes the hooks' writes durable
    before their records: the protect fails with that cause and rolls
    back, in the cloud and in the bank."""
    def failing_sync(path):
        raise OSError(errno.EIO, os.strerror(errno.EIO))
    monkeypatch.setattr(file_system_bank_plugin, '_sync_file_system',
                        failing_sync)
    volumes = faults.new_volumes(cinder, VOLUMES)
    started = time.monotonic()
    checkpoint_id = protection.protect(ctx, volumes)
    seconds, reason = check_failed(
        protection, ctx, cinder, volumes, checkpoint_id, started,
        'bank: input/output error (syncing its file system) while writing')
    left = protection.leftovers(cinder, volumes, checkpoint_id)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    assert bank_status(protection, checkpoint_id) == 'error'
    faults.record_figures('bank sync fails (%d volumes)' % VOLUMES, seconds,
                          left, reason)
    monkeypatch.undo()
    delete_checkpoint(protection, ctx, checkpoint_id)
