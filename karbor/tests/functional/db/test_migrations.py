"""Alembic migrations on SQLite, MariaDB and PostgreSQL."""

from alembic import autogenerate
from alembic import migration as alembic_migration
import pytest
import sqlalchemy as sa

from karbor.db import migration
from karbor.db.sqlalchemy import models
from karbor.tests import dbfixtures

EXPECTED_TABLES = {
    'services', 'plans', 'resources', 'restores', 'verifications',
    'operation_logs', 'triggers', 'trigger_executions',
    'scheduled_operations', 'scheduled_operation_states',
    'scheduled_operation_logs', 'checkpoints', 'quotas', 'quota_classes',
    'quota_usages', 'reservations', 'operation_progress'}


@pytest.fixture(params=dbfixtures.BACKENDS)
def empty_engine(request, tmp_path):
    if not dbfixtures.available(request.param):
        pytest.skip('%s is not running' % request.param)
    with dbfixtures.database_url(request.param, str(tmp_path)) as url:
        engine = sa.create_engine(url)
        yield engine
        engine.dispose()


def _differences(engine):
    with engine.connect() as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={'compare_type': True})
        return autogenerate.compare_metadata(context, models.BASE.metadata)


def _tables(engine):
    return set(sa.inspect(engine).get_table_names()) - {'alembic_version'}


def test_migrations_match_models_and_round_trip(empty_engine):
    assert migration.db_version(engine=empty_engine) is None
    migration.db_sync(engine=empty_engine)
    assert migration.db_version(engine=empty_engine) == \
        migration.head_version()
    assert _tables(empty_engine) == EXPECTED_TABLES
    assert set(models.BASE.metadata.tables) == EXPECTED_TABLES
    assert _differences(empty_engine) == []

    migration.db_sync('base', engine=empty_engine)
    assert migration.db_version(engine=empty_engine) is None
    assert _tables(empty_engine) == set()

    migration.db_sync(migration.head_version(), engine=empty_engine)
    assert _differences(empty_engine) == []


def test_unknown_version_is_rejected(empty_engine):
    from karbor import exception
    with pytest.raises(exception.InvalidInput):
        migration.db_sync('no-such-version', engine=empty_engine)
