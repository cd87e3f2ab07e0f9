"""Schemas and options of the volume protection plugins (seed 000 and
blueprint 004 give them key by key)."""

from oslo_config import cfg

from karbor.common import constants
from karbor.services.protection.protection_plugins.volume import (
    cinder_backup)
from karbor.services.protection.protection_plugins.volume import (
    volume_snapshot)

VOLUME = constants.VOLUME_RESOURCE_TYPE
BACKUP = cinder_backup.CinderBackupProtectionPlugin
SNAPSHOT = volume_snapshot.VolumeSnapshotProtectionPlugin


def test_backup_options_schema():
    schema = BACKUP.get_options_schema(VOLUME)
    assert schema['title'] == 'Cinder Protection Options'
    assert schema['required'] == ['backup_name', 'backup_mode', 'container',
                                  'force']
    props = schema['properties']
    assert sorted(props) == ['backup_mode', 'backup_name', 'container',
                             'description', 'force']
    assert props['backup_mode'] == {
        'type': 'string', 'title': 'Backup Mode',
        'description': 'The backup mode.',
        'enum': ['full', 'incremental', 'auto'], 'default': 'auto'}
    assert props['force'] == {
        'type': 'boolean', 'title': 'Force', 'default': False,
        'description': 'Whether to backup, even if the volumeis attached'}
    assert props['container']['description'] == \
        'The container which been chosen.'
    assert 'default' not in props['backup_name']


def test_backup_restore_and_saved_info_schemas():
    restore = BACKUP.get_restore_schema(VOLUME)
    assert restore['title'] == 'Cinder Protection Restore'
    assert 'required' not in restore
    assert restore['properties']['volume_id'] == {
        'type': 'string', 'title': 'Volume ID',
        'description': 'The target volume ID to restore to.'}
    assert restore['properties']['restore_name']['default'] is None
    saved = BACKUP.get_saved_info_schema(VOLUME)
    assert saved['title'] == 'Cinder Protection Saved Info'
    assert saved['required'] == ['name', 'status', 'progress',
                                 'fail_reason', 'size', 'volume_id']
    assert saved['properties']['progress']['constraint'] == {'min': 0,
                                                             'max': 1}
    assert saved['properties']['status']['enum'] == [
        'creating', 'available', 'deleting', 'error', 'restoring',
        'error_restoring']
    assert BACKUP.get_supported_resources_types() == (VOLUME,)


def test_snapshot_schemas():
    options = SNAPSHOT.get_options_schema(VOLUME)
    assert options['title'] == 'Volume Snapshot Protection Options'
    assert options['required'] == ['snapshot_name', 'description', 'force']
    assert options['properties']['force']['default'] is False
    restore = SNAPSHOT.get_restore_schema(VOLUME)
    assert restore['title'] == 'Volume Protection Restore'
    assert sorted(restore['properties']) == ['restore_description',
                                             'restore_name']
    assert SNAPSHOT.get_supported_resources_types() == (VOLUME,)


def test_option_groups_on_the_provider_config():
    conf = cfg.ConfigOpts()
    conf([], default_config_files=[])
    BACKUP(conf)
    SNAPSHOT(conf)
    assert conf.cinder_backup_protection_plugin.poll_interval == 15
    assert conf.cinder_backup_protection_plugin.backup_from_snapshot is True
    assert conf.volume_snapshot_plugin.poll_interval == 15
    # a second plugin instance on the same config is fine
    BACKUP(conf)
    assert [group for group, _opts in cinder_backup.list_opts()] == [
        'cinder_backup_protection_plugin']
    assert [group for group, _opts in volume_snapshot.list_opts()] == [
        'volume_snapshot_plugin']
