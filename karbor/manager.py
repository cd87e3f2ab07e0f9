"""Base class for the managers that own each service's behaviour."""

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_service import periodic_task

CONF = cfg.CONF
LOG = logging.getLogger(__name__)


class Manager(periodic_task.PeriodicTasks):
    """A service's behaviour, exposed as RPC endpoint methods.

    Subclasses set ``RPC_API_VERSION`` and ``target`` and override the
    ``init_host*`` hooks; ``@periodic_task.periodic_task`` methods run every
    ``periodic_interval`` seconds.
    """

    RPC_API_VERSION = '1.0'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, service_name='undefined'):
        super().__init__(CONF)
        self.host = host or CONF.host
        self.service_name = service_name
        self.service_id = None

    # Threads answering RPC calls; None: ``executor_thread_pool_size``.
    rpc_pool_size = None

    def init_host(self, service_id=None, beat_now=None, **kwargs):
        """Prepare the manager before the RPC server starts;
        ``beat_now()`` asks the service for a heartbeat at once."""
        self.service_id = service_id

    def heartbeat_interval(self):
        """Seconds until the service's next heartbeat."""
        return CONF.report_interval

    def init_host_with_rpc(self):
        """Finish start-up once the RPC server is consuming."""

    def cleanup_host(self):
        """Release resources when the service stops."""

    def periodic_tasks(self, context, raise_on_error=False):
        return self.run_periodic_tasks(context, raise_on_error=raise_on_error)
