"""Database schema migrations (Alembic)."""

import datetime
import json
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


def _trigger_report(row, properties):
    """(lines to report, fixed properties or None) for one live time
    trigger."""
    from karbor.services.operationengine import time_trigger
    name = '%s (%s)' % (row.id, row.name)
    if not isinstance(properties, dict):
        return [_('Trigger %s will not fire: its properties are not a JSON '
                  'object') % name], None
    declared = properties.get('format')
    fitting = time_trigger.pattern_format(properties)
    lines, fixed = [], None
    if fitting is not None and fitting != declared:
        fixed = dict(properties, format=fitting)
        lines.append(_(
            'Trigger %(name)s: format %(old)s changed to %(new)s, the format '
            'its pattern is written in (the original Karbor read every '
            'pattern in its one configured time_format)') % {
                'name': name, 'old': declared, 'new': fitting})
    try:
        time_trigger.TimeTrigger(fixed or properties)
    except exception.InvalidInput as err:
        lines.append(_('Trigger %(name)s will not fire: %(reason)s') % {
            'name': name, 'reason': err})
    return lines, fixed


def check_triggers(connection):
    """Give every live time trigger the format its pattern is written in.

    The original Karbor ignored a trigger's ``format``; ours honours it, so
    a trigger whose stored format disagrees with its pattern would stop
    firing. Returns one line per trigger changed or unable to fire.
    """
    rows = connection.execute(sa.text(
        "SELECT id, name, properties FROM triggers WHERE type = 'time' "
        "AND deleted = :no ORDER BY created_at, id"), {'no': False})
    report = []
    for row in rows.fetchall():
        try:
            properties = json.loads(row.properties or 'null')
        except ValueError:
            properties = None
        lines, fixed = _trigger_report(row, properties)
        report.extend(lines)
        if fixed is not None:
            connection.execute(sa.text(
                'UPDATE triggers SET properties = :properties, updated_at = '
                ':now WHERE id = :id'), {
                    'properties': json.dumps(fixed), 'id': row.id,
                    'now': datetime.datetime.now(
                        datetime.timezone.utc).replace(tzinfo=None)})
    return report


def db_sync(version=None, engine=None):
    """Upgrade (or downgrade) the schema to ``version`` (default: latest).

    Returns what it reports about the triggers (:func:`check_triggers`).
    """
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
            return []
        alembic_command.upgrade(config, target)
        if 'triggers' not in sa.inspect(connection).get_table_names():
            return []
        return check_triggers(connection)


def db_version(engine=None):
    """The current schema revision, or None for an empty database."""
    engine = engine or db_engine.get_engine()
    with engine.connect() as connection:
        return _current(connection)


def head_version():
    """The latest revision shipped with this code."""
    script = alembic_script.ScriptDirectory.from_config(_config())
    return script.get_current_head()
