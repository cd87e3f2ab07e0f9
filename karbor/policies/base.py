"""Base policy rules."""
from oslo_policy import policy

RULE_ADMIN_OR_OWNER = 'rule:admin_or_owner'
RULE_ADMIN_API = 'rule:admin_api'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Decides what is an administrator.'),
    policy.RuleDefault('admin_or_owner',
                       'is_admin:True or (role:admin and '
                       'is_admin_project:True) or project_id:%(project_id)s',
                       description='An administrator or the owner of the '
                                   'object.'),
    policy.RuleDefault('default', 'rule:admin_or_owner',
                       description='Default rule for API access.'),
    policy.RuleDefault('admin_api',
                       'is_admin:True or (role:admin and '
                       'is_admin_project:True)',
                       description='Administrators only.'),
]


def api_rules(prefix, check_str, actions):
    """Build DocumentedRuleDefaults for ``prefix:action`` names.

    ``actions`` is a list of ``(action, description, [(method, path), ...])``.
    """
    return [
        policy.DocumentedRuleDefault(
            name='%s:%s' % (prefix, action),
            check_str=check_str,
            description=description,
            operations=[{'method': m, 'path': p} for m, p in operations])
        for action, description, operations in actions
    ]


def list_rules():
    return rules
