"""Run a sandbox in-process for tests: :func:`running_sandbox`."""

import contextlib

import requests

from karbor_sandbox import server as server_mod

PASSWORD = 'password'


class SandboxHandle(object):
    """What a test needs to talk to a running sandbox."""

    def __init__(self, server):
        self.server = server
        self.cloud = server.cloud
        self.base_url = server.base_url
        self.auth_url = server.base_url + '/identity/v3'

    def url(self, service, project_id=None):
        return self.cloud.url(service, project_id or self.project_id)

    def project(self, name):
        """The id of a project, looked up by name."""
        identity = self.cloud.service('identity')
        return identity.find_project(name)['id']

    @property
    def project_id(self):
        return self.project('demo')

    @property
    def admin_project_id(self):
        return self.project('admin')

    def session(self, user='demo', project=None):
        """A keystoneauth1 session for a pre-created user."""
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        auth = v3.Password(auth_url=self.auth_url, username=user,
                           password=PASSWORD, project_name=project or user,
                           user_domain_id='default',
                           project_domain_id='default')
        return session.Session(auth=auth)

    def admin_session(self):
        return self.session('admin', 'admin')

    def register_endpoint(self, service_type, url, name=None):
        """Publish an external API (e.g. Karbor's) in the catalog."""
        return self.cloud.service('identity').register_endpoint(
            service_type, url, name)

    def inject_fault(self, **spec):
        """Register a fault (see :mod:`karbor_sandbox.admin`)."""
        resp = requests.post(self.base_url + '/sandbox/faults', json=spec,
                             timeout=10)
        resp.raise_for_status()
        return resp.json()['fault']

    def openrc(self, user='demo', project='demo'):
        return self.server.openrc(user, project)


@contextlib.contextmanager
def running_sandbox(state_dir, delay=0.0, host='127.0.0.1', port=0):
    """Serve a sandbox on a free port for the duration of the block."""
    server = server_mod.SandboxServer(state_dir, host=host, port=port,
                                      delay=delay)
    server.start()
    try:
        yield SandboxHandle(server)
    finally:
        server.stop()
