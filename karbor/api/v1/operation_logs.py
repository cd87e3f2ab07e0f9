"""Operation logs: ``/v1/{project_id}/operation_logs`` (read only)."""

from oslo_config import cfg

from karbor.api.v1 import base
from karbor.api.v1.views import operation_logs as views
from karbor import exception
from karbor import objects

CONF = cfg.CONF


class OperationLogsController(base.Controller):
    """List and show the logs the protection service writes."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'operation_log:list')
        logs, limit = base.list_objects(ctxt, request,
                                        objects.OperationLogList,
                                        CONF.query_operation_log_filters)
        return views.detail_list(request, logs, limit)

    def show(self, request, id):
        ctxt = self.context(request)
        self.check_uuid(id, 'operation log')
        log = objects.OperationLog.get_by_id(ctxt, id)
        base.authorize_get(ctxt, 'operation_log:get',
                           base.owner_target(ctxt, log.project_id),
                           exception.OperationLogNotFound(operation_log_id=id))
        return views.detail(log)
