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
ORIGINAL_ID = '23321c80-897b-49b4-8448-9e140caf782f'
ORIGINAL_INDEX = (
    '{"version": "0.9", "id": "23321c80-897b-49b4-8448-9e140caf782f", '
    '"status": "available", "owner_id": '
    '"19ba26d0-6999-4fb7-8bad-26c143c47d74", "provider_id": '
    '"b766f37c-d011-4026-8228-28730d734a3f", "project_id": "demo", '
    '"protection_plan": {"id": "7d204cdf-9811-42e3-8378-42773f38573d", '
    '"name": "p1", "provider_id": "b766f37c-d011-4026-8228-28730d734a3f", '
    '"resources": [{"id": "11111111-1111-1111-1111-111111111111", "type": '
    '"OS::Cinder::Volume", "name": "vol1", "extra_info": "{\\"k\\": '
    '\\"v\\"}"}]}, "extra_info": "{\\"created_by\\": \\"manual\\"}", '
    '"created_at": "2026-12-06", "timestamp": 1796576965, "resource_graph": '
    '"[{\\"0x0\\": [\\"OS::Cinder::Volume\\", '
    '\\"11111111-1111-1111-1111-111111111111\\", \\"vol1\\", '
    '\\"{\\\\\\"k\\\\\\": \\\\\\"v\\\\\\"}\\"]}, []]"}')


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
    bank = tmp_path / 'bank' / 'karbor' / 'checkpoints'
    # Unreadable checkpoints are named with the reason, and left alone.
    (bank / 'bad-version').mkdir()
    (bank / 'bad-version' / 'index.json').write_text(
        '{"version": "0.8", "id": "bad-version"}')
    # As Karbor 1.6.0 wrote it (recorded from a run of the original).
    (bank / ORIGINAL_ID).mkdir()
    (bank / ORIGINAL_ID / 'index.json').write_text(ORIGINAL_INDEX)
    made.append(ORIGINAL_ID)
    (bank / 'not-json').mkdir()
    (bank / 'not-json' / 'index.json').write_text('garbage')
    objects.register_all()
    with dbfixtures.database_url('sqlite', str(tmp_path)) as url:
        conf = tmp_path / 'karbor.conf'
        conf.write_text('[DEFAULT]\nprovider_config_dir = %s\n'
                        '[database]\nconnection = %s\n' % (providers, url))
        manage(conf, 'db', 'sync')
        output = manage(conf, 'checkpoint', 'rebuild_catalog')
        report = [line for line in output.splitlines()
                  if not line[:4].isdigit()]  # log lines start with a date
        assert report == [
            'No-Op (%s): 4 checkpoints (available 1, protecting 3), '
            '2 unreadable' % NOOP,
            "  unreadable bad-version: Invalid input received: Checkpoint "
            "bad-version has an unsupported format: version '0.8', "
            "expected '0.9'",
            '  unreadable not-json: Invalid input received: Checkpoint '
            'not-json has an unsupported format: index.json is not a JSON '
            'object']
        with dbfixtures.configured(url, sync=False):
            ctxt = context.get_admin_context()
            records = objects.CheckpointRecordList.get_all(ctxt)
            assert sorted(r.id for r in records) == sorted(made)
            assert {r.id: r.status for r in records}[ORIGINAL_ID] == \
                'available'
            original = objects.CheckpointRecord.get_by_id(ctxt, ORIGINAL_ID)
            created = original.created_at.isoformat()[:19]
            assert created == '2026-12-06T17:09:25'
            assert original.plan_id == '7d204cdf-9811-42e3-8378-42773f38573d'
