"""Policies for operation logs."""

from karbor.policies import base


rules = base.api_rules(
    'operation_log', base.RULE_ADMIN_OR_OWNER, [
        ('get', 'Get an operation log.', [
            ('GET', '/operation_logs/{operation_log_id}'),
        ]),
        ('list', 'List operation logs.', [
            ('GET', '/operation_logs'),
        ]),
    ])


def list_rules():
    return rules
