"""Take over the database of the original Karbor (1.6.0 and earlier).

Revision ID: karbor16
Lands on: 001
Create Date: 2026-12-06

The original kept its schema with sqlalchemy-migrate: a ``migrate_version``
table whose ``karbor`` row is at version 3 (its last migration). Its tables
have the same names and columns as ours; this revision changes them in
place into the schema of our revision ``001``, keeping every row:

- empty ``created_at`` and ``deleted`` values, and empty JSON columns, are
  filled in (with ``updated_at`` or now, false, ``{}``); ``created_at`` and
  ``deleted`` (and the quota usage counts) become NOT NULL as ours are.
  The JSON columns stay nullable:
  the original, started again, writes NULL into some of them (a new
  restore's ``parameters``). A few NOT NULL columns of the original
  become nullable;
- MySQL/MariaDB date columns get microseconds, long JSON columns become
  MEDIUMTEXT;
- our indexes and the unique (owner, resource) keys of the quota tables
  are added; a soft-deleted quota row that repeats another row's key is
  removed first (a live one is never removed);
- the ``checkpoints`` catalog table is created (fill it with
  ``karbor-manage checkpoint rebuild_catalog``).

``migrate_version`` and the original's unused ``checkpoint_records`` table
are left as they are, so the original can be started again on the same
database. It is not a revision of the ``versions`` chain: a fresh database
never passes through it. ``karbor.db.migration.db_sync`` runs it when it
finds an original database, then stamps ``001`` and goes on to the head.
"""

import datetime
import importlib

from alembic import op
import sqlalchemy as sa

revision = 'karbor16'
lands_on = '001'
ORIGINAL_VERSION = 3

_initial = importlib.import_module(
    'karbor.db.migrations.versions.001_initial_schema')

# Columns to fill in: table -> {column: fill value}; all but the JSON ones
# then become NOT NULL.
_JSON = '{}'
_NOT_NULL = {
    'plans': {'parameters': _JSON},
    'resources': {'resource_extra_info': _JSON},
    'restores': {'parameters': _JSON, 'resources_status': _JSON,
                 'resources_reason': _JSON},
    'verifications': {'parameters': _JSON, 'resources_status': _JSON,
                      'resources_reason': _JSON},
    'quota_usages': {'in_use': 0, 'reserved': 0},
}
_MEDIUM = {('plans', 'parameters'), ('restores', 'resources_status'),
           ('restores', 'resources_reason'),
           ('verifications', 'resources_status'),
           ('verifications', 'resources_reason')}
# NOT NULL in the original, nullable in ours.
_NULLABLE = {
    'operation_logs': ('project_id', 'operation_type'),
    'quota_classes': ('class_name',), 'quota_usages': ('project_id',),
    'quotas': ('project_id',), 'verifications': ('project_id',
                                                 'provider_id'),
    'scheduled_operations': ('enabled',),
}
_INDEXES = {
    'services': [('ix_services_host_binary', ['host', 'binary'])],
    'resources': [('ix_resources_plan_id', ['plan_id'])],
    'operation_logs': [('ix_operation_logs_checkpoint_id',
                        ['checkpoint_id']),
                       ('ix_operation_logs_plan_id', ['plan_id']),
                       ('ix_operation_logs_restore_id', ['restore_id'])],
    'quotas': [('ix_quotas_project_id', ['project_id'])],
    'quota_classes': [('ix_quota_classes_class_name', ['class_name'])],
    'quota_usages': [('ix_quota_usages_project_id', ['project_id'])],
    'reservations': [('ix_reservations_uuid', ['uuid']),
                     ('ix_reservations_usage_id', ['usage_id']),
                     ('ix_reservations_expire', ['expire'])],
}
_PROJECT_INDEXED = ('plans', 'restores', 'verifications', 'operation_logs',
                    'triggers', 'scheduled_operations')
_UNIQUE = (('quotas', 'project_id'), ('quota_classes', 'class_name'),
           ('quota_usages', 'project_id'))


def _tables():
    return [t for t in _initial.TABLES if t != 'checkpoints']


def _columns(table):
    return {c['name']: c for c in sa.inspect(op.get_bind()).get_columns(
        table)}


def _fill(table, column, value):
    op.get_bind().execute(sa.text(
        'UPDATE %s SET %s = :value WHERE %s IS NULL' % (table, column,
                                                        column)),
        {'value': value})


def _fill_created_at():
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    for table in _tables():
        op.get_bind().execute(sa.text(
            'UPDATE %s SET created_at = COALESCE(updated_at, :now) '
            'WHERE created_at IS NULL' % table), {'now': now})
        _fill(table, 'deleted', False)


def _alter_columns(table):
    """Types and nullability of ``table``'s columns as in revision 001."""
    mysql = op.get_bind().dialect.name == 'mysql'
    columns = _columns(table)
    not_null = ['created_at', 'deleted'] + [
        name for name, fill in _NOT_NULL.get(table, {}).items()
        if fill != _JSON]
    for name, column in columns.items():
        kw = {}
        if isinstance(column['type'], sa.DateTime) and mysql:
            kw['type_'] = _initial.DateTime
        if (table, name) in _MEDIUM and mysql:
            kw['type_'] = _initial.MediumText
        if name in not_null and column['nullable']:
            kw['nullable'] = False
        if name in _NULLABLE.get(table, ()) and not column['nullable']:
            kw['nullable'] = True
        if kw:
            kw.setdefault('nullable', column['nullable'])
            op.alter_column(table, name, existing_type=column['type'],
                            existing_nullable=column['nullable'], **kw)


def _drop_repeated_soft_deleted(table, owner):
    """Soft-deleted rows repeating another row's (owner, resource)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        'SELECT id, %s, resource, deleted FROM %s ORDER BY id'
        % (owner, table))).fetchall()
    seen, drop = {}, []
    for row in sorted(rows, key=lambda r: (bool(r.deleted), -r.id)):
        key = (getattr(row, owner), row.resource)
        if key in seen and row.deleted:
            drop.append(row.id)
        seen.setdefault(key, row.id)
    for row_id in drop:
        if table == 'quota_usages':
            bind.execute(sa.text('DELETE FROM reservations WHERE '
                                 'usage_id = :id'), {'id': row_id})
        bind.execute(sa.text('DELETE FROM %s WHERE id = :id' % table),
                     {'id': row_id})


def _add_indexes():
    existing = {}
    inspector = sa.inspect(op.get_bind())
    for table in _tables():
        existing[table] = {i['name'] for i in inspector.get_indexes(table)}
    wanted = {table: list(indexes) for table, indexes in _INDEXES.items()}
    for table in _PROJECT_INDEXED:
        wanted.setdefault(table, []).append(
            ('ix_%s_project_id_created_at' % table,
             ['project_id', 'created_at']))
    for table, indexes in wanted.items():
        for name, columns in indexes:
            if name not in existing[table]:
                op.create_index(name, table, columns)
    for table, owner in _UNIQUE:
        _drop_repeated_soft_deleted(table, owner)
        op.create_unique_constraint('uniq_%s0%s0resource' % (table, owner),
                                    table, [owner, 'resource'])


def upgrade():
    _fill_created_at()
    for table, columns in _NOT_NULL.items():
        for column, value in columns.items():
            _fill(table, column, value)
    for table in _tables():
        _alter_columns(table)
    _add_indexes()
    _initial.create_checkpoints()
