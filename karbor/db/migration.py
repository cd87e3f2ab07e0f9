"""Database schema migrations (Alembic)."""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

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
