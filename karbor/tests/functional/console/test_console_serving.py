"""The console's files on the API's port: off by default, on when
``[dashboard] enabled``; what the files are served with; the Keystone
login relay only reaches the configured Keystone."""

import http.server
import json
import os
import threading

from oslo_config import cfg
import pytest

from karbor.api import app as api_app
from karbor.api import dashboard
from karbor.tests.unit.api import conftest as api_conftest
from karbor.tests.unit.api import helpers

CONF = cfg.CONF


@pytest.fixture(autouse=True)
def parsed_config():
    api_conftest.parse_empty_config()
    yield CONF
    CONF.clear_override('enabled', group='dashboard')
    CONF.clear_override('keystone_url', group='dashboard')


def console_app(strategy='noauth', keystone_url=None):
    CONF.set_override('enabled', True, group='dashboard')
    CONF.set_override('keystone_url', keystone_url, group='dashboard')
    return api_app.setup_app(auth_strategy=strategy)


def get(app, path, **kwargs):
    return helpers.request(app, 'GET', path, token=None, **kwargs)


def test_off_by_default_the_path_is_the_api_s():
    assert CONF.dashboard.enabled is False
    app = api_app.setup_app(auth_strategy='noauth')
    response = get(app, '/dashboard/', headers={'X-Auth-Token': 'u:p'})
    assert response.status_int == 404
    assert response.content_type == 'application/json'


def test_index_module_and_styles_are_served_with_their_types():
    app = console_app()
    assert get(app, '/dashboard').status_int == 301
    assert get(app, '/dashboard').location.endswith('/dashboard/')
    index = get(app, '/dashboard/')
    assert index.status_int == 200
    assert index.content_type == 'text/html'
    assert b'<script type="module" src="js/app.js">' in index.body
    assert "default-src 'self'" in index.headers['Content-Security-Policy']
    assert index.headers['X-Content-Type-Options'] == 'nosniff'
    module = get(app, '/dashboard/js/app.js')
    assert module.content_type == 'text/javascript'
    assert get(app, '/dashboard/console.css').content_type == 'text/css'
    again = get(app, '/dashboard/js/app.js',
                headers={'If-None-Match': module.etag})
    assert again.status_int == 304 and not again.body


def test_every_static_file_is_served_and_nothing_else():
    app = console_app()
    files = dashboard.load_files()
    assert '/js/pages/checkpoints.js' in files
    for path in files:
        assert get(app, '/dashboard' + path).status_int == 200, path
    for path in ('/dashboard/../karbor/api/app.py', '/dashboard/%2e%2e/x',
                 '/dashboard/js/', '/dashboard/nope.js'):
        helpers.assert_fault(get(app, path), 404, 'itemNotFound')
    response = helpers.request(app, 'POST', '/dashboard/js/app.js', body={})
    assert response.status_int == 405


def test_config_says_how_to_log_in():
    noauth = get(console_app(), '/dashboard/config.json').json
    assert noauth == {'auth_strategy': 'noauth', 'keystone': False,
                      'api_path': '/v1'}
    keystone = get(console_app('noauth', 'http://k.example/identity'),
                   '/dashboard/config.json').json
    assert keystone['keystone'] is True


def test_login_without_a_keystone_is_404():
    response = helpers.request(console_app(), 'POST',
                               '/dashboard/keystone/auth/tokens', body={})
    helpers.assert_fault(response, 404, 'itemNotFound')


class _Keystone(http.server.BaseHTTPRequestHandler):
    """A stand-in Keystone recording what reaches it."""

    seen = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers['Content-Length']))
        self.seen.append((self.path, json.loads(body)))
        self.send_response(201)
        self.send_header('Content-Type', 'application/json')
        self.send_header('X-Subject-Token', 'tok-123')
        self.end_headers()
        self.wfile.write(b'{"token": {"project": {"id": "p1"}}}')

    def log_message(self, *args):
        pass


def test_login_is_relayed_to_the_configured_keystone_only():
    server = http.server.HTTPServer(('127.0.0.1', 0), _Keystone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = 'http://127.0.0.1:%d/identity' % server.server_port
        app = console_app('noauth', url)
        body = {'auth': {'identity': {'methods': ['password']}}}
        response = helpers.request(app, 'POST',
                                   '/dashboard/keystone/auth/tokens',
                                   body=body)
        assert response.status_int == 201
        assert response.headers['X-Subject-Token'] == 'tok-123'
        assert response.json['token']['project']['id'] == 'p1'
        assert _Keystone.seen == [('/identity/v3/auth/tokens', body)]
        # Nothing else under /dashboard/keystone reaches it.
        other = helpers.request(app, 'POST', '/dashboard/keystone/users',
                                body=body)
        assert other.status_int == 405
        assert len(_Keystone.seen) == 1
        big = helpers.request(app, 'POST', '/dashboard/keystone/auth/tokens',
                              body=b'{' + b' ' * 70000 + b'}')
        helpers.assert_fault(big, 413, 'overLimit')
    finally:
        server.shutdown()
        server.server_close()


def test_console_sources_have_no_remote_references():
    """No asset is fetched from the internet at run time."""
    for path, (data, _ctype, _etag) in dashboard.load_files().items():
        text = data.decode('utf-8', 'replace')
        for scheme in ('http://', 'https://', '//cdn'):
            found = [line for line in text.splitlines()
                     if scheme in line and 'w3.org/2000/svg' not in line]
            assert not found, (path, found)
    assert os.path.isdir(dashboard.STATIC_DIR)
