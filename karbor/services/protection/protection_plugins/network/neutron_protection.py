"""``karbor-network-protection-plugin``: a project's network topology.

Protect saves the topology (see ``topology``) in the resource's bank
section; restore reuses what still exists and makes the rest again (see
``rebuild``), puts each saved id -> id now in the restore's shared
``new_resources`` (the server restore reads it) and records every object
it made in the restore's ``resources_status``. Verify checks the bank;
delete removes the saved data; copy copies it into the destination bank.
"""

from oslo_config import cfg

from karbor.clients import factory
from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins.network import rebuild
from karbor.services.protection.protection_plugins.network import topology
from karbor.services.protection.protection_plugins import resource_data

GROUP = 'neutron_backup_protection_plugin'
neutron_backup_opts = [
    cfg.FloatOpt('poll_interval', default=15, min=0,
                 help='Seconds between two status polls of Neutron '
                      'objects (kept for compatibility: Neutron objects '
                      'are made synchronously).'),
]

RESTORE_SCHEMA = {
    "title": "Network Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Network Name",
            "description": "The name of the restored network topology"
        }
    }
}
OPTIONS_SCHEMA = {"title": "Network Protection Options", "type": "object",
                  "properties": {}, "required": []}
SAVED_INFO_SCHEMA = {"title": "Network Protection Saved Info",
                     "type": "object", "properties": {}, "required": []}


def neutron(context):
    return factory.create('neutron', context)


class NetworkOperation(protection_plugin.Operation):
    """An operation of the plugin, made with its option group."""

    def __init__(self, options):
        self._options = options


class ProtectOperation(NetworkOperation):
    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = resource_data.section(checkpoint, resource)
        resource_data.set_status(section,
                                 constants.RESOURCE_STATUS_PROTECTING)
        with resource_data.failing(constants.OPERATION_PROTECT, resource):
            saved = topology.capture(neutron(context), resource.id)
        saved.update(resource_id=resource.id,
                     backup_name=parameters.get('backup_name'))
        resource_data.save_metadata(section, saved)
        resource_data.set_status(section, constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        resource_data.purge(resource_data.section(checkpoint, resource))


class RestoreOperation(NetworkOperation):
    def __init__(self, options):
        super().__init__(options)
        self._rebuild = None

    def on_main(self, checkpoint, resource, context, parameters,
                restore=None, new_resources=None, **kwargs):
        saved = resource_data.get_metadata(
            resource_data.section(checkpoint, resource))
        if not saved:
            raise resource_data.failure(
                constants.OPERATION_RESTORE, resource,
                _('the checkpoint holds no network topology'))
        self._rebuild = rebuild.Rebuild(neutron(context), saved,
                                        context.project_id)
        with resource_data.failing(constants.OPERATION_RESTORE, resource):
            mapping = self._rebuild.run()
        if new_resources is not None:
            new_resources.update(mapping)
        for kind, new_id, _router in self._rebuild.made:
            if kind != 'interface':
                restore.update_resource_status(
                    rebuild.NEUTRON_TYPES[kind], new_id,
                    constants.RESOURCE_STATUS_AVAILABLE)
        restore.update_resource_status(resource.type, resource.id,
                                       constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        if self._rebuild is None:
            return
        made = list(self._rebuild.made)
        left = self._rebuild.undo()
        for key in self._rebuild.mapping:
            (new_resources or {}).pop(key, None)
        if restore is not None:
            for kind, new_id, _router in made:
                if kind != 'interface':
                    restore.update_resource_status(
                        rebuild.NEUTRON_TYPES[kind], new_id,
                        constants.RESOURCE_STATUS_DELETED,
                        _('deleted: the restore failed'))
        if left:
            raise resource_data.failure(
                constants.OPERATION_RESTORE, resource,
                _('not deleted: %s') % '; '.join(left))


class VerifyOperation(NetworkOperation):
    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        section = resource_data.section(checkpoint, resource)
        status = resource_data.get_status(section)
        reason = None
        if status != constants.RESOURCE_STATUS_AVAILABLE:
            reason = _('the saved topology is %s') % status
        elif not resource_data.get_metadata(section):
            status, reason = (constants.RESOURCE_STATUS_ERROR,
                              _('the saved topology is missing'))
        verify.update_resource_status(resource.type, resource.id, status,
                                      reason)
        if reason:
            raise resource_data.failure(constants.OPERATION_VERIFY,
                                        resource, reason)


class NeutronProtectionPlugin(protection_plugin.TableProtectionPlugin):
    """Saves and rebuilds a project's Neutron topology."""

    group = GROUP
    opts = neutron_backup_opts
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  constants.OPERATION_COPY: resource_data.CopyDataOperation,
                  constants.OPERATION_DELETE:
                      resource_data.DeleteDataOperation}
    resource_type = constants.NETWORK_RESOURCE_TYPE
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA
    saved_info_schema = SAVED_INFO_SCHEMA

    def plan_restore(self, planning, resource, parameters, section):
        """The project's topology: each saved network still there is
        reused, the others are made again (an external one cannot be: a
        conflict). ``planning.mapped`` tells the server plans which
        networks they will find."""
        saved = planning.saved(section)
        networks = saved.get(topology.NETWORKS) or {}
        conflicts = restore_plan.checked(planning, lambda: _plan_networks(
            planning, saved))
        return restore_plan.Step(
            resource.name, planning.project, parameters, conflicts,
            {'networks': {n: planning.mapped.get(n) for n in networks}})


def _plan_networks(planning, saved):
    if not saved:
        yield restore_plan.MISSING, _('the checkpoint holds no network '
                                      'topology')
    networks = saved.get(topology.NETWORKS) or {}
    current = {n['id'] for n in
               neutron(planning.context).list_networks()['networks']}
    for network_id, network in sorted(networks.items()):
        if network_id in current:
            planning.mapped[network_id] = 'exists'
        elif network.get('router:external'):
            planning.mapped[network_id] = 'missing'
            yield restore_plan.MISSING_NETWORK, _(
                'external network %(id)s (%(name)s) no longer exists and '
                'cannot be made again') % {'id': network_id,
                                           'name': network.get('name')}
        else:
            planning.mapped[network_id] = 'created'


def list_opts():
    return [(GROUP, neutron_backup_opts)]
