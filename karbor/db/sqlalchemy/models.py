"""SQLAlchemy models of the Karbor database.

Every table carries ``created_at``, ``updated_at``, ``deleted_at`` and
``deleted``. Rows of plans, resources, restores, verifications, operation
logs, triggers, services and checkpoints are soft-deleted; scheduled
operations (with their states and logs), trigger executions and the quota
tables are deleted for real. Timestamps are naive UTC with microseconds.
"""

import datetime

from oslo_db.sqlalchemy import models as oslo_models
from oslo_db.sqlalchemy import types as oslo_types
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}

DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql')
LongText = sa.Text().with_variant(mysql.MEDIUMTEXT(), 'mysql')


def _json_dict(medium=False):
    """A NOT NULL JSON dict column ({} when not given)."""
    return orm.mapped_column(
        oslo_types.JsonEncodedDict(mysql_as_medium=medium), nullable=False,
        default=dict)


class BASE(orm.DeclarativeBase):
    pass


class KarborBase(oslo_models.ModelBase):
    """Timestamps, the soft-delete flag and dict-style access."""

    created_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        DateTime, nullable=False, default=timeutils.utcnow)
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime, onupdate=timeutils.utcnow)
    deleted_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime)
    deleted: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, nullable=False, default=False)

    def soft_delete(self):
        self.deleted = True
        self.deleted_at = timeutils.utcnow()


def _str(length, **kw):
    return orm.mapped_column(sa.String(length), **kw)


class Service(BASE, KarborBase):
    __tablename__ = 'services'
    __table_args__ = (sa.Index('ix_services_host_binary', 'host', 'binary'),
                      TABLE_ARGS)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    host: orm.Mapped[str | None] = _str(255)
    binary: orm.Mapped[str | None] = _str(255)
    topic: orm.Mapped[str | None] = _str(255)
    report_count: orm.Mapped[int] = orm.mapped_column(
        sa.Integer, nullable=False, default=0)
    disabled: orm.Mapped[bool | None] = orm.mapped_column(
        sa.Boolean, default=False)
    disabled_reason: orm.Mapped[str | None] = _str(255)
    modified_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime)
    rpc_current_version: orm.Mapped[str | None] = _str(36)
    rpc_available_version: orm.Mapped[str | None] = _str(36)


class Plan(BASE, KarborBase):
    __tablename__ = 'plans'
    __table_args__ = (
        sa.Index('ix_plans_project_id_created_at', 'project_id',
                 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    name: orm.Mapped[str | None] = _str(255)
    description: orm.Mapped[str | None] = _str(255)
    provider_id: orm.Mapped[str | None] = _str(36)
    project_id: orm.Mapped[str | None] = _str(255)
    status: orm.Mapped[str | None] = _str(64)
    parameters: orm.Mapped[dict] = _json_dict(medium=True)

    resources: orm.Mapped[list['Resource']] = orm.relationship(
        primaryjoin='and_(Plan.id == Resource.plan_id, '
                    'Resource.deleted == False)',
        order_by='Resource.id', viewonly=True, lazy='selectin')


class Resource(BASE, KarborBase):
    __tablename__ = 'resources'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    plan_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), sa.ForeignKey('plans.id'), nullable=False, index=True)
    resource_id: orm.Mapped[str | None] = _str(36)
    resource_type: orm.Mapped[str | None] = _str(64)
    resource_name: orm.Mapped[str | None] = _str(255)
    resource_extra_info: orm.Mapped[dict] = _json_dict()


