"""Protect Cinder volumes with Cinder backups.

Protect takes a temporary forced snapshot in ``on_prepare_finish`` (all
volumes of a server are thus captured before any backup starts), backs the
snapshot up in ``on_main`` and deletes the snapshot. Restore creates a new
volume from the backup (or restores into ``volume_id``), named
``<checkpoint id>@<volume id>`` unless ``restore_name`` is given. Delete
removes the backup.
"""

from oslo_config import cfg
from oslo_log import log as logging

from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor.services.protection.protection_plugins.volume import base
from karbor.services.protection.protection_plugins.volume import (
    copied_data)
from karbor.services.protection.protection_plugins.volume import status

LOG = logging.getLogger(__name__)

GROUP = 'cinder_backup_protection_plugin'

cinder_backup_opts = [
    base.poll_opt(),
    base.timeout_opt(),
    cfg.BoolOpt('backup_from_snapshot', default=True,
                help='Back a volume up from a temporary snapshot taken in '
                     'the prepare phase (consistent with the volumes of '
                     'the same server), instead of from the volume.'),
    cfg.IntOpt('copy_object_size', default=64 * 1024 * 1024, min=65536,
               help='Bytes of volume data per bank object when a checkpoint '
                    'copy streams a backup\'s data into the destination '
                    'bank (the data is streamed whatever this size).'),
]

OPTIONS_SCHEMA = {
    "title": "Cinder Protection Options",
    "type": "object",
    "properties": {
        "backup_name": {
            "type": "string",
            "title": "Backup Name",
            "description": "The name of the backup."
        },
        "backup_mode": {
            "type": "string",
            "title": "Backup Mode",
            "description": "The backup mode.",
            "enum": ["full", "incremental", "auto"],
            "default": "auto"
        },
        "container": {
            "type": "string",
            "title": "Container",
            "description": "The container which been chosen."
        },
        "description": {
            "type": "string",
            "title": "Description",
            "description": "The description of the volume."
        },
        "force": {
            "type": "boolean",
            "title": "Force",
            "description": "Whether to backup, even if the volumeis attached",
            "default": False
        }
    },
    "required": ["backup_name", "backup_mode", "container", "force"]
}

