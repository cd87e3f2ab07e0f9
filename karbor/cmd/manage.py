"""karbor-manage: administration of a Karbor deployment.

    karbor-manage [--config-file FILE] db sync [VERSION]
    karbor-manage [--config-file FILE] db version
    karbor-manage [--config-file FILE] db purge AGE_IN_DAYS
    karbor-manage [--config-file FILE] service list
    karbor-manage [--config-file FILE] checkpoint rebuild_catalog [PROVIDER]
"""

import sys

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import config  # noqa: F401  (core options)
from karbor import context
from karbor.db import api as db
from karbor.db import migration
from karbor import exception
from karbor import objects

CONF = cfg.CONF


class DbCommands(object):
    """Database schema and maintenance."""

    def sync(self, version=None):
        """Upgrade (or downgrade) the schema to VERSION, default latest."""
        for line in migration.db_sync(version):
            print(line)
        print('Database is at version %s.' % migration.db_version())

    def version(self):
        """Print the current schema version."""
        print(migration.db_version() or 'None')

    def purge(self, age_in_days):
        """Delete rows soft-deleted more than AGE_IN_DAYS days ago."""
        counts = db.purge_deleted_rows(context.get_admin_context(),
                                       age_in_days)
        for table, count in sorted(counts.items()):
            if count:
                print('%s: %d rows purged' % (table, count))
        print('Purged %d rows.' % sum(counts.values()))


def _state(service, now):
    last = service.updated_at or service.created_at
    if last is None:
        return 'down'
    last = timeutils.normalize_time(last)
    up = (now - last).total_seconds() <= CONF.service_down_time
    return ':-)' if up else 'XXX'


class ServiceCommands(object):
    """Registered Karbor services."""

    def list(self):
        """Print every service with its state."""
        objects.register_all()
        services = objects.ServiceList.get_all(context.get_admin_context())
        now = timeutils.utcnow()
        row = '%-25s %-30s %-10s %-5s %s'
        print(row % ('Binary', 'Host', 'Status', 'State', 'Updated At'))
        for svc in services:
            print(row % (svc.binary, svc.host,
                         'disabled' if svc.disabled else 'enabled',
                         _state(svc, now), svc.updated_at or ''))


class CheckpointCommands(object):
    """Checkpoints kept in the providers' banks."""

    def rebuild_catalog(self, provider_id=None):
        """Recreate the SQL catalog of checkpoints from the banks."""
        from karbor.services.protection import provider as provider_module
        objects.register_all()
        registry = provider_module.ProviderRegistry()
        providers = ([registry.show_provider(provider_id)] if provider_id
                     else [registry.show_provider(p['id'])
                           for p in registry.list_providers()])
        ctxt = context.get_admin_context()
        for provider in providers:
            counts, unreadable = provider.checkpoint_store.rebuild_catalog(
                ctxt)
            by_status = ', '.join('%s %d' % item
                                  for item in sorted(counts.items()))
            print('%s (%s): %d checkpoints%s, %d unreadable' % (
                provider.name, provider.id, sum(counts.values()),
                ' (%s)' % by_status if by_status else '', len(unreadable)))
            for checkpoint_id, reason in unreadable:
                print('  unreadable %s: %s' % (checkpoint_id, reason))


CATEGORIES = {'db': DbCommands, 'service': ServiceCommands,
              'checkpoint': CheckpointCommands}
ARGUMENTS = {
    ('db', 'sync'): [('version', {
        'nargs': '?', 'default': None,
        'help': 'Schema version (default: latest)'})],
    ('db', 'purge'): [('age_in_days', {'type': int,
                                       'help': 'Minimum age in days'})],
    ('checkpoint', 'rebuild_catalog'): [('provider_id', {
        'nargs': '?', 'default': None,
        'help': 'Only this provider (default: every provider)'})],
}
ACTIONS = ('sync', 'version', 'purge', 'list', 'rebuild_catalog')


def add_command_parsers(subparsers):
    for category, cls in CATEGORIES.items():
        parser = subparsers.add_parser(category, help=cls.__doc__)
        actions = parser.add_subparsers(dest='action')
        actions.required = True
        for action in ACTIONS:
            if not hasattr(cls, action):
                continue
            action_parser = actions.add_parser(
                action, help=getattr(cls, action).__doc__)
            for name, kwargs in ARGUMENTS.get((category, action), []):
                action_parser.add_argument(name, **kwargs)
            action_parser.set_defaults(category=category, action=action)


command_opt = cfg.SubCommandOpt('category', title='Command categories',
                                handler=add_command_parsers)


def _run(category, action):
    handler = getattr(CATEGORIES[category](), action)
    args = {name: getattr(CONF.category, name)
            for name, _kwargs in ARGUMENTS.get((category, action), [])}
    handler(**args)


def main(argv=None):
    CONF.register_cli_opt(command_opt)
    logging.register_options(CONF)
    try:
        CONF(sys.argv[1:] if argv is None else argv, project='karbor')
        logging.setup(CONF, 'karbor')
    except cfg.ConfigFilesNotFoundError as err:
        print('Could not read configuration: %s' % err, file=sys.stderr)
        return 2
    try:
        _run(CONF.category.name, CONF.category.action)
    except exception.KarborException as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
