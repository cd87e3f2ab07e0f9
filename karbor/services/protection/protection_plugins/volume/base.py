"""What the Cinder volume protection plugins' operations share.

Each protected volume has a bank section
(``/checkpoints/<checkpoint>/resource-data/<volume id>/``) holding:

* ``status``: ``protecting`` -> ``available`` | ``error``, and
  ``deleting`` -> ``deleted`` | ``error`` when the checkpoint is deleted;
* ``metadata``: what restore, verify and delete need (the ids of the Cinder
  objects made), written as soon as each object exists so that a revert
  or a restarted worker can find it.
"""

import contextlib

from cinderclient import exceptions as cinder_exc
from oslo_config import cfg
from oslo_log import log as logging

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor.services.protection import deferred
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins.volume import status

LOG = logging.getLogger(__name__)

VOLUME_TYPE = constants.VOLUME_RESOURCE_TYPE
STATUS_KEY = 'status'
METADATA_KEY = 'metadata'

# A volume can be snapshotted or backed up in these statuses ...
VOLUME_USABLE = ('available', 'in-use')
# ... and will probably reach one of them from these.
VOLUME_TRANSIENT = ('creating', 'attaching', 'detaching', 'reserved',
                    'backing-up', 'restoring-backup', 'extending',
                    'downloading', 'uploading', 'maintenance')
# A volume, snapshot or backup is still being made in these.
OBJECT_TRANSIENT = ('creating', 'backing-up', 'restoring-backup',
                    'downloading')
# A restored volume is on its way to ``available`` in these.
VOLUME_RESTORING = ('creating', 'restoring-backup', 'downloading')

_FAILURES = {
    constants.OPERATION_PROTECT: exception.ProtectResourceFailed,
    constants.OPERATION_RESTORE: exception.RestoreResourceFailed,
    constants.OPERATION_VERIFY: exception.VerifyResourceFailed,
    constants.OPERATION_COPY: exception.CopyResourceFailed,
    constants.OPERATION_DELETE: exception.DeleteResourceFailed,
}


def poll_opt(default=15):
    return cfg.FloatOpt('poll_interval', default=default, min=0,
                        help='Seconds between two status polls of the '
                             'Cinder objects the plugin waits for.')


def timeout_opt():
    return cfg.FloatOpt('status_timeout', default=1800, min=0,
                        help='Seconds a Cinder object may stay in a '
                             'transient status (creating, deleting, ...) '
                             'before the operation waiting for it fails; '
                             '0 waits forever.')


def default_volume_name(checkpoint, resource):
    """Name of a restored volume: ``<checkpoint id>@<original volume id>``."""
    return '%s@%s' % (checkpoint.id, resource.id)


