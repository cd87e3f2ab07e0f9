"""The request context a scheduled run acts with."""

import types

from oslo_config import cfg

from karbor.services.operationengine import trusts

CONF = cfg.CONF


def test_noauth_ignores_a_trust_id():
    # E.g. the trust of a scheduled operation of a taken-over deployment
    # of the original Karbor: without Keystone nothing can redeem it.
    CONF.set_override('auth_strategy', 'noauth')
    try:
        operation = types.SimpleNamespace(user_id='u1', project_id='p1')
        ctxt = trusts.run_context(operation, '5d8ef0b2c6d14a5c9e3f7a1b2c3d')
    finally:
        CONF.clear_override('auth_strategy')
    assert (ctxt.user_id, ctxt.project_id, ctxt.is_admin) == ('u1', 'p1',
                                                             False)
