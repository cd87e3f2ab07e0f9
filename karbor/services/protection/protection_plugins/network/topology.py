"""What a project's network topology is saved as.

:func:`capture` reads the project's networks, subnets, ports, routers (with
their interfaces) and security groups (with their rules) from Neutron and
keeps, for each, the attributes needed to make it again. Each kind is a
dict id -> attributes, under the keys of the original plugin's metadata
(``network_metadata``, ``subnet_metadata``, ...).
"""

NETWORK_KEYS = ('id', 'name', 'description', 'admin_state_up', 'shared',
                'mtu', 'port_security_enabled', 'router:external')
SUBNET_KEYS = ('id', 'name', 'description', 'network_id', 'cidr',
               'ip_version', 'gateway_ip', 'allocation_pools',
               'enable_dhcp', 'dns_nameservers', 'host_routes')
PORT_KEYS = ('id', 'name', 'description', 'network_id', 'fixed_ips',
             'mac_address', 'device_id', 'device_owner', 'security_groups',
             'admin_state_up')
ROUTER_KEYS = ('id', 'name', 'description', 'admin_state_up',
               'external_gateway_info', 'routes')
GROUP_KEYS = ('id', 'name', 'description')
RULE_KEYS = ('direction', 'ethertype', 'protocol', 'port_range_min',
             'port_range_max', 'remote_ip_prefix', 'remote_group_id',
             'description')

NETWORKS = 'network_metadata'
SUBNETS = 'subnet_metadata'
PORTS = 'port_metadata'
ROUTERS = 'router_metadata'
GROUPS = 'security-group_metadata'
KINDS = (NETWORKS, SUBNETS, PORTS, ROUTERS, GROUPS)

ROUTER_INTERFACE = 'network:router_interface'
COMPUTE_OWNER = 'compute:'


def _pick(item, keys):
    return {key: item.get(key) for key in keys if key in item}


def _by_id(items, keys):
    return {item['id']: _pick(item, keys) for item in items}


def _owned(items, project_id):
    return [i for i in items
            if i.get('project_id', i.get('tenant_id')) == project_id]


def capture(neutron, project_id):
    """The project's topology: kind -> {id: attributes}."""
    query = {'project_id': project_id}
    networks = _owned(neutron.list_networks(**query)['networks'],
                      project_id)
    ports = _owned(neutron.list_ports(**query)['ports'], project_id)
    routers = _owned(neutron.list_routers(**query)['routers'], project_id)
    groups = _owned(neutron.list_security_groups(**query)[
        'security_groups'], project_id)
    saved_routers = _by_id(routers, ROUTER_KEYS)
    for router_id, router in saved_routers.items():
        router['interfaces'] = [
            {'port_id': p['id'], 'subnet_id': ip['subnet_id'],
             'ip_address': ip['ip_address']}
            for p in ports if p['device_id'] == router_id and
            p['device_owner'] == ROUTER_INTERFACE for ip in p['fixed_ips']]
    saved_groups = _by_id(groups, GROUP_KEYS)
    for group in groups:
        saved_groups[group['id']]['rules'] = [
            _pick(rule, RULE_KEYS)
            for rule in group.get('security_group_rules') or ()]
    return {
        NETWORKS: _by_id(networks, NETWORK_KEYS),
        SUBNETS: _by_id(_owned(neutron.list_subnets(**query)['subnets'],
                               project_id), SUBNET_KEYS),
        PORTS: _by_id(ports, PORT_KEYS),
        ROUTERS: saved_routers,
        GROUPS: saved_groups,
    }


def standalone_ports(saved):
    """Saved ports that no device owns: restore makes them again (router
    interfaces are made by the router, servers' ports by the server)."""
    return {pid: port for pid, port in saved[PORTS].items()
            if not port.get('device_owner')}


def server_ports(saved, server_id):
    """Saved ports of one server."""
    return [port for port in saved[PORTS].values()
            if port.get('device_id') == server_id and
            (port.get('device_owner') or '').startswith(COMPUTE_OWNER)]
