"""Protectables: ``/v1/{project_id}/protectables``."""

from oslo_config import cfg

from karbor.api import common
from karbor.api.v1 import base
from karbor.api.v1.views import protectables as views
from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF


class ProtectablesController(base.Controller):
    """Protectable types and their instances (served by RPC)."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'protectable:get_all')
        return {'protectable_type':
                self.protection_api.list_protectable_types(ctxt)}

    def show(self, request, id):
        ctxt = self.context(request)
        base.authorize(ctxt, 'protectable:get')
        self._check_type(ctxt, id)
        return {'protectable_type':
                self.protection_api.show_protectable_type(ctxt, id)}

    def instances_index(self, request, protectable_type):
        ctxt = self.context(request)
        base.authorize(ctxt, 'protectable:instance_get_all')
        self._check_type(ctxt, protectable_type)
        params = common.list_params(request)
        marker, limit, _offset = common.get_pagination_params(params)
        sort_keys, sort_dirs = common.get_sort_params(params)
        parameters = self._parameters(params.pop('parameters', None))
        common.all_tenants(params)
        filters = common.filter_params(ctxt, params,
                                       CONF.query_instance_filters)
        found = self.protection_api.list_protectable_instances(
            ctxt, protectable_type, marker=marker, limit=limit,
            sort_keys=sort_keys, sort_dirs=sort_dirs, filters=filters,
            parameters=parameters)
        instances = [views.instance(item, self._dependents(ctxt, item))
                     for item in found]
        return views.instance_list(request, protectable_type, instances,
                                   limit)

    def instances_show(self, request, protectable_type, protectable_id):
        ctxt = self.context(request)
        base.authorize(ctxt, 'protectable:instance_get')
        self._check_type(ctxt, protectable_type)
        # Every protectable's id is a UUID; anything else must not reach
        # the URL of a client call.
        self.check_uuid(protectable_id, 'protectable instance')
        params = common.list_params(request)
        parameters = self._parameters(params.get('parameters'))
        found = self.protection_api.show_protectable_instance(
            ctxt, protectable_type, protectable_id, parameters=parameters)
        if not found:
            raise exception.ProtectableResourceNotFound(
                resource_id=protectable_id, resource_type=protectable_type,
                reason=_('the plugin returned nothing'))
        return {'instance': views.instance(found,
                                           self._dependents(ctxt, found))}

    def _check_type(self, ctxt, protectable_type):
        known = self.protection_api.list_protectable_types(ctxt)
        if protectable_type not in known:
            raise exception.InvalidProtectableType(
                type=protectable_type, types=', '.join(known))

    def _dependents(self, ctxt, item):
        return self.protection_api.list_protectable_dependents(
            ctxt, item['id'], item['type'], item.get('name'))

    @staticmethod
    def _parameters(raw):
        """The ``parameters`` query value: a Python dict literal."""
        if raw is None:
            return None
        value = common.literal_value(raw)
        if not isinstance(value, dict) or not all(
                isinstance(key, str) for key in value):
            raise exception.InvalidInput(
                reason=_('The parameters must be a dict.'))
        for key, item in value.items():
            common.flat_value(key, item)
        return value
