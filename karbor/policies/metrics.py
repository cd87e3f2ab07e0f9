"""Policy of the Prometheus metrics of the API."""

from karbor.policies import base


rules = base.api_rules(
    'metrics', base.RULE_ADMIN_API, [
        ('get', 'Read the Prometheus metrics of the service.', [
            ('GET', '/metrics'),
        ]),
    ])


def list_rules():
    return rules
