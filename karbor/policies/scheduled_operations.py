"""Policies for scheduled operations."""

from karbor.policies import base


rules = base.api_rules(
    'scheduled_operation', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Create a scheduled operation.', [
            ('POST', '/scheduled_operations'),
        ]),
        ('update', 'Rename, pause or resume a scheduled operation.', [
            ('PUT', '/scheduled_operations/{scheduled_operation_id}'),
        ]),
        ('delete', 'Delete a scheduled operation.', [
            ('DELETE', '/scheduled_operations/{scheduled_operation_id}'),
        ]),
        ('get', 'Get a scheduled operation or the logs of its runs.', [
            ('GET', '/scheduled_operations/{scheduled_operation_id}'),
            ('GET', '/scheduled_operations/{scheduled_operation_id}/logs'),
        ]),
        ('list', 'List scheduled operations.', [
            ('GET', '/scheduled_operations'),
        ]),
    ])


def list_rules():
    return rules
