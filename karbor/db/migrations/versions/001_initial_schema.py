"""Initial schema.

Revision ID: 001
Revises:
Create Date: 2026-11-22
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '001'
down_revision = None
branch_labels = None
depends_on = None

DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')
MediumText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')

# Parents before children; downgrade drops them in reverse.
TABLES = ('services', 'plans', 'resources', 'restores', 'verifications',
          'operation_logs', 'triggers', 'trigger_executions',
          'scheduled_operations', 'scheduled_operation_states',
          'scheduled_operation_logs', 'checkpoints', 'quotas',
          'quota_classes', 'quota_usages', 'reservations')


def _str(name, length, nullable=True, **kw):
    return sa.Column(name, sa.String(length), nullable=nullable, **kw)


def _json(name, medium=False):
    return sa.Column(name, MediumText if medium else sa.Text(),
                     nullable=False)


def _dt(name, nullable=True, **kw):
    return sa.Column(name, DateTime, nullable=nullable, **kw)


def _create(name, *columns):
    op.create_table(
        name, *columns,
        _dt('created_at', nullable=False), _dt('updated_at'),
        _dt('deleted_at'), sa.Column('deleted', sa.Boolean(),
                                     nullable=False),
        mysql_engine='InnoDB', mysql_charset='utf8mb4')


def _project_index(table):
    return sa.Index('ix_%s_project_id_created_at' % table, 'project_id',
                    'created_at')


def _int_pk():
    return sa.Column('id', sa.Integer(), primary_key=True,
                     autoincrement=True)


def _uuid_pk():
    return _str('id', 36, nullable=False, primary_key=True)


def create_checkpoints():
    """The checkpoint catalog (also made when taking over the original's
    database, which has no such table)."""
    _create('checkpoints', _uuid_pk(),
            _str('project_id', 255), _str('provider_id', 36),
            _str('plan_id', 36, index=True), _str('status', 64),
            _json('protection_plan', medium=True),
            sa.Column('resource_graph', MediumText),
            _json('extra_info'),
            sa.Index('ix_checkpoints_provider_project_created',
                     'provider_id', 'project_id', 'created_at'),
            sa.Index('ix_checkpoints_provider_created',
                     'provider_id', 'created_at'))


def upgrade():
    _create('services', _int_pk(),
            _str('host', 255), _str('binary', 255), _str('topic', 255),
            sa.Column('report_count', sa.Integer(), nullable=False),
            sa.Column('disabled', sa.Boolean()),
            _str('disabled_reason', 255), _dt('modified_at'),
            _str('rpc_current_version', 36),
            _str('rpc_available_version', 36),
            sa.Index('ix_services_host_binary', 'host', 'binary'))
    _create('plans', _uuid_pk(),
            _str('name', 255), _str('description', 255),
            _str('provider_id', 36), _str('project_id', 255),
            _str('status', 64), _json('parameters', medium=True),
            _project_index('plans'))
    _create('resources', _int_pk(),
            _str('plan_id', 36, nullable=False, index=True),
            _str('resource_id', 36), _str('resource_type', 64),
            _str('resource_name', 255), _json('resource_extra_info'),
            sa.ForeignKeyConstraint(['plan_id'], ['plans.id']))
    for table in ('restores', 'verifications'):
        _create(table, _uuid_pk(),
                _str('project_id', 255), _str('provider_id', 36),
                _str('checkpoint_id', 36,
                     nullable=table == 'restores'),
                *([_str('restore_target', 255)]
                  if table == 'restores' else []),
                _json('parameters'), _str('status', 64),
                _json('resources_status', medium=True),
                _json('resources_reason', medium=True),
                _project_index(table))
    _create('operation_logs', _uuid_pk(),
            _str('project_id', 255), _str('operation_type', 255),
            _str('checkpoint_id', 36, index=True),
            _str('plan_id', 36, index=True), _str('provider_id', 36),
            _str('restore_id', 36, index=True),
            _str('scheduled_operation_id', 36), _str('status', 64),
            _dt('started_at'), _dt('ended_at'),
            sa.Column('error_info', sa.Text()),
            sa.Column('extra_info', sa.Text()),
            _project_index('operation_logs'))
    _create('triggers', _uuid_pk(),
            _str('name', 255, nullable=False),
            _str('project_id', 255, nullable=False),
            _str('type', 64, nullable=False), _json('properties'),
            _project_index('triggers'))
    _create('trigger_executions', _uuid_pk(),
            _str('trigger_id', 36, nullable=False, unique=True, index=True),
            _dt('execution_time', nullable=False, index=True))
    _create('scheduled_operations', _uuid_pk(),
            _str('name', 255, nullable=False), _str('description', 255),
            _str('operation_type', 64, nullable=False),
            _str('user_id', 64, nullable=False),
            _str('project_id', 255, nullable=False),
            _str('trigger_id', 36, nullable=False, index=True),
            _json('operation_definition'),
            sa.Column('enabled', sa.Boolean()),
            sa.ForeignKeyConstraint(['trigger_id'], ['triggers.id']),
            _project_index('scheduled_operations'))
    _create('scheduled_operation_states', _int_pk(),
            _str('operation_id', 36, nullable=False, unique=True,
                 index=True),
            sa.Column('service_id', sa.Integer(), nullable=False),
            _str('trust_id', 64, nullable=False),
            _str('state', 32, nullable=False), _dt('end_time_for_run'),
            sa.ForeignKeyConstraint(['operation_id'],
                                    ['scheduled_operations.id'],
                                    ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['service_id'], ['services.id']))
    _create('scheduled_operation_logs', _int_pk(),
            _str('operation_id', 36, nullable=False, index=True),
            _dt('expect_start_time'), _dt('triggered_time'),
            _dt('actual_start_time'), _dt('end_time'),
            _str('state', 32, nullable=False),
            sa.Column('extend_info', sa.Text()),
            sa.ForeignKeyConstraint(['operation_id'],
                                    ['scheduled_operations.id'],
                                    ondelete='CASCADE'))
    create_checkpoints()
    for table, owner in (('quotas', 'project_id'),
                         ('quota_classes', 'class_name')):
        _create(table, _int_pk(),
                _str(owner, 255, index=True),
                _str('resource', 255, nullable=False),
                sa.Column('hard_limit', sa.Integer()),
                sa.UniqueConstraint(owner, 'resource',
                                    name='uniq_%s0%s0resource'
                                    % (table, owner)))
    _create('quota_usages', _int_pk(),
            _str('project_id', 255, index=True),
            _str('resource', 255, nullable=False),
            sa.Column('in_use', sa.Integer(), nullable=False),
            sa.Column('reserved', sa.Integer(), nullable=False),
            sa.Column('until_refresh', sa.Integer()),
            sa.UniqueConstraint('project_id', 'resource',
                                name='uniq_quota_usages0project_id0resource'))
    _create('reservations', _int_pk(),
            _str('uuid', 36, nullable=False, index=True),
            sa.Column('usage_id', sa.Integer(), nullable=False, index=True),
            _str('project_id', 255, index=True), _str('resource', 255),
            sa.Column('delta', sa.Integer(), nullable=False),
            _dt('expire', index=True),
            sa.ForeignKeyConstraint(['usage_id'], ['quota_usages.id']))


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
