"""The version root document (``GET /``, ``GET /v1``)."""

from oslo_serialization import jsonutils
import webob
import webob.dec

from karbor.api import common


def versions_document(application_url):
    """The document; its link is where this deployment serves ``/v1/``
    (the original hard-coded a ``/data-protect/`` prefix that answered
    nothing)."""
    href = '%s/v1/' % application_url.rstrip('/')
    return {'versions': [{'id': 'v1.0', 'status': 'CURRENT',
                          'links': [{'rel': 'self', 'href': href}]}]}


@webob.dec.wsgify
def versions_app(request):
    """Answer 300 Multiple Choices with the versions document."""
    response = webob.Response(status=300, content_type='application/json',
                              charset='utf-8')
    document = versions_document(common.base_url(request))
    response.text = jsonutils.dumps(document)
    return response
