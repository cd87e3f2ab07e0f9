"""The version root document (``GET /``, ``GET /v1``)."""

from oslo_serialization import jsonutils
import webob
import webob.dec

# The original hard-codes the /data-protect/ prefix of its uwsgi
# deployment in the link; clients only look at the id and status.
LINK_PREFIX = 'data-protect'


def versions_document(host_url):
    href = '%s/%s/v1/' % (host_url.rstrip('/'), LINK_PREFIX)
    return {'versions': [{'id': 'v1.0', 'status': 'CURRENT',
                          'links': [{'rel': 'self', 'href': href}]}]}


@webob.dec.wsgify
def versions_app(request):
    """Answer 300 Multiple Choices with the versions document."""
    response = webob.Response(status=300, content_type='application/json',
                              charset='utf-8')
    response.text = jsonutils.dumps(versions_document(request.host_url))
    return response
