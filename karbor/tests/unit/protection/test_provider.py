"""Tests of the provider registry reading providers.d."""

import logging
import os
import textwrap

import pytest

from karbor import exception
from karbor.services.protection import provider

NOOP_ID = 'b766f37c-d011-4026-8228-28730d734a3f'
OTHER_ID = '6659007d-6f66-4a0f-9cb4-17d6aded0bb9'


def write(directory, name, body):
    path = os.path.join(directory, name)
    with open(path, 'w') as conf_file:
        conf_file.write(textwrap.dedent(body))
    return path


@pytest.fixture
def providers_dir(tmp_path):
    write(tmp_path, 'noop.conf', """\
        [provider]
        name = No-Op Provider
        description = Does nothing
        id = %s
        plugin = karbor-noop-protection-plugin
        bank = karbor-fs-bank-plugin
        enabled = True

        [file_system_bank_plugin]
        file_system_bank_path = %s
        """ % (NOOP_ID, tmp_path / 'bank'))
    return tmp_path


def test_loads_enabled_provider_with_schemas(providers_dir):
    registry = provider.ProviderRegistry(str(providers_dir))
    found = registry.show_provider(NOOP_ID)
    assert found.name == 'No-Op Provider'
    schemas = found.to_dict()['extended_info_schema']
    assert set(schemas) == set(provider.SCHEMA_KINDS)
    assert 'OS::Cinder::Volume' in schemas['options_schema']
    assert [p['id'] for p in registry.list_providers()] == [NOOP_ID]


def test_broken_files_are_skipped_with_one_log_line(providers_dir, caplog):
    write(providers_dir, 'broken.conf', '[provider\nname = x\n')
    write(providers_dir, 'unknown-plugin.conf', """\
        [provider]
        name = Unknown
        id = %s
        plugin = no-such-plugin
        bank = karbor-fs-bank-plugin
        enabled = True
        """ % OTHER_ID)
    write(providers_dir, 'disabled.conf', """\
        [provider]
        name = Disabled
        id = e4008868-be97-492c-be41-44e50ef2e16f
        bank = karbor-fs-bank-plugin
        enabled = False
        """)
    with caplog.at_level(logging.ERROR):
        registry = provider.ProviderRegistry(str(providers_dir))
    assert [p['id'] for p in registry.list_providers()] == [NOOP_ID]
    errors = [r.getMessage() for r in caplog.records
              if r.levelno >= logging.ERROR]
    assert len(errors) == 2
    assert any('broken.conf' in e for e in errors)
    assert any('unknown-plugin.conf' in e and 'no-such-plugin' in e
               for e in errors)


def test_duplicate_provider_id_keeps_the_first(providers_dir):
    write(providers_dir, 'zz-dup.conf', """\
        [provider]
        name = Duplicate
        id = %s
        bank = karbor-fs-bank-plugin
        enabled = True
        """ % NOOP_ID)
    registry = provider.ProviderRegistry(str(providers_dir))
    assert registry.show_provider(NOOP_ID).name == 'No-Op Provider'


def test_list_marker_limit_and_filters(providers_dir):
    write(providers_dir, 'second.conf', """\
        [provider]
        name = Second
        id = %s
        plugin = karbor-noop-protection-plugin
        bank = karbor-fs-bank-plugin
        enabled = True
        """ % OTHER_ID)
    registry = provider.ProviderRegistry(str(providers_dir))
    ids = [p['id'] for p in registry.list_providers()]
    assert ids == sorted([NOOP_ID, OTHER_ID])
    assert [p['id'] for p in registry.list_providers(limit=1)] == ids[:1]
    assert [p['id'] for p in
            registry.list_providers(marker=ids[0])] == ids[1:]
    assert [p['name'] for p in
            registry.list_providers(filters={'name': 'Second'})] == [
                'Second']
    with pytest.raises(exception.ProviderNotFound):
        registry.show_provider('00000000-0000-0000-0000-000000000000')


def test_plugins_are_instantiated_per_call(providers_dir):
    registry = provider.ProviderRegistry(str(providers_dir))
    noop = registry.show_provider(NOOP_ID)
    first, second = noop.load_plugins(), noop.load_plugins()
    assert set(first) == set(second)
    volume = 'OS::Cinder::Volume'
    assert first[volume] is not second[volume]
