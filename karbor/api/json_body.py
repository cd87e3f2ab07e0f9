"""Decoding of JSON request bodies, bounded in nesting depth.

No request of the v1 API nests deeper than a few levels; a bound keeps
every later step (validation, RPC, storage) clear of Python's recursion
limit. No text of a request may hold a NUL character, which PostgreSQL
cannot store. The v1 application (``karbor.api.v1.router``) checks the
JSON body of every request but GET, whatever its route.
"""

from oslo_serialization import jsonutils
from karbor import exception
from karbor.i18n import _

MAX_DEPTH = 32
# The content types of the bodies checked.
JSON_TYPES = ('application/json', 'application/javascript')
ENVIRON_KEY = 'karbor.json_body'


def _check(data):
    """400 unless ``data`` nests at most MAX_DEPTH levels and none of its
    strings holds a NUL character (which PostgreSQL cannot store)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str) and '\x00' in value:
            raise exception.MalformedRequestBody(
                reason=_('it contains a NUL character'))
        if isinstance(value, dict):
            children = list(value.keys()) + list(value.values())
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        pending.extend((child, depth + 1) for child in children)


def _too_deep():
    return exception.MalformedRequestBody(
        reason=_('it nests lists and objects deeper than %d levels')
        % MAX_DEPTH)


def loads(raw):
    """The Python data of the JSON text ``raw``; 400 if malformed."""
    try:
        data = jsonutils.loads(raw)
    except RecursionError:
        raise _too_deep()
    except ValueError:
        raise exception.MalformedRequestBody(
            message=_('Malformed request body'))
    _check(data)
    return data


def of_request(request):
    """The decoded JSON body of ``request`` (decoded once)."""
    if ENVIRON_KEY not in request.environ:
        request.environ[ENVIRON_KEY] = loads(request.body)
    return request.environ[ENVIRON_KEY]
