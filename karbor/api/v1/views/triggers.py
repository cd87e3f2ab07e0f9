"""Trigger views (the single-object key is ``trigger_info``)."""

from karbor.api import common


def summary(trigger):
    return {'id': trigger['id'], 'name': trigger['name'],
            'type': trigger['type'],
            'properties': dict(trigger['properties'] or {})}


def detail(trigger):
    """``{"trigger_info": {...}}``."""
    return {'trigger_info': summary(trigger)}


def detail_list(request, triggers, limit):
    """``{"triggers": [...], "triggers_links"?: [...]}``."""
    items = [summary(trigger) for trigger in triggers]
    return common.add_links({'triggers': items}, request, items, 'triggers',
                            limit)
