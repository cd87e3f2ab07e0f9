"""Protection by a copy that the resource's own service makes.

Manila snapshots a share and Trove backs up a database instance. A plugin
of this kind asks the service for the copy when protecting, makes a new
resource from the copy when restoring, and deletes the copy with the
checkpoint. A :class:`Driver` says how for one service; the operations
here do the rest: the bank, the waiting, the failure reasons and the
revert of what an operation made.

Each protected resource has a bank section holding:

* ``status``: ``protecting`` -> ``available`` | ``error``, and
  ``deleting`` -> ``deleted`` | ``error`` when the checkpoint is deleted;
* ``metadata``: the driver's saved info, with the copy's id under
  ``Driver.copy_key``, written as soon as the copy exists so that a revert
  or a delete finds it.
"""

import collections

from oslo_config import cfg

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins import resource_data
from karbor.services.protection.protection_plugins.volume import status

# One kind of object of the service: its client manager (an attribute of
# the client), a word for messages, the status it must reach, the statuses
# on its way there and those on its way out when deleted.
Kind = collections.namedtuple('Kind', ('manager', 'what', 'ready',
                                       'transient', 'deleting'))


def plugin_opts(what):
    return [
        cfg.FloatOpt('poll_interval', default=15, min=0,
                     help='Seconds between two status polls of the %s '
                          'objects the plugin waits for.' % what),
        cfg.FloatOpt('status_timeout', default=1800, min=0,
                     help='Seconds a %s object may stay in a transient '
                          'status before the operation waiting for it '
                          'fails; 0 waits forever.' % what),
    ]


class Driver(object):
    """What a plugin of this kind knows about its service.

    ``resource_type``, ``service`` (a client name of
    ``karbor.clients.factory``), ``not_found`` (the client's NotFound),
    ``source`` (the protected resource's Kind), ``copy`` (the copy's
    Kind) with ``copy_key`` (its metadata key), and ``restored`` (the Kind
    of what a restore makes).
    """

    resource_type = service = copy_key = None
    not_found = Exception
    source = copy = restored = None

    def make_copy(self, client, checkpoint, resource, source, parameters):
        """Ask for the copy of ``source``; return ``(copy, saved info)``."""
        raise NotImplementedError

    def make_restored(self, client, checkpoint, resource, metadata,
                      parameters):
        """Create the new resource from the saved metadata; return it."""
        raise NotImplementedError

    def restore_conflicts(self, context, metadata, parameters):
        """``[(kind, message)]`` a restore of this service would meet,
        besides the name in use (e.g. a missing network)."""
        return []


class ServiceCopyOperation(protection_plugin.Operation):
    """Base of the operations: client, bank and waiting helpers."""

    kind = None  # one of constants.OPERATION_*

    def __init__(self, driver, options):
        self.driver = driver
        self._options = options
        # Ids of the objects this operation made: the revert must find them
        # even if the bank refused the write recording them.
        self.made = {}

    def client(self, context):
        return factory.create(self.driver.service, context)

    def failure(self, resource, reason):
        return resource_data.failure(self.kind, resource, reason)

    def failing_as_karbor(self, resource):
        """Turn client errors into this operation's failure."""
        return resource_data.failing(self.kind, resource)

    @staticmethod
    def saved(checkpoint, resource):
        """The metadata the protect saved ({} if none)."""
        return resource_data.get_metadata(
            resource_data.section(checkpoint, resource))

    # Service objects

    def fetch(self, client, kind, object_id):
        """The object, or None if the service says it is gone."""
        try:
            return getattr(client, kind.manager).get(object_id)
        except self.driver.not_found:
            return None

    def wait_ready(self, client, kind, object_id):
        """Wait until the object reaches ``kind.ready``; StatusError if
        it reaches any other status than a transient one."""
        return status.wait_for(
            lambda: self.fetch(client, kind, object_id),
            self._options.poll_interval, kind.ready, ignore=kind.transient,
            timeout=self._options.status_timeout)

    def not_ready(self, kind, object_id, err):
        reason = _('%(what)s %(id)s ended in status %(status)s') % {
            'what': kind.what, 'id': object_id, 'status': err.status}
        if err.status == status.NOT_FOUND:
            reason = _('%(what)s %(id)s does not exist') % {
                'what': kind.what, 'id': object_id}
        elif err.timed_out:
            reason = _('%(what)s %(id)s is still %(status)s after '
                       '%(timeout)s s') % {
                'what': kind.what, 'id': object_id, 'status': err.status,
                'timeout': self._options.status_timeout}
        return reason

    def delete_and_wait(self, client, kind, object_id):
        """Delete an object once it is settled; wait until it is gone."""
        # Services refuse to delete an object still being made.
        found = self._settled(client, kind, object_id)
        if found is not None and status.status_of(found) not in \
                kind.deleting:
            try:
                getattr(client, kind.manager).delete(object_id)
            except self.driver.not_found:
                pass
        try:
            status.wait_for(lambda: self.fetch(client, kind, object_id),
                            self._options.poll_interval, (status.NOT_FOUND,),
                            ignore=kind.deleting,
                            timeout=self._options.status_timeout)
        except status.StatusError as err:
            raise exception.DeleteResourceFailed(
                resource_id=object_id, resource_type=kind.what,
                reason=self.not_ready(kind, object_id, err))

    def _settled(self, client, kind, object_id):
        """The object once out of its transient statuses (None if gone)."""
        try:
            return self.wait_ready(client, kind, object_id)
        except status.StatusError as err:
            return err.obj


