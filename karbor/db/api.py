"""The DB API used by the rest of Karbor.

Every function takes a request context first and is implemented in
``karbor.db.sqlalchemy`` (``api``: services, plans, restores,
verifications, operation logs, checkpoint catalog, purge;
``api_operations``: triggers and scheduled operations; ``api_quota``:
quotas). Lists share one signature::

    X_get_all(context, marker=None, limit=None, sort_keys=None,
              sort_dirs=None, filters=None, offset=None)
    X_get_all_by_project(context, project_id, marker=None, ...)

``created_at`` and ``id`` are always appended as sort tie-breakers; an
unknown sort key or direction raises ``InvalidInput``, an unknown marker
``MarkerNotFound``. Filters are exact matches on columns (a list means
"any of"), regular expressions for names and descriptions; a filter on a
key that is not a column matches nothing.
"""

from karbor.db.sqlalchemy import api as _core
from karbor.db.sqlalchemy import api_operations as _operations
from karbor.db.sqlalchemy import api_quota as _quota

_IMPLEMENTATIONS = (_core, _operations, _quota)


def __getattr__(name):
    if not name.startswith('_'):
        for impl in _IMPLEMENTATIONS:
            func = getattr(impl, name, None)
            if callable(func):
                return func
    raise AttributeError('karbor.db.api has no attribute %r' % name)


def __dir__():
    return sorted({name for impl in _IMPLEMENTATIONS for name in dir(impl)
                   if not name.startswith('_')
                   and callable(getattr(impl, name))})
