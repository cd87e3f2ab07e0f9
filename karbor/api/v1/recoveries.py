"""Shared controller of restores and verifications.

Both run against an available checkpoint and have the same life: the
protection service validates the request (400 and nothing created on
invalid input, decisions #4), records it ``in_progress`` and runs it.
"""

from oslo_config import cfg

from karbor.api.v1 import base
from karbor.api.v1.views import restores as views
from karbor.api import validation
from karbor import objects

CONF = cfg.CONF


class RecoveryController(base.Controller):
    """CRUD (create, list, show) of one kind of checkpoint run.

    Subclasses set ``name`` (restore or verification), ``schema``,
    ``object_name`` and ``not_found``; they implement ``_start``.
    """

    name = None
    schema = None
    object_name = None
    not_found = None

    @property
    def _objects(self):
        return (getattr(objects, self.object_name),
                getattr(objects, self.object_name + 'List'))

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, '%s:get_all' % self.name)
        records, limit = base.list_objects(
            ctxt, request, self._objects[1],
            getattr(CONF, 'query_%s_filters' % self.name))
        return views.detail_list(request, self.name, records, limit)

    def show(self, request, id):
        ctxt = self.context(request)
        self.check_uuid(id, self.name)
        record = self._objects[0].get_by_id(ctxt, id)
        base.authorize_get(ctxt, '%s:get' % self.name,
                           base.owner_target(ctxt, record.project_id),
                           self.not_found(id))
        return views.detail(self.name, record)

    @validation.schema('schema')
    def create(self, request, body):
        ctxt = self.context(request)
        base.authorize(ctxt, '%s:create' % self.name)
        values = dict(body[self.name])
        values.setdefault('parameters', {})
        return views.detail(self.name, self._start(ctxt, values))

    def _start(self, ctxt, values):
        raise NotImplementedError()
