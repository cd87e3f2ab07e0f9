"""karbor-manage checkpoint rebuild_catalog."""

import os
import subprocess
import sys
import textwrap

from oslo_config import cfg

from karbor import context
from karbor import objects
from karbor.services.protection import provider as provider_module
from karbor.tests import dbfixtures

CONF = cfg.CONF
NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'


def manage(conf, *args):
    """Run the real karbor-manage command; its stdout."""
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'karbor-manage'),
         '--config-file', str(conf)] + list(args),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rebuild_catalog_from_a_moved_bank(tmp_path):
    providers = tmp_path / 'providers.d'
    providers.mkdir()
    (providers / 'noop.conf').write_text(textwrap.dedent("""\
        [provider]
        name = No-Op
        id = %s
        plugin = karbor-noop-protection-plugin
        bank = karbor-fs-bank-plugin
        enabled = True
        [file_system_bank_plugin]
        file_system_bank_path = %s
        """ % (NOOP, tmp_path / 'bank')))
    CONF.set_override('provider_config_dir', str(providers))
    registry = provider_module.ProviderRegistry()
    collection = registry.show_provider(NOOP).checkpoint_collection
    made = [collection.create({'id': 'plan-%d' % i, 'name': 'p',
                               'provider_id': NOOP, 'project_id': 'proj',
                               'resources': []}).id for i in range(3)]
    objects.register_all()
    with dbfixtures.database_url('sqlite', str(tmp_path)) as url:
        conf = tmp_path / 'karbor.conf'
        conf.write_text('[DEFAULT]\nprovider_config_dir = %s\n'
                        '[database]\nconnection = %s\n' % (providers, url))
        manage(conf, 'db', 'sync')
        output = manage(conf, 'checkpoint', 'rebuild_catalog')
        assert 'No-Op (%s): 3 checkpoints' % NOOP in output
        with dbfixtures.configured(url, sync=False):
            ctxt = context.get_admin_context()
            records = objects.CheckpointRecordList.get_all(ctxt)
            assert sorted(r.id for r in records) == sorted(made)
            assert {r.status for r in records} == {'protecting'}
