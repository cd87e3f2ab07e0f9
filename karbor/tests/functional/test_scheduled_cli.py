"""Scheduled protection with the real ``karbor`` CLI against ``karbor-all``
(Keystone mode on the sandbox's Keystone, embedded limits: triggers may
fire every minute), on real time.

One module-wide minute serves every case: a crontab and a calendar trigger
each protect a plan, and a third operation whose trust was revoked fails
with the reason.
"""

import datetime
import time

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
import pytest

from karbor.cmd import all as karbor_all

from karbor.tests.functional import deployment
from karbor.tests.functional import quickstart
from karbor.tests.functional import test_seed_replay as seed

NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
OS_INFRA = seed.OS_INFRA
EVERY_10S = 'BEGIN:VEVENT\\nRRULE:FREQ=SECONDLY;INTERVAL=10;\\nEND:VEVENT'
CALENDAR = 'BEGIN:VEVENT\\nRRULE:FREQ=MINUTELY;INTERVAL=1;\\nEND:VEVENT'
# A run starts at most a few seconds after its minute; its checkpoint
# must be there within 70 s of it.
DEADLINE = 135
IDENTITY = {'service_type': 'identity', 'interface': 'public'}


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('scheduled'))
    # The embedded configuration, with triggers allowed every 10 s for the
    # retention case.
    path = karbor_all.write_embedded_config(
        setup.state_dir, port=setup.port, sandbox_port=setup.sandbox_port)
    with open(path) as conf:
        text = conf.read()
    assert 'min_interval = 60' in text
    with open(path, 'w') as conf:
        conf.write(text.replace('min_interval = 60', 'min_interval = 10'))
    setup.start()
    yield setup
    setup.stop()


def keystone(karbor):
    """A session of the demo user on the sandbox's Keystone."""
    return ks_session.Session(auth=v3.Password(
        auth_url='http://127.0.0.1:%d/identity/v3' % karbor.sandbox_port,
        username='demo', password='password', project_name='demo',
        user_domain_id='default', project_domain_id='default'))


def list_trusts(session):
    return session.get('/OS-TRUST/trusts',
                       endpoint_filter=IDENTITY).json()['trusts']


def api_get(karbor, session, path):
    url = 'http://127.0.0.1:%d/v1/%s/%s' % (karbor.port, karbor.project_id,
                                            path)
    return session.get(url).json()


def run_logs(karbor, session, operation_id):
    return api_get(karbor, session, 'scheduled_operations/%s/logs'
                   % operation_id)['scheduled_operation_logs']


