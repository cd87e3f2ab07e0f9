"""Operation log views."""

from karbor.api import common

FIELDS = ('id', 'operation_type', 'checkpoint_id', 'plan_id', 'provider_id',
          'restore_id', 'scheduled_operation_id', 'status', 'started_at',
          'ended_at', 'error_info', 'extra_info')
TIMES = ('started_at', 'ended_at')


def summary(log):
    view = {field: log[field] for field in FIELDS}
    for field in TIMES:
        if view[field] is not None:
            view[field] = view[field].replace(tzinfo=None).isoformat(
                timespec='microseconds')  # as the original: .000000
    return view


def detail(log):
    """``{"operation_log": {...}}``."""
    return {'operation_log': summary(log)}


def detail_list(request, logs, limit):
    """``{"operation_logs": [...], "operation_logs_links"?: [...]}``."""
    items = [summary(log) for log in logs]
    return common.add_links({'operation_logs': items}, request, items,
                            'operation_logs', limit)