RESTORE_SCHEMA = {
    "title": "Cinder Protection Restore",
    "type": "object",
    "properties": {
        "volume_id": {
            "type": "string",
            "title": "Volume ID",
            "description": "The target volume ID to restore to."
        },
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

SAVED_INFO_SCHEMA = {
    "title": "Cinder Protection Saved Info",
    "type": "object",
    "properties": {
        "name": {
            "type": "string",
            "title": "Name",
            "description": "The name for this backup."
        },
        "is_incremental": {
            "type": "boolean",
            "title": "Is Incremental",
            "description":
                "The type of the backup, True is incremental and False is "
                "full."
        },
        "status": {
            "type": "string",
            "title": "Status",
            "description": "The backup status, such as available.",
            "enum": ["creating", "available", "deleting", "error",
                     "restoring", "error_restoring"]
        },
        "progress": {
            "type": "number",
            "title": "Progress",
            "description": "The current operation progress for this backup.",
            "constraint": {"min": 0, "max": 1}
        },
        "fail_reason": {
            "type": "string",
            "title": "Fail Reason",
            "description": "The reason for the failure status of the backup."
        },
        "size": {
            "type": "integer",
            "title": "Size",
            "description": "The size of the backup, in GB."
        },
        "volume_id": {
            "type": "string",
            "title": "Volume ID",
            "description": "The ID of the volume from which the backup was "
                           "created."
        }
    },
    "required": ["name", "status", "progress", "fail_reason", "size",
                 "volume_id"]
}

SAVED_INFO_KEYS = tuple(SAVED_INFO_SCHEMA['properties'])

BACKUP_MODE_FULL = 'full'
BACKUP_MODE_INCREMENTAL = 'incremental'
BACKUP_MODE_AUTO = 'auto'

BACKUP_TRANSIENT = ('creating', 'restoring', 'backing-up')
SNAPSHOT_TRANSIENT = ('creating',)
# What a protect makes, in the order a revert deletes it: metadata key ->
# (cinderclient manager, name).
MADE = {'backup_id': ('backups', 'backup'),
        'snapshot_id': ('volume_snapshots', 'snapshot')}


def _saved_info(backup):
    available = backup.status == 'available'
    return {'name': backup.name, 'is_incremental': backup.is_incremental,
            'status': backup.status, 'progress': 1 if available else 0,
            'fail_reason': getattr(backup, 'fail_reason', None),
            'size': backup.size, 'volume_id': backup.volume_id}


class ProtectOperation(base.VolumeOperation):
    """Snapshot (prepare), back up (main), drop the snapshot."""

    kind = constants.OPERATION_PROTECT

    def on_prepare_finish(self, checkpoint, resource, context, parameters,
                          **kwargs):
        section = self.section(checkpoint, resource)
        self.set_status(section, constants.RESOURCE_STATUS_PROTECTING)
        self.update_metadata(section, volume_id=resource.id)
        if not self._options.backup_from_snapshot:
            return
        cinder = self.cinder(context)
        # On failure the revert deletes what was made (see ``undo``).
        with self.failing_as_karbor(resource):
            snapshot_id = self._resumable(
                cinder.volume_snapshots, section, 'snapshot_id')
            if snapshot_id is None:
                self.wait_volume_usable(cinder, resource.id)
                snapshot_id = cinder.volume_snapshots.create(
                    resource.id, force=True,
                    name='karbor-%s' % checkpoint.id,
                    description=_('Temporary snapshot of checkpoint '
                                  '%s') % checkpoint.id).id
                self.remember(section, 'snapshot_id', snapshot_id)
            self._wait_snapshot(cinder, resource, snapshot_id)

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = self.section(checkpoint, resource)
        cinder = self.cinder(context)
        with self.failing_as_karbor(resource):
            backup = self._backup(cinder, section, resource, parameters)
            self._drop_snapshot(cinder, section)
        self.update_metadata(section, backup_id=backup.id,
                             **_saved_info(backup))
        self.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        self.undo(self.cinder(context), checkpoint, resource, MADE)

    def _wait_snapshot(self, cinder, resource, snapshot_id):
        try:
            self.wait(lambda: status.fetch_or_none(cinder.volume_snapshots,
                                                   snapshot_id),
                      ('available',), ignore=SNAPSHOT_TRANSIENT)
        except status.StatusError as err:
            raise self.failure(resource.id, _(
                'snapshot %(id)s ended in status %(status)s') %
                {'id': snapshot_id, 'status': err.status})

    @staticmethod
    def _resumable(manager, section, key):
        """The id under ``key`` if a previous run made that object and
        it is still usable (a restarted flow re-runs its hook)."""
        object_id = base.VolumeOperation.get_metadata(section).get(key)
        if object_id is None:
            return None
        found = status.fetch_or_none(manager, object_id)
        if found is None or found.status not in ('creating', 'available'):
            return None
        return object_id

    def _backup(self, cinder, section, resource, parameters):
        backup_id = self._resumable(cinder.backups, section, 'backup_id')
        if backup_id is None:
            self.wait_volume_usable(cinder, resource.id)
            backup_id = cinder.backups.create(
                resource.id, container=parameters.get('container'),
                name=parameters.get('backup_name'),
                description=parameters.get('description'),
                incremental=self._incremental(cinder, resource, parameters),
                force=bool(parameters.get('force', False)),
                snapshot_id=self.get_metadata(section).get('snapshot_id')).id
            self.remember(section, 'backup_id', backup_id)
        try:
            return self.wait(
                lambda: status.fetch_or_none(cinder.backups, backup_id),
                ('available',), ignore=BACKUP_TRANSIENT)
        except status.StatusError as err:
            reason = _('backup %(id)s ended in status %(status)s') % {
                'id': backup_id, 'status': err.status}
            fail_reason = getattr(err.obj, 'fail_reason', None)
            if fail_reason:
                reason = '%s: %s' % (reason, fail_reason)
            raise self.failure(resource.id, reason)

    @staticmethod
    def _incremental(cinder, resource, parameters):
        mode = parameters.get('backup_mode') or BACKUP_MODE_AUTO
        if mode != BACKUP_MODE_AUTO:
            return mode == BACKUP_MODE_INCREMENTAL
        previous = cinder.backups.list(search_opts={
            'volume_id': resource.id, 'status': 'available'})
        return any(b.volume_id == resource.id for b in previous)

    def _drop_snapshot(self, cinder, section):
        """Delete the temporary snapshot, if one was made.

        Not waited for: the backup no longer needs it. Its id leaves the
        bank once Cinder accepted the delete.
        """
        metadata = self.get_metadata(section)
        snapshot_id = metadata.pop('snapshot_id', None)
        if not snapshot_id:
            return
        self.delete_quietly(cinder.volume_snapshots, snapshot_id)
        self.made.pop('snapshot_id', None)
        section.update_object(base.METADATA_KEY, metadata)


class RestoreOperation(base.VolumeRestoreOperation):
    """A volume from the backup (a new one, or ``volume_id``)."""

    def on_main(self, checkpoint, resource, context, parameters,
                restore=None, new_resources=None, **kwargs):
        metadata = self.get_metadata(self.section(checkpoint, resource))
        backup_id = metadata.get('backup_id')
        if not backup_id and not copied_data.is_copied(metadata):
            raise self.failure(resource.id, _('the checkpoint holds no '
                                              'backup of this volume'))
        if copied_data.is_copied(metadata):
            with self.failing_as_karbor(resource):
                copied_data.restore(self, context, checkpoint, resource,
                                    metadata, parameters, restore,
                                    new_resources)
            return
        cinder = self.cinder(context)
        with self.failing_as_karbor(resource):
            target = parameters.get('volume_id') or None
            name = None if target else (parameters.get('restore_name') or
                                        base.default_volume_name(
                                            checkpoint, resource))
            result = cinder.restores.restore(backup_id, volume_id=target,
                                             name=name)
            if not target:
                self.made['volume_id'] = result.volume_id
            self.finish_restore(cinder, checkpoint, resource,
                                result.volume_id, restore, new_resources,
                                parameters)


class VerifyOperation(base.VolumeOperation):
    """The backup must still be ``available``."""

    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        section = self.section(checkpoint, resource)
        metadata = self.get_metadata(section)
        if copied_data.is_copied(metadata):
            reason = copied_data.missing_data(section, metadata)
            self.report_verification(
                verify, resource, constants.RESOURCE_STATUS_ERROR if reason
                else constants.RESOURCE_STATUS_AVAILABLE, reason)
            return
        backup_id = metadata.get('backup_id')
        backup = None
        if backup_id:
            with self.failing_as_karbor(resource):
                backup = status.fetch_or_none(self.cinder(context).backups,
                                              backup_id)
        if backup is None:
            reason = (_('backup %s does not exist') % backup_id if backup_id
                      else _('the checkpoint holds no backup of this '
                             'volume'))
            self.report_verification(
                verify, resource, constants.RESOURCE_STATUS_ERROR, reason)
        elif backup.status != 'available':
            reason = _('backup %(id)s is in status %(status)s') % {
                'id': backup_id, 'status': backup.status}
            if getattr(backup, 'fail_reason', None):
                reason = '%s: %s' % (reason, backup.fail_reason)
            self.report_verification(verify, resource, backup.status, reason)
        else:
            self.report_verification(verify, resource, backup.status, None)


class DeleteOperation(base.DeleteSavedObjectOperation):
    """Delete the backup (or a copy's data) and wait until it is gone."""

    saved_key = 'backup_id'
    manager = 'backups'
    what = 'backup'

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        copied_data.delete_data(self.section(checkpoint, resource))
        super().on_main(checkpoint, resource, context, parameters, **kwargs)


class CopyOperation(copied_data.CopyOperation):
    """The backup's data, through a volume restored from it."""

    def temporary_volume(self, cinder, metadata, name):
        return cinder.restores.restore(metadata['backup_id'],
                                       name=name).volume_id


class CinderBackupProtectionPlugin(base.VolumeProtectionPlugin):
    """``karbor-volume-protection-plugin``: Cinder backups of volumes."""

    group = GROUP
    opts = cinder_backup_opts
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  constants.OPERATION_COPY: CopyOperation,
                  constants.OPERATION_DELETE: DeleteOperation}
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA

    @classmethod
    def get_saved_info_schema(cls, resource_type):
        return SAVED_INFO_SCHEMA

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        """The backup's saved info from the resource's bank section."""
        try:
            metadata = metadata_store.get_object(base.METADATA_KEY)
        except exception.NotFound:
            return None
        return {key: metadata.get(key) for key in SAVED_INFO_KEYS
                if key in metadata}


def list_opts():
    return [(GROUP, cinder_backup_opts)]
