"""Protection providers and the registry that reads them from providers.d.

A provider file is an INI file with a ``[provider]`` section (name, id,
description, one or more ``plugin`` lines, one ``bank``, ``enabled``) and
option sections for its plugins. Each file is parsed into its own
ConfigOpts, so plugins of different providers never share settings.
"""

import glob
import os
import threading
import time

from oslo_config import cfg
from oslo_log import log as logging
from stevedore import driver

from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

PROTECTIONS_NAMESPACE = 'karbor.protections'

provider_registry_opts = [
    cfg.StrOpt('provider_config_dir',
               default='providers.d',
               help='Directory of provider configuration files (one per '
                    'provider, named <anything>.conf). A '
                    'relative path is taken relative to the directory of '
                    'the first configuration file.'),
    cfg.FloatOpt('provider_config_check_interval',
                 default=1.0, min=0,
                 help='Seconds between looks at provider_config_dir (the '
                      'names, sizes and modification times of its .conf '
                      'files). A provider file added, edited or removed '
                      'takes effect, in the API and in the protection '
                      'service alike, at the first request after the next '
                      'look: within this many seconds. 0 looks on every '
                      'request.'),
]
CONF.register_opts(provider_registry_opts)

provider_opts = [
    cfg.StrOpt('name', help='The name of the provider.'),
    cfg.StrOpt('id', help='The UUID of the provider.'),
    cfg.StrOpt('description', default='',
               help='A description shown to users.'),
    cfg.MultiStrOpt('plugin', default=[],
                    help='A protection plugin entry point name; repeat the '
                         'option for several plugins.'),
    cfg.StrOpt('bank', help='The bank plugin entry point name.'),
    cfg.BoolOpt('enabled', default=False,
                help='Whether the provider is offered to users.'),
    cfg.StrOpt('copy_provider_id',
               help='The provider whose bank receives the copies of this '
                    'provider\'s checkpoints (checkpoint copy API). It '
                    'should have the same protection plugins. Unset: copies '
                    'are kept in this provider\'s own bank.'),
]

# The kinds of ``extended_info_schema``, each with the plugin class method
# that gives a resource type's schema of that kind.
SCHEMA_GETTERS = {
    'options_schema': lambda plugin: plugin.get_options_schema,
    'restore_schema': lambda plugin: plugin.get_restore_schema,
    'saved_info_schema': lambda plugin: plugin.get_saved_info_schema,
    'verify_schema': lambda plugin: plugin.get_verify_schema,
}
SCHEMA_KINDS = tuple(SCHEMA_GETTERS)


def load_plugin_class(name):
    """The class registered under ``name`` in karbor.protections."""
    return driver.DriverManager(PROTECTIONS_NAMESPACE, name,
                                invoke_on_load=False).driver


class PluggableProtectionProvider(object):
    """One provider: a bank and a protection plugin per resource type."""

    def __init__(self, provider_config):
        section = provider_config.provider
        self.id = section.id
        self.name = section.name
        self.description = section.description
        self.copy_provider_id = section.copy_provider_id
        self.config = provider_config
        if not self.id or not self.name:
            raise ValueError('[provider] needs both "id" and "name"')
        if not section.bank:
            raise ValueError('[provider] needs a "bank"')
        self._bank_class = load_plugin_class(section.bank)
        self._plugin_classes = {}
        for plugin_name in section.plugin:
            plugin_class = load_plugin_class(plugin_name)
            for resource_type in plugin_class.get_supported_resources_types():
                self._plugin_classes[resource_type] = plugin_class
        self.extended_info_schema = self._build_schemas()
        self._bank = None
        self._checkpoints = None
        self._lock = threading.Lock()

    def _build_schemas(self):
        schemas = {kind: {} for kind in SCHEMA_KINDS}
        for resource_type, plugin_class in self._plugin_classes.items():
            for kind, getter in SCHEMA_GETTERS.items():
                schemas[kind][resource_type] = getter(plugin_class)(
                    resource_type)
        return schemas

    @property
    def resource_types(self):
        return sorted(self._plugin_classes)

    @property
    def bank(self):
        """The provider's Bank, created on first use."""
        with self._lock:
            if self._bank is None:
                from karbor.services.protection import bank_plugin
                try:
                    plugin = self._bank_class(self.config)
                except exception.KarborException as err:
                    raise exception.BankUnavailable(provider=self.name,
                                                    reason=err)
                self._bank = bank_plugin.Bank(plugin, name=self.name)
            return self._bank

    @property
    def checkpoint_collection(self):
        """The checkpoint payloads of the provider's bank alone (for tools
        and tests; the service goes through ``checkpoint_store``)."""
        return self.checkpoint_store.payloads

    @property
    def checkpoint_store(self):
        """The provider's CheckpointStore, created on first use."""
        from karbor.services.protection import checkpoint
        from karbor.services.protection import checkpoint_store
        bank = self.bank
        with self._lock:
            if self._checkpoints is None:
                self._checkpoints = checkpoint_store.CheckpointStore(
                    self.id, checkpoint.CheckpointCollection(bank))
            return self._checkpoints

    def plugin_class(self, resource_type):
        """The protection plugin class of ``resource_type``, or None."""
        return self._plugin_classes.get(resource_type)

    def copy_refusal(self, resource_types, target):
        """Why checkpoints holding ``resource_types`` cannot be copied
        into ``target``'s bank, or None if they can."""
        held = sorted(t for t in set(resource_types)
                      if t in self._plugin_classes)
        cannot = [t for t in held if not self._plugin_classes[t].can_copy(t)]
        if cannot:
            return _('the protection plugins of %s cannot copy their '
                     'data') % ', '.join(cannot)
        missing = [t for t in held if target.plugin_class(t) is None]
        if missing:
            return _('the destination provider %(name)s has no protection '
                     'plugin for %(types)s') % {'name': target.name,
                                                'types': ', '.join(missing)}
        return None

    def load_plugins(self):
        """Fresh protection plugin instances, keyed by resource type."""
        instances = {}
        plugins = {}
        for resource_type, plugin_class in self._plugin_classes.items():
            if plugin_class not in instances:
                instances[plugin_class] = plugin_class(self.config)
            plugins[resource_type] = instances[plugin_class]
        return plugins

    def to_dict(self):
        return {'id': self.id, 'name': self.name,
                'description': self.description,
                'extended_info_schema': self.extended_info_schema}


