"""The provider samples shipped in etc/providers.d."""

import os

from oslo_config import cfg
import pytest

from karbor.services.protection import provider as provider_mod

SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'etc', 'providers.d')
VOLUME = 'OS::Cinder::Volume'

EXPECTED = {
    # file: (id, enabled, bank, plugins)
    'openstack-infra.conf': (
        'cf56bd3e-97a7-4078-b6d5-f36246333fd9', True,
        'karbor-swift-bank-plugin', ['karbor-volume-protection-plugin',
                                     'karbor-image-protection-plugin',
                                     'karbor-server-protection-plugin',
                                     'karbor-network-protection-plugin']),
    'openstack-fs-bank.conf': (
        '6659007d-6f66-4a0f-9cb4-17d6aded0bb9', True,
        'karbor-fs-bank-plugin', ['karbor-volume-protection-plugin']),
    'openstack-infra-volume-snapshot.conf': (
        '90d5bfea-a259-41e6-80c6-dcfcfcd9d827', True,
        'karbor-fs-bank-plugin', ['karbor-volume-snapshot-plugin']),
    'openstack-kubernetes.conf': (
        'e3982e71-f44d-4b09-8abd-3e53e4b80d10', True,
        'karbor-fs-bank-plugin', ['karbor-pod-protection-plugin',
                                  'karbor-volume-protection-plugin']),
    'openstack-share-database.conf': (
        '0f3c1a9e-5d2b-4c47-9a61-6b8e2d7f4c15', True,
        'karbor-fs-bank-plugin', ['karbor-share-protection-plugin',
                                  'karbor-database-protection-plugin']),
    'openstack-s3-bank.conf': (
        'c8e52e4d-0479-43e0-b1a1-318c86798cb8', False,
        'karbor-s3-bank-plugin', ['karbor-volume-protection-plugin',
                                  'karbor-image-protection-plugin',
                                  'karbor-server-protection-plugin',
                                  'karbor-network-protection-plugin']),
}


def _enabled_copy(tmp_path, name):
    text = open(os.path.join(SAMPLES, name)).read()
    path = tmp_path / name
    path.write_text(text.replace('enabled = False', 'enabled = True'))
    return str(path)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_sample_loads(tmp_path, name):
    provider_id, enabled, bank, plugins = EXPECTED[name]
    provider = provider_mod.load_provider_file(_enabled_copy(tmp_path, name))
    section = provider.config.provider
    assert (provider.id, section.bank, section.plugin) == (provider_id, bank,
                                                           plugins)
    assert provider.resource_types == sorted({
        resource_type for name in plugins for resource_type in
        provider_mod.load_plugin_class(name).get_supported_resources_types()})
    text = open(os.path.join(SAMPLES, name)).read()
    assert ('enabled = True' in text) is enabled


def test_os_infra_schemas_match_the_user_guide(tmp_path):
    provider = provider_mod.load_provider_file(
        _enabled_copy(tmp_path, 'openstack-infra.conf'))
    schemas = provider.extended_info_schema
    options = schemas['options_schema'][VOLUME]
    assert options['properties']['backup_mode']['default'] == 'auto'
    assert schemas['restore_schema'][VOLUME]['title'] == \
        'Cinder Protection Restore'
    assert schemas['saved_info_schema'][VOLUME]['title'] == \
        'Cinder Protection Saved Info'


def test_embedded_default_enables_local_banks(tmp_path):
    # File-system banks, and the sandbox cloud's Swift for OS Infra.
    cfg.CONF.set_override('state_path', str(tmp_path))
    registry = provider_mod.ProviderRegistry(config_dir=SAMPLES)
    enabled = {p['id'] for p in registry.list_providers()}
    assert enabled == {'b766f37c-d011-4026-8228-28730d734a3f',
                       '6659007d-6f66-4a0f-9cb4-17d6aded0bb9',
                       '90d5bfea-a259-41e6-80c6-dcfcfcd9d827',
                       'cf56bd3e-97a7-4078-b6d5-f36246333fd9',
                       'e3982e71-f44d-4b09-8abd-3e53e4b80d10',
                       '0f3c1a9e-5d2b-4c47-9a61-6b8e2d7f4c15'}
    swift = registry.show_provider('cf56bd3e-97a7-4078-b6d5-f36246333fd9')
    assert swift.config.provider.bank == 'karbor-swift-bank-plugin'
    text = open(os.path.join(SAMPLES, 'openstack-infra.conf')).read()
    assert 'swift_auth_url = http://127.0.0.1:8798/identity/v3' in text
    for provider_id in enabled - {swift.id}:
        provider = registry.show_provider(provider_id)
        assert provider.config.provider.bank == 'karbor-fs-bank-plugin'
        provider.bank  # the bank directory is made under state_path
    assert sorted(os.listdir(tmp_path / 'banks')) == [
        'kubernetes', 'noop', 'os-infra', 'share-database',
        'volume-snapshot']
