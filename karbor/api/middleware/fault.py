"""Turn every error into Karbor's fault format.

The body is ``{"<faultName>": {"code": N, "message": "..."}}`` with
``Content-Type: application/json``; python-karborclient reads the message
from exactly this shape. Unexpected exceptions become a generic 500 whose
details only go to the log.
"""

import http.client

from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils
import webob
import webob.exc

from karbor.db.sqlalchemy import engine as db_engine
from karbor import exception
from karbor.i18n import _

LOG = logging.getLogger(__name__)

FAULT_NAMES = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    405: 'badMethod',
    409: 'conflictingRequest',
    413: 'overLimit',
    415: 'badMediaType',
    501: 'notImplemented',
    503: 'serviceUnavailable',
}
DEFAULT_FAULT_NAME = 'computeFault'
# What a 503 of an outage (database, message queue) tells clients to wait.
RETRY_AFTER_SECONDS = 10
# Errors of a service's database access, by name as RPC carries them.
DATABASE_OUTAGES = ('DBConnectionError', 'OperationalError',
                    'InterfaceError')
GENERIC_MESSAGE = _('Unexpected API Error. Please report this at your '
                    'cloud operator and attach the request id if possible.')


def fault_response(code, message, headers=None):
    """A webob Response carrying the fault body for HTTP ``code``."""
    name = FAULT_NAMES.get(code, DEFAULT_FAULT_NAME)
    fault = {'code': code, 'message': message}
    headers = dict(headers or {})
    if code == 413 and 'Retry-After' in headers:
        fault['retryAfter'] = headers['Retry-After']
    response = webob.Response(status=code, content_type='application/json',
                              charset='utf-8')
    response.text = jsonutils.dumps({name: fault})
    for key, value in headers.items():
        response.headers[key] = str(value)
    return response


def _default_message(code):
    return http.client.responses.get(code, _('Error'))


def exception_response(error):
    """The fault response for ``error`` (any exception)."""
    if isinstance(error, exception.KarborException):
        code = int(getattr(error, 'code', 500))
        if code >= 500 and not error.safe:
            message = GENERIC_MESSAGE
        else:
            # Not str(): a remote exception's str() carries the server's
            # traceback, which must not reach users.
            message = getattr(error, 'msg', None) or str(error)
        return fault_response(code, message,
                              getattr(error, 'headers', None))
    if isinstance(error, webob.exc.HTTPException):
        return _rewrite_http_error(error)
    outage = _outage_message(error)
    if outage is not None:
        LOG.error('Answering 503: %(what)s (%(type)s)',
                  {'what': outage, 'type': getattr(error, 'exc_type', None)
                   or type(error).__name__})
        return fault_response(503, outage,
                              {'Retry-After': RETRY_AFTER_SECONDS})
    LOG.exception('Unexpected error while handling an API request')
    return fault_response(500, GENERIC_MESSAGE)


def _outage_message(error):
    """The 503 message of a database or messaging outage, else None."""
    if isinstance(error, messaging.MessagingTimeout):
        return _('A Karbor service did not answer in time; try again '
                 'later.')
    if isinstance(error, messaging.MessagingException) and \
            not isinstance(error, messaging.RemoteError):
        return _('The message queue is unavailable; try again later.')
    if db_engine.is_connection_error(error) or (
            isinstance(error, messaging.RemoteError) and
            error.exc_type in DATABASE_OUTAGES):
        return _('The database is unavailable; try again later.')
    return None


KNOWN_NAMES = frozenset(FAULT_NAMES.values()) | {DEFAULT_FAULT_NAME}


def _json_error(response):
    """The ``(name, details)`` of a one-key JSON error body, or None."""
    if 'application/json' not in (response.content_type or ''):
        return None
    try:
        body = jsonutils.loads(response.body)
    except ValueError:
        return None
    if isinstance(body, dict) and len(body) == 1:
        name, details = list(body.items())[0]
        if isinstance(details, dict):
            return name, details
    return None


def _is_fault_body(response):
    error = _json_error(response)
    return error is not None and error[0] in KNOWN_NAMES


def _rewrite_http_error(response):
    """Re-render a non-fault error response (from webob, pecan or
    keystonemiddleware) in the fault format, keeping useful headers."""
    code = response.status_int
    message = None
    error = _json_error(response)
    if error is not None and isinstance(error[1].get('message'), str):
        message = error[1]['message']
    elif isinstance(response, webob.exc.HTTPException):
        message = response.detail or response.explanation
    headers = {}
    for name in ('WWW-Authenticate', 'Retry-After', 'Allow'):
        if name in response.headers:
            headers[name] = response.headers[name]
    return fault_response(code, message or _default_message(code), headers)


class FaultWrapper(object):
    """WSGI middleware rendering every exception and error as a fault."""

    def __init__(self, application):
        self.application = application

    @classmethod
    def factory(cls, global_config=None, **local_config):
        return cls

    def __call__(self, environ, start_response):
        request = webob.Request(environ)
        try:
            response = request.get_response(self.application)
            if response.status_int >= 400 and not _is_fault_body(response):
                response = _rewrite_http_error(response)
        except Exception as error:  # noqa: B902 -- the last line of defence
            response = exception_response(error)
        return response(environ, start_response)
