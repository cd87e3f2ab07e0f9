"""``karbor-server-protection-plugin``: Nova servers.

Protect (``on_main``, after the server's volumes were snapshotted in their
prepare step) saves what ``capture`` describes; a server booted from an
image also gets a server snapshot (``createImage``) whose bytes are
streamed into the bank, after which that temporary image is deleted. The
server's volumes, boot image and network topology are its dependents in
the resource graph, protected by their own plugins.

Restore runs in ``on_complete``, once those dependents are restored, and
reads their new ids from the restore's ``new_resources`` (see
``rebuild``). Every id it makes is recorded in the restore's
``resources_status``; a failure deletes what was made.
"""

import types

from novaclient import exceptions as nova_exc
from oslo_config import cfg

from karbor.clients import factory
from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins.image import image_data
from karbor.services.protection.protection_plugins import resource_data
from karbor.services.protection.protection_plugins.server import capture
from karbor.services.protection.protection_plugins.server import rebuild
from karbor.services.protection.protection_plugins.server import waiting

GROUP = 'nova_backup_protection_plugin'
nova_backup_opts = [
    cfg.FloatOpt('poll_interval', default=15, min=0,
                 help='Seconds between two status polls of the servers, '
                      'images and volumes the plugin waits for.'),
    cfg.FloatOpt('status_timeout', default=1800, min=0,
                 help='Seconds a server, image or volume may stay in a '
                      'transient status before the operation waiting for '
                      'it fails; 0 waits forever.'),
    cfg.IntOpt('backup_image_object_size', default=1024 * 65536,
               min=65536,
               help='Bytes per bank object of the disk of a server booted '
                    'from an image (its server snapshot); must stay under '
                    'the bank\'s object size limit.'),
]

OPTIONS_SCHEMA = {
    "title": "Server Protection Options",
    "type": "object",
    "properties": {},
    "required": []
}
RESTORE_SCHEMA = {
    "title": "Server Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Server Name",
            "description": "The name of the restore server",
        }
    },
    "required": ["restore_name"]
}
SAVED_INFO_SCHEMA = {
    "title": "Server Protection Saved Info",
    "type": "object",
    "properties": {
        "attach_metadata": {
            "type": "object",
            "title": "Attached Volume Metadata",
            "description": "The devices of attached volumes"
        },
        "snapshot_metadata": {
            "type": "object",
            "title": "Snapshot Metadata",
            "description": "The metadata of snapshot"
        },
    },
    "required": ["attached_metadata", "snapshot_metadata"]
}
SNAPSHOT_STATES = ('ACTIVE', 'SHUTOFF', 'SUSPENDED', 'PAUSED')
SERVER_TRANSIENT = ('BUILD', 'REBOOT', 'HARD_REBOOT', 'MIGRATING', 'RESIZE')
DEFAULT_NAME = 'karbor-restore-server'


def clients(context):
    """The clients a server operation uses, acting for ``context``."""
    return types.SimpleNamespace(
        **{name: factory.create(name, context)
           for name in ('nova', 'glance', 'cinder', 'neutron')})


class ServerOperation(protection_plugin.Operation):
    kind = None

    def __init__(self, options):
        self._options = options
        self.waiter = waiting.Waiter(options)

    def failure(self, resource, reason):
        return resource_data.failure(self.kind, resource, reason)


