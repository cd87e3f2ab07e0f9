"""Make a client of an OpenStack service (or Kubernetes) for a context.

Each service has an option group ``[<service>_client]`` with an optional
fixed endpoint (``<service>_endpoint``), the catalog service type and the
API version. Endpoints otherwise come from the service catalog of the
session (see ``karbor.clients.auth``).
"""

import collections

from oslo_config import cfg

from karbor.clients import auth
from karbor import exception

CONF = cfg.CONF

ClientSpec = collections.namedtuple(
    'ClientSpec', ('service_type', 'version', 'make'))


def _cinder(session, endpoint, version, **kwargs):
    from cinderclient import client
    return client.Client(version, session=session, endpoint_override=endpoint,
                         **kwargs)


def _nova(session, endpoint, version, **kwargs):
    from novaclient import client
    # novaclient names the interface endpoint_type.
    kwargs['endpoint_type'] = kwargs.pop('interface', None)
    return client.Client(version, session=session,
                         endpoint_override=endpoint, **kwargs)


def _glance(session, endpoint, version, **kwargs):
    from glanceclient import client
    return client.Client(version, session=session,
                         endpoint_override=endpoint, **kwargs)


def _neutron(session, endpoint, version, **kwargs):
    from neutronclient.v2_0 import client
    return client.Client(session=session, endpoint_override=endpoint,
                         **kwargs)


def _manila(session, endpoint, version, **kwargs):
    from manilaclient import client
    # manilaclient names the endpoint service_catalog_url and the
    # interface endpoint_type.
    kwargs['endpoint_type'] = kwargs.pop('interface', None) or 'public'
    return client.Client(version, session=session,
                         service_catalog_url=endpoint, **kwargs)


def _trove(session, endpoint, version, **kwargs):
    from troveclient import client
    return client.Client(version, session=session,
                         endpoint_override=endpoint, **kwargs)


def _swift(session, endpoint, version, **kwargs):
    from swiftclient import client
    return client.Connection(session=session, os_options={
        'object_storage_url': endpoint,
        'service_type': kwargs.get('service_type', 'object-store'),
        'region_name': kwargs.get('region_name'),
        'interface': kwargs.get('interface')})


SERVICES = {
    'cinder': ClientSpec('volumev3', '3.0', _cinder),
    'nova': ClientSpec('compute', '2.1', _nova),
    'glance': ClientSpec('image', '2', _glance),
    'neutron': ClientSpec('network', '2.0', _neutron),
    'manila': ClientSpec('sharev2', '2', _manila),
    'trove': ClientSpec('database', '1.0', _trove),
    'swift': ClientSpec('object-store', '1', _swift),
}


def _service_opts(name, spec):
    return [
        cfg.URIOpt('%s_endpoint' % name,
                   help='Fixed %s endpoint; overrides the service '
                        'catalog.' % name),
        cfg.StrOpt('service_type', default=spec.service_type,
                   help='Service type of %s in the catalog.' % name),
        cfg.StrOpt('version', default=spec.version,
                   help='API (micro)version requested from %s.' % name),
    ]


_OPTS = {name: _service_opts(name, spec) for name, spec in SERVICES.items()}
for _name, _opts in _OPTS.items():
    CONF.register_opts(_opts, group='%s_client' % _name)


def list_opts():
    return [('%s_client' % name, opts) for name, opts in _OPTS.items()]


def create(service, context, **kwargs):
    """A client of ``service`` ('cinder', 'nova', ...) acting for context."""
    spec = SERVICES[service]
    group = CONF['%s_client' % service]
    session = auth.get_session(context)
    filters = auth.endpoint_filter(group.service_type)
    endpoint = group['%s_endpoint' % service]
    if endpoint is None:
        endpoint = session.get_endpoint(**filters)
    if not endpoint:
        raise exception.ServiceUnavailable(
            message='No %s endpoint in the service catalog.' % service)
    if '%(project_id)s' in endpoint:
        endpoint = endpoint % {'project_id': context.project_id}
    kwargs.setdefault('region_name', filters['region_name'])
    kwargs.setdefault('interface', filters['interface'])
    return spec.make(session, endpoint, group.version, **kwargs)
