"""Policies for copies."""

from karbor.policies import base


rules = base.api_rules(
    'copy', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Copy the checkpoints of a plan.', [
            ('POST', '/providers/{provider_id}/checkpoints/action'),
        ]),
    ])


def list_rules():
    return rules
