"""Serve the sandbox on one port with cheroot's threaded WSGI server."""

import threading

from cheroot import wsgi as cheroot_wsgi

from karbor_sandbox import app
from karbor_sandbox import cloud as cloud_mod


class SandboxServer(object):
    """A running sandbox: a :class:`~karbor_sandbox.cloud.Cloud` + HTTP."""

    def __init__(self, state_dir, host='127.0.0.1', port=0, delay=0.0,
                 threads=8, token_ttl=None):
        kwargs = {} if token_ttl is None else {'token_ttl': token_ttl}
        self.cloud = cloud_mod.Cloud(state_dir, delay=delay, **kwargs)
        self._server = cheroot_wsgi.Server((host, port), app.App(self.cloud),
                                           numthreads=threads)
        self._thread = None
        self.host = host

    @property
    def base_url(self):
        return self.cloud.base_url

    def _bind(self):
        self._server.prepare()
        port = self._server.bind_addr[1]
        self.cloud.base_url = 'http://%s:%d' % (self.host, port)

    def start(self):
        """Bind and serve in a background thread."""
        self._bind()
        self._thread = threading.Thread(target=self._server.serve,
                                        name='karbor-sandbox', daemon=True)
        self._thread.start()
        return self

    def serve_forever(self, on_ready=None):
        """Bind and serve in the calling thread until stopped."""
        self._bind()
        if on_ready:
            on_ready(self)
        try:
            self._server.serve()
        finally:
            self.cloud.close()

    def stop(self):
        self._server.stop()
        if self._thread:
            self._thread.join(5)
            self._thread = None
            self.cloud.close()

    def openrc(self, user='demo', project='demo'):
        """Shell exports for the OpenStack CLIs (sandbox password)."""
        return '\n'.join([
            'export OS_AUTH_URL=%s/identity/v3' % self.base_url,
            'export OS_IDENTITY_API_VERSION=3',
            'export OS_USERNAME=%s' % user,
            'export OS_PASSWORD=password',
            'export OS_PROJECT_NAME=%s' % project,
            'export OS_USER_DOMAIN_ID=default',
            'export OS_PROJECT_DOMAIN_ID=default',
            'export OS_REGION_NAME=RegionOne',
        ])
