"""Policies for triggers."""

from karbor.policies import base


rules = base.api_rules(
    'trigger', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Create a trigger.', [
            ('POST', '/triggers'),
        ]),
        ('update', 'Update a trigger.', [
            ('PUT', '/triggers/{trigger_id}'),
        ]),
        ('delete', 'Delete a trigger.', [
            ('DELETE', '/triggers/{trigger_id}'),
        ]),
        ('get', 'Get a trigger.', [
            ('GET', '/triggers/{trigger_id}'),
        ]),
        ('list', 'List triggers.', [
            ('GET', '/triggers'),
        ]),
    ])


def list_rules():
    return rules
