"""What the API answers itself instead of asking the protection service.

:class:`LocalReadsAPI` has the protection RPC API's interface. Provider
definitions and checkpoint lists are read in the API process; everything
else goes over RPC.

- Providers come from the API process's own
  :class:`~karbor.services.protection.provider.ProviderRegistry` on
  ``provider_config_dir`` (the same files the protection service reads).
  Invalidation: the registry looks at the directory at most every
  ``provider_config_check_interval`` seconds (1 s by default) and reads
  every provider again when a ``*.conf`` file was added, removed or
  changed, so an edit shows within that time, in the protection service
  alike.
- Checkpoint lists are SQL catalog queries, the same function the
  protection service runs (no cache: each request reads the database).

Turn it off with ``[api] local_reads = False`` when the API host has no
copy of the provider files.
"""

import threading

from oslo_config import cfg

from karbor.services.protection import checkpoint_store
from karbor.services.protection import provider as provider_module

CONF = cfg.CONF

local_reads_opts = [
    cfg.BoolOpt('local_reads',
                default=True,
                help='Serve provider definitions (from the API host\'s '
                     'provider_config_dir) and checkpoint lists (from the '
                     'SQL catalog) in the API process, without a round '
                     'trip to the protection service. Turn off when the '
                     'API host has no copy of the provider files.'),
]
CONF.register_opts(local_reads_opts, group='api')

_registry = None
_registry_lock = threading.Lock()


def provider_registry():
    """The API process's provider registry, read on first use and again
    when ``provider_config_dir`` names another directory."""
    global _registry
    config_dir = provider_module.configured_dir()
    registry = _registry
    if registry is None or registry.config_dir != config_dir:
        with _registry_lock:
            if _registry is None or _registry.config_dir != config_dir:
                _registry = provider_module.ProviderRegistry(config_dir)
            registry = _registry
    return registry


class LocalReadsAPI(object):
    """The protection RPC API, with provider and list reads done here."""

    def __init__(self, rpc_api):
        self._rpc = rpc_api

    def __getattr__(self, name):
        return getattr(self._rpc, name)

    def show_provider(self, ctxt, provider_id):
        return provider_registry().show_provider(provider_id).to_dict()

    def list_providers(self, ctxt, marker=None, limit=None, sort_keys=None,
                       sort_dirs=None, filters=None):
        return provider_registry().list_providers(
            marker=marker, limit=limit, filters=filters)

    def list_checkpoints(self, ctxt, provider_id, marker=None, limit=None,
                         sort_keys=None, sort_dirs=None, filters=None,
                         all_tenants=False):
        provider_registry().show_provider(provider_id)
        return checkpoint_store.list_request(
            ctxt, provider_id, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, all_tenants=all_tenants)
