"""Restore and verification views."""

from karbor.api import common

_COMMON_FIELDS = ('id', 'project_id', 'provider_id', 'checkpoint_id',
                  'parameters', 'status', 'resources_status',
                  'resources_reason')
FIELDS = {
    'restore': _COMMON_FIELDS + ('restore_target',),
    'verification': _COMMON_FIELDS,
}


def summary(name, record):
    """The fields of a ``name`` (restore or verification) record."""
    view = {field: record[field] for field in FIELDS[name]}
    for field in ('parameters', 'resources_status', 'resources_reason'):
        view[field] = view[field] or {}
    return view


def detail(name, record):
    """``{"<name>": {...}}``."""
    return {name: summary(name, record)}


def detail_list(request, name, records, limit):
    """``{"<name>s": [...], "<name>s_links"?: [...]}``."""
    collection = name + 's'
    items = [summary(name, record) for record in records]
    return common.add_links({collection: items}, request, items, collection,
                            limit)
