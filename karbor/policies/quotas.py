"""Policies for quotas."""
from karbor.policies import base


rules = (
    base.api_rules('quota', base.RULE_ADMIN_API, [
        ('update', 'Update the quotas of a project.',
         [('PUT', '/quotas/{project_id}')]),
        ('delete', 'Delete the quotas of a project.',
         [('DELETE', '/quotas/{project_id}')]),
    ]) +
    base.api_rules('quota', base.RULE_ADMIN_OR_OWNER, [
        ('get', 'Show the quotas (and usage) of a project.',
         [('GET', '/quotas/{project_id}'),
          ('GET', '/quotas/{project_id}/detail')]),
        ('get_default', 'Show the default quotas of a project.',
         [('GET', '/quotas/{project_id}/defaults')]),
    ]) +
    base.api_rules('quota_class', base.RULE_ADMIN_OR_OWNER, [
        ('get', 'Show a quota class.',
         [('GET', '/quota_classes/{quota_class_name}')]),
    ]))


def list_rules():
    return rules
