"""Start-up shared by the Karbor service commands."""

import gc
import signal
import sys
import threading

from oslo_config import cfg
from oslo_log import log as logging

from karbor.common import config
from karbor.common import memory
from karbor import metrics
from karbor import objects
from karbor import rpc
from karbor import version

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


def prepare(argv=None, default_config_files=None):
    """Parse configuration, set up logging, objects and RPC."""
    logging.register_options(CONF)
    config.set_defaults()
    CONF(argv if argv is not None else sys.argv[1:], project='karbor',
         version=version.version_string(),
         default_config_files=default_config_files)
    logging.setup(CONF, 'karbor')
    # Before any thread of ours exists (API workers inherit it on fork).
    memory.configure()
    objects.register_all()
    rpc.init(CONF)


def serve(stoppables):
    """Block until SIGTERM or SIGINT, then stop ``stoppables`` in reverse."""
    done = threading.Event()

    def on_signal(signum, frame):
        LOG.info('Caught signal %s, stopping.', signum)
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # What start-up made lives as long as the process: keep the garbage
    # collector from scanning it again and again (long pauses otherwise).
    gc.collect()
    gc.freeze()
    while not done.wait(CONF.malloc_trim_interval or 3600):
        if CONF.malloc_trim_interval:
            memory.trim()
    for item in reversed(stoppables):
        try:
            item.stop()
        except Exception:
            LOG.exception('Error while stopping %s', item)
    rpc.cleanup()


def run_service(binary):
    """Entry point body of karbor-protection and karbor-operationengine."""
    from karbor import service
    prepare()
    server = service.Service.create(binary=binary)
    server.start()
    metrics.serve(binary)
    serve([server])
