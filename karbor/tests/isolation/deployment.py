"""How the isolation probes reach a Karbor, and who they act as."""

import collections
import json
import uuid

import webob

Answer = collections.namedtuple('Answer', 'status text')
Actor = collections.namedtuple('Actor', 'name project_id headers')


def answer_json(answer):
    """The answer's body as JSON data, or None when it is not JSON."""
    try:
        return json.loads(answer.text)
    except ValueError:
        return None


class WsgiClient(object):
    """Sends requests to a WSGI application in this process."""

    def __init__(self, app):
        self.app = app

    def __call__(self, method, path, headers, body=None):
        request = webob.Request.blank(path, method=method)
        request.headers.update(headers)
        if body is not None:
            request.body = json.dumps(body).encode()
            request.content_type = 'application/json'
        response = request.get_response(self.app)
        return Answer(response.status_int, response.text)


class HttpClient(object):
    """Sends requests to a Karbor API at ``base_url`` (``http://host:port``,
    without ``/v1``)."""

    def __init__(self, base_url, timeout=30):
        import requests
        self.base_url = base_url.rstrip('/')
        self.session = requests.Session()
        self.timeout = timeout

    def __call__(self, method, path, headers, body=None):
        response = self.session.request(
            method, self.base_url + path, headers=headers,
            json=body, timeout=self.timeout)
        return Answer(response.status_code, response.text)


class Deployment(object):
    """A Karbor API and the callers of the probes.

    ``noop_provider`` is the id of a No-Op provider; ``copy_provider`` the
    id of a provider whose checkpoints can be copied, or None to skip copies.
    ``resource(actor, name)`` gives the resource (``id``, ``type``,
    ``name``) a plan of ``actor`` protects; by default a volume with a fresh
    id, which the No-Op provider accepts without looking it up.
    """

    def __init__(self, client, member_a, member_b, admin, noop_provider,
                 copy_provider=None, resource=None):
        self.client = client
        self.member_a = member_a
        self.member_b = member_b
        self.admin = admin
        self.noop_provider = noop_provider
        self.copy_provider = copy_provider
        self.plan_resource = resource or fresh_volume

    def request(self, actor, method, path, body=None, project=None):
        """``method /v1/<project>/<path>`` as ``actor`` (an Answer);
        ``project`` defaults to the actor's own."""
        url = '/v1/%s/%s' % (project or actor.project_id, path)
        return self.client(method, url, actor.headers, body)


def fresh_volume(actor, name):
    return {'id': str(uuid.uuid4()), 'type': 'OS::Cinder::Volume',
            'name': 'volume of ' + name}


def token_actor(name, project_id, token):
    """A caller with a Keystone token scoped to ``project_id``."""
    return Actor(name, project_id, {'X-Auth-Token': token})


def noauth_deployment(client, noop_provider, copy_provider=None):
    """Three fresh projects' callers for ``auth_strategy = noauth``, where
    the token is ``<user>:<project>`` and only the user ``admin`` is an
    administrator."""
    def actor(name, user):
        project_id = uuid.uuid4().hex
        return token_actor(name, project_id, '%s:%s' % (user, project_id))
    return Deployment(client, actor('member of A', 'alice'),
                      actor('member of B', 'bob'),
                      actor('admin', 'admin'), noop_provider, copy_provider)
