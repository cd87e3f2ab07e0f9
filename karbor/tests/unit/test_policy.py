"""Policy enforcement: remembered decisions never cross callers, targets
or rule changes."""

import os

from oslo_config import cfg
import pytest

from karbor import context
from karbor import exception
from karbor import policy
from karbor.tests.unit.api.conftest import parse_empty_config

CONF = cfg.CONF


@pytest.fixture(autouse=True)
def fresh_policy():
    parse_empty_config()
    policy.reset()
    yield
    CONF.clear_override('policy_file', group='oslo_policy')
    policy.reset()


def _ctx(project, roles=()):
    return context.RequestContext(user_id='user', project_id=project,
                                  roles=list(roles))


def _owner(project):
    return {'project_id': project, 'user_id': 'user'}


def test_decisions_follow_caller_and_target():
    alice, bob = _ctx('alice'), _ctx('bob')
    admin = _ctx('ops', roles=['admin'])
    for _round in range(2):  # the second round is answered from memory
        assert policy.authorize(alice, 'plan:get', _owner('alice'))
        with pytest.raises(exception.PolicyNotAuthorized):
            policy.authorize(bob, 'plan:get', _owner('alice'))
        assert not policy.authorize(alice, 'plan:get', _owner('bob'),
                                    do_raise=False)
        assert policy.authorize(admin, 'plan:get', _owner('alice'))
        assert admin.is_admin and not alice.is_admin


def test_remembered_decisions_skip_the_rule_evaluation(monkeypatch):
    alice = _ctx('alice')
    enforcer = policy.get_enforcer()
    evaluated = []
    real = type(enforcer).authorize

    def counting(self, *args, **kwargs):
        evaluated.append(args[0])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(enforcer), 'authorize', counting)
    for _ in range(3):
        policy.authorize(alice, 'plan:get', _owner('alice'))
    policy.authorize(alice, 'plan:delete', _owner('alice'))
    assert evaluated == ['plan:get', 'plan:delete']


def test_unregistered_action_is_refused():
    with pytest.raises(Exception) as raised:
        policy.authorize(_ctx('alice'), 'plan:no_such_action')
    assert 'plan:no_such_action' in str(raised.value)


def test_a_changed_policy_file_takes_effect(tmp_path, monkeypatch):
    policy_file = tmp_path / 'policy.yaml'
    policy_file.write_text('"plan:get": "!"\n')
    CONF.set_override('policy_file', str(policy_file), group='oslo_policy')
    alice = _ctx('alice')
    assert not policy.authorize(alice, 'plan:get', _owner('alice'),
                                do_raise=False)
    policy_file.write_text('"plan:get": "rule:admin_or_owner"\n')
    enforcer = policy.get_enforcer()
    # Still remembered until the files are looked at again...
    assert not policy.authorize(alice, 'plan:get', _owner('alice'),
                                do_raise=False)
    # ... which happens once RECHECK_SECONDS have passed.
    monkeypatch.setattr(enforcer, '_checked_at',
                        enforcer._checked_at - enforcer.RECHECK_SECONDS)
    # oslo.policy notices the change by the file's modification time.
    mtime = policy_file.stat().st_mtime + 5
    os.utime(policy_file, (mtime, mtime))
    assert policy.authorize(alice, 'plan:get', _owner('alice'))
