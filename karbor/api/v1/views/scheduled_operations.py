"""Scheduled operation views (the list key is ``operations``) and the
views of their run logs."""

import json

from karbor.api import common

FIELDS = ('id', 'name', 'description', 'operation_type', 'trigger_id',
          'enabled')
LOG_FIELDS = ('id', 'operation_id', 'state')
LOG_TIMES = ('expect_start_time', 'triggered_time', 'actual_start_time',
             'end_time')


def summary(operation):
    view = {field: operation[field] for field in FIELDS}
    view['operation_definition'] = dict(operation['operation_definition'])
    return view


def detail(operation):
    """``{"scheduled_operation": {...}}``."""
    return {'scheduled_operation': summary(operation)}


def detail_list(request, operations, limit):
    """``{"operations": [...], "operations_links"?: [...]}``."""
    items = [summary(operation) for operation in operations]
    return common.add_links({'operations': items}, request, items,
                            'operations', limit,
                            path='scheduled_operations')


def _extend_info(text):
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {'reason': text}


def log_summary(log):
    view = {field: log[field] for field in LOG_FIELDS}
    for field in LOG_TIMES:
        value = log[field]
        view[field] = (value.replace(tzinfo=None).isoformat(
            timespec='microseconds') if value is not None else None)
    view['extend_info'] = _extend_info(log['extend_info'])
    return view


def log_list(logs):
    """``{"scheduled_operation_logs": [...]}``, newest first."""
    return {'scheduled_operation_logs': [log_summary(log) for log in logs]}
