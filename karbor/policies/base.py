"""Base policy rules."""
from oslo_policy import policy

RULE_ADMIN_OR_OWNER = 'rule:admin_or_owner'
RULE_ADMIN_API = 'rule:admin_api'

rules = [
    policy.RuleDefault('context_is_admin', 'role:admin',
                       description='Which callers are administrators: a '
                                   'request matching this rule gets the '
                                   'admin flag. Default: the admin role.'),
    policy.RuleDefault('admin_or_owner',
                       'is_admin:True or (role:admin and '
                       'is_admin_project:True) or project_id:%(project_id)s',
                       description='An administrator, or a member of the '
                                   'project that owns the object.'),
    policy.RuleDefault('default', 'rule:admin_or_owner',
                       description='The rule of any action that has no '
                                   'rule of its own.'),
    policy.RuleDefault('admin_api',
                       'is_admin:True or (role:admin and '
                       'is_admin_project:True)',
                       description='Administrators only: the admin flag, '
                                   'or the admin role in the admin '
                                   'project.'),
]


# Who a rule allows by default, said in the description of each API rule.
DEFAULT_WHO = {
    RULE_ADMIN_OR_OWNER: 'Default: administrators and members of the '
                         'owning project.',
    RULE_ADMIN_API: 'Default: administrators only.',
}


def api_rules(prefix, check_str, actions):
    """Build DocumentedRuleDefaults for ``prefix:action`` names.

    ``actions`` is a list of ``(action, description, [(method, path), ...])``.
    """
    return [
        policy.DocumentedRuleDefault(
            name='%s:%s' % (prefix, action),
            check_str=check_str,
            description='%s %s' % (description, DEFAULT_WHO[check_str]),
            operations=[{'method': m, 'path': p} for m, p in operations])
        for action, description, operations in actions
    ]


def list_rules():
    return rules
