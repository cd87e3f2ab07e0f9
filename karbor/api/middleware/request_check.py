"""Refuse requests the API cannot read, before anything reads them.

- The path must be UTF-8 once percent-decoded (else 400): webob decodes it
  on first use, wherever that is.
- Neither the path nor the query string may hold a NUL character (400):
  no Karbor text has one, and PostgreSQL cannot store or compare it.
- HTML form content types are refused (415), whatever the path and
  before authentication: the API takes JSON bodies only.
"""

import webob.dec

from karbor.api.middleware import fault
from karbor.i18n import _

FORM_TYPES = ('application/x-www-form-urlencoded', 'multipart/form-data')


class RequestCheck(object):
    """WSGI middleware answering the faults above."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, request):
        try:
            path = request.path_info
        except UnicodeDecodeError:
            return fault.fault_response(
                400, _('The URL path is not valid UTF-8.'))
        query = request.query_string
        if '\x00' in path or '%00' in query or '\x00' in query:
            return fault.fault_response(
                400, _('The URL must not contain NUL characters.'))
        if request.content_type in FORM_TYPES:
            return fault.fault_response(
                415, _('Unsupported Content-Type %s') % request.content_type)
        return request.get_response(self.application)
