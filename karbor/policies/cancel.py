"""Policies for cancelling running operations."""

from karbor.policies import base

CHECKPOINT = '/providers/{provider_id}/checkpoints/{checkpoint_id}/cancel'

rules = (
    base.api_rules('checkpoint', base.RULE_ADMIN_OR_OWNER, [
        ('cancel', 'Cancel the protect, copy or delete running on a '
                   'checkpoint.', [('POST', CHECKPOINT)]),
    ]) + base.api_rules('restore', base.RULE_ADMIN_OR_OWNER, [
        ('cancel', 'Cancel a running restore.', [
            ('POST', '/restores/{restore_id}/cancel')]),
    ]) + base.api_rules('verification', base.RULE_ADMIN_OR_OWNER, [
        ('cancel', 'Cancel a running verification.', [
            ('POST', '/verifications/{verification_id}/cancel')]),
    ]))


def list_rules():
    return rules
