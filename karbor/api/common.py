"""List handling shared by the API controllers: paging, sorting, filters.

Query values follow the original Karbor: every filter value goes through
Python literal evaluation (so ``['a','b']`` and numbers work, anything else
stays a string) and non-admin callers only keep the filter keys allowed by
the per-resource ``query_<resource>_filters`` option. A filter value must be
a scalar or a flat list of scalars; ``marker`` must be an id (a UUID).
"""

import ast
from urllib import parse

from oslo_config import cfg
from oslo_utils import strutils
from oslo_utils import uuidutils

from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF

api_common_opts = [
    cfg.IntOpt('osapi_max_limit',
               default=1000, min=1,
               help='The maximum number of items a collection resource '
                    'returns in a single response; also the limit used when '
                    'a request gives none.'),
    cfg.StrOpt('osapi_karbor_base_URL',
               help='Base URL (scheme://host[:port][/prefix]) written into '
                    'the "next" links of collections, for deployments '
                    'behind a proxy. The request URL is used when unset.'),
    cfg.ListOpt('query_plan_filters',
                default=['name', 'status', 'description'],
                help='Plan filter keys non-admin users may use.'),
    cfg.ListOpt('query_provider_filters',
                default=['name', 'description'],
                help='Provider filter keys non-admin users may use.'),
    cfg.ListOpt('query_checkpoint_filters',
                default=['project_id', 'plan_id', 'start_date', 'end_date'],
                help='Checkpoint filter keys non-admin users may use.'),
    cfg.ListOpt('query_restore_filters',
                default=['status'],
                help='Restore filter keys non-admin users may use.'),
    cfg.ListOpt('query_instance_filters',
                default=['status'],
                help='Protectable instance filter keys non-admin users may '
                     'use.'),
    cfg.ListOpt('query_operation_log_filters',
                default=['checkpoint_id', 'plan_id', 'restore_id', 'status'],
                help='Operation log filter keys non-admin users may use.'),
    cfg.ListOpt('query_verification_filters',
                default=['status'],
                help='Verification filter keys non-admin users may use.'),
    cfg.ListOpt('query_trigger_filters',
                default=['name', 'type', 'properties'],
                help='Trigger filter keys non-admin users may use.'),
    cfg.ListOpt('query_scheduled_operation_filters',
                default=['name', 'operation_type', 'trigger_id',
                         'operation_definition'],
                help='Scheduled operation filter keys non-admin users may '
                     'use.'),
]

CONF.register_opts(api_common_opts)

SORT_DIRS = ('asc', 'desc')
DEFAULT_SORT_KEY = 'created_at'
DEFAULT_SORT_DIR = 'desc'
# The largest OFFSET every database takes (a signed 64-bit integer).
MAX_OFFSET = 2 ** 63 - 1
SCALAR_TYPES = (str, int, float, bool, type(None))
LIST_TYPES = (list, tuple, set, frozenset)


def _positive_int(name, value, minimum, maximum=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise exception.InvalidInput(
            reason=_('%s param must be an integer') % name)
    if number < minimum:
        raise exception.InvalidInput(
            reason=_('%(name)s param must be >= %(min)d')
            % {'name': name, 'min': minimum})
    if maximum is not None and number > maximum:
        raise exception.InvalidInput(
            reason=_('%(name)s param must be <= %(max)d')
            % {'name': name, 'max': maximum})
    return number


def get_pagination_params(params, max_limit=None):
    """Pop ``marker``, ``limit`` and ``offset`` from ``params``.

    A missing limit means ``osapi_max_limit``; larger limits are capped.
    """
    max_limit = max_limit or CONF.osapi_max_limit
    marker = params.pop('marker', None)
    if marker is not None and not uuidutils.is_uuid_like(marker):
        raise exception.InvalidInput(
            reason=_('Invalid marker id provided: marker %s is not a '
                     'UUID.') % marker)
    limit = params.pop('limit', None)
    limit = max_limit if limit is None else min(
        _positive_int('limit', limit, 1), max_limit)
    offset = params.pop('offset', None)
    if offset is not None:
        offset = _positive_int('offset', offset, 0, MAX_OFFSET)
    return marker, limit, offset


def _check_dir(direction):
    if direction not in SORT_DIRS:
        raise exception.InvalidInput(
            reason=_("Unknown sort direction '%s', must be 'asc' or "
                     "'desc'") % direction)
    return direction


def get_sort_params(params, default_key=DEFAULT_SORT_KEY,
                    default_dir=DEFAULT_SORT_DIR):
    """Pop the sort parameters from ``params``; return (keys, dirs).

    Either ``sort=key[:dir],...`` or the deprecated ``sort_key`` and
    ``sort_dir`` pair may be used, not both.
    """
    sort = params.pop('sort', None)
    sort_key = params.pop('sort_key', None)
    sort_dir = params.pop('sort_dir', None)
    if sort and (sort_key or sort_dir):
        raise exception.InvalidInput(
            reason=_("The 'sort_key' and 'sort_dir' parameters are "
                     "deprecated and cannot be used with the 'sort' "
                     "parameter."))
    keys, dirs = [], []
    if sort:
        for item in sort.split(','):
            key, _sep, direction = item.strip().partition(':')
            if not key:
                raise exception.InvalidInput(
                    reason=_('Empty sort key in sort %r.') % sort)
            keys.append(key.strip())
            dirs.append(_check_dir(direction.strip() or default_dir))
    else:
        keys.append(sort_key or default_key)
        dirs.append(_check_dir(sort_dir or default_dir))
    return keys, dirs


def literal_value(value):
    """The Python literal ``value`` denotes, or ``value`` itself."""
    if not isinstance(value, str):
        return value
    try:
        return ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError, MemoryError,
            RecursionError):
        return value