class Restore(BASE, KarborBase):
    __tablename__ = 'restores'
    __table_args__ = (
        sa.Index('ix_restores_project_id_created_at', 'project_id',
                 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255)
    provider_id: orm.Mapped[str | None] = _str(36)
    checkpoint_id: orm.Mapped[str | None] = _str(36)
    restore_target: orm.Mapped[str | None] = _str(255)
    parameters: orm.Mapped[dict] = _json_dict()
    status: orm.Mapped[str | None] = _str(64)
    resources_status: orm.Mapped[dict] = _json_dict(medium=True)
    resources_reason: orm.Mapped[dict] = _json_dict(medium=True)


class Verification(BASE, KarborBase):
    __tablename__ = 'verifications'
    __table_args__ = (
        sa.Index('ix_verifications_project_id_created_at', 'project_id',
                 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255)
    provider_id: orm.Mapped[str | None] = _str(36)
    checkpoint_id: orm.Mapped[str] = _str(36, nullable=False)
    parameters: orm.Mapped[dict] = _json_dict()
    status: orm.Mapped[str | None] = _str(64)
    resources_status: orm.Mapped[dict] = _json_dict(medium=True)
    resources_reason: orm.Mapped[dict] = _json_dict(medium=True)


class OperationLog(BASE, KarborBase):
    __tablename__ = 'operation_logs'
    __table_args__ = (
        sa.Index('ix_operation_logs_project_id_created_at', 'project_id',
                 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255)
    operation_type: orm.Mapped[str | None] = _str(255)
    checkpoint_id: orm.Mapped[str | None] = _str(36, index=True)
    plan_id: orm.Mapped[str | None] = _str(36, index=True)
    provider_id: orm.Mapped[str | None] = _str(36)
    restore_id: orm.Mapped[str | None] = _str(36, index=True)
    scheduled_operation_id: orm.Mapped[str | None] = _str(36)
    status: orm.Mapped[str | None] = _str(64)
    started_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime)
    ended_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime)
    error_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    extra_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)


class Trigger(BASE, KarborBase):
    __tablename__ = 'triggers'
    __table_args__ = (
        sa.Index('ix_triggers_project_id_created_at', 'project_id',
                 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    name: orm.Mapped[str] = _str(255, nullable=False)
    project_id: orm.Mapped[str] = _str(255, nullable=False)
    type: orm.Mapped[str] = _str(64, nullable=False)
    properties: orm.Mapped[dict] = _json_dict()


class TriggerExecution(BASE, KarborBase):
    __tablename__ = 'trigger_executions'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    trigger_id: orm.Mapped[str] = _str(36, nullable=False, unique=True,
                                       index=True)
    execution_time: orm.Mapped[datetime.datetime] = orm.mapped_column(
        DateTime, nullable=False, index=True)


class ScheduledOperation(BASE, KarborBase):
    __tablename__ = 'scheduled_operations'
    __table_args__ = (
        sa.Index('ix_scheduled_operations_project_id_created_at',
                 'project_id', 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    name: orm.Mapped[str] = _str(255, nullable=False)
    description: orm.Mapped[str | None] = _str(255)
    operation_type: orm.Mapped[str] = _str(64, nullable=False)
    user_id: orm.Mapped[str] = _str(64, nullable=False)
    project_id: orm.Mapped[str] = _str(255, nullable=False)
    trigger_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), sa.ForeignKey('triggers.id'), nullable=False,
        index=True)
    operation_definition: orm.Mapped[dict] = _json_dict()
    enabled: orm.Mapped[bool | None] = orm.mapped_column(sa.Boolean,
                                                         default=True)

    trigger: orm.Mapped[Trigger] = orm.relationship(
        primaryjoin='ScheduledOperation.trigger_id == Trigger.id',
        viewonly=True, lazy='raise')


class ScheduledOperationState(BASE, KarborBase):
    __tablename__ = 'scheduled_operation_states'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True,
                                            autoincrement=True)
    operation_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36),
        sa.ForeignKey('scheduled_operations.id', ondelete='CASCADE'),
        nullable=False, unique=True, index=True)
    service_id: orm.Mapped[int] = orm.mapped_column(
        sa.Integer, sa.ForeignKey('services.id'), nullable=False)
    trust_id: orm.Mapped[str] = _str(64, nullable=False)
    state: orm.Mapped[str] = _str(32, nullable=False)
    end_time_for_run: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(DateTime))

    operation: orm.Mapped[ScheduledOperation] = orm.relationship(
        primaryjoin='ScheduledOperationState.operation_id == '
                    'ScheduledOperation.id',
        viewonly=True, lazy='raise')


class ScheduledOperationLog(BASE, KarborBase):
    __tablename__ = 'scheduled_operation_logs'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True,
                                            autoincrement=True)
    operation_id: orm.Mapped[str] = orm.mapped_column(
        sa.String(36),
        sa.ForeignKey('scheduled_operations.id', ondelete='CASCADE'),
        nullable=False, index=True)
    expect_start_time: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(DateTime))
    triggered_time: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(DateTime))
    actual_start_time: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(DateTime))
    end_time: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime)
    state: orm.Mapped[str] = _str(32, nullable=False)
    extend_info: orm.Mapped[str | None] = orm.mapped_column(sa.Text)


