"""The operation engine manager: triggers and scheduled operations.

Changes arrive as RPC calls answered by any one engine, which writes them
to the database and wakes every engine with a fan-out ``reschedule``
cast. Scheduling and runs are in ``scheduler`` and ``runner``.
"""

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor import manager
from karbor import objects
from karbor.services.operationengine import rpcapi
from karbor.services.operationengine import runner as runner_
from karbor.services.operationengine import scheduler as scheduler_
from karbor.services.operationengine import time_trigger
from karbor.services.operationengine import trusts

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

EXPECTED = (exception.Invalid, exception.NotFound, exception.TriggerIsUsed)
TRIGGER_FIELDS = ('id', 'name', 'project_id', 'type', 'properties')
OPERATION_FIELDS = ('id', 'name', 'description', 'operation_type',
                    'trigger_id', 'operation_definition', 'enabled',
                    'user_id', 'project_id')


def _fields(obj, names):
    return {name: obj[name] for name in names}


def _first_fire_time(trigger, now):
    first = trigger.next_after(now)
    if first is None:
        raise exception.InvalidInput(
            reason=_('Invalid trigger property end_time: the trigger '
                     'never fires again.'))
    return first


class OperationEngineManager(manager.Manager):
    """Endpoint of the ``karbor-operationengine`` RPC topic."""

    RPC_API_VERSION = '1.0'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, service_name='operationengine', *args,
                 **kwargs):
        super().__init__(host=host, service_name=service_name)
        self.runner = None
        self.scheduler = None
        self._api = None

    @property
    def rpc_pool_size(self):
        return CONF.operationengine.rpc_pool_size

    def init_host(self, service_id=None, beat_now=None, **kwargs):
        super().init_host(service_id=service_id, **kwargs)
        self.runner = runner_.Runner(service_id, on_busy=beat_now)
        self.scheduler = scheduler_.Scheduler(service_id, self.runner)

    def heartbeat_interval(self):
        """``report_interval`` while this engine holds runs (other engines
        take them over when its heartbeat stops); otherwise only as often
        as ``service-list`` needs to show it up. Claims and take-overs
        refresh the heartbeat in their own transaction, so a run is never
        held under an old one."""
        if self.runner is not None and self.runner.busy:
            return CONF.report_interval
        return max(CONF.report_interval, CONF.service_down_time // 2)

    def init_host_with_rpc(self):
        self.scheduler.start()

    def cleanup_host(self):
        if self.scheduler is not None:
            self.scheduler.stop()
            self.runner.stop()

    def _reschedule(self, ctxt):
        if self._api is None:
            self._api = rpcapi.OperationEngineAPI()
        self._api.reschedule(ctxt)

    def reschedule(self, ctxt):
        if self.scheduler is not None:
            self.scheduler.wake()

    # Triggers

    @messaging.expected_exceptions(*EXPECTED)
    def create_trigger(self, ctxt, trigger):
        now = timeutils.utcnow().replace(microsecond=0)
        properties = time_trigger.default_start_time(
            trigger['properties'], now)
        first = _first_fire_time(time_trigger.TimeTrigger(properties), now)
        obj = objects.Trigger(
            context=ctxt, id=uuidutils.generate_uuid(), name=trigger['name'],
            project_id=ctxt.project_id, type=trigger['type'],
            properties=properties)
        with db.transaction(ctxt):
            obj.create()
            db.trigger_execution_create(ctxt, obj.id, first)
        self._reschedule(ctxt)
        return _fields(obj, TRIGGER_FIELDS)

    @messaging.expected_exceptions(*EXPECTED)
    def update_trigger(self, ctxt, trigger_id, values):
        obj = objects.Trigger.get_by_id(ctxt, trigger_id)
        if values.get('name') is not None:
            obj.name = values['name']
        new = values.get('properties')
        if not new:
            obj.save()
            return _fields(obj, TRIGGER_FIELDS)
        now = timeutils.utcnow().replace(microsecond=0)
        properties = dict(obj.properties, **new)
        properties = {k: v for k, v in properties.items() if v is not None}
        properties = time_trigger.default_start_time(properties, now)
        first = _first_fire_time(time_trigger.TimeTrigger(properties), now)
        obj.properties = properties
        with db.transaction(ctxt):
            obj.save()
            db.trigger_execution_delete(ctxt, trigger_id=trigger_id)
            db.trigger_execution_create(ctxt, trigger_id, first)
        self._reschedule(ctxt)
        return _fields(obj, TRIGGER_FIELDS)

    @messaging.expected_exceptions(*EXPECTED)
    def delete_trigger(self, ctxt, trigger_id):
        obj = objects.Trigger.get_by_id(ctxt, trigger_id)
        with db.transaction(ctxt):
            if db.scheduled_operation_get_all(
                    ctxt, limit=1, filters={'trigger_id': trigger_id}):
                raise exception.TriggerIsUsed(id=trigger_id)
            db.trigger_execution_delete(ctxt, trigger_id=trigger_id)
            obj.destroy()
        self._reschedule(ctxt)

    # Scheduled operations

    @messaging.expected_exceptions(*EXPECTED)
    def create_scheduled_operation(self, ctxt, operation):
        objects.Trigger.get_by_id(ctxt, operation['trigger_id'])
        trust_id = trusts.create(ctxt)
        try:
            obj = self._create_operation(ctxt, operation, trust_id)
        except Exception:
            trusts.delete(ctxt, trust_id)
            raise
        return _fields(obj, OPERATION_FIELDS)

    def _create_operation(self, ctxt, operation, trust_id):
        obj = objects.ScheduledOperation(
            context=ctxt, id=uuidutils.generate_uuid(),
            name=operation['name'],
            description=operation.get('description'),
            operation_type=operation['operation_type'],
            trigger_id=operation['trigger_id'],
            operation_definition=operation['operation_definition'],
            user_id=ctxt.user_id or '', project_id=ctxt.project_id,
            enabled=True)
        state = objects.ScheduledOperationState(
            context=ctxt, operation_id=obj.id, service_id=self.service_id,
            trust_id=trust_id, state=constants.OPERATION_STATE_REGISTERED)
        with db.transaction(ctxt):
            obj.create()
            state.create()
        return obj

    @messaging.expected_exceptions(*EXPECTED)
    def update_scheduled_operation(self, ctxt, operation_id, values):
        obj = objects.ScheduledOperation.get_by_id(ctxt, operation_id)
        for key in ('name', 'description', 'enabled'):
            if key in values:
                setattr(obj, key, values[key])
        obj.save()
        return _fields(obj, OPERATION_FIELDS)

    @messaging.expected_exceptions(*EXPECTED)
    def delete_scheduled_operation(self, ctxt, operation_id):
        try:
            trust_id = objects.ScheduledOperationState.get_by_operation_id(
                ctxt, operation_id).trust_id
        except exception.NotFound:
            trust_id = None
        db.scheduled_operation_destroy(ctxt, operation_id)
        trusts.delete(ctxt, trust_id)
