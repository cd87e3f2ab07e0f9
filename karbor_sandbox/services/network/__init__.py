"""Neutron v2.0 (networking): networks, subnets, ports, routers,
security groups and floating IPs."""

from karbor_sandbox import service
from karbor_sandbox.services.network import api
from karbor_sandbox.services.network import routers


@service.register
class NetworkService(service.Service):
    name = 'network'
    prefix = '/networking'
    catalog = (('network', 'neutron'),)
    endpoint = '/networking'
    error_style = 'neutron'
    root_controllers = (api.VersionController, routers.InterfaceController,
                        api.CollectionController)
