"""``karbor-manage db sync`` on a database of the original Karbor 1.6.0.

The dumps in ``karbor16/`` were made by the original itself: its own
``karbor-manage db sync`` and API (plans, checkpoints, a restore, a
verification, a quota class, operation logs, services), then the rows it
cannot make without Keystone (``karbor16/rows.sql``: triggers, a trigger
execution, a scheduled operation with its state and trust id, a scheduled
operation log, quotas), then ``mysqldump`` / ``pg_dump``.
"""

import datetime
import json
import os
import subprocess

import pytest
import sqlalchemy as sa
from alembic import autogenerate
from alembic import migration as alembic_migration

from karbor import context
from karbor.db import api as db
from karbor.db import migration
from karbor.db.sqlalchemy import models
from karbor import exception
from karbor.tests import dbfixtures

DUMPS = os.path.join(os.path.dirname(__file__), 'karbor16')
# Tables whose rows must all come through.
TABLES = ('services', 'plans', 'resources', 'restores', 'verifications',
          'operation_logs', 'triggers', 'trigger_executions',
          'scheduled_operations', 'scheduled_operation_states',
          'scheduled_operation_logs', 'quotas', 'quota_classes',
          'quota_usages', 'reservations')
SOFT_DELETED_REPEATED_QUOTA = ('demo', 'plans', 10)
# JSON columns the original left empty (NULL) and ours hold as '{}'.
FILLED = ('parameters', 'resources_status', 'resources_reason',
          'resource_extra_info')


def _load(backend, url):
    """Restore the original's dump into the empty database ``url``."""
    parsed = sa.engine.make_url(url)
    if backend == 'mysql':
        command = ['mariadb', '-h', parsed.host or '127.0.0.1',
                   '-P', str(parsed.port or 3306), '-u', parsed.username,
                   parsed.database]
    else:
        command = ['psql', '-q', '-v', 'ON_ERROR_STOP=1', '-h',
                   parsed.host or '127.0.0.1', '-p',
                   str(parsed.port or 5432), '-U', parsed.username,
                   parsed.database]
    env = dict(os.environ, MYSQL_PWD=parsed.password or '',
               PGPASSWORD=parsed.password or '')
    with open(os.path.join(DUMPS, '%s.sql' % (
            'mariadb' if backend == 'mysql' else 'postgresql'))) as dump:
        subprocess.run(command, stdin=dump, env=env, check=True,
                       capture_output=True, timeout=60)


def _value(name, value):
    if name in FILLED and value is None:
        return '{}'
    if name == 'deleted':
        return bool(value)
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    return value


def _rows(engine):
    """Every row of the taken-over tables, comparable across types."""
    rows = {}
    with engine.connect() as conn:
        for table in TABLES:
            result = conn.execute(sa.text('SELECT * FROM %s' % table))
            rows[table] = sorted(
                (tuple(sorted((k, _value(k, v))
                              for k, v in row._mapping.items()))
                 for row in result), key=repr)
    return rows


@pytest.fixture(params=['mysql', 'postgresql'])
def original_db(request, tmp_path):
    """A fresh database holding the original's dump; yields (backend, url,
    engine)."""
    backend = request.param
    if not dbfixtures.available(backend):
        pytest.skip('%s is not running' % backend)
    with dbfixtures.database_url(backend, str(tmp_path)) as url:
        _load(backend, url)
        engine = sa.create_engine(url)
        try:
            yield backend, url, engine
        finally:
            engine.dispose()


def _schema_differences(engine):
    with engine.connect() as conn:
        context_ = alembic_migration.MigrationContext.configure(
            conn, opts={'compare_type': True})
        return autogenerate.compare_metadata(context_,
                                             models.BASE.metadata)


def test_takeover_keeps_every_row_and_lands_on_our_schema(original_db):
    _backend, url, engine = original_db
    with engine.connect() as conn:
        assert migration.original_version(conn) == 3
    before = _rows(engine)
    assert all(before[t] for t in TABLES if t != 'reservations')

    migration.db_sync(engine=engine)

    assert migration.db_version(engine=engine) == migration.head_version()
    after = _rows(engine)
    repeated = [r for r in before['quotas']
                if (dict(r)['project_id'], dict(r)['resource'],
                    dict(r)['hard_limit']) == SOFT_DELETED_REPEATED_QUOTA]
    assert len(repeated) == 1 and dict(repeated[0])['deleted']
    before['quotas'].remove(repeated[0])
    assert after == before
    # The original's bookkeeping stays, and its JSON columns stay
    # nullable, so that it can be started again.
    differences = _schema_differences(engine)
    tables = [d for d in differences if not isinstance(d, list)]
    assert sorted(d[1].name for d in tables) == [
        'checkpoint_records', 'migrate_version']
    assert {d[0] for d in tables} == {'remove_table'}
    columns = [c for d in differences if isinstance(d, list) for c in d]
    assert {c[0] for c in columns} == {'modify_nullable'}
    assert {(c[2], c[3]) for c in columns} == {
        (table, column) for table, column in [
            ('plans', 'parameters'), ('resources', 'resource_extra_info')] +
        [(table, column) for table in ('restores', 'verifications')
         for column in ('parameters', 'resources_status',
                        'resources_reason')]}

    # Idempotent: nothing to do the second time.
    migration.db_sync(engine=engine)
    assert _rows(engine) == after