class VolumeOperation(protection_plugin.Operation):
    """Base of every volume operation: client, bank and waiting helpers."""

    kind = None  # one of constants.OPERATION_*

    def __init__(self, options):
        self._options = options
        # Ids of the Cinder objects this operation made, also kept here:
        # a full or read-only bank may refuse the write recording them,
        # and the revert must still find them.
        self.made = {}

    # Cinder

    @staticmethod
    def cinder(context):
        return factory.create('cinder', context)

    def wait(self, fetch, success, failure=(), ignore=(),
             ignore_unexpected=False, settled=False):
        """``status.wait_for`` with the plugin's poll interval and timeout;
        ``settled``: any status out of ``ignore`` ends the wait."""
        try:
            return status.wait_for(fetch, self._options.poll_interval,
                                   success, failure, ignore,
                                   ignore_unexpected,
                                   timeout=self._options.status_timeout)
        except status.StatusError as err:
            if settled and err.status not in ignore:
                return err.obj
            raise

    def wait_volume_usable(self, cinder, volume_id):
        """Wait until the volume can be snapshotted or backed up."""
        try:
            return self.wait(
                lambda: status.fetch_or_none(cinder.volumes, volume_id),
                VOLUME_USABLE, ignore=VOLUME_TRANSIENT)
        except status.StatusError as err:
            if err.status == status.NOT_FOUND:
                raise self.failure(volume_id,
                                   _('volume %s does not exist') % volume_id)
            raise self.failure(volume_id, _('volume %(id)s is in status '
                                            '%(status)s') %
                               {'id': volume_id, 'status': err.status})

    @staticmethod
    def delete_quietly(manager, object_id):
        """Delete a Cinder object, ignoring that it is already gone."""
        try:
            manager.delete(object_id)
        except cinder_exc.NotFound:
            pass

    def wait_deleted(self, manager, object_id, what):
        try:
            self.wait(lambda: status.fetch_or_none(manager, object_id),
                      (status.NOT_FOUND,), ignore=('deleting',))
        except status.StatusError as err:
            raise exception.DeleteResourceFailed(
                resource_id=object_id, resource_type=what,
                reason=_('%(what)s %(id)s ended in status %(status)s') %
                {'what': what, 'id': object_id, 'status': err.status})

    # Errors

    def failure(self, resource_id, reason):
        """The exception of this operation kind for ``resource_id``."""
        return _FAILURES[self.kind](resource_id=resource_id,
                                    resource_type=VOLUME_TYPE, reason=reason)

    @contextlib.contextmanager
    def failing_as_karbor(self, resource):
        """Turn client and polling errors into this operation's failure."""
        try:
            yield
        except exception.KarborException:
            raise
        except status.StatusError as err:
            raise self.failure(resource.id, _('unexpected status %s')
                               % err.status)
        except Exception as err:
            LOG.warning('%(kind)s of volume %(id)s failed: %(err)s',
                        {'kind': self.kind, 'id': resource.id, 'err': err})
            raise self.failure(resource.id, str(err) or type(err).__name__)

    # Bank

    @staticmethod
    def section(checkpoint, resource):
        return checkpoint.get_resource_bank_section(resource.id)

    @staticmethod
    def set_status(section, value):
        section.update_object(STATUS_KEY, value)

    @staticmethod
    def get_metadata(section):
        """The resource's saved metadata, or {} if none was written."""
        try:
            return section.get_object(METADATA_KEY) or {}
        except exception.BankObjectNotFound:
            return {}

    def update_metadata(self, section, **values):
        metadata = self.get_metadata(section)
        metadata.update(values)
        section.update_object(METADATA_KEY, metadata)
        return metadata

    def delete_made(self, manager, object_id, what):
        """Delete an object this operation made; wait until it is gone."""
        # Cinder refuses to delete an object still being made.
        found = self.wait(lambda: status.fetch_or_none(manager, object_id),
                          (), ignore=OBJECT_TRANSIENT, settled=True)
        if status.status_of(found) not in (status.NOT_FOUND, 'deleting'):
            self.delete_quietly(manager, object_id)
        self.wait_deleted(manager, object_id, what)

    def remember(self, section, key, object_id):
        """Record the id of a Cinder object just made (memory, then bank)."""
        self.made[key] = object_id
        self.update_metadata(section, **{key: object_id})

    def undo(self, cinder, checkpoint, resource, kinds):
        """Delete what this operation made; the revert of a protect.

        Deletes each Cinder object recorded under a key of ``kinds`` (key
        -> ``(manager name, what)``) and waits until it is gone, then the
        resource's bank objects (later if the bank refuses now). Raises
        this operation's failure naming the Cinder objects left behind.
        """
        section = self.section(checkpoint, resource)
        try:
            ids = dict(self.get_metadata(section))
        except exception.KarborException:
            ids = {}
        ids.update(self.made)
        left = []
        for key, (manager_name, what) in kinds.items():
            if not ids.get(key):
                continue
            try:
                self.delete_made(getattr(cinder, manager_name), ids[key],
                                 what)
            except Exception as err:
                left.append(_('%(what)s %(id)s not deleted (%(err)s)') % {
                    'what': what, 'id': ids[key], 'err': err})
            else:
                self.made.pop(key, None)
        if left:
            # The ids stay in the bank: deleting the checkpoint retries.
            raise self.failure(resource.id, '; '.join(left))
        try:
            deferred.purge_section(section)
        except exception.KarborException:
            deferred.defer(('purge', section.prefix),
                              lambda: deferred.purge_section(section))

    @staticmethod
    def delete_metadata(section):
        try:
            section.delete_object(METADATA_KEY)
        except exception.BankObjectNotFound:
            pass

    # Restore

    def finish_restore(self, cinder, checkpoint, resource, new_volume_id,
                       restore, new_resources, parameters):
        """Wait for a restored volume; record its status and new id."""
        restore.update_resource_status(VOLUME_TYPE, new_volume_id,
                                       constants.RESOURCE_STATUS_RESTORING)
        try:
            self.wait(lambda: status.fetch_or_none(cinder.volumes,
                                                   new_volume_id),
                      ('available',), ignore=VOLUME_RESTORING)
        except status.StatusError as err:
            reason = (_('restored volume %(id)s ended in status '
                        '%(status)s') % {'id': new_volume_id,
                                         'status': err.status})
            restore.update_resource_status(VOLUME_TYPE, new_volume_id,
                                           constants.RESOURCE_STATUS_ERROR,
                                           reason)
            raise self.failure(resource.id, reason)
        fields = {}
        if parameters.get('restore_description') is not None:
            fields['description'] = parameters['restore_description']
        # A new volume got its name when made; a target volume is renamed.
        if parameters.get('restore_name') and parameters.get('volume_id'):
            fields['name'] = parameters['restore_name']
        if fields:
            cinder.volumes.update(new_volume_id, **fields)
        new_resources[resource.id] = new_volume_id
        restore.update_resource_status(VOLUME_TYPE, new_volume_id,
                                       constants.RESOURCE_STATUS_AVAILABLE)

    # Verify

    def report_verification(self, verify, resource, status_value, reason):
        """Record the result; a non-available result fails the resource."""
        verify.update_resource_status(VOLUME_TYPE, resource.id,
                                      status_value, reason)
        if status_value != constants.RESOURCE_STATUS_AVAILABLE:
            raise self.failure(resource.id, reason)


