"""API worker processes: ``osapi_karbor_processes`` copies of the server.

With one process (the default) ``karbor-api`` serves in its own process.
With more, the parent forks that many workers once configuration, logging
and RPC are set up (no connection is open yet: the message bus and the
database connect on first use, so each worker opens its own). Each worker
binds the API port with ``SO_REUSEPORT`` and the kernel spreads new
connections over them. The parent only supervises: it starts a worker
again when one dies (at most once a second) and passes SIGTERM/SIGINT on
to all of them.
"""

import os
import signal
import time

from oslo_config import cfg
from oslo_log import log as logging

from karbor.api import local_reads
from karbor.api import server

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

RESTART_DELAY = 1.0


def _serve_here(reuse_port):
    from karbor.cmd import launcher
    if CONF.api.local_reads:
        # Read the provider files now rather than in the first request.
        local_reads.provider_registry()
    api = server.APIServer(reuse_port=reuse_port)
    api.start()
    launcher.serve([api])


class Supervisor(object):
    """Forks the API workers, restarts dead ones, stops them on a signal."""

    def __init__(self, count):
        self.count = count
        self.workers = {}
        self.stopping = False

    def _fork(self):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            status = 0
            try:
                _serve_here(reuse_port=True)
            except BaseException:
                LOG.exception('API worker %d failed', os.getpid())
                status = 1
            finally:
                os._exit(status)
        self.workers[pid] = time.monotonic()
        LOG.info('Started API worker %d', pid)

    def _stop(self, signum, frame):
        self.stopping = True
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def run(self):
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.count):
            self._fork()
        while self.workers:
            try:
                pid, status = os.wait()
            except ChildProcessError:
                break
            started = self.workers.pop(pid, None)
            if started is None or self.stopping:
                continue
            LOG.warning('API worker %(pid)d exited (status %(status)s); '
                        'starting another.', {'pid': pid, 'status': status})
            time.sleep(max(0.0, started + RESTART_DELAY - time.monotonic()))
            if not self.stopping:
                self._fork()


def serve():
    """Serve the API in ``osapi_karbor_processes`` processes."""
    if CONF.osapi_karbor_processes <= 1:
        _serve_here(reuse_port=False)
    else:
        Supervisor(CONF.osapi_karbor_processes).run()