def all_tenants(params):
    """Pop and parse ``all_tenants``; it must be a boolean string."""
    value = params.pop('all_tenants', None)
    if value is None:
        return False
    try:
        return strutils.bool_from_string(value, strict=True)
    except ValueError:
        raise exception.InvalidInput(
            reason=_("Invalid value '%s' for all_tenants, it must be a "
                     "boolean") % value)


def flat_value(key, value):
    """``value`` if it is a scalar or a flat list of scalars, else 400.

    Strings must not hold a NUL character, which PostgreSQL cannot take.
    """
    items = value if isinstance(value, LIST_TYPES) else [value]
    if not all(isinstance(item, SCALAR_TYPES) for item in items):
        raise exception.InvalidInput(
            reason=_('The value of %s must be a string, a number or a '
                     'list of them.') % key)
    if any(isinstance(item, str) and '\x00' in item for item in items):
        raise exception.InvalidInput(
            reason=_('The value of %s must not contain a NUL character.')
            % key)
    return value


def filter_params(context, params, allowed):
    """The filters of ``params``, literal-evaluated.

    Keys outside ``allowed`` are silently dropped for non-admin callers.
    """
    filters = {}
    for key, value in params.items():
        if not context.is_admin and key not in allowed:
            continue
        filters[key] = flat_value(key, literal_value(value))
    return filters


def query_pairs(request):
    """The ``(name, value)`` pairs of the request's query string.

    Only ``&`` separates parameters (webob splits on ``;`` too), so that
    a value such as ``sort=name;x`` reaches validation whole.
    """
    try:
        return parse.parse_qsl(request.query_string, keep_blank_values=True,
                               errors='strict')
    except UnicodeDecodeError:
        raise exception.InvalidInput(
            reason=_('The query string is not valid UTF-8.'))


def list_params(request):
    """A mutable plain dict of the request's query parameters."""
    return dict(query_pairs(request))


def base_url(request):
    """The API root URL: the osapi_karbor_base_URL option, or the request's."""
    if CONF.osapi_karbor_base_URL:
        return CONF.osapi_karbor_base_URL.rstrip('/') + request.script_name
    return request.application_url


def collection_links(request, items, path, limit, id_key='id'):
    """``[{"rel": "next", "href": ...}]`` when a next page may exist.

    ``path`` is the collection's path below ``/v1/<project_id>/``.
    """
    if not items or limit is None or len(items) < limit:
        return []
    params = [(k, v) for k, v in query_pairs(request) if k != 'marker']
    params.append(('marker', items[-1][id_key]))
    project_id = request.environ['karbor.context'].project_id
    href = '%s/v1/%s/%s?%s' % (base_url(request), project_id, path,
                               parse.urlencode(params))
    return [{'rel': 'next', 'href': href}]


def add_links(body, request, items, collection, limit, path=None):
    """Add ``<collection>_links`` to ``body`` when there is a next page."""
    links = collection_links(request, items, path or collection, limit)
    if links:
        body['%s_links' % collection] = links
    return body
