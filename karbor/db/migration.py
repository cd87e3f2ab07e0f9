"""Database schema migrations (Alembic)."""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import operations as alembic_operations
from alembic import script as alembic_script
import sqlalchemy as sa

from karbor.db.migrations import karbor16
from karbor.db.sqlalchemy import engine as db_engine
from karbor import exception
from karbor.i18n import _

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                              'migrations')


def _config(connection=None):
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    if connection is not None:
        config.attributes['connection'] = connection
    return config


def _current(connection):
    return alembic_migration.MigrationContext.configure(
        connection).get_current_revision()


def _is_downgrade(script, current, target):
    """True if ``target`` is an ancestor of ``current`` (or 'base')."""
    if current is None:
        return False
    if target == 'base':
        return True
    ancestors = [rev.revision for rev in
                 script.walk_revisions(base='base', head=current)]
    return target in ancestors and target != current


def original_version(connection):
    """The sqlalchemy-migrate version of a database of the original Karbor
    not taken over yet, or None."""
    tables = sa.inspect(connection).get_table_names()
    if 'migrate_version' not in tables or 'alembic_version' in tables:
        return None
    row = connection.execute(sa.text(
        "SELECT version FROM migrate_version WHERE repository_id = 'karbor'"
    )).first()
    return row[0] if row is not None else None


def _take_over(connection, config):
    """Turn the original's schema into ours (``karbor16``), in place."""
    version = original_version(connection)
    if version is None:
        return
    if version != karbor16.ORIGINAL_VERSION:
        raise exception.InvalidInput(reason=_(
            'this is a database of the original Karbor at sqlalchemy-migrate '
            'version %(found)s; only version %(wanted)s (Karbor 1.6.0 and the '
            'releases since its last migration) can be taken over: upgrade '
            'it with that release\'s karbor-manage db sync first') % {
                'found': version, 'wanted': karbor16.ORIGINAL_VERSION})
    context = alembic_migration.MigrationContext.configure(connection)
    with alembic_operations.Operations.context(context):
        karbor16.upgrade()
    alembic_command.stamp(config, karbor16.lands_on)


def db_sync(version=None, engine=None):
    """Upgrade (or downgrade) the schema to ``version`` (default: latest)."""
    engine = engine or db_engine.get_engine()
    target = str(version) if version is not None else 'head'
    config = _config()
    script = alembic_script.ScriptDirectory.from_config(config)
    try:
        if target not in ('head', 'base'):
            script.get_revision(target)
    except Exception:
        raise exception.InvalidInput(
            reason=_('unknown database version %s') % target)
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        _take_over(connection, config)
        if _is_downgrade(script, _current(connection), target):
            alembic_command.downgrade(config, target)
        else:
            alembic_command.upgrade(config, target)


def db_version(engine=None):
    """The current schema revision, or None for an empty database."""
    engine = engine or db_engine.get_engine()
    with engine.connect() as connection:
        return _current(connection)


def head_version():
    """The latest revision shipped with this code."""
    script = alembic_script.ScriptDirectory.from_config(_config())
    return script.get_current_head()
