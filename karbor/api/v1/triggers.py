"""Triggers: ``/v1/{project_id}/triggers``.

The operation engine checks the properties and owns the changes; this
controller checks the request, the caller's rights and ownership.
"""

from oslo_config import cfg

from karbor.api.schemas import triggers as schemas
from karbor.api.v1 import base
from karbor.api.v1.views import triggers as views
from karbor.api import validation
from karbor import exception
from karbor import notifications
from karbor import objects

CONF = cfg.CONF

class EngineController(base.Controller):
    """A controller that calls the operation engine."""

    def __init__(self):
        super().__init__()
        self._engine_api = None

    @property
    def engine_api(self):
        if self._engine_api is None:
            from karbor.services.operationengine import rpcapi
            self._engine_api = rpcapi.OperationEngineAPI()
        return self._engine_api


def get_owned_trigger(ctxt, trigger_id):
    """The caller's trigger; another project's reads as 404."""
    base.Controller.check_uuid(trigger_id, 'trigger')
    trigger = objects.Trigger.get_by_id(ctxt, trigger_id)
    base.authorize_get(ctxt, 'trigger:get',
                       base.owner_target(ctxt, trigger.project_id),
                       exception.TriggerNotFound(id=trigger_id))
    return trigger


class TriggersController(EngineController):
    """CRUD of time triggers."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'trigger:list')
        triggers, limit = base.list_objects(ctxt, request,
                                            objects.TriggerList,
                                            CONF.query_trigger_filters)
        return views.detail_list(request, triggers, limit)

    def show(self, request, id):
        return views.detail(get_owned_trigger(self.context(request), id))

    @validation.schema(schemas.create)
    @notifications.api_action('trigger_create')
    def create(self, request, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'trigger:create')
        return views.detail(
            self.engine_api.create_trigger(ctxt, body['trigger_info']))

    @validation.schema(schemas.update)
    @notifications.api_action('trigger_update')
    def update(self, request, id, body):
        ctxt = self.context(request)
        trigger = get_owned_trigger(ctxt, id)
        base.authorize(ctxt, 'trigger:update',
                       base.owner_target(ctxt, trigger.project_id))
        return views.detail(self.engine_api.update_trigger(
            ctxt, id, body['trigger_info']))

    @notifications.api_action('trigger_delete')
    def delete(self, request, id):
        ctxt = self.context(request)
        trigger = get_owned_trigger(ctxt, id)
        base.authorize(ctxt, 'trigger:delete',
                       base.owner_target(ctxt, trigger.project_id))
        self.engine_api.delete_trigger(ctxt, id)
