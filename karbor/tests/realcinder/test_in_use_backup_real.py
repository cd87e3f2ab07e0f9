"""Real Cinder's rule for backing up an in-use volume is the sandbox's.

The cases (karbor/tests/sandbox/in_use_backup_rule.py) run unchanged
against the sandbox in karbor/tests/sandbox/test_volume.py. This tier has
no cinder-backup service: an accepted backup is only checked to exist (the
scheduler then puts it in ``error``), and an administrator removes the
snapshots and volumes each case made, so that the demo project's volume
quota stays free.
"""

from cinderclient import client as cinder_client
import pytest

from karbor.tests.functional.plugins import helpers
from karbor.tests.sandbox import in_use_backup_rule


@pytest.fixture
def admin_cinder(real_cloud):
    return cinder_client.Client(helpers.CINDER_VERSION,
                                session=real_cloud.admin_session())


def _ids(manager):
    return {item.id for item in manager.list()}


@pytest.fixture
def cleaned(cinder, admin_cinder):
    """Delete the snapshots and volumes a case made."""
    managers = (cinder.backups, cinder.volume_snapshots, cinder.volumes)
    before = [_ids(m) for m in managers]
    yield
    made = [_ids(m) - old for m, old in zip(managers, before)]
    # Without a backup service Cinder cannot delete the (error) backups;
    # they do not count against the volumes quota.
    for backup_id in made[0]:
        helpers.wait_until(lambda: cinder.backups.get(
            backup_id).status not in ('creating', 'backing-up'), 60)
    for snapshot_id in made[1]:
        admin_cinder.volume_snapshots.reset_state(snapshot_id, 'available')
        cinder.volume_snapshots.delete(snapshot_id)
    helpers.wait_until(lambda: not made[1] & _ids(cinder.volume_snapshots),
                       60)
    for volume_id in made[2]:
        admin_cinder.volumes.reset_state(volume_id, 'available',
                                         attach_status='detached')
        cinder.volumes.delete(volume_id)
    helpers.wait_until(lambda: not made[2] & _ids(cinder.volumes), 60)


@pytest.mark.parametrize('name,source,force,refusal',
                         in_use_backup_rule.CASES,
                         ids=[c[0] for c in in_use_backup_rule.CASES])
def test_backup_of_in_use_volume(cinder, cleaned, name, source, force,
                                 refusal):
    volume, snapshot, message = in_use_backup_rule.attempt(cinder, source,
                                                           force)
    assert message == refusal
    if refusal is None:
        (backup,) = cinder.backups.list(
            search_opts={'volume_id': volume.id})
        assert backup.snapshot_id == (snapshot.id if snapshot else None)
