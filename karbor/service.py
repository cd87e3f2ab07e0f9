"""A Karbor service: a manager behind an RPC server, with a heartbeat.

Services use plain threads (no eventlet). Each registers itself in the
``services`` table, reports every ``report_interval`` seconds and runs its
manager's periodic tasks.
"""

import random
import threading

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import importutils

from karbor import context
from karbor.db import api as db
from karbor import exception
from karbor import objects
from karbor import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class Service(object):
    """Runs one manager: RPC server, heartbeat and periodic tasks."""

    def __init__(self, host, binary, topic, manager):
        self.host = host
        self.binary = binary
        self.topic = topic
        self.manager = manager
        self.service_id = None
        self.rpcserver = None
        self._stop = threading.Event()
        # Set to beat at once (a manager that just took on work).
        self._beat = threading.Event()
        self._threads = []

    @classmethod
    def create(cls, binary, host=None, topic=None, manager=None):
        """Build the service for ``binary`` (e.g. ``karbor-protection``)."""
        host = host or CONF.host
        suffix = binary.rpartition('karbor-')[2]
        topic = topic or getattr(CONF, '%s_topic' % suffix)
        manager_class = importutils.import_class(
            manager or getattr(CONF, '%s_manager' % suffix))
        return cls(host, binary, topic,
                   manager_class(host=host, service_name=suffix))

    def start(self):
        ctxt = context.get_admin_context()
        self.service_id = self._register(ctxt)
        self.manager.init_host(service_id=self.service_id,
                               beat_now=self._beat.set)
        target = messaging.Target(topic=self.topic, server=self.host)
        self.rpcserver = rpc.get_server(target, [self.manager])
        self.rpcserver.start(override_pool_size=self.manager.rpc_pool_size)
        self.manager.init_host_with_rpc()
        self._spawn(self._heartbeat_loop, 'heartbeat')
        self._spawn(self._periodic_loop, 'periodic')
        LOG.info('Started %(binary)s on %(host)s (topic %(topic)s).',
                 {'binary': self.binary, 'host': self.host,
                  'topic': self.topic})

    def stop(self, graceful=True):
        self._stop.set()
        self._beat.set()
        if self.rpcserver is not None:
            self.rpcserver.stop()
            if graceful:
                self.rpcserver.wait()
        self.manager.cleanup_host()
        for thread in self._threads:
            thread.join(timeout=5)

    def wait(self):
        self._stop.wait()

    def _spawn(self, target, name):
        thread = threading.Thread(target=target, daemon=True,
                                  name='%s-%s' % (self.binary, name))
        thread.start()
        self._threads.append(thread)

    def _register(self, ctxt):
        try:
            service = objects.Service.get_by_host_and_binary(
                ctxt, self.host, self.binary)
        except exception.NotFound:
            service = objects.Service(context=ctxt, host=self.host,
                                      binary=self.binary, topic=self.topic,
                                      report_count=0,
                                      disabled=not CONF.enable_new_services)
            service.create()
        return service.id

    def report_state(self):
        """Record one heartbeat; a database outage only logs."""
        ctxt = context.get_admin_context()
        try:
            db.service_heartbeat(ctxt, self.service_id)
        except exception.NotFound:
            self.service_id = self._register(ctxt)
        except Exception:
            LOG.exception('Heartbeat of %s failed.', self.binary)

    def _heartbeat_loop(self):
        while True:
            self._beat.wait(self.manager.heartbeat_interval())
            self._beat.clear()
            if self._stop.is_set():
                return
            self.report_state()

    def _periodic_loop(self):
        delay = random.randint(0, CONF.periodic_fuzzy_delay)
        if self._stop.wait(delay):
            return
        while not self._stop.is_set():
            try:
                self.manager.periodic_tasks(context.get_admin_context())
            except Exception:
                LOG.exception('Periodic tasks of %s failed.', self.binary)
            self._stop.wait(CONF.periodic_interval)
