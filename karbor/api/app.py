"""The Karbor API WSGI application.

The pipeline follows the original api-paste.ini, without Paste:

    request_id -> faultwrap -> request_check ->
        (noauth | authtoken -> keystonecontext) -> v1

``/`` and ``/v1`` (exactly) answer the version document, and
``/v1/openapi.json`` the API description, without authentication;
``/metrics`` the Prometheus metrics, to administrators; ``/dashboard/``
the web console (``karbor.api.dashboard``) when it is on. Every
layer is plain WSGI on webob; ``karbor.api.v1.router`` says why there is
no web framework.
"""

from oslo_config import cfg
import webob.dec

from karbor.api import dashboard
from karbor.api.middleware import auth
from karbor.api.middleware import fault
from karbor.api.middleware import request_check
from karbor.api.middleware import request_id
from karbor.api import metrics
from karbor.api import openapi
from karbor.api.v1 import router
from karbor.api import versions

CONF = cfg.CONF

VERSION_PATHS = ('', '/', '/v1', '/v1/')


def make_v1_app():
    """The application serving ``/v1/{project_id}/...``."""
    return router.V1Application()


class VersionSplit(object):
    """Send the version paths to the versions app, the API description to
    its app, ``/dashboard`` to the console (when it is on), the rest to
    ``api``."""

    def __init__(self, api, console=None):
        self.api = api
        self.console = console

    @webob.dec.wsgify
    def __call__(self, request):
        if request.path_info in VERSION_PATHS:
            return versions.versions_app
        if request.path_info == openapi.PATH:
            return openapi.openapi_app
        if self.console is not None and \
                dashboard.is_dashboard_path(request.path_info):
            return self.console
        return self.api


def setup_app(conf=None, auth_strategy=None):
    """Build the complete WSGI pipeline of ``karbor-api``.

    ``conf`` defaults to the global configuration (already parsed);
    ``auth_strategy`` overrides ``[DEFAULT] auth_strategy``.
    """
    conf = conf or CONF
    strategy = auth_strategy or conf.auth_strategy
    v1 = auth.authenticated(metrics.MetricsSplit(make_v1_app()), strategy,
                            conf)
    console = (dashboard.Dashboard(conf, strategy)
               if dashboard.enabled(conf) else None)
    return request_id.RequestId(fault.FaultWrapper(
        request_check.RequestCheck(VersionSplit(v1, console))))
