"""``GET /metrics``: the Prometheus metrics (see ``karbor.metrics``), for
the callers policy ``metrics:get`` allows (administrators by default)."""

import webob
import webob.dec
import webob.exc

from karbor.api.middleware import auth
from karbor import metrics
from karbor import policy

PATH = '/metrics'


class MetricsSplit(object):
    """Answer ``/metrics`` after authentication; pass the rest to ``api``."""

    def __init__(self, api):
        self.api = api

    @webob.dec.wsgify
    def __call__(self, request):
        if request.path_info != PATH:
            return self.api
        if request.method not in ('GET', 'HEAD'):
            return webob.exc.HTTPMethodNotAllowed(allow='GET, HEAD')
        policy.authorize(request.environ[auth.CONTEXT_KEY], 'metrics:get')
        body, content_type = metrics.exposition()
        response = webob.Response(body=body)
        response.headers['Content-Type'] = content_type
        return response
