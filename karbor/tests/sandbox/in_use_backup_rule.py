"""Cinder's rule for backing up an in-use volume, as data.

Run against the sandbox (karbor/tests/sandbox/test_volume.py) and against a
real Cinder (karbor/tests/realcinder/test_in_use_backup_real.py), so the two
must agree: a backup from an ``available`` snapshot of the volume is
accepted whatever the volume's status and ``force``; a backup of the volume
itself, when it is ``in-use``, needs ``force``.
"""

import time

from cinderclient import exceptions as cinder_exc

FORCE_NEEDED = ('Invalid volume: Backing up an in-use volume must use the '
                'force flag.')
OTHER_VOLUME = ('Invalid volume: Volume %(volume)s does not match with '
                'snapshot.volume_id %(other)s.')

# (case name, backup from: None | 'own' | 'other' snapshot, force,
#  expected refusal or None when accepted)
CASES = (
    ('volume without force', None, False, FORCE_NEEDED),
    ('volume with force', None, True, None),
    ('own snapshot without force', 'own', False, None),
    ('own snapshot with force', 'own', True, None),
    ('snapshot of another volume', 'other', True, OTHER_VOLUME),
)


def wait_status(get, wanted, timeout=60):
    deadline = time.time() + timeout
    while True:
        obj = get()
        if obj.status == wanted:
            return obj
        assert time.time() < deadline, 'stuck in %s' % obj.status
        time.sleep(0.1)


def new_volume(cinder, name):
    volume = cinder.volumes.create(1, name=name)
    return wait_status(lambda: cinder.volumes.get(volume.id), 'available')


def attached_volume(cinder, name):
    """A new volume attached (legacy os-attach) to a made-up server."""
    volume = new_volume(cinder, name)
    cinder.volumes.reserve(volume)
    cinder.volumes.attach(volume, '0b9c8a1e-2f34-4d6e-9a7b-5c3d2e1f0a9b',
                          '/dev/vdb')
    return wait_status(lambda: cinder.volumes.get(volume.id), 'in-use')


def snapshot_of(cinder, volume):
    snapshot = cinder.volume_snapshots.create(volume.id, force=True)
    return wait_status(lambda: cinder.volume_snapshots.get(snapshot.id),
                       'available')


def attempt(cinder, source, force):
    """Ask for a backup of a new in-use volume as a case says.

    Returns ``(volume, snapshot, message)``: the refusal's message (with
    ids replaced by ``%(volume)s`` / ``%(other)s``), or None if Cinder
    accepted the backup (a Backup then is ``created``).
    """
    volume = attached_volume(cinder, 'in-use-backup')
    snapshot = None
    if source == 'own':
        snapshot = snapshot_of(cinder, volume)
    elif source == 'other':
        snapshot = snapshot_of(cinder, new_volume(cinder, 'other'))
    try:
        created = cinder.backups.create(
            volume.id, force=force,
            snapshot_id=snapshot.id if snapshot else None)
    except cinder_exc.BadRequest as err:
        message = err.message
        if snapshot is not None:
            message = message.replace(snapshot.volume_id, '%(other)s')
        return volume, snapshot, message.replace(volume.id, '%(volume)s')
    assert created.id
    return volume, snapshot, None
