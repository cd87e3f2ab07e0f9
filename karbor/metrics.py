"""Prometheus metrics of the Karbor services.

Each service process counts its own work: the protection service its
operations (by type and outcome), the duration of each protection
plugin hook and the bytes it writes to each bank; the operation engine
the lag of the scheduled runs. They are exposed:

* by the API at ``GET /metrics`` (admin only, policy ``metrics:get``);
  with ``karbor-all`` that is every service, as they share one process;
* by ``karbor-protection`` and ``karbor-operationengine`` on their own
  port, ``[metrics] protection_port`` and ``operationengine_port``
  (0, the default, serves none).

Processes on one host can instead share their numbers through
prometheus_client's multiprocess mode: set the environment variable
``PROMETHEUS_MULTIPROC_DIR`` to one empty directory for every service
(and every uwsgi worker of the API) before they start; the API's
``/metrics`` then shows the sum of them all. Scrape every host either way.
"""

import os
import time

from oslo_config import cfg
from oslo_log import log as logging
import prometheus_client
from prometheus_client import multiprocess

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

metrics_opts = [
    cfg.HostAddressOpt('listen', default='127.0.0.1',
                       help='Address the metrics ports listen on.'),
    cfg.PortOpt('protection_port', default=0,
                help='Port where karbor-protection serves its Prometheus '
                     'metrics (GET /metrics, no authentication: keep it on '
                     'a management network); 0 serves none.'),
    cfg.PortOpt('operationengine_port', default=0,
                help='Port where karbor-operationengine serves its '
                     'Prometheus metrics; 0 serves none.'),
]
CONF.register_opts(metrics_opts, group='metrics')


def list_opts():
    return [('metrics', metrics_opts)]


OPERATIONS = prometheus_client.Counter(
    'karbor_operations', 'Protection operations ended, by type (protect, '
    'restore, verify, delete, copy) and outcome (success, error).',
    ['type', 'outcome'])
OPERATION_SECONDS = prometheus_client.Histogram(
    'karbor_operation_duration_seconds', 'Duration of protection '
    'operations, by type and outcome.', ['type', 'outcome'],
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600))
PLUGIN_SECONDS = prometheus_client.Histogram(
    'karbor_plugin_hook_duration_seconds', 'Duration of the hooks of each '
    'protection plugin, by plugin class, operation and hook.',
    ['plugin', 'operation', 'hook'],
    buckets=(0.1, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600))
BANK_BYTES = prometheus_client.Counter(
    'karbor_bank_written_bytes', 'Bytes written to each bank (named after '
    'its provider).', ['bank'])
SCHEDULER_LAG = prometheus_client.Histogram(
    'karbor_scheduler_lag_seconds', 'Time from the expected start of a '
    'scheduled run to its actual start.',
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900))


def operation_ended(operation_type, outcome, seconds):
    OPERATIONS.labels(operation_type, outcome).inc()
    OPERATION_SECONDS.labels(operation_type, outcome).observe(seconds)


class timed_hook(object):
    """Context manager timing one hook of a protection plugin."""

    def __init__(self, plugin, operation, hook):
        self._child = PLUGIN_SECONDS.labels(type(plugin).__name__,
                                            operation, hook)

    def __enter__(self):
        self._started = time.monotonic()

    def __exit__(self, *exc_info):
        self._child.observe(time.monotonic() - self._started)


def bank_written(bank, size):
    BANK_BYTES.labels(bank).inc(size)


def scheduled_run_started(expected, actual):
    """Record the lag of a run expected at ``expected`` (naive UTC)."""
    if expected is not None:
        lag = (actual - expected.replace(tzinfo=None)).total_seconds()
        SCHEDULER_LAG.observe(max(lag, 0.0))


def _registry():
    """This process's metrics, or every process's of the host in
    multiprocess mode."""
    if not os.environ.get('PROMETHEUS_MULTIPROC_DIR'):
        return prometheus_client.REGISTRY
    registry = prometheus_client.CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def exposition():
    """``(body, content type)`` of the text exposition format."""
    return (prometheus_client.generate_latest(_registry()),
            prometheus_client.CONTENT_TYPE_LATEST)


def serve(binary):
    """Serve ``GET /metrics`` for ``binary`` on its configured port."""
    port = getattr(CONF.metrics, '%s_port' % binary.replace('karbor-', ''),
                   0)
    if not port:
        return None
    server, _thread = prometheus_client.start_http_server(
        port, addr=CONF.metrics.listen, registry=_registry())
    LOG.info('%s serves its metrics on %s:%s', binary, CONF.metrics.listen,
             port)
    return server
