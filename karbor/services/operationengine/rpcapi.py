"""Client side of the operation engine RPC API."""

from oslo_config import cfg
import oslo_messaging as messaging

from karbor import rpc

CONF = cfg.CONF


class OperationEngineAPI(object):
    """Calls into ``karbor-operationengine`` on ``operationengine_topic``.

    Changes are ``call``s answered by any one engine, which writes them to
    the database; ``reschedule`` is a fan-out ``cast`` that wakes every
    engine to look at the new fire times at once.

    API version history:
        1.0 - Initial version.
    """

    RPC_API_VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=CONF.operationengine_topic,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=None)

    def _call(self, ctxt, method, **kwargs):
        return self.client.prepare(version='1.0').call(ctxt, method,
                                                       **kwargs)

    def create_trigger(self, ctxt, trigger):
        """``trigger`` is a dict (name, type, properties); returns it saved
        (dict with id)."""
        return self._call(ctxt, 'create_trigger', trigger=trigger)

    def update_trigger(self, ctxt, trigger_id, values):
        return self._call(ctxt, 'update_trigger', trigger_id=trigger_id,
                          values=values)

    def delete_trigger(self, ctxt, trigger_id):
        return self._call(ctxt, 'delete_trigger', trigger_id=trigger_id)

    def create_scheduled_operation(self, ctxt, operation):
        """``operation`` is a dict; returns the created operation (dict)."""
        return self._call(ctxt, 'create_scheduled_operation',
                          operation=operation)

    def update_scheduled_operation(self, ctxt, operation_id, values):
        return self._call(ctxt, 'update_scheduled_operation',
                          operation_id=operation_id, values=values)

    def delete_scheduled_operation(self, ctxt, operation_id):
        return self._call(ctxt, 'delete_scheduled_operation',
                          operation_id=operation_id)

    def reschedule(self, ctxt):
        """Wake every engine to re-read the earliest fire time."""
        self.client.prepare(version='1.0', fanout=True).cast(
            ctxt, 'reschedule')
