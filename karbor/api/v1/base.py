"""Helpers shared by the v1 controllers."""

from oslo_utils import uuidutils

from karbor.api.middleware import auth
from karbor import exception
from karbor.i18n import _
from karbor import policy


class Controller(object):
    """Base of the resource controllers.

    Actions receive the webob request first and path values as keyword
    arguments (``id``, ``body``...); they return the response body.
    """

    def __init__(self):
        self._protection_api = None

    @property
    def protection_api(self):
        # Built on first use: the RPC transport exists only once the
        # service has parsed its configuration.
        if self._protection_api is None:
            from karbor.api import local_reads
            from karbor.services.protection import rpcapi
            self._protection_api = rpcapi.ProtectionAPI()
            if local_reads.CONF.api.local_reads:
                self._protection_api = local_reads.LocalReadsAPI(
                    self._protection_api)
        return self._protection_api

    @staticmethod
    def context(request):
        return request.environ[auth.CONTEXT_KEY]

    @staticmethod
    def check_uuid(value, what):
        """400 "Invalid <what> id provided." unless ``value`` is a UUID."""
        if not uuidutils.is_uuid_like(value):
            raise exception.InvalidInput(
                reason=_('Invalid %s id provided.') % what)


def authorize(ctxt, action, target=None):
    """``karbor.policy.authorize`` for ``<action>`` (e.g. ``plan:get``)."""
    return policy.authorize(ctxt, action, target)


def authorize_get(ctxt, action, target, not_found):
    """Authorize reading an existing object; failure reads as not found so
    that the object's existence does not leak to other tenants."""
    try:
        authorize(ctxt, action, target)
    except exception.NotAuthorized:
        raise not_found


def owner_target(ctxt, project_id):
    """Policy target of an object owned by ``project_id``."""
    return {'project_id': project_id, 'user_id': ctxt.user_id}


def list_objects(ctxt, request, list_cls, allowed_filters):
    """``(objects, limit)`` of a project-owned object list request.

    Paging, sorting and filters come from the query; admins may add
    ``all_tenants`` (and then filter on ``project_id``).
    """
    from karbor.api import common
    params = common.list_params(request)
    marker, limit, offset = common.get_pagination_params(params)
    sort_keys, sort_dirs = common.get_sort_params(params)
    all_tenants = common.all_tenants(params)
    filters = common.filter_params(ctxt, params, allowed_filters)
    kwargs = dict(sort_keys=sort_keys, sort_dirs=sort_dirs,
                  filters=filters, offset=offset)
    if ctxt.is_admin and all_tenants:
        return list_cls.get_all(ctxt, marker, limit, **kwargs), limit
    filters.pop('project_id', None)
    return list_cls.get_all_by_project(ctxt, ctxt.project_id, marker,
                                       limit, **kwargs), limit