class ProtectOperation(ServiceCopyOperation):
    """Wait for the resource, have the service copy it, wait for the copy."""

    kind = constants.OPERATION_PROTECT

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        resource_data.set_status(section, constants.RESOURCE_STATUS_PROTECTING)
        client = self.client(context)
        try:
            with self.failing_as_karbor(resource):
                self._protect(client, section, checkpoint, resource,
                              parameters)
        except Exception:
            resource_data.set_status(section, constants.RESOURCE_STATUS_ERROR)
            raise
        resource_data.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def _protect(self, client, section, checkpoint, resource, parameters):
        driver = self.driver
        copy = self._resumable(client, checkpoint, resource)
        if copy is None:
            try:
                source = self.wait_ready(client, driver.source, resource.id)
            except status.StatusError as err:
                raise self.failure(resource, self.not_ready(
                    driver.source, resource.id, err))
            copy, saved = driver.make_copy(client, checkpoint, resource,
                                           source, parameters)
            self.made[driver.copy_key] = copy.id
            metadata = dict(saved, **{driver.copy_key: copy.id})
            resource_data.save_metadata(section, metadata)
        try:
            self.wait_ready(client, driver.copy, copy.id)
        except status.StatusError as err:
            raise self.failure(resource, self.not_ready(driver.copy, copy.id,
                                                        err))

    def _resumable(self, client, checkpoint, resource):
        """The copy an earlier run of this protect made, if it is ready or
        on its way (a flow resumed after a restart runs the hook again)."""
        kind = self.driver.copy
        copy_id = self.saved(checkpoint, resource).get(self.driver.copy_key)
        found = self.fetch(client, kind, copy_id) if copy_id else None
        if found is None or found.status not in kind.ready + kind.transient:
            return None
        self.made[self.driver.copy_key] = found.id
        return found

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        """Delete the copy if one was made, then the resource's bank data."""
        section = resource_data.section(checkpoint, resource)
        try:
            copy_id = self.saved(checkpoint, resource).get(
                self.driver.copy_key)
        except exception.KarborException:
            copy_id = None
        copy_id = self.made.get(self.driver.copy_key) or copy_id
        if copy_id:
            try:
                self.delete_and_wait(self.client(context), self.driver.copy,
                                     copy_id)
            except Exception as err:
                # The id stays in the bank: deleting the checkpoint retries.
                raise self.failure(resource, _(
                    '%(what)s %(id)s not deleted (%(err)s)') % {
                    'what': self.driver.copy.what, 'id': copy_id,
                    'err': err})
            self.made.pop(self.driver.copy_key, None)
        resource_data.purge(section)


