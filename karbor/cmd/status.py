"""karbor-status: checks an operator runs before and after an upgrade.

    karbor-status [--config-file FILE] upgrade check [--json]

Each check answers Success, Warning or Failure with the reason; the exit
status is the worst code (0, 1 or 2; 255 if a check itself crashed).
"""

import os
import sys

from oslo_config import cfg
from oslo_upgradecheck import upgradecheck
import yaml

from karbor.common import config
from karbor.db import migration
from karbor import policy  # noqa: F401  ([oslo_policy] options)
from karbor.services.protection import provider as providers

CONF = cfg.CONF
Code = upgradecheck.Code
Result = upgradecheck.Result


def _failures(lines):
    return Result(Code.FAILURE, '\n'.join(lines)) if lines else None


class Checks(upgradecheck.UpgradeCommands):
    """The upgrade checks of Karbor."""

    def _check_database(self):
        try:
            current = migration.db_version()
        except Exception as err:
            return Result(Code.FAILURE,
                          'Cannot read the database schema version: %s' % err)
        head = migration.head_version()
        current = current or 'none (empty database)'
        if current != head:
            return Result(Code.FAILURE,
                          'The database is at migration %s, this code needs '
                          '%s: run "karbor-manage db sync".' % (current, head))
        return Result(Code.SUCCESS, 'The database is at migration %s.' % head)

    def _check_policy_file(self):
        name = CONF.oslo_policy.policy_file
        path = CONF.find_file(name)
        if path is None:
            return Result(Code.SUCCESS, 'No policy file %s: the default '
                          'rules apply.' % name)
        try:
            with open(path) as stream:
                rules = yaml.safe_load(stream)
        except (OSError, yaml.YAMLError) as err:
            return Result(Code.FAILURE,
                          'Policy file %s is not readable: %s' % (path, err))
        if rules is not None and not isinstance(rules, dict):
            return Result(Code.FAILURE, 'Policy file %s is not a mapping of '
                          'rule names to rules.' % path)
        return Result(Code.SUCCESS, 'Policy file %s: %d rules.'
                      % (path, len(rules or {})))

    def _providers(self):
        directory = providers.configured_dir()
        paths = sorted(p for p in (os.listdir(directory)
                                   if os.path.isdir(directory) else [])
                       if p.endswith('.conf'))
        for name in paths:
            path = os.path.join(directory, name)
            try:
                yield path, providers.load_provider_file(path), None
            except Exception as err:
                yield path, None, err

    def _check_provider_files(self):
        loaded, broken = [], []
        for path, provider, error in self._providers():
            if error is not None:
                broken.append('%s: %s' % (path, error))
            elif provider is not None:
                loaded.append(provider.name)
        if not loaded and not broken:
            return Result(Code.WARNING, 'No enabled provider in %s.'
                          % CONF.provider_config_dir)
        return _failures(broken) or Result(
            Code.SUCCESS, 'Providers: %s.' % ', '.join(loaded))

    def _check_banks(self):
        reached, broken = [], []
        for _path, provider, error in self._providers():
            if provider is None:
                continue
            try:
                bank = provider.bank
                try:
                    bank.list_objects(prefix='', limit=1)
                finally:
                    bank.close()
                reached.append(provider.name)
            except Exception as err:
                broken.append('Bank of provider %s is unreachable: %s'
                              % (provider.name, err))
        return _failures(broken) or Result(
            Code.SUCCESS, 'Banks reached: %s.' % (', '.join(reached) or
                                                  'none'))

    _upgrade_checks = (
        ('Database migrations', _check_database),
        ('Policy file', _check_policy_file),
        ('Provider files', _check_provider_files),
        ('Banks', _check_banks),
    )


def main(argv=None):
    """Entry point of ``karbor-status``."""
    config.set_defaults()
    return upgradecheck.main(CONF, project='karbor', upgrade_command=Checks(),
                             argv=sys.argv[1:] if argv is None else argv)


if __name__ == '__main__':
    sys.exit(main())
