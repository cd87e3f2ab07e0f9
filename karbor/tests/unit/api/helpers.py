"""Driving the API WSGI application in-process."""

from oslo_serialization import jsonutils
import webob

PROJECT = '9b9e2f7a3c4d4e5f8a1b2c3d4e5f6a7b'
OTHER_PROJECT = '1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f'


def request(app, method, path, body=None, token='admin:' + PROJECT,
            content_type='application/json', headers=None):
    """Send one request; ``body`` is JSON-encoded unless bytes or str."""
    req = webob.Request.blank(path, method=method)
    if token is not None:
        req.headers['X-Auth-Token'] = token
    if body is not None:
        if not isinstance(body, (bytes, str)):
            body = jsonutils.dumps(body)
        req.body = body.encode() if isinstance(body, str) else body
        req.content_type = content_type
    for key, value in (headers or {}).items():
        req.headers[key] = value
    return req.get_response(app)


def assert_fault(response, code, name, message=None):
    """The response is a Karbor fault with ``code`` and ``name``."""
    assert response.status_int == code, response.body
    assert response.content_type == 'application/json'
    body = response.json
    assert list(body) == [name], body
    assert body[name]['code'] == code
    if message is not None:
        assert message in body[name]['message'], body[name]['message']
    return body[name]['message']
