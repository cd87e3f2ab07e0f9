"""The Karbor API WSGI application.

The pipeline follows the original api-paste.ini, without Paste:

    request_id -> faultwrap -> request_check ->
        (noauth | authtoken -> keystonecontext) -> v1

``/`` and ``/v1`` (exactly) answer the version document, and
``/v1/openapi.json`` the API description, without authentication.
"""

from oslo_config import cfg
import pecan
import pecan.core
import pecan.routing
import pecan.util
import webob.dec

from karbor.api import json_body
from karbor.api.middleware import auth
from karbor.api.middleware import fault
from karbor.api.middleware import request_check
from karbor.api.middleware import request_id
from karbor.api import openapi
from karbor.api.v1 import router
from karbor.api import versions

CONF = cfg.CONF

VERSION_PATHS = ('', '/', '/v1', '/v1/')


def _remember_pecan_argspecs():
    """pecan inspects the signature of the routed controller on every
    request (and builds a new namedtuple class each time); controllers
    never change, so each signature is inspected once."""
    inspect_signature = pecan.util.getargspec
    known = {}

    def getargspec(method):
        key = getattr(method, '__func__', method)
        if key not in known:
            known[key] = inspect_signature(method)
        return known[key]

    pecan.core.getargspec = pecan.routing.getargspec = getargspec


_remember_pecan_argspecs()


class KarborPecan(pecan.Pecan):
    """Pecan without its "empty body means 204" rule: Karbor answers 200
    to every success, with an empty body for deletes (decisions #1)."""

    def _handle_empty_response_body(self, state):
        pass


def make_v1_app():
    """The pecan application serving ``/v1/{project_id}/...``."""
    return json_body.BodyCheck(KarborPecan(
        router.V1Controller(), guess_content_type_from_ext=False,
        force_canonical=False))


class VersionSplit(object):
    """Send the version paths to the versions app, the API description to
    its app, the rest to ``api``."""

    def __init__(self, api):
        self.api = api

    @webob.dec.wsgify
    def __call__(self, request):
        if request.path_info in VERSION_PATHS:
            return versions.versions_app
        if request.path_info == openapi.PATH:
            return openapi.openapi_app
        return self.api


def setup_app(conf=None, auth_strategy=None):
    """Build the complete WSGI pipeline of ``karbor-api``.

    ``conf`` defaults to the global configuration (already parsed);
    ``auth_strategy`` overrides ``[DEFAULT] auth_strategy``.
    """
    conf = conf or CONF
    strategy = auth_strategy or conf.auth_strategy
    v1 = auth.authenticated(make_v1_app(), strategy, conf)
    return request_id.RequestId(fault.FaultWrapper(
        request_check.RequestCheck(VersionSplit(v1))))
