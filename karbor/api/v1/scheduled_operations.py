"""Scheduled operations: ``/v1/{project_id}/scheduled_operations``, with
``PUT`` for name, description and ``enabled`` (pause and resume) and the
read-only run logs at ``.../scheduled_operations/{id}/logs``."""

import functools

from oslo_config import cfg

from karbor.api import common
from karbor.api.schemas import scheduled_operations as schemas
from karbor.api.v1 import base
from karbor.api.v1 import checkpoints
from karbor.api.v1 import triggers
from karbor.api.v1.views import scheduled_operations as views
from karbor.api import validation
from karbor import exception
from karbor import notifications
from karbor import objects

CONF = cfg.CONF

def definition_from_text(text):
    """``{key: value}`` of ``key=value,key=value`` text, or ``text`` itself
    when it is not of that form (validation then refuses it)."""
    pairs = [item.partition('=') for item in text.split(',')]
    if not all(key.strip() and sep for key, sep, _value in pairs):
        return text
    return {key.strip(): value.strip() for key, _sep, value in pairs}


def accepts_definition_text(action):
    """The ``openstack data protection scheduledoperation create`` command
    (python-karborclient 2.1.0) sends ``operation_definition`` as the
    ``key=value,...`` text of its command line: read it as the object the
    ``karbor`` CLI sends."""
    @functools.wraps(action)
    def wrapper(controller, request, body=None, **kwargs):
        item = body.get('scheduled_operation') if isinstance(body,
                                                             dict) else None
        if isinstance(item, dict) and isinstance(
                item.get('operation_definition'), str):
            item['operation_definition'] = definition_from_text(
                item['operation_definition'])
        return action(controller, request, body=body, **kwargs)
    return wrapper


def _get_owned(ctxt, operation_id):
    base.Controller.check_uuid(operation_id, 'scheduled operation')
    operation = objects.ScheduledOperation.get_by_id(ctxt, operation_id)
    base.authorize_get(ctxt, 'scheduled_operation:get',
                       base.owner_target(ctxt, operation.project_id),
                       exception.ScheduledOperationNotFound(id=operation_id))
    return operation


class ScheduledOperationsController(triggers.EngineController):
    """Create, list, show, update, delete and read the run logs."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'scheduled_operation:list')
        operations, limit = base.list_objects(
            ctxt, request, objects.ScheduledOperationList,
            CONF.query_scheduled_operation_filters)
        return views.detail_list(request, operations, limit)

    def show(self, request, id):
        return views.detail(_get_owned(self.context(request), id))

    @accepts_definition_text
    @validation.schema(schemas.create)
    @notifications.api_action('scheduled_operation_create')
    def create(self, request, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'scheduled_operation:create')
        values = body['scheduled_operation']
        triggers.get_owned_trigger(ctxt, values['trigger_id'])
        definition = values['operation_definition']
        plan = checkpoints.get_owned_plan(ctxt, definition['plan_id'])
        checkpoints.check_plan_provider(plan, definition['provider_id'])
        return views.detail(
            self.engine_api.create_scheduled_operation(ctxt, values))

    @validation.schema(schemas.update)
    @notifications.api_action('scheduled_operation_update')
    def update(self, request, id, body):
        ctxt = self.context(request)
        operation = _get_owned(ctxt, id)
        base.authorize(ctxt, 'scheduled_operation:update',
                       base.owner_target(ctxt, operation.project_id))
        return views.detail(self.engine_api.update_scheduled_operation(
            ctxt, id, body['scheduled_operation']))

    @notifications.api_action('scheduled_operation_delete')
    def delete(self, request, id):
        ctxt = self.context(request)
        operation = _get_owned(ctxt, id)
        base.authorize(ctxt, 'scheduled_operation:delete',
                       base.owner_target(ctxt, operation.project_id))
        self.engine_api.delete_scheduled_operation(ctxt, id)

    def logs(self, request, id):
        """The operation's runs, newest first (``limit`` to page)."""
        ctxt = self.context(request)
        _get_owned(ctxt, id)
        params = common.list_params(request)
        _marker, limit, _offset = common.get_pagination_params(params)
        return views.log_list(objects.ScheduledOperationLogList.get_by_filters(
            ctxt, filters={'operation_id': id}, limit=limit,
            sort_keys=['id'], sort_dirs=['desc']))
