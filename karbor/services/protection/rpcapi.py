"""Client side of the protection service RPC API."""

from oslo_config import cfg
import oslo_messaging as messaging

from karbor import rpc

CONF = cfg.CONF


class ProtectionAPI(object):
    """Calls into ``karbor-protection`` on topic ``protection_topic``.

    API version history:
        1.0 - Initial version.
    """

    RPC_API_VERSION = '1.0'

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
