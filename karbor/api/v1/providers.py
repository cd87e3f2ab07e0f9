"""Providers: ``/v1/{project_id}/providers``."""

from oslo_config import cfg

from karbor.api import common
from karbor.api.v1 import base
from karbor.api.v1.views import providers as views
from karbor import exception

CONF = cfg.CONF


class ProvidersController(base.Controller):
    """List and show the protection providers (served by RPC)."""

    def index(self, request):
        ctxt = self.context(request)
        base.authorize(ctxt, 'provider:get_all')
        params = common.list_params(request)
        marker, limit, _offset = common.get_pagination_params(params)
        sort_keys, sort_dirs = common.get_sort_params(params)
        common.all_tenants(params)
        filters = common.filter_params(ctxt, params,
                                       CONF.query_provider_filters)
        providers = self.protection_api.list_providers(
            ctxt, marker=marker, limit=limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters)
        return views.detail_list(request, providers, limit)

    def show(self, request, id):
        ctxt = self.context(request)
        self.check_uuid(id, 'provider')
        base.authorize_get(ctxt, 'provider:get', None,
                           exception.ProviderNotFound(provider_id=id))
        return views.detail(self.protection_api.show_provider(ctxt, id))
