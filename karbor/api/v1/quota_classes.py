"""Quota classes: ``/v1/{project_id}/quota_classes/{class_name}``."""

from karbor.api.schemas import quotas as schemas
from karbor.api.v1 import base
from karbor.api.v1 import quotas
from karbor.api import validation

QUOTAS = quotas.QUOTAS


class QuotaClassesController(base.Controller):
    """Default limits shared by the projects of a quota class."""

    def show(self, request, id):
        ctxt = self.context(request)
        base.authorize(ctxt, 'quota_class:get')
        values = dict(QUOTAS.get_class_quotas(ctxt, id))
        values['id'] = id
        return {'quota_class': values}

    @validation.schema(schemas.update_class)
    def update(self, request, id, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'quota_class:update')
        limits = quotas.limits_to_update(body['quota_class'] or {})
        for resource, limit in limits.items():
            QUOTAS.set_class_quota(ctxt, id, resource, limit)
        return {'quota_class': dict(QUOTAS.get_class_quotas(ctxt, id))}
