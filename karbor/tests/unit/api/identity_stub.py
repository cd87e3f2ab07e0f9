"""A tiny local Identity v3 endpoint for keystonemiddleware tests.

It answers version discovery and token validation (``GET /v3/auth/tokens``
with ``X-Subject-Token``) for the tokens registered in ``tokens``.
"""

import contextlib
import datetime
import http.server
import json
import threading
import uuid

SERVICE_TOKEN = 'service-token'


class IdentityStub(object):
    def __init__(self):
        self.tokens = {}
        self.url = None

    def add_token(self, token_id, user_id, project_id, roles):
        now = datetime.datetime.now(datetime.timezone.utc)
        domain = {'id': 'default', 'name': 'Default'}
        self.tokens[token_id] = {'token': {
            'methods': ['password'],
            'issued_at': _iso(now),
            'expires_at': _iso(now + datetime.timedelta(hours=1)),
            'audit_ids': [uuid.uuid4().hex[:22]],
            'user': {'id': user_id, 'name': user_id, 'domain': domain},
            'project': {'id': project_id, 'name': project_id,
                        'domain': domain},
            'roles': [{'id': uuid.uuid4().hex, 'name': r} for r in roles],
            'catalog': [],
        }}
        return token_id

    def version(self):
        return {'id': 'v3.14', 'status': 'stable',
                'updated': '2020-01-01T00:00:00Z',
                'links': [{'rel': 'self', 'href': self.url + '/v3/'}],
                'media-types': [{'base': 'application/json',
                                 'type': 'application/'
                                         'vnd.openstack.identity-v3+json'}]}


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000000Z')


def _handler(stub):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.rstrip('/')
            if path == '/v3':
                return self._send(200, {'version': stub.version()})
            if path == '':
                return self._send(300, {'versions': {
                    'values': [stub.version()]}})
            if path == '/v3/auth/tokens':
                if self.headers.get('X-Auth-Token') != SERVICE_TOKEN:
                    return self._send(401, {'error': {'code': 401}})
                subject = self.headers.get('X-Subject-Token')
                token = stub.tokens.get(subject)
                if token is None:
                    return self._send(404, {'error': {'code': 404}})
                return self._send(200, token,
                                  {'X-Subject-Token': subject})
            return self._send(404, {'error': {'code': 404}})

    return Handler


@contextlib.contextmanager
def running_identity():
    """Serve an :class:`IdentityStub` on a free local port."""
    stub = IdentityStub()
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                             _handler(stub))
    stub.url = 'http://127.0.0.1:%d' % server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