class VolumeRestoreOperation(VolumeOperation):
    """A restore that makes a new volume (``made['volume_id']``); its
    revert deletes that volume. A target volume given by the user is
    never deleted."""

    kind = constants.OPERATION_RESTORE

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        volume_id = self.made.get('volume_id')
        if not volume_id:
            return
        try:
            self.delete_made(self.cinder(context).volumes, volume_id,
                             'volume')
        except Exception as err:
            raise self.failure(resource.id, _(
                'restored volume %(id)s not deleted (%(err)s)') %
                {'id': volume_id, 'err': err})
        self.made.pop('volume_id')
        (new_resources or {}).pop(resource.id, None)
        # A volume that failed keeps its error and reason.
        if restore is not None and (restore.resources_status or {}).get(
                '%s#%s' % (VOLUME_TYPE, volume_id)) != \
                constants.RESOURCE_STATUS_ERROR:
            restore.update_resource_status(
                VOLUME_TYPE, volume_id, constants.RESOURCE_STATUS_DELETED,
                _('deleted: the restore failed'))


class DeleteSavedObjectOperation(VolumeOperation):
    """Delete the Cinder object a checkpoint saved and wait until it is
    gone. Subclasses name the metadata key of its id (``saved_key``), the
    cinderclient manager (``manager``) and the object (``what``)."""

    kind = constants.OPERATION_DELETE
    saved_key = manager = what = None

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = self.section(checkpoint, resource)
        self.set_status(section, constants.RESOURCE_STATUS_DELETING)
        object_id = self.get_metadata(section).get(self.saved_key)
        try:
            if object_id:
                manager = getattr(self.cinder(context), self.manager)
                with self.failing_as_karbor(resource):
                    self.delete_quietly(manager, object_id)
                    self.wait_deleted(manager, object_id, self.what)
        except Exception:
            self.set_status(section, constants.RESOURCE_STATUS_ERROR)
            raise
        self.delete_metadata(section)
        self.set_status(section, constants.RESOURCE_STATUS_DELETED)


class VolumeProtectionPlugin(protection_plugin.TableProtectionPlugin):
    """What the Cinder volume plugins share: the type and schemas.

    Subclasses set ``group``, ``opts`` and ``operations`` (see
    TableProtectionPlugin), and ``options_schema`` and ``restore_schema``.
    """

    options_schema = restore_schema = None

    @classmethod
    def get_supported_resources_types(cls):
        return (constants.VOLUME_RESOURCE_TYPE,)

    @classmethod
    def get_options_schema(cls, resource_type):
        return cls.options_schema

    @classmethod
    def get_restore_schema(cls, resource_type):
        return cls.restore_schema

    def plan_restore(self, planning, resource, parameters, section):
        """A new volume named ``restore_name`` or ``<checkpoint id>@<volume
        id>``, or the data restored into ``volume_id`` (which keeps its
        name unless ``restore_name`` is given). Conflicts: the name in use,
        a missing target volume, the volume quotas."""
        size = planning.saved(section).get('size')
        target_id = parameters.get('volume_id')
        planning.mapped[resource.id] = target_id or 'created'
        if target_id:
            return restore_plan.Step(
                parameters.get('restore_name'), 'volume %s' % target_id,
                parameters, restore_plan.checked(
                    planning, lambda: _target_conflicts(planning,
                                                        target_id)),
                {'size_gb': size})
        name = parameters.get('restore_name') or default_volume_name(
            planning.checkpoint, resource)
        return restore_plan.Step(
            name, planning.project, dict(parameters, restore_name=name),
            restore_plan.checked(planning, lambda: _new_volume_conflicts(
                planning, name, size or 0)),
            {'size_gb': size})


def _target_conflicts(planning, volume_id):
    found = status.fetch_or_none(factory.create('cinder',
                                                planning.context).volumes,
                                 volume_id)
    if found is None:
        yield restore_plan.MISSING, _('the target volume %s does not '
                                      'exist') % volume_id
    elif found.status != 'available':
        yield 'target_not_available', _(
            'the target volume %(id)s is %(status)s, not available') % {
            'id': volume_id, 'status': found.status}


def _new_volume_conflicts(planning, name, size):
    cinder = factory.create('cinder', planning.context)
    if any(v.name == name for v in
           cinder.volumes.list(search_opts={'name': name})):
        yield restore_plan.NAME_IN_USE, _('a volume named %s exists') % name
    yield from restore_plan.quota_conflicts(
        planning, lambda: cinder.limits.get().absolute, (
            ('volumes', 1, 'maxTotalVolumes', 'totalVolumesUsed'),
            ('volume gigabytes', size, 'maxTotalVolumeGigabytes',
             'totalGigabytesUsed')))
