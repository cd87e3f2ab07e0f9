"""Quotas: ``/v1/{project_id}/quotas/{target_project_id}``."""

from oslo_utils import strutils
from oslo_utils import uuidutils

from karbor.api.schemas import quotas as schemas
from karbor.api.v1 import base
from karbor.api import validation
from karbor import exception
from karbor.i18n import _
from karbor import quota

QUOTAS = quota.QUOTAS
IGNORED_KEYS = ('id', 'tenant_id', 'project_id')


def quota_limit(key, value):
    """An integer limit from -1 (unlimited) to ``quota.MAX_LIMIT``."""
    try:
        limit = strutils.validate_integer(value, key, min_value=-1,
                                          max_value=quota.MAX_LIMIT)
    except ValueError as error:
        raise exception.InvalidInput(reason=str(error))
    return limit


def limits_to_update(values):
    """``{resource: limit}`` for the known resources in ``values``."""
    return {key: quota_limit(key, value) for key, value in values.items()
            if key not in IGNORED_KEYS and key in QUOTAS.resources}


class QuotasController(base.Controller):
    """Per-project quota limits."""

    def show(self, request, id):
        return self._show(request, id, usages=False)

    def detail(self, request, id):
        return self._show(request, id, usages=True)

    def defaults(self, request, id):
        ctxt = self.context(request)
        self._check_project_id(id)
        base.authorize(ctxt, 'quota:get_default',
                       base.owner_target(ctxt, id))
        values = dict(QUOTAS.get_defaults(ctxt))
        values['id'] = id
        return {'quota': values}

    @validation.schema(schemas.update)
    def update(self, request, id, body):
        ctxt = self.context(request)
        self._check_project_id(id)
        base.authorize(ctxt, 'quota:update', base.owner_target(ctxt, id))
        limits = limits_to_update(body['quota'] or {})
        for resource, limit in limits.items():
            QUOTAS.set_project_quota(ctxt, id, resource, limit)
        quotas = QUOTAS.get_project_quotas(ctxt, id, usages=False)
        return {'quota': {k: v['limit'] for k, v in quotas.items()}}

    def delete(self, request, id):
        ctxt = self.context(request)
        self._check_project_id(id)
        base.authorize(ctxt, 'quota:delete', base.owner_target(ctxt, id))
        QUOTAS.destroy_all_by_project(ctxt, id)

    def _show(self, request, project_id, usages):
        ctxt = self.context(request)
        self._check_project_id(project_id)
        base.authorize(ctxt, 'quota:get', base.owner_target(ctxt, project_id))
        quotas = QUOTAS.get_project_quotas(ctxt, project_id, usages=usages)
        if usages:
            values = {k: {'limit': v['limit'], 'in_use': v.get('in_use', 0),
                          'reserved': v.get('reserved', 0)}
                      for k, v in quotas.items()}
        else:
            values = {k: v['limit'] for k, v in quotas.items()}
        values['id'] = project_id
        return {'quota': values}

    @staticmethod
    def _check_project_id(project_id):
        if not uuidutils.is_uuid_like(project_id):
            raise exception.InvalidInput(
                reason=_('Invalid project id provided: %s is not a '
                         'UUID.') % project_id)
