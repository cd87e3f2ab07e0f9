"""Real Cinder's rule for backing up an in-use volume is the sandbox's.

The cases (karbor/tests/sandbox/in_use_backup_rule.py) run unchanged
against the sandbox in karbor/tests/sandbox/test_volume.py. This tier has
no cinder-backup service: an accepted backup is only checked to exist.
"""

import pytest

from karbor.tests.sandbox import in_use_backup_rule


@pytest.mark.parametrize('name,source,force,refusal',
                         in_use_backup_rule.CASES,
                         ids=[c[0] for c in in_use_backup_rule.CASES])
def test_backup_of_in_use_volume(cinder, name, source, force, refusal):
    volume, snapshot, message = in_use_backup_rule.attempt(cinder, source,
                                                           force)
    assert message == refusal
    if refusal is None:
        (backup,) = cinder.backups.list(
            search_opts={'volume_id': volume.id})
        assert backup.snapshot_id == (snapshot.id if snapshot else None)
