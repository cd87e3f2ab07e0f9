"""Policies for providers."""

from karbor.policies import base


rules = base.api_rules(
    'provider', base.RULE_ADMIN_OR_OWNER, [
        ('get', 'Show a provider.', [
            ('GET', '/providers/{provider_id}'),
        ]),
        ('get_all', 'List providers.', [
            ('GET', '/providers'),
        ]),
        ('checkpoint_get', 'Show a checkpoint.', [
            ('GET', '/providers/{provider_id}/checkpoints/{checkpoint_id}'),
        ]),
        ('checkpoint_get_all', 'List checkpoints.', [
            ('GET', '/providers/{provider_id}/checkpoints'),
        ]),
        ('checkpoint_create', 'Create a checkpoint.', [
            ('POST', '/providers/{provider_id}/checkpoints'),
        ]),
        ('checkpoint_delete', 'Delete a checkpoint.', [
            ('DELETE', '/providers/{provider_id}/checkpoints/{checkpoint_id}'),
        ]),
    ]) + base.api_rules(
    'provider', base.RULE_ADMIN_API, [
        # As Cinder's reset-state: a member could otherwise mark a failed
        # checkpoint available and restore from it.
        ('checkpoint_update',
         'Reset the state of a checkpoint (os-resetState). Operators may '
         'open it to project members with "rule:admin_or_owner".', [
             ('PUT', '/providers/{provider_id}/checkpoints/{checkpoint_id}'),
         ]),
    ])


def list_rules():
    return rules
