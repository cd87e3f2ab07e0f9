"""os-services: ``/v1/{project_id}/os-services``."""

from karbor.api import common
from karbor.api.schemas import services as schemas
from karbor.api.v1 import base
from karbor.api.v1.views import services as views
from karbor.api import validation
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import objects

UPDATABLE_BINARIES = (constants.OPERATIONENGINE_BINARY,)
# Service ids are 32-bit INTEGER columns.
MAX_SERVICE_ID = 2 ** 31 - 1


class ServiceController(base.Controller):
    """List services and enable or disable operation engines."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'service:get_all')
        params = common.list_params(request)
        filters = {key: common.flat_value(key, params[key])
                   for key in ('host', 'binary') if params.get(key)}
        services = objects.ServiceList.get_all(ctxt, filters=filters)
        return {'services': [views.summary(s) for s in services]}

    @validation.schema(schemas.update)
    def update(self, request, id, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'service:update')
        if not (id.isascii() and id.isdigit()) or int(id) > MAX_SERVICE_ID:
            raise exception.ServiceNotFound(service_id=id)
        service = objects.Service.get_by_id(ctxt, int(id))
        if service.binary not in UPDATABLE_BINARIES:
            raise exception.InvalidInput(
                reason=_('Updating a %s service is not supported.')
                % service.binary)
        disabled = body['status'] == 'disabled'
        reason = body.get('disabled_reason')
        if reason and not disabled:
            raise exception.InvalidInput(
                reason=_('A disabled reason is only allowed when '
                         'disabling a service: status is %s.')
                % body['status'])
        service.disabled = disabled
        service.disabled_reason = reason if disabled else None
        service.save()
        return {'service': views.summary(service)}