class RestoreOperation(ServiceCopyOperation):
    """A new resource from the copy; recorded in the restore's status."""

    kind = constants.OPERATION_RESTORE

    def on_main(self, checkpoint, resource, context, parameters,
                restore=None, new_resources=None, **kwargs):
        driver = self.driver
        metadata = self.saved(checkpoint, resource)
        if not metadata.get(driver.copy_key):
            raise self.failure(resource, _('the checkpoint holds no %s of '
                                           'this resource') %
                               driver.copy.what)
        client = self.client(context)
        with self.failing_as_karbor(resource):
            new = driver.make_restored(client, checkpoint, resource,
                                       metadata, parameters)
            self.made['restored_id'] = new.id
            restore.update_resource_status(
                resource.type, new.id, constants.RESOURCE_STATUS_RESTORING)
            try:
                self.wait_ready(client, driver.restored, new.id)
            except status.StatusError as err:
                reason = self.not_ready(driver.restored, new.id, err)
                restore.update_resource_status(
                    resource.type, new.id, constants.RESOURCE_STATUS_ERROR,
                    reason)
                raise self.failure(resource, reason)
        if new_resources is not None:
            new_resources[resource.id] = new.id
        restore.update_resource_status(resource.type, new.id,
                                       constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        """Delete the resource this restore made, if any."""
        new_id = self.made.get('restored_id')
        if not new_id:
            return
        try:
            self.delete_and_wait(self.client(context), self.driver.restored,
                                 new_id)
        except Exception as err:
            raise self.failure(resource, _(
                'restored %(what)s %(id)s not deleted (%(err)s)') % {
                'what': self.driver.restored.what, 'id': new_id,
                'err': err})
        self.made.pop('restored_id')
        (new_resources or {}).pop(resource.id, None)
        key = '%s#%s' % (resource.type, new_id)
        if restore is not None and (restore.resources_status or {}).get(
                key) != constants.RESOURCE_STATUS_ERROR:
            restore.update_resource_status(
                resource.type, new_id, constants.RESOURCE_STATUS_DELETED,
                _('deleted: the restore failed'))


class VerifyOperation(ServiceCopyOperation):
    """The copy must still be ready."""

    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        copy_kind = self.driver.copy
        copy_id = self.saved(checkpoint, resource).get(self.driver.copy_key)
        found = None
        if copy_id:
            with self.failing_as_karbor(resource):
                found = self.fetch(self.client(context), copy_kind, copy_id)
        if found is not None and found.status in copy_kind.ready:
            verify.update_resource_status(resource.type, resource.id,
                                          constants.RESOURCE_STATUS_AVAILABLE)
            return
        if found is None:
            value = constants.RESOURCE_STATUS_ERROR
            reason = (_('%(what)s %(id)s does not exist') % {
                'what': copy_kind.what, 'id': copy_id} if copy_id else
                _('the checkpoint holds no %s of this resource') %
                copy_kind.what)
        else:
            value = found.status
            reason = _('%(what)s %(id)s is in status %(status)s') % {
                'what': copy_kind.what, 'id': copy_id,
                'status': found.status}
        verify.update_resource_status(resource.type, resource.id, value,
                                      reason)
        raise self.failure(resource, reason)


class DeleteOperation(ServiceCopyOperation):
    """Delete the copy and wait until it is gone."""

    kind = constants.OPERATION_DELETE

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        resource_data.set_status(section, constants.RESOURCE_STATUS_DELETING)
        copy_id = resource_data.get_metadata(section).get(self.driver.copy_key)
        try:
            if copy_id:
                with self.failing_as_karbor(resource):
                    self.delete_and_wait(self.client(context),
                                         self.driver.copy, copy_id)
        except Exception:
            resource_data.set_status(section, constants.RESOURCE_STATUS_ERROR)
            raise
        resource_data.delete_data(section)


OPERATIONS = {constants.OPERATION_PROTECT: ProtectOperation,
              constants.OPERATION_RESTORE: RestoreOperation,
              constants.OPERATION_VERIFY: VerifyOperation,
              constants.OPERATION_DELETE: DeleteOperation}


class ServiceCopyPlugin(protection_plugin.TableProtectionPlugin):
    """A plugin protecting one resource type through a :class:`Driver`.

    Subclasses set ``driver`` (a Driver class), ``group`` and ``opts``
    (their option group), the schemas and ``saved_info_keys`` (the
    metadata keys that ``get_saved_info`` shows). A copy cannot be copied
    into another bank: it lives in the service.
    """

    driver = None
    operations = OPERATIONS
    saved_info_keys = ()

    def _operation(self, kind):
        if kind not in self.operations:
            raise NotImplementedError
        return self.operations[kind](self.driver(), self._options)

    @classmethod
    def get_supported_resources_types(cls):
        return (cls.driver.resource_type,)

    def plan_restore(self, planning, resource, parameters, section):
        """A new resource named ``restore_name`` or ``<checkpoint
        id>@<resource id>`` from the copy. Conflicts: the name in use, no
        copy in the checkpoint, and the driver's."""
        driver = self.driver()
        metadata = planning.saved(section)
        name = parameters.get('restore_name') or '%s@%s' % (
            planning.checkpoint.id, resource.id)
        conflicts = restore_plan.checked(planning, lambda: _conflicts(
            planning.context, driver, name, metadata, parameters))
        return restore_plan.Step(
            name, planning.project, dict(parameters, restore_name=name),
            conflicts, {key: metadata.get(key) for key in
                        self.saved_info_keys if key in metadata})

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        """The saved info of ``resource`` from its bank section."""
        return resource_data.saved_info_of(metadata_store,
                                           cls.saved_info_keys)


def _conflicts(context, driver, name, metadata, parameters):
    if not metadata.get(driver.copy_key):
        yield restore_plan.MISSING, _('the checkpoint holds no %s of this '
                                      'resource') % driver.copy.what
    client = factory.create(driver.service, context)
    manager = getattr(client, driver.restored.manager)
    if any(getattr(item, 'name', None) == name for item in manager.list()):
        yield restore_plan.NAME_IN_USE, _('a %(what)s named %(name)s '
                                          'exists') % {
            'what': driver.restored.what, 'name': name}
    yield from driver.restore_conflicts(context, metadata, parameters)
