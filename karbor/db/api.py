"""The DB API used by the rest of Karbor: every function by name.

Every function takes a request context first and is implemented in
``karbor.db.sqlalchemy`` (``api``: services, plans, restores,
verifications, operation logs, checkpoint catalog, purge;
``api_operations``: triggers and scheduled operations; ``api_quota``:
quotas). Records come back as read-only SQLAlchemy Core rows
(``sqlalchemy.engine.Row``: attribute access by column name), alone or
in lists. Lists share one signature::

    X_get_all(context, marker=None, limit=None, sort_keys=None,
              sort_dirs=None, filters=None, offset=None)
    X_get_all_by_project(context, project_id, marker=None, ...)

``created_at`` and ``id`` are always appended as sort tie-breakers; an
unknown sort key or direction raises ``InvalidInput``, an unknown marker
``MarkerNotFound``. Filters are exact matches on columns (a list means
"any of"), regular expressions for names and descriptions; a filter on a
key that is not a column matches nothing.
"""

from karbor.db.sqlalchemy import api as _core
from karbor.db.sqlalchemy import api_operations as _operations
from karbor.db.sqlalchemy import api_progress as _progress
from karbor.db.sqlalchemy import api_show as _show
from karbor.db.sqlalchemy import api_quota as _quota

get_engine = _core.get_engine
transaction = _core.transaction
reads = _core.reads

service_get = _core.service_get
service_create = _core.service_create
service_update = _core.service_update
service_heartbeat = _core.service_heartbeat
service_destroy = _core.service_destroy
service_get_all = _core.service_get_all
service_get_all_by_topic = _core.service_get_all_by_topic
service_get_by_host_and_topic = _core.service_get_by_host_and_topic
service_get_by_args = _core.service_get_by_args

plan_get = _core.plan_get
plan_get_with_resources = _core.plan_get_with_resources
plan_get_all = _core.plan_get_all
plan_get_all_by_project = _core.plan_get_all_by_project
plan_resources_get = _core.plan_resources_get
plan_create = _core.plan_create
plan_update = _core.plan_update
plan_resources_update = _core.plan_resources_update
plan_destroy = _core.plan_destroy

restore_get = _core.restore_get
restore_create = _core.restore_create
restore_update = _core.restore_update
restore_destroy = _core.restore_destroy
restore_get_all = _core.restore_get_all
restore_get_all_by_project = _core.restore_get_all_by_project
restore_update_resource_status = _core.restore_update_resource_status

verification_get = _core.verification_get
verification_create = _core.verification_create
verification_update = _core.verification_update
verification_destroy = _core.verification_destroy
verification_get_all = _core.verification_get_all
verification_get_all_by_project = _core.verification_get_all_by_project
verification_update_resource_status = _core.verification_update_resource_status

operation_log_get = _core.operation_log_get
operation_log_create = _core.operation_log_create
operation_log_update = _core.operation_log_update
operation_log_destroy = _core.operation_log_destroy
operation_log_get_all = _core.operation_log_get_all
operation_log_get_all_by_project = _core.operation_log_get_all_by_project

checkpoint_record_get = _core.checkpoint_record_get
checkpoint_record_create = _core.checkpoint_record_create
checkpoint_record_update = _core.checkpoint_record_update
checkpoint_record_destroy = _core.checkpoint_record_destroy
checkpoint_record_get_all = _core.checkpoint_record_get_all
checkpoint_record_get_all_by_project = (
    _core.checkpoint_record_get_all_by_project)

purge_deleted_rows = _core.purge_deleted_rows

operation_progress_get = _progress.operation_progress_get
operation_progress_save = _progress.operation_progress_save
operation_cancel_request = _progress.operation_cancel_request
operation_cancel_clear = _progress.operation_cancel_clear
checkpoint_show_rows = _show.checkpoint_show_rows
checkpoint_show_parts = _show.checkpoint_show_parts

trigger_execution_create = _operations.trigger_execution_create
trigger_execution_get_next = _operations.trigger_execution_get_next
trigger_execution_get_by_trigger = _operations.trigger_execution_get_by_trigger
trigger_execution_update = _operations.trigger_execution_update
trigger_execution_delete = _operations.trigger_execution_delete
trigger_execution_claim = _operations.trigger_execution_claim
trigger_execution_get_due = _operations.trigger_execution_get_due

trigger_get = _operations.trigger_get
trigger_create = _operations.trigger_create
trigger_update = _operations.trigger_update
trigger_destroy = _operations.trigger_destroy
trigger_get_all = _operations.trigger_get_all
trigger_get_all_by_project = _operations.trigger_get_all_by_project

scheduled_operation_state_create = _operations.scheduled_operation_state_create
scheduled_operation_state_get = _operations.scheduled_operation_state_get
scheduled_operation_state_update = _operations.scheduled_operation_state_update
scheduled_operation_state_delete = _operations.scheduled_operation_state_delete
scheduled_operation_state_get_all_by_filters_sort = (
    _operations.scheduled_operation_state_get_all_by_filters_sort)
scheduled_operation_state_get_running_elsewhere = (
    _operations.scheduled_operation_state_get_running_elsewhere)

scheduled_operation_log_get = _operations.scheduled_operation_log_get
scheduled_operation_log_create = _operations.scheduled_operation_log_create
scheduled_operation_log_update = _operations.scheduled_operation_log_update
scheduled_operation_log_destroy = _operations.scheduled_operation_log_destroy
scheduled_operation_log_get_all_by_filters_sort = (
    _operations.scheduled_operation_log_get_all_by_filters_sort)
scheduled_operation_log_delete_oldest = (
    _operations.scheduled_operation_log_delete_oldest)

scheduled_operation_get = _operations.scheduled_operation_get
scheduled_operation_create = _operations.scheduled_operation_create
scheduled_operation_update = _operations.scheduled_operation_update
scheduled_operation_get_all = _operations.scheduled_operation_get_all
scheduled_operation_get_all_by_project = (
    _operations.scheduled_operation_get_all_by_project)
scheduled_operation_destroy = _operations.scheduled_operation_destroy
scheduled_operation_run_update = _operations.scheduled_operation_run_update
scheduled_operation_runs_start = _operations.scheduled_operation_runs_start

quota_class_get = _quota.quota_class_get
quota_class_get_all_by_name = _quota.quota_class_get_all_by_name
quota_class_get_default = _quota.quota_class_get_default
quota_class_set = _quota.quota_class_set
quota_class_create = _quota.quota_class_create
quota_class_update = _quota.quota_class_update
quota_class_destroy_all_by_name = _quota.quota_class_destroy_all_by_name

quota_usage_get = _quota.quota_usage_get
quota_usage_get_all_by_project = _quota.quota_usage_get_all_by_project

quota_get = _quota.quota_get
quota_limits = _quota.quota_limits
quota_limits_and_usages = _quota.quota_limits_and_usages
quota_set = _quota.quota_set
quota_create = _quota.quota_create
quota_update = _quota.quota_update
quota_destroy = _quota.quota_destroy
quota_destroy_all_by_project = _quota.quota_destroy_all_by_project
quota_reserve = _quota.quota_reserve

reservation_commit = _quota.reservation_commit
reservation_rollback = _quota.reservation_rollback
reservation_expire = _quota.reservation_expire
reservation_expire_time = _quota.reservation_expire_time
