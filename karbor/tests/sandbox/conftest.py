"""Fixtures running an in-process sandbox cloud for contract tests."""

import time

from cinderclient import client as cinder_client
import pytest
import swiftclient

from karbor_sandbox import fixture

CINDER_VERSION = '3.60'


@pytest.fixture
def sandbox(tmp_path):
    """A sandbox on a free port, transitions immediate (delay 0)."""
    with fixture.running_sandbox(str(tmp_path / 'state')) as handle:
        yield handle


@pytest.fixture
def cinder(sandbox):
    """python-cinderclient v3 as the demo user."""
    return cinder_client.Client(CINDER_VERSION, session=sandbox.session())


@pytest.fixture
def admin_cinder(sandbox):
    return cinder_client.Client(CINDER_VERSION,
                                session=sandbox.admin_session())


@pytest.fixture
def swift(sandbox):
    """python-swiftclient with Keystone v3 password auth as demo."""
    return swiftclient.Connection(
        authurl=sandbox.auth_url, user='demo', key='password',
        auth_version='3',
        os_options={'project_name': 'demo', 'user_domain_id': 'default',
                    'project_domain_id': 'default'})


@pytest.fixture
def k8s(sandbox):
    """The kubernetes CoreV1Api pointed at the sandbox."""
    from kubernetes import client
    cfg = client.Configuration()
    cfg.host = sandbox.url('k8s')
    return client.CoreV1Api(client.ApiClient(cfg))


def wait_status(get, status, timeout=10):
    """Poll ``get()`` until its ``status`` equals ``status``."""
    deadline = time.time() + timeout
    while True:
        obj = get()
        if obj.status == status:
            return obj
        assert time.time() < deadline, 'stuck in %s' % obj.status
        time.sleep(0.05)
