"""Request id middleware."""

from oslo_middleware import request_id


class RequestId(request_id.RequestId):
    """oslo RequestId that also answers ``x-compute-request-id``, the header
    the original Karbor used (clients print either)."""

    compat_headers = ['x-compute-request-id']
