"""Shared controller of restores and verifications.

Both run against an available checkpoint and have the same life: the
protection service validates the request (400 and nothing created on
invalid input), records it ``in_progress`` and runs it.
"""

from karbor.api.schemas import operations as operation_schemas
from karbor.api.v1 import base
from karbor.api.v1 import operations
from karbor.api.v1.views import restores as views
from karbor.api import validation
from karbor import notifications


class RecoveryController(base.Controller):
    """CRUD (create, list, show) of one kind of checkpoint run.

    Subclasses set ``name`` (restore or verification: the key of the
    request and response bodies), ``schema``, ``object_cls`` and
    ``list_cls``, the policies ``create_policy``, ``get_policy`` and
    ``get_all_policy``, and ``not_found``; they implement
    ``allowed_filters`` and ``_start``.
    """

    name = None
    schema = None
    object_cls = None
    list_cls = None
    create_policy = None
    get_policy = None
    get_all_policy = None
    not_found = None

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, self.get_all_policy)
        records, limit = base.list_objects(ctxt, request, self.list_cls,
                                           self.allowed_filters())
        return views.detail_list(request, self.name, records, limit)

    def show(self, request, id):
        ctxt = self.context(request)
        self.check_uuid(id, self.name)
        record = self._get(ctxt, id)
        view = views.detail(self.name, record)
        operations.embed(view[self.name], operations.read(
            ctxt, record.id, self.name), record.status)
        return view

    def progress(self, request, id):
        """``{"progress": {...}}``: one read of the progress row."""
        ctxt = self.context(request)
        self.check_uuid(id, self.name)
        row = operations.read(ctxt, id, self.name)
        if row is None:
            record = self._get(ctxt, id)
            return {'progress': operations.progress_view(None,
                                                         record.status)}
        base.authorize_get(ctxt, self.get_policy,
                           base.owner_target(ctxt, row.project_id),
                           self.not_found(id))
        return {'progress': operations.progress_view(row)}

    @validation.schema(operation_schemas.cancel)
    def cancel(self, request, id, body=None):
        """Cancel the running operation (202), 409 if it has ended."""
        ctxt = self.context(request)
        self.check_uuid(id, self.name)
        record = self._get(ctxt, id)
        base.authorize(ctxt, self.name + ':cancel',
                       base.owner_target(ctxt, record.project_id))
        row = operations.request_cancel(ctxt, self.protection_api,
                                        self.name, record.id,
                                        record.project_id, record.status)
        view = views.detail(self.name, record)
        operations.embed(view[self.name], row, record.status)
        return operations.accepted(view)

    def _get(self, ctxt, record_id):
        record = self.object_cls.get_by_id(ctxt, record_id)
        base.authorize_get(ctxt, self.get_policy,
                           base.owner_target(ctxt, record.project_id),
                           self.not_found(record_id))
        return record

    @validation.schema('schema')
    @notifications.api_action('{name}_create')
    def create(self, request, body):
        ctxt = self.context(request)
        base.authorize(ctxt, self.create_policy)
        values = dict(body[self.name])
        values.setdefault('parameters', {})
        return views.detail(self.name, self._start(ctxt, values))

    @staticmethod
    def allowed_filters():
        """The filters members may use on the list."""
        raise NotImplementedError()

    def _start(self, ctxt, values):
        raise NotImplementedError()
