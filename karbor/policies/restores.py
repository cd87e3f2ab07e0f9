"""Policies for restores."""

from karbor.policies import base


rules = base.api_rules(
    'restore', base.RULE_ADMIN_OR_OWNER, [
        ('create', 'Create a restore.', [
            ('POST', '/restores'),
        ]),
        ('update', 'Update a restore (internal).', [
            ('PUT', '/restores/{restore_id}'),
        ]),
        ('get', 'Get a restore.', [
            ('GET', '/restores/{restore_id}'),
        ]),
        ('get_all', 'List restores.', [
            ('GET', '/restores'),
        ]),
        ('preview', 'Preview a restore: what it would make, where, in '
         'which order, and its conflicts; changes nothing.', [
            ('POST', '/restores/preview'),
        ]),
    ])


def list_rules():
    return rules
