"""Policies for verifications."""

from karbor.policies import base


rules = base.api_rules(
    'verification', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Create a verification.', [
            ('POST', '/verifications'),
        ]),
        ('get', 'Get a verification.', [
            ('GET', '/verifications/{verification_id}'),
        ]),
        ('get_all', 'List verifications.', [
            ('GET', '/verifications'),
        ]),
    ])


def list_rules():
    return rules
