"""Take over a running Karbor 1.6.0 deployment, and go back to it.

On MariaDB and on PostgreSQL, with three providers whose banks are a file
system, a real Swift behind the sandbox's Keystone (the only object-store
of its catalog, see ``banks.keystone_swift``) and a moto S3 server:
the original (a black box, see ``original.py``) makes plans, checkpoints,
a restore, a verification, a quota class and operation logs through its
API; the triggers and scheduled operations it cannot make without
Keystone trusts are written as its schema stores them (one of them with
a ``format`` its pattern is not written in, which the original ignored).
It is stopped; our ``db sync`` and ``rebuild_catalog`` take over its
database and banks; ours shows every object through the real ``karbor``
CLI the way the original did (up to added fields), restores the
original's checkpoints and fires each scheduled operation once. Then ours
makes checkpoints, stops, and the original, started again on the same
state (without its operation engine, which refuses the minutely
triggers), lists and restores them. The test prints how many objects were
taken over and which were shown differently.

Run with ``tox -e takeover`` (needs ``karbor-anchor install``).
"""

import contextlib
import datetime
import json
import os
import textwrap
import uuid

import pytest
import sqlalchemy as sa

from karbor.tests import dbfixtures
from karbor.tests.functional.banks import conftest as banks
from karbor.tests.functional import conftest as functional
from karbor.tests.functional import deployment
from karbor.tests.takeover import original as original_lib
from karbor_sandbox import fixture as sandbox_fixture

NOOP = functional.NOOP_PROVIDER
SWIFT = 'c5e6f1d2-7a1b-4d3c-9e8f-0a1b2c3d4e5f'
S3 = 'd6f7a2e3-8b2c-4e4d-8f9a-1b2c3d4e5f60'
# Provider id -> (name, bank plugin, bank sections); sections are
# formatted with the sandbox's Keystone URL (where the Swift plugins find
# the real Swift), the moto URL and the bank directory.
PROVIDERS = {
    NOOP: ('No-Op Provider', 'karbor-fs-bank-plugin', """\
        [file_system_bank_plugin]
        file_system_bank_path = {bank}
        """),
    SWIFT: ('Swift No-Op Provider', 'karbor-swift-bank-plugin', """\
        [swift_client]
        swift_auth_url = {keystone}
        swift_tenant_name = demo
        swift_user = demo
        swift_key = password
        swift_user_domain_name = Default
        swift_project_domain_name = Default
        [swift_bank_plugin]
        bank_swift_object_container = karbor-{tag}
        """),
    S3: ('S3 No-Op Provider', 'karbor-s3-bank-plugin', """\
        [s3_client]
        s3_endpoint = {s3}
        s3_access_key = test
        s3_secret_key = test
        [s3_bank_plugin]
        bank_s3_object_bucket = karbor-{tag}
        bank_s3_lease_bucket = lease-{tag}
        """),
}
# The original's Swift and S3 bank plugins authenticate its trustee.
TRUSTEE = """
[trustee]
auth_type = password
auth_url = {keystone}
username = karbor
password = password
user_domain_id = default
"""
TRANSPORT = 'rabbit://guest:guest@127.0.0.1:5672/%s'
# Lets a trigger fire every minute, so that the test need not wait long.
MINUTELY = 'min_interval = 60\nmin_window_time = 60\n'
# What the CLI shows of each kind of object: (list command, show command,
# and the arguments before the id).
SHOWN = {
    'plan': ('plan-list', 'plan-show', ()),
    'checkpoint': (None, 'checkpoint-show', ()),
    'restore': ('restore-list', 'restore-show', ()),
    'verification': ('verification-list', 'verification-show', ()),
    'trigger': ('trigger-list', 'trigger-show', ()),
    'scheduled operation': ('scheduledoperation-list',
                            'scheduledoperation-show', ()),
    'operation log': ('operationlog-list', 'operationlog-show', ()),
}