class ProtectOperation(ServerOperation):
    kind = constants.OPERATION_PROTECT

    def __init__(self, options):
        super().__init__(options)
        self.snapshot_id = None

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        resource_data.set_status(section,
                                 constants.RESOURCE_STATUS_PROTECTING)
        cloud = clients(context)
        # A worker that resumes this flow runs the hook again: the
        # snapshot image of the interrupted run goes first.
        self.snapshot_id = resource_data.get_metadata(section).get(
            'snapshot_image_id')
        with resource_data.failing(self.kind, resource):
            self._drop_snapshot(cloud.glance)
            server = self._usable_server(cloud.nova, resource)
            saved = capture.capture(cloud.nova, cloud.cinder, cloud.neutron,
                                    server)
            resource_data.save_metadata(section, saved)
            if saved['boot_metadata']['boot_device_type'] == 'image':
                saved['snapshot_metadata'] = self._snapshot(
                    cloud, checkpoint, resource, section)
                resource_data.save_metadata(section, saved)
                self._drop_snapshot(cloud.glance)
        resource_data.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def _usable_server(self, nova, resource):
        try:
            return self.waiter.server(nova, resource.id, SNAPSHOT_STATES,
                                      ignore=SERVER_TRANSIENT)
        except waiting.StatusError as err:
            if err.status == waiting.NOT_FOUND:
                raise self.failure(resource, _('server %s does not exist')
                                   % resource.id)
            raise self.failure(resource, _('server %(id)s is in status '
                                           '%(status)s') %
                               {'id': resource.id, 'status': err.status})

    def _snapshot(self, cloud, checkpoint, resource, section):
        """createImage, wait active, stream it into the bank."""
        self.snapshot_id = cloud.nova.servers.create_image(
            resource.id, 'karbor-snapshot-%s-%s' % (checkpoint.id,
                                                    resource.id))
        resource_data.save_metadata(section, dict(
            resource_data.get_metadata(section),
            snapshot_image_id=self.snapshot_id))
        try:
            self.waiter.image(cloud.glance, self.snapshot_id)
        except waiting.StatusError as err:
            raise self.failure(resource, _(
                'the snapshot (createImage) of server %(server)s failed: '
                'image %(id)s is %(status)s') % {
                'server': resource.id, 'id': self.snapshot_id,
                'status': err.status})
        try:
            return image_data.save_image(
                cloud.glance, self.snapshot_id, section,
                self._options.backup_image_object_size)
        except image_data.ImageDataError as err:
            raise self.failure(resource, str(err))

    def _drop_snapshot(self, glance):
        if self.snapshot_id:
            image_data.delete_image_quietly(glance, self.snapshot_id)
        self.snapshot_id = None

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        snapshot_id = self.snapshot_id or resource_data.get_metadata(
            section).get('snapshot_image_id')
        try:
            if snapshot_id:
                self.snapshot_id = snapshot_id
                self._drop_snapshot(factory.create('glance', context))
        except Exception as err:
            raise self.failure(resource, _(
                'the temporary snapshot image %(id)s was not deleted '
                '(%(err)s)') % {'id': snapshot_id, 'err': err})
        resource_data.purge(section)


class RestoreOperation(ServerOperation):
    kind = constants.OPERATION_RESTORE

    def __init__(self, options):
        super().__init__(options)
        self._rebuild = None

    def on_complete(self, checkpoint, resource, context, parameters,
                    restore=None, new_resources=None, **kwargs):
        section = resource_data.section(checkpoint, resource)
        saved = resource_data.get_metadata(section)
        if not saved.get('server_metadata'):
            raise self.failure(resource, _('the checkpoint holds no data '
                                           'of this server'))
        new_resources = new_resources if new_resources is not None else {}
        self._rebuild = rebuild.Rebuild(clients(context), self.waiter,
                                        saved, section)
        with resource_data.failing(self.kind, resource):
            try:
                server_id = self._rebuild.run(
                    parameters.get('restore_name') or DEFAULT_NAME,
                    new_resources, restore)
            except rebuild.RebuildError as err:
                raise self.failure(resource, str(err))
        new_resources[resource.id] = server_id
        restore.update_resource_status(resource.type, server_id,
                                       constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        made = self._rebuild.made if self._rebuild else {}
        cloud = clients(context)
        left = []
        if made.get('server_id'):
            left += self._undo(lambda: self._delete_server(
                cloud, made['server_id']), 'server', made['server_id'])
        if made.get('image_id'):
            left += self._undo(lambda: self._delete_image(
                cloud, made['image_id']), 'image', made['image_id'])
        if restore is not None:
            for kind, object_id in ((resource.type, made.get('server_id')),
                                    (rebuild.IMAGE_TYPE,
                                     made.get('image_id'))):
                if object_id:
                    restore.update_resource_status(
                        kind, object_id, constants.RESOURCE_STATUS_DELETED,
                        _('deleted: the restore failed'))
        (new_resources or {}).pop(resource.id, None)
        if left:
            raise self.failure(resource, '; '.join(left))

    @staticmethod
    def _undo(delete, what, object_id):
        try:
            delete()
        except Exception as err:
            return [_('%(what)s %(id)s not deleted (%(err)s)') % {
                'what': what, 'id': object_id, 'err': err}]
        return []

    def _delete_server(self, cloud, server_id):
        """Delete the server and wait until it is gone (its volumes are
        then detached and the volumes' revert can delete them)."""
        if waiting.server_or_none(cloud.nova, server_id) is not None:
            cloud.nova.servers.delete(server_id)
        self.waiter.wait(lambda: waiting.server_or_none(cloud.nova,
                                                        server_id),
                         (waiting.NOT_FOUND,),
                         ignore=('ACTIVE', 'BUILD', 'ERROR', 'SHUTOFF',
                                 'DELETED'))

    @staticmethod
    def _delete_image(cloud, image_id):
        image_data.delete_image_quietly(cloud.glance, image_id)


class VerifyOperation(ServerOperation):
    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        section = resource_data.section(checkpoint, resource)
        status = resource_data.get_status(section)
        saved = resource_data.get_metadata(section)
        reason = None
        if status != constants.RESOURCE_STATUS_AVAILABLE:
            reason = _('the saved server is %s') % status
        elif self._missing_data(section, saved):
            status, reason = (constants.RESOURCE_STATUS_ERROR,
                              _('the bank has lost the saved disk of the '
                                'server'))
        verify.update_resource_status(resource.type, resource.id, status,
                                      reason)
        if reason:
            raise self.failure(resource, reason)

    @staticmethod
    def _missing_data(section, saved):
        snapshot = saved.get('snapshot_metadata')
        if not snapshot:
            return False
        keys = set(section.list_objects())
        return any(image_data.data_key(i) not in keys
                   for i in range(1, snapshot.get('chunks_num', 0) + 1))


class CopyOperation(resource_data.CopyDataOperation):
    streamed = (image_data.DATA_PREFIX,)


class NovaProtectionPlugin(protection_plugin.TableProtectionPlugin):
    """Saves and rebuilds Nova servers."""

    group = GROUP
    opts = nova_backup_opts
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  constants.OPERATION_COPY: CopyOperation,
                  constants.OPERATION_DELETE:
                      resource_data.DeleteDataOperation}
    resource_type = constants.SERVER_RESOURCE_TYPE
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA
    saved_info_schema = SAVED_INFO_SCHEMA

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        return resource_data.saved_info_of(
            metadata_store, ('attach_metadata', 'snapshot_metadata'))

    def plan_restore(self, planning, resource, parameters, section):
        """A server named ``restore_name`` (default ``DEFAULT_NAME``) with
        the saved flavor, a NIC on each saved network (restored or still
        there), booted from an image of its disk (``<name>-root-disk``) or
        from its restored boot volume. Conflicts: the name in use, a
        network neither there nor restored, a volume of the server not
        restored, the flavor gone, the compute quotas."""
        saved = planning.saved(section)
        meta = saved.get('server_metadata') or {}
        name = parameters.get('restore_name') or DEFAULT_NAME
        networks = [port['network_id'] for port in meta.get('networks') or ()]
        details = {'flavor': meta.get('flavor'),
                   'networks': {n: planning.mapped.get(n) for n in networks}}
        if (saved.get('boot_metadata') or {}).get(
                'boot_device_type') == 'image':
            details['creates'] = [{'type': rebuild.IMAGE_TYPE,
                                   'name': '%s-root-disk' % name}]
        conflicts = restore_plan.checked(planning, lambda: _conflicts(
            planning, name, saved, details['networks']))
        return restore_plan.Step(
            name, '%s, networks %s' % (planning.project,
                                       ', '.join(networks) or '(default)'),
            dict(parameters, restore_name=name), conflicts, details)


