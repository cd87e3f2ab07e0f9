"""Fixtures for plugin tests against the sandbox cloud.

One sandbox serves a whole test module; Karbor's clients reach it through
``[service_credentials]`` (``noauth`` mode: the service user, here
``demo``, scoped to the request's project) and ``[k8s_client]``.
"""

from cinderclient import client as cinder_client
import glanceclient
from manilaclient import client as manila_client
from novaclient import client as nova_client
from oslo_config import cfg
import pytest
from troveclient import client as trove_client

from karbor.clients import auth
from karbor.clients import k8s as k8s_clients
from karbor import context as karbor_context
from karbor_sandbox import fixture
from karbor import objects
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401
from karbor.tests.functional.plugins import helpers
from karbor.tests.functional.plugins.helpers import plugin  # noqa: F401
from karbor.tests.functional.plugins.helpers import provider  # noqa: F401

CONF = cfg.CONF
objects.register_all()


@pytest.fixture(scope='module')
def sandbox(tmp_path_factory):
    """A sandbox per test module, transitions immediate."""
    with fixture.running_sandbox(str(tmp_path_factory.mktemp('sbx'))) as sb:
        yield sb


@pytest.fixture
def cloud(sandbox):
    """Point Karbor's clients at the sandbox (as the demo user)."""
    auth.reset()
    CONF.set_override('auth_strategy', 'noauth')
    for name, value in (('auth_url', sandbox.auth_url), ('username', 'demo'),
                        ('password', fixture.PASSWORD),
                        ('user_domain_id', 'default'),
                        ('project_domain_id', 'default')):
        CONF.set_override(name, value, group=auth.SERVICE_CREDENTIALS_GROUP)
    CONF.set_override('k8s_host', sandbox.url('k8s'), group='k8s_client')
    yield sandbox
    auth.reset()


@pytest.fixture
def ctx(cloud):
    """A request context of the demo project."""
    return karbor_context.RequestContext(
        user_id='demo', project_id=cloud.project_id, project_name='demo',
        is_admin=False)


@pytest.fixture
def cinder(sandbox):
    return cinder_client.Client(helpers.CINDER_VERSION,
                                session=sandbox.session())


@pytest.fixture
def k8s(cloud):
    return k8s_clients.create()


@pytest.fixture
def glance(sandbox):
    return glanceclient.Client('2', session=sandbox.session())


@pytest.fixture
def admin_glance(sandbox):
    return glanceclient.Client('2', session=sandbox.admin_session())


@pytest.fixture
def nova(sandbox):
    return nova_client.Client('2.1', session=sandbox.session())


@pytest.fixture
def manila(sandbox):
    return manila_client.Client('2', session=sandbox.session())


@pytest.fixture
def trove(sandbox):
    return trove_client.Client('1.0', session=sandbox.session())
