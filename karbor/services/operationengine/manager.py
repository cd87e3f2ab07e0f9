"""The operation engine manager: triggers and scheduled operations."""

from oslo_log import log as logging
import oslo_messaging as messaging

from karbor import manager

LOG = logging.getLogger(__name__)


class OperationEngineManager(manager.Manager):
    """Endpoint of the ``karbor-operationengine`` RPC topic.

    Triggers and scheduled operations arrive in a later release; the
    service already registers, heartbeats and answers RPC.
    """

    RPC_API_VERSION = '1.0'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, service_name='operationengine', *args,
                 **kwargs):
        super().__init__(host=host, service_name=service_name)
