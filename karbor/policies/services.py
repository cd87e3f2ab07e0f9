"""Policies for services."""

from karbor.policies import base


rules = base.api_rules(
    'service', base.RULE_ADMIN_API, [
        ('get_all', 'List services.', [
            ('GET', '/os-services'),
        ]),
        ('update', 'Enable or disable a service.', [
            ('PUT', '/os-services/{service_id}'),
        ]),
    ])


def list_rules():
    return rules
