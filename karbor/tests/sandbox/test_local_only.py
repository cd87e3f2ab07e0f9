"""The unauthenticated APIs (/sandbox, /k8s, the endpoint list at /) answer
only loopback callers, whatever address the sandbox listens on."""

import socket

import pytest
import requests
import webob

from karbor_sandbox import app as app_mod
from karbor_sandbox import cloud as cloud_mod
from karbor_sandbox import fixture
from karbor_sandbox import utils

FAULT = {'service': 'volume', 'operation': 'backup', 'resource_id': '*',
         'action': 'error'}
LOCAL_ONLY = [('GET', '/'), ('GET', '/sandbox/health'),
              ('GET', '/sandbox/endpoints'), ('GET', '/sandbox/faults'),
              ('POST', '/sandbox/faults'),
              ('DELETE', '/sandbox/faults/f1'),
              ('GET', '/k8s/api/v1/namespaces'),
              ('POST', '/k8s/api/v1/namespaces'),
              ('DELETE', '/k8s/api/v1/namespaces/default')]


@pytest.fixture
def app(tmp_path):
    cloud = cloud_mod.Cloud(str(tmp_path))
    yield app_mod.App(cloud)
    cloud.close()


def _call(app, method, path, remote_addr, body=None):
    req = webob.Request.blank(path, method=method,
                              environ={'REMOTE_ADDR': remote_addr})
    if body is not None:
        req.json_body = body
    return req.get_response(app)


def _state(app):
    """What a refused request could have changed: faults, namespaces."""
    faults = _call(app, 'GET', '/sandbox/faults', '127.0.0.1').json
    namespaces = _call(app, 'GET', '/k8s/api/v1/namespaces',
                       '127.0.0.1').json['items']
    return faults, sorted(ns['metadata']['name'] for ns in namespaces)


@pytest.mark.parametrize('remote_addr', ['192.0.2.7', '10.1.2.3',
                                         '2001:db8::1', '::ffff:192.0.2.7',
                                         '', 'not-an-address'])
def test_other_callers_are_refused(app, remote_addr):
    before = _state(app)
    for method, path in LOCAL_ONLY:
        body = ({'metadata': {'name': 'intruder'}} if path.startswith('/k8s')
                else FAULT)
        resp = _call(app, method, path, remote_addr,
                     body if method == 'POST' else None)
        assert resp.status_int == 403, (method, path, resp.body)
        assert 'this host' in resp.text
    assert _state(app) == before


@pytest.mark.parametrize('remote_addr', ['127.0.0.1', '127.8.9.10', '::1',
                                         '::ffff:127.0.0.1'])
def test_loopback_callers_are_served(app, remote_addr):
    resp = _call(app, 'POST', '/sandbox/faults', remote_addr, FAULT)
    assert resp.status_int == 201, resp.body
    assert _call(app, 'GET', '/', remote_addr).json['endpoints']
    resp = _call(app, 'GET', '/k8s/api/v1/namespaces', remote_addr)
    assert resp.status_int == 200


def test_authenticated_apis_stay_open(app):
    resp = _call(app, 'GET', '/identity/v3', '192.0.2.7')
    assert resp.status_int == 200


def test_loopback_addresses():
    assert utils.is_loopback('127.0.0.1') and utils.is_loopback('::1')
    assert not utils.is_loopback('192.0.2.7')
    assert not utils.is_loopback(None)


def _other_local_address():
    """An address of this host that is not a loopback one, or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(('192.0.2.254', 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if utils.is_loopback(address) else address


def test_bound_to_every_address(tmp_path):
    address = _other_local_address()
    if address is None:
        pytest.skip('this host has no non-loopback address')
    with fixture.running_sandbox(str(tmp_path), host='0.0.0.0') as sandbox:
        port = sandbox.server._server.bind_addr[1]
        remote = 'http://%s:%d' % (address, port)
        local = 'http://127.0.0.1:%d' % port
        refused = requests.post(remote + '/sandbox/faults', json=FAULT,
                                timeout=5)
        assert refused.status_code == 403
        assert requests.get(remote + '/k8s/api/v1/namespaces',
                            timeout=5).status_code == 403
        assert requests.get(local + '/sandbox/faults',
                            timeout=5).json() == {'faults': []}
        assert requests.get(remote + '/identity/v3',
                            timeout=5).status_code == 200
