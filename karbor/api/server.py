"""The production HTTP server of ``karbor-api``: cheroot, threaded.

:class:`APIServer` binds, serves in a background thread and stops; the
``karbor-api`` command and ``karbor-all`` both use it.
"""

import socket
import threading

from cheroot import wsgi
from oslo_config import cfg
from oslo_log import log as logging

from karbor.api import app as api_app

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

SERVER_NAME = 'karbor-api'

api_server_opts = [
    cfg.HostAddressOpt('osapi_karbor_listen',
                       default='0.0.0.0',
                       help='IP address on which the Karbor API listens.'),
    cfg.PortOpt('osapi_karbor_listen_port',
                default=8799,
                help='Port on which the Karbor API listens.'),
    cfg.IntOpt('osapi_karbor_workers',
               default=16, min=1,
               help='Number of threads serving API requests in each API '
                    'process (see osapi_karbor_processes).'),
    cfg.IntOpt('osapi_karbor_processes',
               default=1, min=1,
               help='Number of karbor-api worker processes sharing the '
                    'listening port (SO_REUSEPORT, so the kernel spreads '
                    'connections over them); each serves with '
                    'osapi_karbor_workers threads. One per core is a good '
                    'start. A worker that dies is started again.'),
    cfg.BoolOpt('tcp_keepalive',
                default=True,
                help='Set SO_KEEPALIVE on the sockets of API clients.'),
    cfg.IntOpt('tcp_keepidle',
               default=600, min=1,
               help='Idle seconds before TCP keepalive probes start '
                    '(TCP_KEEPIDLE, where the platform supports it).'),
    cfg.IntOpt('client_socket_timeout',
               default=900, min=1,
               help='Seconds an idle client connection is kept open.'),
    cfg.IntOpt('max_header_line',
               default=16384, min=0,
               help='Maximum size of the request line plus headers, in '
                    'bytes; 0 means unlimited. Raise it for large Keystone '
                    'tokens.'),
    cfg.IntOpt('api_request_queue_size',
               default=128, min=1,
               help='Backlog of the listening socket.'),
]

CONF.register_opts(api_server_opts)


class APIServer(object):
    """The Karbor API on a cheroot server running in a background thread.

    ``host``/``port`` default to ``osapi_karbor_listen`` and
    ``osapi_karbor_listen_port``; port 0 binds a free port (see ``port``).
    """

    def __init__(self, app=None, host=None, port=None, conf=None,
                 reuse_port=False):
        self.conf = conf or CONF
        self.reuse_port = reuse_port
        self.app = app
        self.host = self.conf.osapi_karbor_listen if host is None else host
        self.port = (self.conf.osapi_karbor_listen_port
                     if port is None else port)
        self._server = None
        self._thread = None

    def start(self):
        """Bind the socket and start serving in a daemon thread."""
        if self.app is None:
            self.app = api_app.setup_app(self.conf)
        server = wsgi.Server(
            (self.host, self.port), self.app,
            numthreads=self.conf.osapi_karbor_workers,
            server_name=SERVER_NAME,
            timeout=self.conf.client_socket_timeout,
            request_queue_size=self.conf.api_request_queue_size,
            reuse_port=self.reuse_port)
        server.max_request_header_size = self.conf.max_header_line
        server.prepare()
        self._set_keepalive(server.socket)
        self.port = server.bind_addr[1]
        self._server = server
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name='karbor-api')
        self._thread.start()
        LOG.info('Karbor API listening on %(host)s:%(port)s',
                 {'host': self.host, 'port': self.port})

    def _serve(self):
        try:
            self._server.serve()
        except Exception:
            LOG.exception('The Karbor API server stopped with an error')

    def _set_keepalive(self, sock):
        # Accepted sockets inherit these options from the listening socket.
        if not self.conf.tcp_keepalive:
            return
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if hasattr(socket, 'TCP_KEEPIDLE'):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE,
                            self.conf.tcp_keepidle)

    @property
    def url(self):
        """Base URL of the server (for tests and hints)."""
        host = self.host
        if host in ('0.0.0.0', '::', ''):
            host = '127.0.0.1'
        elif ':' in host:
            host = '[%s]' % host
        return 'http://%s:%s' % (host, self.port)

    def stop(self):
        """Stop serving and wait for the serving thread."""
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def wait(self):
        if self._thread is not None:
            self._thread.join()