class CheckpointRecord(BASE, KarborBase):
    """Catalog row of a checkpoint kept in a bank, for fast listing."""

    __tablename__ = 'checkpoints'
    __table_args__ = (
        sa.Index('ix_checkpoints_provider_project_created',
                 'provider_id', 'project_id', 'created_at'),
        sa.Index('ix_checkpoints_provider_created',
                 'provider_id', 'created_at'),
        sa.Index('ix_checkpoints_provider_project_plan_created',
                 'provider_id', 'project_id', 'plan_id', 'created_at'),
        TABLE_ARGS)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255)
    provider_id: orm.Mapped[str | None] = _str(36)
    plan_id: orm.Mapped[str | None] = _str(36, index=True)
    status: orm.Mapped[str | None] = _str(64)
    protection_plan: orm.Mapped[dict] = _json_dict(medium=True)
    resource_graph: orm.Mapped[str | None] = orm.mapped_column(LongText)
    extra_info: orm.Mapped[dict] = _json_dict()


class Quota(BASE, KarborBase):
    """A project's hard limit of one resource."""

    __tablename__ = 'quotas'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quotas0project_id0resource'),
        TABLE_ARGS)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255, index=True)
    resource: orm.Mapped[str] = _str(255, nullable=False)
    hard_limit: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class QuotaClass(BASE, KarborBase):
    """A quota class's hard limit of one resource."""

    __tablename__ = 'quota_classes'
    __table_args__ = (
        sa.UniqueConstraint('class_name', 'resource',
                            name='uniq_quota_classes0class_name0resource'),
        TABLE_ARGS)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    class_name: orm.Mapped[str | None] = _str(255, index=True)
    resource: orm.Mapped[str] = _str(255, nullable=False)
    hard_limit: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)


class QuotaUsage(BASE, KarborBase):
    """A project's current usage of one resource."""

    __tablename__ = 'quota_usages'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quota_usages0project_id0resource'),
        TABLE_ARGS)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255, index=True)
    resource: orm.Mapped[str] = _str(255, nullable=False)
    in_use: orm.Mapped[int] = orm.mapped_column(sa.Integer, nullable=False)
    reserved: orm.Mapped[int] = orm.mapped_column(sa.Integer, nullable=False)
    until_refresh: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)

    @property
    def total(self):
        return self.in_use + self.reserved


class Reservation(BASE, KarborBase):
    """A pending change of a project's usage."""

    __tablename__ = 'reservations'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[int] = orm.mapped_column(sa.Integer, primary_key=True)
    uuid: orm.Mapped[str] = _str(36, nullable=False, index=True)
    usage_id: orm.Mapped[int] = orm.mapped_column(
        sa.Integer, sa.ForeignKey('quota_usages.id'), nullable=False,
        index=True)
    project_id: orm.Mapped[str | None] = _str(255, index=True)
    resource: orm.Mapped[str | None] = _str(255)
    delta: orm.Mapped[int] = orm.mapped_column(sa.Integer, nullable=False)
    expire: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        DateTime, index=True)


class OperationProgress(BASE, KarborBase):
    """Progress and cancel request of one running operation.

    Keyed by the id of what the operation works on: the checkpoint (its
    protect, copy or delete), the restore or the verification. The worker
    rewrites ``summary`` (the progress view) a few times a second at most;
    the API records a cancel request in ``cancel_requested_at`` and
    ``cancelled_by``, which the worker running the flow honours.
    """

    __tablename__ = 'operation_progress'
    __table_args__ = (TABLE_ARGS,)

    id: orm.Mapped[str] = _str(36, primary_key=True)
    project_id: orm.Mapped[str | None] = _str(255)
    kind: orm.Mapped[str | None] = _str(32)
    operation_type: orm.Mapped[str | None] = _str(32)
    summary: orm.Mapped[dict] = _json_dict(medium=True)
    cancel_requested_at: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(DateTime))
    cancelled_by: orm.Mapped[str | None] = _str(255)