def test_taken_over_objects_are_read_by_our_db_api(original_db):
    _backend, url, engine = original_db
    migration.db_sync(engine=engine)
    with dbfixtures.configured(url, sync=False):
        ctxt = context.get_admin_context()
        plans = db.plan_get_all(ctxt)
        assert sorted(p.name for p in plans) == ['p1', 'p2']
        p1 = [p for p in plans if p.name == 'p1'][0]
        assert [(r.resource_id, r.resource_extra_info) for r in
                db.plan_resources_get(ctxt, [p1.id])] == [
            ('11111111-1111-1111-1111-111111111111', {'k': 'v'})]
        operation = db.scheduled_operation_get(
            ctxt, 'c3c3c3c3-0000-4000-8000-000000000001')
        assert operation.trigger_id == 'a1a1a1a1-0000-4000-8000-000000000001'
        state = db.scheduled_operation_state_get(ctxt, operation.id)
        assert state.trust_id == '5d8ef0b2c6d14a5c9e3f7a1b2c3d4e5f'
        assert db.quota_get(ctxt, 'demo', 'plans').hard_limit == 30
        # The original logs its deletes as 'protect' (decisions.md #8).
        assert {log.operation_type for log in
                db.operation_log_get_all(ctxt)} == {'protect', 'restore',
                                                   'verify'}


def test_another_original_version_is_refused(original_db):
    _backend, _url, engine = original_db
    with engine.begin() as conn:
        conn.execute(sa.text('UPDATE migrate_version SET version = 2'))
    with pytest.raises(exception.InvalidInput) as err:
        migration.db_sync(engine=engine)
    assert 'sqlalchemy-migrate version 2' in str(err.value)
    assert 'only version 3' in str(err.value)
    with engine.connect() as conn:
        assert 'alembic_version' not in sa.inspect(conn).get_table_names()
        assert migration.original_version(conn) == 2


# Triggers the original ran whatever their format said (it read every
# pattern in its one configured time_format): (id, name, format, pattern).
MISMATCHED = [
    ('d4d4d4d4-0000-4000-8000-000000000001', 'cal-as-cron', 'crontab',
     'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;INTERVAL=1;\\nEND:VEVENT'),
    ('d4d4d4d4-0000-4000-8000-000000000002', 'cron-as-cal', 'calendar',
     '30 * * * *'),
    ('d4d4d4d4-0000-4000-8000-000000000003', 'nonsense', 'crontab',
     'every hour'),
]


def _insert_triggers(engine, triggers):
    with engine.begin() as conn:
        for trigger_id, name, fmt, pattern in triggers:
            conn.execute(sa.text(
                "INSERT INTO triggers (created_at, deleted, id, name, "
                "project_id, type, properties) VALUES ('2026-12-06 "
                "17:30:00', false, :id, :name, 'demo', 'time', :props)"), {
                    'id': trigger_id, 'name': name,
                    'props': json.dumps({
                        'pattern': pattern, 'format': fmt,
                        'start_time': '2026-12-06 17:00:00',
                        'window': '900'})})


def _trigger_formats(engine):
    with engine.connect() as conn:
        return {row.id: json.loads(row.properties, strict=False)['format']
                for row in conn.execute(sa.text(
                    'SELECT id, properties FROM triggers'))}


def test_triggers_get_the_format_of_their_pattern(original_db):
    _backend, _url, engine = original_db
    _insert_triggers(engine, MISMATCHED)

    report = migration.db_sync(engine=engine)

    cal, cron, nonsense = (t[0] for t in MISMATCHED)
    assert len(report) == 3, report
    assert report[0].startswith(
        'Trigger %s (cal-as-cron): format crontab changed to calendar' % cal)
    assert report[1].startswith(
        'Trigger %s (cron-as-cal): format calendar changed to crontab' % cron)
    assert report[2].startswith(
        'Trigger %s (nonsense) will not fire: ' % nonsense)
    assert 'pattern' in report[2]
    formats = _trigger_formats(engine)
    assert (formats[cal], formats[cron], formats[nonsense]) == (
        'calendar', 'crontab', 'crontab')
    # The triggers the original's formats matched are left alone.
    assert formats['a1a1a1a1-0000-4000-8000-000000000001'] == 'crontab'

    # Running it again changes nothing, and still names what cannot fire.
    assert migration.db_sync(engine=engine) == report[2:]
    assert _trigger_formats(engine) == formats
