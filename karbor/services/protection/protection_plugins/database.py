"""Protect Trove database instances with Trove backups.

``karbor-database-protection-plugin``: protect backs the instance up (it
must be ``ACTIVE``; the backup must become ``COMPLETED``); restore creates
a new instance from the backup with the instance's flavor, volume size and
datastore (and version), named ``restore_name`` or ``<checkpoint id>@<instance
id>``, on the network ``restore_net_id`` if given; delete removes the
backup.
"""

from neutronclient.common import exceptions as neutron_exc
from troveclient import exceptions as trove_exc

from karbor.clients import factory
from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins import service_copy

GROUP = 'database_backup_plugin'
database_opts = service_copy.plugin_opts('Trove')

OPTIONS_SCHEMA = {
    "title": "Database Protection Options",
    "type": "object",
    "properties": {
        "backup_name": {
            "type": "string",
            "title": "Backup Name",
            "description": "The name of the database backup."
        },
        "description": {
            "type": "string",
            "title": "Description",
            "description": "The description of the database backup."
        }
    },
    "required": ["backup_name", "description"]
}

RESTORE_SCHEMA = {
    "title": "Database Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Name",
            "description": "The name of the restored database instance.",
            "default": None
        },
        "restore_net_id": {
            "type": "string",
            "title": "Restore Network ID",
            "description": "The network the restored database instance is "
                           "attached to.",
            "default": None
        }
    }
}

SAVED_INFO_SCHEMA = {
    "title": "Database Protection Saved Info",
    "type": "object",
    "properties": {
        "instance_id": {
            "type": "string",
            "title": "Instance ID",
            "description": "The ID of the protected database instance."
        },
        "backup_id": {
            "type": "string",
            "title": "Backup ID",
            "description": "The ID of the Trove backup."
        },
        "flavor": {
            "type": "string",
            "title": "Flavor",
            "description": "The flavor ID of the instance."
        },
        "size": {
            "type": "integer",
            "title": "Size",
            "description": "The volume size of the instance, in GB."
        },
        "datastore": {
            "type": "object",
            "title": "Datastore",
            "description": "The datastore type and version of the "
                           "instance."
        }
    },
    "required": ["instance_id", "backup_id", "flavor", "size", "datastore"]
}

INSTANCE = service_copy.Kind(
    'instances', 'database instance', ('ACTIVE',),
    ('BUILD', 'BACKUP', 'REBOOT', 'RESIZE', 'PROMOTE', 'EJECT', 'UPGRADE',
     'DETACH', 'RESTART_REQUIRED'),
    ('SHUTDOWN',))
BACKUP = service_copy.Kind('backups', 'database backup', ('COMPLETED',),
                           ('NEW', 'BUILDING', 'SAVING'), ('DELETING',))


class DatabaseDriver(service_copy.Driver):
    """Trove: a backup is the copy, a new instance the restore."""

    resource_type = constants.DATABASE_RESOURCE_TYPE
    service = 'trove'
    not_found = trove_exc.NotFound
    source = restored = INSTANCE
    copy = BACKUP
    copy_key = 'backup_id'

    def make_copy(self, client, checkpoint, resource, instance, parameters):
        backup = client.backups.create(
            parameters.get('backup_name') or 'karbor-%s' % checkpoint.id,
            instance.id, description=parameters.get('description'))
        datastore = instance.datastore or {}
        return backup, {
            'instance_id': instance.id, 'flavor': instance.flavor['id'],
            'size': instance.volume['size'],
            'datastore': {'type': datastore.get('type'),
                          'version': datastore.get('version')}}

    def make_restored(self, client, checkpoint, resource, metadata,
                      parameters):
        net_id = parameters.get('restore_net_id')
        return client.instances.create(
            parameters.get('restore_name') or
            '%s@%s' % (checkpoint.id, resource.id),
            flavor_id=metadata['flavor'],
            volume={'size': metadata['size']},
            restorePoint={'backupRef': metadata['backup_id']},
            datastore=metadata['datastore']['type'],
            datastore_version=metadata['datastore']['version'],
            nics=[{'net-id': net_id}] if net_id else None)

    def restore_conflicts(self, context, metadata, parameters):
        net_id = parameters.get('restore_net_id')
        if not net_id:
            return []
        try:
            factory.create('neutron', context).show_network(net_id)
        except neutron_exc.NotFound:
            return [(restore_plan.MISSING_NETWORK,
                     _('network %s does not exist') % net_id)]
        return []


class DatabaseProtectionPlugin(service_copy.ServiceCopyPlugin):
    """``karbor-database-protection-plugin``: Trove backups."""

    driver = DatabaseDriver
    group = GROUP
    opts = database_opts
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA
    saved_info_schema = SAVED_INFO_SCHEMA
    saved_info_keys = tuple(SAVED_INFO_SCHEMA['properties'])


def list_opts():
    return [(GROUP, database_opts)]
