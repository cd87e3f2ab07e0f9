"""Every Karbor option, for oslo-config-generator (``karbor.common.opts``).

Each component lists its own options in a ``list_opts()`` returning
``[(group, opts), ...]``; this module merges them by group. The groups of
bank and protection plugins are set in provider files, not karbor.conf,
but are listed here so that they are documented in one place.
"""

import collections
import importlib

from karbor.common import config

_MODULES_WITH_OPTS = (
    'karbor.api.opts',
    'karbor.clients.auth',
    'karbor.clients.factory',
    'karbor.clients.k8s',
    'karbor.common.memory',
    'karbor.db.sqlalchemy.engine',
    'karbor.quota',
    'karbor.metrics',
    'karbor.rpc',
    'karbor.services.operationengine.runner',
    'karbor.services.operationengine.time_trigger',
    'karbor.services.protection.bank_plugins.file_system_bank_plugin',
    'karbor.services.protection.bank_plugins.s3_bank_plugin',
    'karbor.services.protection.bank_plugins.swift_bank_plugin',
    'karbor.services.protection.flows.persistence',
    'karbor.services.protection.operation_runner',
    'karbor.services.protection.flows.workflow',
    'karbor.services.protection.provider',
    'karbor.services.protection.protectable_plugins.pod',
    'karbor.services.protection.protection_plugins.volume.cinder_backup',
    'karbor.services.protection.protection_plugins.volume.volume_snapshot',
    'karbor.services.protection.protection_plugins.share',
    'karbor.services.protection.protection_plugins.database',
    'karbor.services.protection.protection_plugins.image.'
    'image_protection_plugin',
    'karbor.services.protection.protection_plugins.pod.pod_plugin',
    'karbor.services.protection.protection_plugins.server.nova_protection',
    'karbor.services.protection.protection_plugins.network.'
    'neutron_protection',
)


def _core_opts():
    return [('DEFAULT', config.core_opts + config.global_opts)]


def list_opts():
    groups = collections.OrderedDict()
    sources = [_core_opts]
    for name in _MODULES_WITH_OPTS:
        sources.append(importlib.import_module(name).list_opts)
    for source in sources:
        for group, opts in source():
            groups.setdefault(group or 'DEFAULT', []).extend(opts)
    return [(group, _unique(opts)) for group, opts in groups.items()]


def _unique(opts):
    seen, result = set(), []
    for opt in opts:
        if opt.dest not in seen:
            seen.add(opt.dest)
            result.append(opt)
    return result