@pytest.fixture(params=['mysql', 'postgresql'])
def shared_state(request, tmp_path, moto_endpoint):
    """A database, a RabbitMQ vhost, providers.d and the extra
    configuration of the original, shared by both."""
    backend = request.param
    if not original_lib.installed():
        pytest.skip('the original Karbor is not installed '
                    '(../shared/anchor/karbor-anchor install)')
    if not functional.rabbit_available() or \
            not dbfixtures.available(backend):
        pytest.skip('RabbitMQ and %s are needed' % backend)
    vhost = 'karbor_takeover_%s' % uuid.uuid4().hex[:8]
    original_lib.add_vhost(vhost)
    try:
        with sandbox_fixture.running_sandbox(str(tmp_path / 'sandbox')) \
                as sandbox, banks.keystone_swift(sandbox), \
                _database(backend, tmp_path) as url:
            where = {'keystone': sandbox.auth_url, 's3': moto_endpoint,
                     'bank': tmp_path / 'bank', 'tag': vhost[-8:]}
            yield (url, TRANSPORT % vhost, _providers(tmp_path, where),
                   TRUSTEE.format(**where))
    finally:
        original_lib.delete_vhost(vhost)


def _providers(tmp_path, where):
    providers = tmp_path / 'providers.d'
    providers.mkdir()
    for provider_id, (name, bank, sections) in PROVIDERS.items():
        (providers / ('%s.conf' % provider_id)).write_text(
            textwrap.dedent("""\
                [provider]
                name = %s
                description = Does nothing for each protect and restore
                id = %s
                plugin = karbor-noop-protection-plugin
                bank = %s
                enabled = True
                """) % (name, provider_id, bank) +
            textwrap.dedent(sections).format(**where))
    return str(providers)


def _database(backend, tmp_path):
    if backend == 'mysql':
        return _utf8_database()
    return dbfixtures.database_url(backend, str(tmp_path))


