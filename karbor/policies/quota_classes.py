"""Policies for quota classes."""

from karbor.policies import base


rules = base.api_rules(
    'quota_class', base.RULE_ADMIN_API, [
        ('update', 'Update a quota class.', [
            ('PUT', '/quota_classes/{quota_class_name}'),
        ]),
    ])


def list_rules():
    return rules
