"""Copies: ``POST .../providers/{provider_id}/checkpoints/action``."""

from oslo_utils import uuidutils

from karbor.api.schemas import checkpoints as schemas
from karbor.api.v1 import base
from karbor.api.v1 import checkpoints
from karbor.api.v1.views import checkpoints as views
from karbor.api import validation
from karbor.common import parameters
from karbor import exception
from karbor.i18n import _
from karbor import notifications


class CopiesController(base.Controller):
    """Copy the not yet copied checkpoints of a plan (seed 003)."""

    @validation.schema(schemas.copy)
    @notifications.api_action('copy_create')
    def create(self, request, provider_id, body):
        ctxt = self.context(request)
        self.check_uuid(provider_id, 'provider')
        base.authorize(ctxt, 'copy:create')
        requests = body['copy']
        if isinstance(requests, dict):
            return {'copy': self._copy(ctxt, provider_id, requests)}
        return {'copy': [self._copy(ctxt, provider_id, item)
                         for item in requests]}

    def _copy(self, ctxt, provider_id, values):
        if values.get('provider_id', provider_id) != provider_id:
            raise exception.InvalidInput(
                reason=_('The provider_id %(body)s in the body is not the '
                         'provider %(url)s of the URL.')
                % {'body': values['provider_id'], 'url': provider_id})
        plan = checkpoints.get_owned_plan(ctxt, values['plan_id'])
        checkpoints.check_plan_provider(plan, provider_id)
        params = values.get('parameters') or {}
        provider = self.protection_api.show_provider(ctxt, provider_id)
        schemas_ = provider.get('extended_info_schema') or {}
        parameters.check(params, schemas_.get('options_schema') or {})
        # The protection service counts the copies in the quota.
        copy_id = uuidutils.generate_uuid()
        pairs = self.protection_api.copy(ctxt, plan, parameters=params,
                                         copy_id=copy_id)
        return views.copy(copy_id, ctxt.project_id, provider_id, plan.id,
                          pairs, params)