def _conflicts(planning, name, saved, networks):
    """What stands in the way of rebuilding the server; fills in what
    happens to each saved network (``networks``: id -> None or how)."""
    meta = saved.get('server_metadata')
    if not meta:
        yield restore_plan.MISSING, _('the checkpoint holds no data of '
                                      'this server')
        return
    for volume_id in _volume_ids(saved):
        if volume_id not in planning.mapped:
            yield restore_plan.MISSING, _(
                'volume %s of the server is not restored') % volume_id
    cloud = clients(planning.context)
    if any(s.name == name for s in
           cloud.nova.servers.list(search_opts={'name': name})):
        yield restore_plan.NAME_IN_USE, _('a server named %s exists') % name
    for network_id, how in networks.items():
        if how is None:
            how = networks[network_id] = _network_now(cloud.neutron,
                                                      network_id)
        if how == 'missing':
            yield restore_plan.MISSING_NETWORK, _(
                'network %s of the server no longer exists and is not '
                'restored') % network_id
    flavor = _flavor(cloud.nova, meta.get('flavor'))
    if flavor is None:
        yield restore_plan.MISSING, _('flavor %s no longer exists') % (
            meta.get('flavor'))
    yield from _quota_conflicts(planning, cloud.nova, flavor)


def _volume_ids(saved):
    """The server's volumes the rebuild needs restored (boot and data)."""
    boot = (saved.get('boot_metadata') or {}).get('boot_volume_id')
    return sorted(set(saved.get('attach_metadata') or {}) |
                  ({boot} if boot else set()))


def _network_now(neutron, network_id):
    try:
        neutron.show_network(network_id)
    except Exception:
        return 'missing'
    return 'exists'


def _flavor(nova, flavor_id):
    try:
        return nova.flavors.get(flavor_id) if flavor_id else None
    except nova_exc.NotFound:
        return None


def _quota_conflicts(planning, nova, flavor):
    claims = [('instances', 1, 'maxTotalInstances', 'totalInstancesUsed')]
    if flavor is not None:
        claims += [('cores', flavor.vcpus, 'maxTotalCores', 'totalCoresUsed'),
                   ('ram', flavor.ram, 'maxTotalRAMSize', 'totalRAMUsed')]
    return restore_plan.quota_conflicts(
        planning, lambda: nova.limits.get().absolute, claims)


def list_opts():
    return [(GROUP, nova_backup_opts)]
