"""Policies for protectables."""

from karbor.policies import base


rules = base.api_rules(
    'protectable', base.RULE_ADMIN_OR_OWNER, [
        ('get', 'Show a protectable type.', [
            ('GET', '/protectables/{protectable_type}'),
        ]),
        ('get_all', 'List protectable types.', [
            ('GET', '/protectables'),
        ]),
        ('instance_get', 'Show a protectable instance.', [
            ('GET', '/protectables/{protectable_type}/instances/'
                    '{resource_id}'),
        ]),
        ('instance_get_all', 'List protectable instances.', [
            ('GET', '/protectables/{protectable_type}/instances'),
        ]),
    ])


def list_rules():
    return rules
