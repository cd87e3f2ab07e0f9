"""Policy enforcement with oslo.policy; the rules live in karbor.policies."""

import threading
import time

from oslo_config import cfg
from oslo_policy import opts as policy_opts
from oslo_policy import policy

from karbor import exception
from karbor import policies

CONF = cfg.CONF
policy_opts.set_defaults(CONF, 'policy.yaml')

_ENFORCER = None
_LOCK = threading.Lock()


class _Enforcer(policy.Enforcer):
    """An Enforcer that looks for changed policy files once a second.

    oslo.policy searches and stats the policy files on every check, which
    costs more than the check itself on a busy API.
    """

    RECHECK_SECONDS = 1.0
    _checked_at = None

    def load_rules(self, force_reload=False):
        now = time.monotonic()
        if (force_reload or self._checked_at is None or
                now - self._checked_at >= self.RECHECK_SECONDS):
            super().load_rules(force_reload)
            self._checked_at = now


def reset():
    global _ENFORCER
    if _ENFORCER:
        _ENFORCER.clear()
    _ENFORCER = None


def get_enforcer():
    """Entry point ``oslo.policy.enforcer`` for the policy tools."""
    global _ENFORCER
    with _LOCK:
        if _ENFORCER is None:
            enforcer = _Enforcer(CONF)
            enforcer.register_defaults(policies.list_rules())
            enforcer.load_rules()
            _ENFORCER = enforcer
    return _ENFORCER


def authorize(context, action, target=None, do_raise=True):
    """Check ``action`` for ``context`` against ``target``.

    The target defaults to the caller's own project, so that owner checks
    pass for project-scoped collections. Raises PolicyNotAuthorized.
    """
    if target is None:
        target = {'project_id': context.project_id,
                  'user_id': context.user_id}
    return get_enforcer().authorize(
        action, target, context, do_raise=do_raise,
        exc=exception.PolicyNotAuthorized, action=action)


def check_is_admin(context):
    """Whether the roles of ``context`` make it an administrator."""
    target = {'project_id': context.project_id, 'user_id': context.user_id}
    return get_enforcer().authorize('context_is_admin', target, context)
