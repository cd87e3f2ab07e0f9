"""Fault tests: a real protection manager protecting sandbox volumes.

``protection`` is a ``ProtectionManager`` (called directly, without RPC)
on SQLite, real flows and a Cinder backup provider whose file-system bank
may sit on a small tmpfs; its clients reach the module's sandbox cloud
over HTTP. After each fault the test walks the sandbox (with cinderclient)
and the bank for what the operation left behind, and checks the recorded
reason. Each test records its figures (time to the final status, objects
left behind), printed at the end of the run.
"""

import json
import os
import subprocess
import textwrap
import time
import uuid

from oslo_config import cfg
import pytest

from karbor.common import constants
from karbor import objects
from karbor.services.protection import deferred
from karbor.services.protection import manager as protection_manager
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.functional.plugins.conftest import cinder  # noqa: F401
from karbor.tests.functional.plugins.conftest import cloud  # noqa: F401
from karbor.tests.functional.plugins.conftest import ctx  # noqa: F401
from karbor.tests.functional.plugins.conftest import sandbox  # noqa: F401
from karbor.tests.functional.plugins import helpers

CONF = cfg.CONF
PROVIDER = 'c0ffee00-4f4e-4b1d-9c6a-0a0b0c0d0e0f'
VOLUME = constants.VOLUME_RESOURCE_TYPE
FINAL = ('available', 'error', 'deleted', 'error-deleting')
# Where a run's figures go as JSON lines, besides the terminal summary.
FIGURES_FILE = os.environ.get('KARBOR_FAULT_FIGURES')
FIGURES = []

PROVIDER_CONF = """\
[provider]
name = Fault test provider
id = {id}
plugin = karbor-volume-protection-plugin
bank = karbor-fs-bank-plugin
enabled = True

[file_system_bank_plugin]
file_system_bank_path = {bank}

[cinder_backup_protection_plugin]
poll_interval = 0.02
status_timeout = 30
"""


def record_figures(name, seconds, left, reason, expected=None):
    """Remember a fault test's figures for the summary; ``expected`` says
    why objects are left behind, when they must be."""
    entry = {'fault': name, 'seconds_to_final': round(seconds, 2),
             'left_behind': sum(left.values()), 'detail': left,
             'reason': reason, 'expected': expected}
    FIGURES.append(entry)
    if FIGURES_FILE:
        with open(FIGURES_FILE, 'a') as out:
            out.write(json.dumps(entry) + '\n')


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section('fault figures')
    for entry in FIGURES:
        terminalreporter.write_line(
            '%-34s final after %6.2f s, left behind %d %s%s' % (
                entry['fault'], entry['seconds_to_final'],
                entry['left_behind'], entry['detail'],
                ' (expected: %s)' % entry['expected'] if entry['expected']
                else ''))


def mount_tmpfs(path, size='256k'):
    """Mount a tmpfs of ``size`` at ``path``; skip the test if we can't."""
    os.makedirs(path, exist_ok=True)
    result = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=%s' % size,
                             'tmpfs', path], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip('cannot mount a tmpfs: %s' % result.stderr.strip())


def umount(path):
    subprocess.run(['umount', '-l', path], capture_output=True)


class Protection(object):
    """The manager, its bank and what the tests ask of them."""

    def __init__(self, manager, bank_dir):
        self.manager = manager
        self.bank_dir = bank_dir

    @property
    def bank_root(self):
        return os.path.join(self.bank_dir, 'karbor')

    def protect(self, context, volumes):
        plan = {'id': str(uuid.uuid4()), 'name': 'faults',
                'provider_id': PROVIDER, 'project_id': context.project_id,
                'parameters': {},
                'resources': [{'id': v.id, 'type': VOLUME, 'name': v.name}
                              for v in volumes]}
        return self.manager.protect(context, plan)['id']

    def delete(self, context, checkpoint_id):
        self.manager.delete(context, PROVIDER, checkpoint_id)

    def show(self, context, checkpoint_id):
        return self.manager.show_checkpoint(context, PROVIDER, checkpoint_id)

    def wait_final(self, context, checkpoint_id, started, timeout=60):
        """Wait for a final status; returns ``(view, seconds)``."""
        deadline = time.monotonic() + timeout
        while True:
            view = self.show(context, checkpoint_id)
            if view['status'] in FINAL:
                return view, time.monotonic() - started
            assert time.monotonic() < deadline, view['status']
            time.sleep(0.05)

    @staticmethod
    def wait_restore(context, restore_id, timeout=60):
        """The restore record once it ended."""
        deadline = time.monotonic() + timeout
        while True:
            record = objects.Restore.get_by_id(context, restore_id)
            if record.status in ('success', 'fail'):
                return record
            assert time.monotonic() < deadline, record.status
            time.sleep(0.05)

    @staticmethod
    def reason(context, checkpoint_id, operation='protect'):
        """The error reason of the checkpoint's ``operation`` log."""
        logs = objects.OperationLogList.get_all(context, filters={
            'checkpoint_id': checkpoint_id,
            'operation_type': operation})
        assert len(logs) == 1, logs
        assert logs[0].status in ('success', 'error'), logs[0].status
        return logs[0].error_info

    def leftovers(self, cinder, volumes, checkpoint_id):  # noqa: F811
        """Count what the operation left: Cinder backups and snapshots of
        ``volumes``, and bank objects of the checkpoint's resources and
        temporary files."""
        ids = {v.id for v in volumes}
        left = {
            'backups': len([b for b in cinder.backups.list()
                            if b.volume_id in ids]),
            'snapshots': len([s for s in cinder.volume_snapshots.list()
                              if s.volume_id in ids]),
            'bank objects': 0,
        }
        data = os.path.join(self.bank_root, 'checkpoints', checkpoint_id,
                            'resource-data')
        for _dir, _subdirs, files in os.walk(data):
            left['bank objects'] += len(files)
        for _dir, _subdirs, files in os.walk(self.bank_root):
            left['bank objects'] += len([f for f in files if '#tmp-' in f])
        return left


def write_provider(directory, bank_dir):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, 'faults.conf'), 'w') as conf:
        conf.write(textwrap.dedent(PROVIDER_CONF.format(id=PROVIDER,
                                                        bank=bank_dir)))
    return directory


@pytest.fixture
def bank_dir(tmp_path):
    return str(tmp_path / 'bank')


@pytest.fixture
def protection(tmp_path, bank_dir, sqlite_db, cloud):  # noqa: F811
    """A protection manager whose provider's bank is ``bank_dir``."""
    objects.register_all()
    CONF.set_override('state_path', str(tmp_path))
    CONF.set_override('provider_config_dir', write_provider(
        str(tmp_path / 'providers.d'), bank_dir))
    CONF.set_override('flow_persistence_connection',
                      'sqlite:///%s' % (tmp_path / 'flows.sqlite'),
                      group='protection')
    manager = protection_manager.ProtectionManager(host='faults-host')
    try:
        yield Protection(manager, bank_dir)
    finally:
        manager.runner.shutdown(wait=True)
        deferred.retry()


def new_volumes(cinder, count):  # noqa: F811
    return [helpers.new_volume(cinder, 'fault%d' % i) for i in range(count)]