@contextlib.contextmanager
def _utf8_database():
    """An empty MariaDB database in utf8, as the original's migrations
    want it (they convert their tables to utf8)."""
    name = 'karbor_takeover_%s' % uuid.uuid4().hex[:10]
    server = sa.create_engine(dbfixtures.SERVER_URLS['mysql'],
                              isolation_level='AUTOCOMMIT')
    try:
        with server.connect() as conn:
            conn.exec_driver_sql('CREATE DATABASE %s CHARACTER SET utf8'
                                 % name)
        yield server.url.set(database=name).render_as_string(
            hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql('DROP DATABASE IF EXISTS %s' % name)
        server.dispose()


def _id(resp):
    assert resp.status_code == 200, resp.text
    return next(iter(resp.json().values()))['id']


def _wait_status(karbor, path, key, statuses, timeout=60):
    def status():
        resp = karbor.http('GET', path)
        if resp.status_code != 200:
            return None
        value = resp.json()[key]['status']
        return value if value in statuses else None
    return deployment.wait_for(status, timeout=timeout,
                               what='%s in %s' % (path, statuses))


def _checkpoint(karbor, plan_id, provider=NOOP):
    cid = _id(karbor.http('POST', '/providers/%s/checkpoints' % provider,
                          json={'checkpoint': {'plan_id': plan_id}}))
    _wait_status(karbor, '/providers/%s/checkpoints/%s' % (provider, cid),
                 'checkpoint', ('available', 'error'))
    return cid


def _restore(karbor, checkpoint_id, provider=NOOP):
    rid = _id(karbor.http('POST', '/restores', json={'restore': {
        'provider_id': provider, 'checkpoint_id': checkpoint_id,
        'restore_target': None, 'parameters': {}}}))
    return _wait_status(karbor, '/restores/%s' % rid, 'restore',
                        ('success', 'fail'))


def _make_objects(original):
    """What the original makes through its API; returns the ids."""
    ids = {}

    def plan(name, resource, provider=NOOP):
        return _id(original.http('POST', '/plans', json={'plan': {
            'name': name, 'provider_id': provider, 'resources': [resource],
            'parameters': {}}}))
    ids['plan'] = [
        plan('p1', {'id': str(uuid.uuid4()), 'type': 'OS::Cinder::Volume',
                    'name': 'vol1', 'extra_info': {'k': 'v'}}),
        plan('p2', {'id': str(uuid.uuid4()), 'type': 'OS::Nova::Server',
                    'name': 'vm1'}),
        plan('p3', {'id': str(uuid.uuid4()), 'type': 'OS::Cinder::Volume',
                    'name': 'vol3'}, SWIFT),
        plan('p4', {'id': str(uuid.uuid4()), 'type': 'OS::Glance::Image',
                    'name': 'img4'}, S3)]
    ids['checkpoint'] = [_checkpoint(original, ids['plan'][0]),
                         _checkpoint(original, ids['plan'][1]),
                         _checkpoint(original, ids['plan'][2], SWIFT),
                         _checkpoint(original, ids['plan'][3], S3)]
    gone = _checkpoint(original, ids['plan'][1])
    original.http('DELETE', '/providers/%s/checkpoints/%s' % (NOOP, gone))
    _wait_status(original, '/providers/%s/checkpoints/%s' % (NOOP, gone),
                 'checkpoint', ('deleted',))
    assert _restore(original, ids['checkpoint'][0]) == 'success'
    resp = original.http('GET', '/restores')
    ids['restore'] = [r['id'] for r in resp.json()['restores']]
    ids['verification'] = [_id(original.http(
        'POST', '/verifications', json={'verification': {
            'provider_id': NOOP, 'checkpoint_id': ids['checkpoint'][0],
            'parameters': {}}}))]
    resp = original.http('PUT', '/quota_classes/default',
                         json={'quota_class': {'plans': 40}})
    assert resp.status_code == 200, resp.text
    return ids


# Scheduled operations firing every minute: (name, format, pattern).
# The original read every pattern as crontab or as calendar, whichever its
# configuration said, so it ran the second one whatever its format.
SCHEDULES = [
    ('every-minute', 'crontab', '* * * * *'),
    ('calendar-as-crontab', 'crontab',
     'BEGIN:VEVENT\\nRRULE:FREQ=MINUTELY;INTERVAL=1;\\nEND:VEVENT'),
]


def _write_scheduled_operations(url, plan_ids, ids):
    """A trigger and a scheduled operation per entry of SCHEDULES (on its
    own plan), as the original's schema stores them (it needs Keystone
    trusts to make them)."""
    now = datetime.datetime.utcnow().replace(microsecond=0)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        service_id = _engine_service(conn, now)
        for (name, fmt, pattern), plan_id in zip(SCHEDULES, plan_ids):
            trigger_id, operation_id = _write_schedule(
                conn, now, service_id, name, fmt, pattern, plan_id)
            ids.setdefault('trigger', []).append(trigger_id)
            ids.setdefault('scheduled operation', []).append(operation_id)
    engine.dispose()


def _engine_service(conn, now):
    """The id of the original's operation engine in ``services``; one that
    last reported a minute ago where it never ran (on PostgreSQL)."""
    services = sa.Table('services', sa.MetaData(), autoload_with=conn)
    engines = sa.select(services.c.id).where(
        services.c.binary == 'karbor-operationengine')
    found = conn.execute(engines).scalar()
    if found is None:
        then = now - datetime.timedelta(minutes=1)
        conn.execute(services.insert().values(
            created_at=then, updated_at=then, deleted=False,
            host='original-engine', binary='karbor-operationengine',
            topic='karbor-operationengine', report_count=1,
            disabled=False))
        found = conn.execute(engines).scalar()
    return found


def _write_schedule(conn, now, service_id, name, fmt, pattern, plan_id):
    trigger_id, operation_id = str(uuid.uuid4()), str(uuid.uuid4())
    common = {'now': now, 'no': False, 'yes': True, 'name': name,
              'trigger': trigger_id, 'id': operation_id}
    conn.execute(sa.text(
        "INSERT INTO triggers (created_at, deleted, id, name, project_id, "
        "type, properties) VALUES (:now, :no, :trigger, :name, 'demo', "
        "'time', :props)"), dict(common, props=json.dumps({
            'pattern': pattern, 'format': fmt, 'start_time': str(now),
            'window': '300'})))
    conn.execute(sa.text(
        "INSERT INTO trigger_executions (created_at, deleted, id, "
        "trigger_id, execution_time) VALUES (:now, :no, :execution, "
        ":trigger, :at)"), dict(
            common, execution=str(uuid.uuid4()),
            at=now.replace(second=0) + datetime.timedelta(minutes=1)))
    conn.execute(sa.text(
        "INSERT INTO scheduled_operations (created_at, deleted, id, name, "
        "description, operation_type, user_id, project_id, trigger_id, "
        "operation_definition, enabled) VALUES (:now, :no, :id, :name, "
        "NULL, 'protect', 'demo', 'demo', :trigger, :definition, :yes)"),
        dict(common, definition=json.dumps({'provider_id': NOOP,
                                            'plan_id': plan_id})))
    conn.execute(sa.text(
        "INSERT INTO scheduled_operation_states (created_at, deleted, "
        "operation_id, service_id, trust_id, state) VALUES (:now, :no, "
        ":id, :service, 'trust-of-demo', 'registered')"),
        dict(common, service=service_id))
    return trigger_id, operation_id


def _views(karbor, ids, providers):
    """Every object as the CLI shows it: {(kind, id): {field: value}}.
    ``providers``: checkpoint id -> provider id."""
    views = {}
    for kind, (_list, show, before) in SHOWN.items():
        for object_id in ids.get(kind, []):
            if kind == 'checkpoint':
                before = (providers[object_id],)
            out = karbor.karbor(show, *before, object_id).stdout
            views[kind, object_id] = deployment.property_table(out)
    return views


def _list_rows(karbor):
    """The rows of every list command: {command: {id: {column: value}}},
    the lines of a multi-line cell (a checkpoint's protection plan)
    joined. Rows are compared by id: checkpoints ours makes meanwhile
    (scheduled operations fire as soon as it starts) are rows of their
    own, not continuations of another's."""
    lists = {}
    commands = [c for c, _show, _before in SHOWN.values() if c]
    for command in commands + ['checkpoint-list %s' % p for p in PROVIDERS]:
        rows = deployment.table_rows(karbor.karbor(*command.split()).stdout)
        header = rows[0] if rows else []
        found = lists[command] = {}
        for row in rows[1:]:
            cells = dict(zip(header, row))
            if cells['Id']:
                found[cells['Id']] = current = cells
                continue
            for name, value in cells.items():
                if value:
                    current[name] += '\n' + value
    return lists


def _differences(theirs, ours):
    """Fields the original showed that ours shows otherwise."""
    return {key: {name: (value, ours.get(key, {}).get(name))
                  for name, value in shown.items()
                  if ours.get(key, {}).get(name) != value}
            for key, shown in theirs.items()
            if any(ours.get(key, {}).get(name) != value
                   for name, value in shown.items())}


def _summary(ids, shown, listed):
    """What the tier prints: objects taken over, and shown differently
    (by show or list commands), with the fields that differ."""
    fields = {}
    for (kind, object_id), differing in shown.items():
        fields.setdefault((kind, object_id), set()).update(differing)
    for command, rows in listed.items():
        for object_id, (theirs, ours) in rows.items():
            key = next((k for k in fields if k[1] == object_id),
                       (command, object_id))
            fields.setdefault(key, set()).update(
                name for name in theirs if theirs[name] != ours.get(name))
    return '%d objects taken over (%s); %d shown differently%s' % (
        sum(len(v) for v in ids.values()),
        ', '.join('%s %d' % (kind, len(v)) for kind, v in ids.items()),
        len(fields), ''.join('; %s %s: %s' % (kind, object_id, ', '.join(
            sorted(names))) for (kind, object_id), names in sorted(
                fields.items())))


def _take_over(ours):
    """db sync and rebuild_catalog; checks what they report."""
    synced = [line for line in ours.manage('db', 'sync').stdout.splitlines()
              if line.startswith('Trigger ')]
    assert len(synced) == 1 and ' (calendar-as-crontab): format crontab ' \
        'changed to calendar' in synced[0], synced
    report = ours.manage('checkpoint', 'rebuild_catalog').stdout
    for line in ('No-Op Provider (%s): 3 checkpoints (available 2, deleted '
                 '1), 0 unreadable' % NOOP,
                 'Swift No-Op Provider (%s): 1 checkpoints (available 1), '
                 '0 unreadable' % SWIFT,
                 'S3 No-Op Provider (%s): 1 checkpoints (available 1), '
                 '0 unreadable' % S3):
        assert line in report, report


def _fired(ours, ids):
    """Waits until each scheduled operation made one checkpoint; returns
    {plan id: [checkpoint ids]} of the checkpoints they made."""
    plans = ids['plan'][:len(SCHEDULES)]

    def made():
        found = {}
        for c in ours.http('GET', '/providers/%s/checkpoints' % NOOP).json()[
                'checkpoints']:
            if c['id'] not in ids['checkpoint']:
                found.setdefault(c['protection_plan']['id'], []).append(
                    c['id'])
        return found if set(found) >= set(plans) else None
    return deployment.wait_for(made, timeout=150, interval=2,
                               what='the scheduled operations to fire')


def _runs(url, operation_ids):
    """{operation id: {fire time: runs}} from the scheduled operation
    logs (runs dropped out of their window left out)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                'SELECT operation_id, expect_start_time, COUNT(*) AS runs '
                'FROM scheduled_operation_logs WHERE state != '
                "'dropped_out_of_window' GROUP BY operation_id, "
                'expect_start_time')).fetchall()
    finally:
        engine.dispose()
    runs = {operation_id: {} for operation_id in operation_ids}
    for row in rows:
        runs[row.operation_id][row.expect_start_time] = row.runs
    return runs


@pytest.mark.timeout(900)
def test_take_over_and_go_back(shared_state, tmp_path):
    url, transport, providers, original_conf = shared_state
    services = deployment.SERVICES
    if url.startswith('postgresql'):
        services = tuple(s for s in services
                         if s != 'karbor-operationengine')
    original = original_lib.Original(str(_dir(tmp_path, 'original')), url,
                                     transport, providers,
                                     extra_conf=original_conf,
                                     services=services)
    original.start(timeout=120)
    try:
        ids = _make_objects(original)
        _write_scheduled_operations(url, ids['plan'][:2], ids)
        resp = original.http('GET', '/operation_logs')
        ids['operation log'] = [log['id'] for log in
                                resp.json()['operation_logs']]
        where = dict(zip(ids['checkpoint'], [NOOP, NOOP, SWIFT, S3]))
        theirs = _views(original, ids, where)
        their_lists = _list_rows(original)
    finally:
        original.stop()

    ours = deployment.Deployment(str(_dir(tmp_path, 'ours')), url,
                                 transport, providers,
                                 extra_conf=functional.SERVICE_CONF +
                                 MINUTELY)
    _take_over(ours)
    ours.start()
    try:
        shown = _differences(theirs, _views(ours, ids, where))
        listed = _differences(their_lists, _list_rows(ours))
        print('takeover on %s: %s' % (url.split(':')[0],
                                      _summary(ids, shown, listed)))
        # The original never ends the operation log of a verification (it
        # stays in_progress); ours ends what a restart interrupted
        # (decisions.md #14). The trigger whose format disagreed with its
        # pattern shows the format of its pattern. Nothing else may differ.
        interrupted = {key[1] for key, fields in shown.items()
                       if fields.get('status') == ('in_progress', 'error')}
        assert len(interrupted) == 1
        fixed = ('trigger', ids['trigger'][1])
        assert set(shown) == {('operation log', i) for i in interrupted} | {
            fixed}
        theirs_shown, ours_shown = shown[fixed]['properties']
        assert ours_shown.replace('calendar', 'crontab') == theirs_shown
        assert set(listed) <= {'operationlog-list', 'trigger-list'}, listed
        assert set(listed['operationlog-list']) == interrupted
        assert set(listed.get('trigger-list', {})) <= {fixed[1]}

        for checkpoint_id in ids['checkpoint'][1:]:
            assert _restore(ours, checkpoint_id,
                            where[checkpoint_id]) == 'success'
        fired = _fired(ours, ids)
        # Each fires at its times, once each, the one whose format
        # disagreed with its pattern included (on a slow machine both may
        # have fired at more than one time by now).
        runs = _runs(url, ids['scheduled operation'])
        assert all(runs.values()), runs
        assert all(count == 1 for times in runs.values()
                   for count in times.values()), runs
        made_by_ours = {
            _checkpoint(ours, ids['plan'][1]): NOOP,
            _checkpoint(ours, ids['plan'][2], SWIFT): SWIFT,
            _checkpoint(ours, ids['plan'][3], S3): S3}
    finally:
        ours.stop()

    # Without its operation engine: started again, it checks every trigger
    # against its min_interval (3600 s, and it takes no minutely
    # configuration) and exits, as these fire every minute.
    original.services = tuple(s for s in original.services
                              if s != 'karbor-operationengine')
    original.start(timeout=120)
    try:
        listed = {c['id'] for provider in PROVIDERS
                  for c in original.http(
                      'GET', '/providers/%s/checkpoints' % provider).json()[
                          'checkpoints']}
        assert set(made_by_ours) | {
            c for made in fired.values() for c in made} <= listed
        for checkpoint_id, provider in made_by_ours.items():
            shown = original.http('GET', '/providers/%s/checkpoints/%s' % (
                provider, checkpoint_id)).json()['checkpoint']
            assert shown['status'] == 'available'
            assert _restore(original, checkpoint_id, provider) == 'success'
    finally:
        original.stop()


def _dir(tmp_path, name):
    path = tmp_path / name
    os.makedirs(path, exist_ok=True)
    return path
