"""Protect Manila shares with share snapshots.

``karbor-share-protection-plugin``: protect snapshots the share (it must be
``available``, and so must the snapshot become); restore creates a new
share from the snapshot, of the same protocol, size, type and share
network, named ``restore_name`` or ``<checkpoint id>@<share id>``; delete
removes the snapshot.
"""

from manilaclient import exceptions as manila_exc

from karbor.common import constants
from karbor.services.protection.protection_plugins import service_copy

GROUP = 'manila_snapshot_plugin'
share_opts = service_copy.plugin_opts('Manila')

OPTIONS_SCHEMA = {
    "title": "Share Protection Options",
    "type": "object",
    "properties": {
        "snapshot_name": {
            "type": "string",
            "title": "Snapshot Name",
            "description": "The name of the share snapshot."
        },
        "description": {
            "type": "string",
            "title": "Description",
            "description": "The description of the share snapshot."
        },
        "force": {
            "type": "boolean",
            "title": "Force",
            "description": "If force is True, snapshot the share even if "
                           "it is not available.",
            "default": False
        }
    },
    "required": ["snapshot_name", "description", "force"]
}

RESTORE_SCHEMA = {
    "title": "Share Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Name",
            "description": "The name of the restored share.",
            "default": None
        },
        "restore_description": {
            "type": "string",
            "title": "Restore Description",
            "description": "The description of the restored share.",
            "default": None
        }
    }
}

SAVED_INFO_SCHEMA = {
    "title": "Share Protection Saved Info",
    "type": "object",
    "properties": {
        "share_id": {
            "type": "string",
            "title": "Share ID",
            "description": "The ID of the protected share."
        },
        "snapshot_id": {
            "type": "string",
            "title": "Snapshot ID",
            "description": "The ID of the share snapshot."
        },
        "size": {
            "type": "integer",
            "title": "Size",
            "description": "The size of the share, in GB."
        },
        "share_proto": {
            "type": "string",
            "title": "Share Protocol",
            "description": "The protocol of the share, such as NFS."
        },
        "share_type": {
            "type": "string",
            "title": "Share Type",
            "description": "The share type of the share."
        },
        "share_network_id": {
            "type": "string",
            "title": "Share Network ID",
            "description": "The share network of the share, if any."
        }
    },
    "required": ["share_id", "snapshot_id", "size", "share_proto"]
}

SHARE = service_copy.Kind(
    'shares', 'share', ('available',),
    ('creating', 'creating_from_snapshot', 'extending', 'shrinking',
     'migrating', 'reverting', 'manage_starting', 'unmanage_starting'),
    ('deleting',))
SNAPSHOT = service_copy.Kind('share_snapshots', 'share snapshot',
                             ('available',), ('creating', 'restoring'),
                             ('deleting',))


class ShareDriver(service_copy.Driver):
    """Manila: a share snapshot is the copy, a new share the restore."""

    resource_type = constants.SHARE_RESOURCE_TYPE
    service = 'manila'
    not_found = manila_exc.NotFound
    source = restored = SHARE
    copy = SNAPSHOT
    copy_key = 'snapshot_id'

    def make_copy(self, client, checkpoint, resource, share, parameters):
        snapshot = client.share_snapshots.create(
            share.id, force=bool(parameters.get('force', False)),
            name=parameters.get('snapshot_name'),
            description=parameters.get('description'))
        return snapshot, {
            'share_id': share.id, 'size': share.size,
            'share_proto': share.share_proto,
            'share_type': getattr(share, 'share_type', None),
            'share_network_id': getattr(share, 'share_network_id', None)}

    def make_restored(self, client, checkpoint, resource, metadata,
                      parameters):
        return client.shares.create(
            metadata['share_proto'], metadata['size'],
            snapshot_id=metadata['snapshot_id'],
            name=(parameters.get('restore_name') or
                  '%s@%s' % (checkpoint.id, resource.id)),
            description=parameters.get('restore_description'),
            share_network=metadata.get('share_network_id'),
            share_type=metadata.get('share_type'))


class ShareProtectionPlugin(service_copy.ServiceCopyPlugin):
    """``karbor-share-protection-plugin``: Manila share snapshots."""

    driver = ShareDriver
    group = GROUP
    opts = share_opts
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA
    saved_info_schema = SAVED_INFO_SCHEMA
    saved_info_keys = tuple(SAVED_INFO_SCHEMA['properties'])


def list_opts():
    return [(GROUP, share_opts)]
