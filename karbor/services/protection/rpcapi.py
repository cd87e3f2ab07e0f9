"""Client side of the protection service RPC API."""

from oslo_config import cfg
import oslo_messaging as messaging

from karbor import rpc

CONF = cfg.CONF


class ProtectionAPI(object):
    """Calls into ``karbor-protection`` on topic ``protection_topic``.

    API version history:
        1.0 - Initial version.
        1.1 - protect_many.
        1.2 - restore_preview.
        1.3 - cancel (a fanout cast).
    """

    RPC_API_VERSION = '1.3'

    def __init__(self):
        target = messaging.Target(topic=CONF.protection_topic,
                                  version=self.RPC_API_VERSION)
        self.client = rpc.get_client(target, version_cap=None)

    def _call(self, ctxt, method, **kwargs):
        return self.client.prepare(version='1.0').call(ctxt, method,
                                                       **kwargs)

    def show_provider(self, ctxt, provider_id):
        return self._call(ctxt, 'show_provider', provider_id=provider_id)

    def list_providers(self, ctxt, marker=None, limit=None, sort_keys=None,
                       sort_dirs=None, filters=None):
        return self._call(ctxt, 'list_providers', marker=marker, limit=limit,
                          sort_keys=sort_keys, sort_dirs=sort_dirs,
                          filters=filters)

    def list_protectable_types(self, ctxt):
        return self._call(ctxt, 'list_protectable_types')

    def show_protectable_type(self, ctxt, protectable_type):
        return self._call(ctxt, 'show_protectable_type',
                          protectable_type=protectable_type)

    def list_protectable_instances(self, ctxt, protectable_type, marker=None,
                                   limit=None, sort_keys=None,
                                   sort_dirs=None, filters=None,
                                   parameters=None):
        return self._call(ctxt, 'list_protectable_instances',
                          protectable_type=protectable_type, marker=marker,
                          limit=limit, sort_keys=sort_keys,
                          sort_dirs=sort_dirs, filters=filters,
                          parameters=parameters)

    def list_protectable_dependents(self, ctxt, protectable_id,
                                    protectable_type, protectable_name):
        return self._call(ctxt, 'list_protectable_dependents',
                          protectable_id=protectable_id,
                          protectable_type=protectable_type,
                          protectable_name=protectable_name)

    def show_protectable_instance(self, ctxt, protectable_type,
                                  protectable_id, parameters=None):
        return self._call(ctxt, 'show_protectable_instance',
                          protectable_type=protectable_type,
                          protectable_id=protectable_id,
                          parameters=parameters)

    # Checkpoints

    def protect(self, ctxt, plan, checkpoint_properties=None):
        """Start protecting ``plan`` (a dict with id, name, provider_id,
        project_id, resources and parameters); returns the new checkpoint
        (dict)."""
        return self._call(ctxt, 'protect', plan=plan,
                          checkpoint_properties=checkpoint_properties)

    def protect_many(self, ctxt, requests):
        """Protect several plans in one call, each for the request context
        (as a dict) of its item; see ``ProtectionManager.protect_many``."""
        return self.client.prepare(version='1.1').call(
            ctxt, 'protect_many', requests=requests)

    def show_checkpoint(self, ctxt, provider_id, checkpoint_id):
        return self._call(ctxt, 'show_checkpoint', provider_id=provider_id,
                          checkpoint_id=checkpoint_id)

    def list_checkpoints(self, ctxt, provider_id, marker=None, limit=None,
                         sort_keys=None, sort_dirs=None, filters=None,
                         all_tenants=False):
        return self._call(ctxt, 'list_checkpoints', provider_id=provider_id,
                          marker=marker, limit=limit, sort_keys=sort_keys,
                          sort_dirs=sort_dirs, filters=filters,
                          all_tenants=all_tenants)

    def delete(self, ctxt, provider_id, checkpoint_id):
        return self._call(ctxt, 'delete', provider_id=provider_id,
                          checkpoint_id=checkpoint_id)

    def reset_state(self, ctxt, provider_id, checkpoint_id, state):
        return self._call(ctxt, 'reset_state', provider_id=provider_id,
                          checkpoint_id=checkpoint_id, state=state)

    def copy(self, ctxt, plan, parameters=None, copy_id=None):
        """Copy the plan's checkpoints; returns the id pairs. ``copy_id``
        names the request in the copies' operation logs."""
        kwargs = {'copy_id': copy_id} if copy_id else {}
        return self._call(ctxt, 'copy', plan=plan, parameters=parameters,
                          **kwargs)

    # Restores and verifications

    def restore(self, ctxt, restore, restore_auth=None):
        """Validate and start a restore (a dict); returns the Restore."""
        return self._call(ctxt, 'restore', restore=restore,
                          restore_auth=restore_auth)

    def restore_preview(self, ctxt, restore):
        """The plan of a restore (a dict as ``restore`` takes), changing
        nothing; see ``ProtectionManager.restore_preview``."""
        return self.client.prepare(version='1.2').call(
            ctxt, 'restore_preview', restore=restore)

    def verification(self, ctxt, verification):
        """Validate and start a verification; returns the Verification."""
        return self._call(ctxt, 'verification', verification=verification)

    def cancel(self, ctxt, operation_id):
        """Tell every worker that the cancel of ``operation_id`` (a
        checkpoint, restore or verification id) was requested; the one
        running its flow stops it at the next task boundary. The request
        itself is in the database already (a worker that is down honours
        it when it resumes the flow)."""
        self.client.prepare(version='1.3', fanout=True).cast(
            ctxt, 'cancel', operation_id=operation_id)
