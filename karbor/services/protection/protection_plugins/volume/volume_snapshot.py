"""Protect Cinder volumes with Cinder volume snapshots.

Protect snapshots the volume in ``on_main``; restore creates a new volume
from the snapshot, named ``<checkpoint id>@<volume id>`` unless
``restore_name`` is given (the same name as the backup plugin's restored
volumes; the original plugin used ``volume-<checkpoint id>@<volume id>``);
delete removes the snapshot.
"""

from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection.protection_plugins.volume import base
from karbor.services.protection.protection_plugins.volume import status

GROUP = 'volume_snapshot_plugin'

volume_snapshot_opts = [base.poll_opt(), base.timeout_opt()]

OPTIONS_SCHEMA = {
    "title": "Volume Snapshot Protection Options",
    "type": "object",
    "properties": {
        "snapshot_name": {
            "type": "string",
            "title": "Snapshot Name",
            "description": "The name of the volume snapshot."
        },
        "description": {
            "type": "string",
            "title": "Description",
            "description": "The description of the volume snapshot."
        },
        "force": {
            "type": "boolean",
            "title": "Force",
            "description": "If force is True, create a snapshot even if the "
                           "volume is attached to an instance.",
            "default": False
        }
    },
    "required": ["snapshot_name", "description", "force"]
}

RESTORE_SCHEMA = {
    "title": "Volume Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Name",
            "description": "The name of the restored volume.",
            "default": None
        },
        "restore_description": {
            "type": "string",
            "title": "Restore Description",
            "description": "The description of the restored volume.",
            "default": None
        }
    }
}

SNAPSHOT_TRANSIENT = ('creating',)
# What a protect makes: metadata key -> (cinderclient manager, name).
MADE = {'snapshot_id': ('volume_snapshots', 'snapshot')}


class ProtectOperation(base.VolumeOperation):
    """Snapshot the volume and wait until the snapshot is available."""

    kind = constants.OPERATION_PROTECT

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = self.section(checkpoint, resource)
        self.set_status(section, constants.RESOURCE_STATUS_PROTECTING)
        cinder = self.cinder(context)
        try:
            with self.failing_as_karbor(resource):
                volume = self.wait_volume_usable(cinder, resource.id)
                snapshot = cinder.volume_snapshots.create(
                    resource.id, force=bool(parameters.get('force', False)),
                    name=parameters.get('snapshot_name'),
                    description=parameters.get('description'))
                self.made['snapshot_id'] = snapshot.id
                self.update_metadata(section, volume_id=resource.id,
                                     snapshot_id=snapshot.id,
                                     size=volume.size)
                self._wait_available(cinder, resource, snapshot.id)
        except Exception:
            self.set_status(section, constants.RESOURCE_STATUS_ERROR)
            raise
        self.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        self.undo(self.cinder(context), checkpoint, resource, MADE)

    def _wait_available(self, cinder, resource, snapshot_id):
        try:
            self.wait(lambda: status.fetch_or_none(cinder.volume_snapshots,
                                                   snapshot_id),
                      ('available',), ignore=SNAPSHOT_TRANSIENT)
        except status.StatusError as err:
            raise self.failure(resource.id, _(
                'snapshot %(id)s ended in status %(status)s') %
                {'id': snapshot_id, 'status': err.status})


class RestoreOperation(base.VolumeRestoreOperation):
    """A new volume from the snapshot."""

    def on_main(self, checkpoint, resource, context, parameters,
                restore=None, new_resources=None, **kwargs):
        metadata = self.get_metadata(self.section(checkpoint, resource))
        if not metadata.get('snapshot_id'):
            raise self.failure(resource.id, _('the checkpoint holds no '
                                              'snapshot of this volume'))
        cinder = self.cinder(context)
        with self.failing_as_karbor(resource):
            volume = cinder.volumes.create(
                metadata['size'], snapshot_id=metadata['snapshot_id'],
                name=(parameters.get('restore_name') or
                      base.default_volume_name(checkpoint, resource)),
                description=parameters.get('restore_description'))
            self.made['volume_id'] = volume.id
            self.finish_restore(cinder, checkpoint, resource, volume.id,
                                restore, new_resources, parameters)


class VerifyOperation(base.VolumeOperation):
    """The snapshot must still be ``available``."""

    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        snapshot_id = self.get_metadata(
            self.section(checkpoint, resource)).get('snapshot_id')
        snapshot = None
        if snapshot_id:
            with self.failing_as_karbor(resource):
                snapshot = status.fetch_or_none(
                    self.cinder(context).volume_snapshots, snapshot_id)
        if snapshot is None:
            self.report_verification(
                verify, resource, constants.RESOURCE_STATUS_ERROR,
                _('snapshot %s does not exist') % snapshot_id if snapshot_id
                else _('the checkpoint holds no snapshot of this volume'))
        elif snapshot.status != 'available':
            self.report_verification(
                verify, resource, snapshot.status,
                _('snapshot %(id)s is in status %(status)s') %
                {'id': snapshot_id, 'status': snapshot.status})
        else:
            self.report_verification(verify, resource, snapshot.status, None)


class DeleteOperation(base.DeleteSavedObjectOperation):
    """Delete the snapshot and wait until it is gone."""

    saved_key = 'snapshot_id'
    manager = 'volume_snapshots'
    what = 'snapshot'


class VolumeSnapshotProtectionPlugin(base.VolumeProtectionPlugin):
    """``karbor-volume-snapshot-plugin``: Cinder snapshots of volumes."""

    group = GROUP
    opts = volume_snapshot_opts
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  constants.OPERATION_DELETE: DeleteOperation}
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA


def list_opts():
    return [(GROUP, volume_snapshot_opts)]
