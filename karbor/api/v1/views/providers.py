"""Provider views."""

from karbor.api import common

SCHEMA_KINDS = ('options_schema', 'restore_schema', 'saved_info_schema')


def summary(provider):
    schemas = provider.get('extended_info_schema') or {}
    return {
        'id': provider['id'],
        'name': provider.get('name'),
        'description': provider.get('description'),
        'extended_info_schema': dict(
            schemas, **{k: schemas.get(k, {}) for k in SCHEMA_KINDS}),
    }


def detail(provider):
    return {'provider': summary(provider)}


def detail_list(request, providers, limit):
    items = [summary(p) for p in providers]
    return common.add_links({'providers': items}, request, items,
                            'providers', limit)
