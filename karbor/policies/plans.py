"""Policies for plans."""

from karbor.policies import base


rules = base.api_rules(
    'plan', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Create a plan.', [
            ('POST', '/plans'),
        ]),
        ('update', 'Update a plan.', [
            ('PUT', '/plans/{plan_id}'),
        ]),
        ('delete', 'Delete a plan.', [
            ('DELETE', '/plans/{plan_id}'),
        ]),
        ('get', 'Get a plan.', [
            ('GET', '/plans/{plan_id}'),
        ]),
        ('get_all', 'List plans.', [
            ('GET', '/plans'),
        ]),
    ])


def list_rules():
    return rules
