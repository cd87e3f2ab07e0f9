"""Fixtures of the real Cinder tier.

One Keystone + Cinder deployment serves the whole session (run this
directory without xdist). It is started here and stopped at the end,
unless ``KARBOR_REALCINDER_ENV`` names the env file of one started by
``tools/real-cinder-tier start``. Karbor's clients reach it as the
``demo`` user through ``[service_credentials]`` (``noauth`` mode).
"""

import os

from cinderclient import client as cinder_client
from oslo_config import cfg
import pytest

from karbor.clients import auth
from karbor import context as karbor_context
from karbor import objects
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.functional.plugins import helpers
from karbor.tests.functional.plugins.helpers import plugin  # noqa: F401
from karbor.tests.functional.plugins.helpers import provider  # noqa: F401
from karbor.tests.realcinder import deployment

CONF = cfg.CONF
objects.register_all()


@pytest.fixture(scope='session')
def real_cloud():
    """The running deployment (a :class:`deployment.Deployment`)."""
    env_file = os.environ.get('KARBOR_REALCINDER_ENV')
    if env_file:
        yield deployment.Deployment.from_env_file(env_file)
        return
    running = deployment.Deployment().start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def cloud(real_cloud):
    """Point Karbor's clients at the real Keystone (as the demo user)."""
    auth.reset()
    CONF.set_override('auth_strategy', 'noauth')
    for name, value in (
            ('auth_url', real_cloud.env['KARBOR_RC_AUTH_URL']),
            ('username', 'demo'),
            ('password', real_cloud.env['KARBOR_RC_DEMO_PASSWORD']),
            ('user_domain_id', 'default'),
            ('project_domain_id', 'default')):
        CONF.set_override(name, value, group=auth.SERVICE_CREDENTIALS_GROUP)
    yield real_cloud
    auth.reset()


@pytest.fixture
def ctx(cloud):
    """A request context of the demo project."""
    return karbor_context.RequestContext(
        user_id='demo', project_id=cloud.env['KARBOR_RC_DEMO_PROJECT_ID'],
        project_name='demo', is_admin=False)


@pytest.fixture(scope='session')
def cinder(real_cloud):
    """python-cinderclient as the demo user, to check Cinder's state."""
    return cinder_client.Client(helpers.CINDER_VERSION,
                                session=real_cloud.demo_session())