def configured_dir():
    """The absolute ``provider_config_dir``."""
    path = CONF.provider_config_dir
    if os.path.isabs(path):
        return path
    config_dirs = [os.path.dirname(os.path.abspath(f))
                   for f in CONF.config_file or ()]
    return os.path.join(config_dirs[0] if config_dirs else os.getcwd(), path)


_config_dir = configured_dir  # the earlier private name


def load_provider_file(path):
    """Parse one provider file; returns None for a disabled provider."""
    provider_config = cfg.ConfigOpts()
    provider_config.register_opts(provider_opts, group='provider')
    provider_config(args=[], project='karbor', default_config_files=[path],
                    default_config_dirs=[], use_env=False)
    if not provider_config.provider.enabled:
        LOG.info('Provider file %s is disabled; skipped.', path)
        return None
    return PluggableProtectionProvider(provider_config)


class ProviderRegistry(object):
    """The enabled providers of ``provider_config_dir``.

    The directory is looked at again at most every
    ``provider_config_check_interval`` seconds, when a provider is asked
    for; if a ``*.conf`` file was added, removed or changed (name, size or
    modification time), every provider is read again. Operations already
    running keep the provider object they started with.
    """

    def __init__(self, config_dir=None):
        self.config_dir = config_dir or configured_dir()
        self._providers = {}
        self._stamp = None
        self._last_look = None
        self._lock = threading.Lock()
        self.refresh(force=True)

    def _files_stamp(self):
        stamp = []
        for path in sorted(glob.glob(os.path.join(self.config_dir,
                                                  '*.conf'))):
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamp.append((path, info.st_size, info.st_mtime_ns))
        return tuple(stamp)

    def refresh(self, force=False):
        """Read the providers again if their files changed (see class)."""
        if not force and not self._look_due():
            return
        with self._lock:
            if not force and not self._look_due():
                return
            stamp = self._files_stamp()
            if force or stamp != self._stamp:
                self._providers = self._load(self.config_dir)
                self._stamp = stamp
            self._last_look = time.monotonic()

    def _look_due(self):
        return (self._last_look is None or time.monotonic() - self._last_look
                >= CONF.provider_config_check_interval)

    def load_providers(self, config_dir):
        """Add the providers of ``config_dir`` to those already loaded."""
        self._providers = self._load(config_dir, dict(self._providers))

    @staticmethod
    def _load(config_dir, providers=None):
        providers = {} if providers is None else providers
        for path in sorted(glob.glob(os.path.join(config_dir, '*.conf'))):
            try:
                provider = load_provider_file(path)
            except Exception as err:
                LOG.error('Provider file %(path)s skipped: %(reason)s',
                          {'path': path, 'reason': err})
                continue
            if provider is None:
                continue
            if provider.id in providers:
                LOG.error('Provider file %(path)s skipped: provider id '
                          '%(id)s is already defined.',
                          {'path': path, 'id': provider.id})
                continue
            providers[provider.id] = provider
            LOG.info('Loaded provider %(name)s (%(id)s) from %(path)s.',
                     {'name': provider.name, 'id': provider.id,
                      'path': path})
        return providers

    def list_providers(self, marker=None, limit=None, filters=None):
        """Providers sorted by id, as dicts, with exact-match filters."""
        self.refresh()
        known = self._providers
        providers = [known[pid] for pid in sorted(known)]
        if marker is not None:
            ids = [p.id for p in providers]
            if marker not in ids:
                raise exception.ProviderNotFound(provider_id=marker)
            providers = providers[ids.index(marker) + 1:]
        views = [p.to_dict() for p in providers]
        for key, value in (filters or {}).items():
            views = [v for v in views if v.get(key) == value]
        return views[:limit] if limit else views

    def show_provider(self, provider_id):
        self.refresh()
        try:
            return self._providers[provider_id]
        except KeyError:
            raise exception.ProviderNotFound(provider_id=provider_id)


def list_opts():
    return [('DEFAULT', provider_registry_opts),
            ('provider', provider_opts)]
