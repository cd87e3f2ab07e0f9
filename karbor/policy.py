"""Policy enforcement with oslo.policy; the rules live in karbor.policies."""

import collections.abc
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


_PLAIN = (str, int, float, bool, type(None))


def _frozen(value):
    """``value`` made hashable (lists and mappings included)."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        return tuple([_frozen(item) for item in value])
    if isinstance(value, collections.abc.Mapping):
        return tuple(sorted([(key, _frozen(value[key])) for key in value]))
    return value


class _Enforcer(policy.Enforcer):
    """An Enforcer that looks for changed policy files once a second and
    remembers its decisions until then.

    oslo.policy searches and stats the policy files on every check, and
    inspects the signature of every check it evaluates, which together cost
    more than the decision on a busy API. A decision depends only on the
    rules, the action, the target and the caller's credentials, and the
    rules only change when they are reloaded.
    """

    RECHECK_SECONDS = 1.0
    MAX_DECISIONS = 4096
    _checked_at = None

    def __init__(self, *args, **kwargs):
        self._decisions = {}
        super().__init__(*args, **kwargs)

    def load_rules(self, force_reload=False):
        now = time.monotonic()
        if (force_reload or self._checked_at is None or
                now - self._checked_at >= self.RECHECK_SECONDS):
            super().load_rules(force_reload)
            self._decisions = {}
            self._checked_at = now

    def set_rules(self, *args, **kwargs):
        super().set_rules(*args, **kwargs)
        self._decisions = {}

    def clear(self):
        super().clear()
        self._decisions = {}

    def decide(self, action, target, context):
        """Whether ``context`` may do ``action`` on ``target`` (no raise)."""
        self.load_rules()
        creds = context.to_policy_values()
        key = (action, _frozen(target), _frozen(creds))
        decisions = self._decisions
        try:
            return decisions[key]
        except KeyError:
            remember = True
        except TypeError:  # an unhashable value in the target
            remember = False
        allowed = bool(self.authorize(action, target, creds, do_raise=False))
        if remember:
            if len(decisions) >= self.MAX_DECISIONS:
                decisions.clear()
            decisions[key] = allowed
        return allowed


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
    allowed = get_enforcer().decide(action, target, context)
    if not allowed and do_raise:
        raise exception.PolicyNotAuthorized(action=action)
    return allowed


def check_is_admin(context):
    """Whether the roles of ``context`` make it an administrator."""
    target = {'project_id': context.project_id, 'user_id': context.user_id}
    return get_enforcer().decide('context_is_admin', target, context)