def wait_for_logs(karbor, session, operation_ids, timeout=DEADLINE):
    deadline = time.monotonic() + timeout
    while True:
        found = {op: [log for log in run_logs(karbor, session, op)
                      if log['state'] != 'in_progress']
                 for op in operation_ids}
        if all(found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(1)


def ended_after(log):
    """Seconds from the fire time to the end of the run."""
    expected, ended = (datetime.datetime.fromisoformat(log[key])
                       for key in ('expect_start_time', 'end_time'))
    return (ended - expected).total_seconds()


def schedule(karbor, name, plan_id, properties):
    trigger = karbor.show('trigger-create', name, 'time', properties)
    operation = karbor.show('scheduledoperation-create', name, 'protect',
                            trigger['id'], 'plan_id=%s,provider_id=%s'
                            % (plan_id, NOOP))
    return trigger, operation


def test_scheduled_protection_with_the_cli(karbor):
    volumes = seed.create_volumes(karbor, 'scheduled-vol')
    plan = seed.plan_create(karbor, NOOP, volumes, name='scheduled')
    session = keystone(karbor)
    cron, cron_op = schedule(karbor, 'every minute', plan['id'],
                             'pattern=* * * * *,format=crontab,window=30')
    assert '"format": "crontab"' in cron['properties']
    calendar, calendar_op = schedule(
        karbor, 'calendar minute', plan['id'],
        'pattern=%s,format=calendar,window=20' % CALENDAR)
    before = {t['id'] for t in list_trusts(session)}
    assert len(before) == 2
    revoked, revoked_op = schedule(karbor, 'revoked', plan['id'],
                                   'pattern=* * * * *,format=crontab')
    [trust] = {t['id'] for t in list_trusts(session)} - before
    session.delete('/OS-TRUST/trusts/%s' % trust, endpoint_filter=IDENTITY)
    # Listing, showing and updating with the CLI.
    listed = {row[0] for row in seed.rows(karbor.karbor(
        'trigger-list').stdout)}
    assert {cron['id'], calendar['id'], revoked['id']} <= listed
    assert karbor.show('trigger-show', cron['id'])['name'] == 'every minute'
    karbor.karbor('trigger-update', calendar['id'], '--name', 'cal')
    assert karbor.show('trigger-show', calendar['id'])['name'] == 'cal'
    operations = {row[0] for row in seed.rows(karbor.karbor(
        'scheduledoperation-list').stdout)}
    assert {cron_op['id'], calendar_op['id'], revoked_op['id']} <= operations
    assert karbor.show('scheduledoperation-show', cron_op['id'])[
        'trigger_id'] == cron['id']
    found = wait_for_logs(karbor, session, [
        cron_op['id'], calendar_op['id'], revoked_op['id']])
    states = {op: [log['state'] for log in logs]
              for op, logs in found.items()}
    for op in (cron_op, calendar_op, revoked_op):
        logs = found[op['id']]
        assert logs, (op, karbor.log()[-3000:])
        if logs[0]['state'] == 'success':
            checkpoint = karbor.show('checkpoint-show', NOOP, logs[0][
                'extend_info']['checkpoint_id'])
            assert 'operation-engine' in checkpoint['extra_info']
            assert op['id'] in checkpoint['extra_info']
            assert ended_after(logs[0]) < 70, logs[0]
        else:
            assert logs[0]['state'] == 'failed'
            assert 'trust' in logs[0]['extend_info']['reason']
    # A slow machine may let a trigger fire again before all three ran
    # once: more runs are fine, two runs of one fire time are not.
    assert sorted(sorted(set(runs)) for runs in states.values()) == [
        ['failed'], ['success'], ['success']], states
    for logs in found.values():
        fire_times = [log['expect_start_time'] for log in logs]
        assert len(set(fire_times)) == len(fire_times), logs
    # A trigger in use cannot be deleted; then everything goes.
    refused = karbor.karbor('trigger-delete', cron['id'], check=False)
    assert refused.returncode != 0
    for op in (cron_op, calendar_op, revoked_op):
        karbor.karbor('scheduledoperation-delete', op['id'])
    for trigger in (cron, calendar, revoked):
        karbor.karbor('trigger-delete', trigger['id'])
    assert seed.rows(karbor.karbor('scheduledoperation-list').stdout) == []
    assert list_trusts(session) == []


def backups_of(karbor, volume_id):
    return {row[0] for row in seed.rows(karbor.cinder('backup-list').stdout)
            if row[1] == volume_id}


def test_retention_on_cinder_backups_keeps_the_two_newest(karbor):
    """``retention_protect`` with ``max_backups=2`` on the Cinder backup
    provider, over 4 runs on real time: the two newest checkpoints and
    their backups stay, the older ones are deleted with their backups."""
    volumes = seed.create_volumes(karbor, 'retained-vol')
    plan = seed.plan_create(karbor, OS_INFRA, volumes, name='retained')
    session = keystone(karbor)
    trigger = karbor.show('trigger-create', 'every 10 s', 'time',
                          'pattern=%s,format=calendar,window=20' % EVERY_10S)
    operation = karbor.show(
        'scheduledoperation-create', 'keep two', 'retention_protect',
        trigger['id'], 'plan_id=%s,provider_id=%s,max_backups=2'
        % (plan['id'], OS_INFRA))
    deadline = time.monotonic() + 90
    while True:
        logs = [log for log in run_logs(karbor, session, operation['id'])
                if log['state'] != 'in_progress']
        if len(logs) >= 4 or time.monotonic() > deadline:
            break
        time.sleep(1)
    karbor.karbor('scheduledoperation-delete', operation['id'])
    karbor.karbor('trigger-delete', trigger['id'])
    logs.reverse()
    assert [log['state'] for log in logs][:4] == ['success'] * 4, logs
    made = [log['extend_info']['checkpoint_id'] for log in logs]
    deleted = sum((log['extend_info']['deleted_checkpoints']
                   for log in logs), [])
    assert deleted[:2] == made[:2]
    statuses = {}
    for checkpoint_id in made[:4]:
        shown = karbor.karbor('checkpoint-show', OS_INFRA, checkpoint_id,
                              check=False)
        statuses[checkpoint_id] = deployment.property_table(
            shown.stdout).get('status') if shown.returncode == 0 else None
    assert [statuses[c] for c in made[2:4]] == ['available'] * 2, statuses
    assert all(statuses[c] in ('deleting', 'deleted', None)
               for c in made[:2]), statuses
    volume_id = volumes['retained-vol']
    deadline = time.monotonic() + 30
    while len(backups_of(karbor, volume_id)) != 2 and \
            time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(backups_of(karbor, volume_id)) == 2
