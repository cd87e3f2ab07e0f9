"""Make a saved network topology exist again.

Every saved object that still exists (same id) is reused; the others are
made again, in dependency order: security groups (then their rules),
networks, subnets, standalone ports, routers (then their interfaces).
``mapping`` maps each saved id to the id of the object now standing for
it; ``made`` lists what was created, so that a failed restore can undo it.
"""

from neutronclient.common import exceptions as neutron_exc

from karbor.services.protection.protection_plugins.network import topology

NEUTRON_TYPES = {'security_group': 'OS::Neutron::SecurityGroup',
                 'network': 'OS::Neutron::Net',
                 'subnet': 'OS::Neutron::Subnet',
                 'port': 'OS::Neutron::Port',
                 'router': 'OS::Neutron::Router',
                 'interface': 'OS::Neutron::RouterInterface'}
_RULE_MATCH = ('direction', 'ethertype', 'protocol', 'port_range_min',
               'port_range_max', 'remote_ip_prefix', 'remote_group_id')


def _ids(items):
    return {item['id'] for item in items}


def _rule_key(rule):
    return tuple(rule.get(key) for key in _RULE_MATCH)


class Rebuild(object):
    """One restore of a saved topology into project ``project_id``."""

    def __init__(self, neutron, saved, project_id):
        self.neutron = neutron
        self.saved = saved
        self.project_id = project_id
        self.mapping = {}
        self.made = []   # (kind, id, router id for interfaces)

    def run(self):
        """Reuse or make every saved object; return ``mapping``."""
        self._groups()
        self._networks()
        self._subnets()
        self._ports()
        self._routers()
        return self.mapping

    def _made(self, kind, old_id, new_id, router_id=None):
        self.mapping[old_id] = new_id
        self.made.append((kind, new_id, router_id))

    # Security groups

    def _groups(self):
        current = self.neutron.list_security_groups(
            project_id=self.project_id)['security_groups']
        default = [g['id'] for g in current if g['name'] == 'default']
        created = []
        for old_id, group in self.saved[topology.GROUPS].items():
            if old_id in _ids(current):
                self.mapping[old_id] = old_id
            elif group.get('name') == 'default' and default:
                self.mapping[old_id] = default[0]
            else:
                new = self.neutron.create_security_group(
                    {'security_group': {
                        'name': group.get('name') or '',
                        'description': group.get('description') or ''}})[
                    'security_group']
                self._made('security_group', old_id, new['id'])
                created.append((group, new))
        for group, new in created:
            self._rules(group, new)

    def _rules(self, group, new):
        have = {_rule_key(r) for r in new.get('security_group_rules') or ()}
        for rule in group.get('rules') or ():
            rule = dict(rule)
            if rule.get('remote_group_id'):
                rule['remote_group_id'] = self.mapping.get(
                    rule['remote_group_id'], rule['remote_group_id'])
            if _rule_key(rule) in have:
                continue
            body = {k: v for k, v in rule.items() if v is not None}
            body['security_group_id'] = new['id']
            self.neutron.create_security_group_rule(
                {'security_group_rule': body})
            have.add(_rule_key(rule))

    # Networks, subnets, ports

    def _networks(self):
        current = _ids(self.neutron.list_networks()['networks'])
        for old_id, network in self.saved[topology.NETWORKS].items():
            if old_id in current:
                self.mapping[old_id] = old_id
            elif not network.get('router:external'):
                body = {k: network[k] for k in (
                    'name', 'description', 'admin_state_up',
                    'port_security_enabled') if k in network}
                new = self.neutron.create_network({'network': body})
                self._made('network', old_id, new['network']['id'])

    def _subnets(self):
        current = _ids(self.neutron.list_subnets()['subnets'])
        for old_id, subnet in self.saved[topology.SUBNETS].items():
            if old_id in current:
                self.mapping[old_id] = old_id
                continue
            network_id = self.mapping.get(subnet['network_id'])
            if network_id is None:
                continue
            body = {k: subnet[k] for k in (
                'name', 'description', 'cidr', 'ip_version', 'gateway_ip',
                'allocation_pools', 'enable_dhcp', 'dns_nameservers',
                'host_routes') if subnet.get(k) is not None}
            body['network_id'] = network_id
            new = self.neutron.create_subnet({'subnet': body})
            self._made('subnet', old_id, new['subnet']['id'])

    def _ports(self):
        current = _ids(self.neutron.list_ports(
            project_id=self.project_id)['ports'])
        for old_id, port in topology.standalone_ports(self.saved).items():
            if old_id in current:
                self.mapping[old_id] = old_id
                continue
            network_id = self.mapping.get(port['network_id'])
            if network_id is None:
                continue
            body = {'network_id': network_id,
                    'name': port.get('name') or '',
                    'fixed_ips': [
                        {'subnet_id': self.mapping[ip['subnet_id']],
                         'ip_address': ip['ip_address']}
                        for ip in port.get('fixed_ips') or ()
                        if ip.get('subnet_id') in self.mapping],
                    'security_groups': [
                        self.mapping[g] for g in port.get('security_groups')
                        or () if g in self.mapping]}
            new = self.neutron.create_port({'port': body})
            self._made('port', old_id, new['port']['id'])

    # Routers

    def _routers(self):
        current = _ids(self.neutron.list_routers(
            project_id=self.project_id)['routers'])
        networks = _ids(self.neutron.list_networks()['networks'])
        for old_id, router in self.saved[topology.ROUTERS].items():
            if old_id in current:
                self.mapping[old_id] = old_id
            else:
                body = {'name': router.get('name') or '',
                        'admin_state_up': router.get('admin_state_up', True)}
                gateway = router.get('external_gateway_info') or {}
                if gateway.get('network_id') in networks:
                    body['external_gateway_info'] = {
                        'network_id': gateway['network_id']}
                new = self.neutron.create_router({'router': body})
                self._made('router', old_id, new['router']['id'])
            self._interfaces(router, self.mapping[old_id])

    def _interfaces(self, router, router_id):
        attached = {ip['subnet_id'] for p in self.neutron.list_ports(
            device_id=router_id)['ports']
            if p['device_owner'] == topology.ROUTER_INTERFACE
            for ip in p['fixed_ips']}
        for interface in router.get('interfaces') or ():
            subnet_id = self.mapping.get(interface['subnet_id'])
            if subnet_id is None or subnet_id in attached:
                continue
            self.neutron.add_interface_router(router_id,
                                              {'subnet_id': subnet_id})
            attached.add(subnet_id)
            self._made('interface', interface['port_id'], subnet_id,
                       router_id)

    # Undo

    def undo(self):
        """Delete what ``run`` made, newest first; return what is left
        (descriptions of the objects that could not be deleted)."""
        left = []
        for kind, object_id, router_id in reversed(self.made):
            try:
                self._delete(kind, object_id, router_id)
            except neutron_exc.NotFound:
                pass
            except Exception as err:
                left.append('%s %s (%s)' % (kind, object_id, err))
        self.made = []
        return left

    def _delete(self, kind, object_id, router_id):
        neutron = self.neutron
        if kind == 'interface':
            neutron.remove_interface_router(router_id,
                                            {'subnet_id': object_id})
            return
        {'security_group': neutron.delete_security_group,
         'network': neutron.delete_network,
         'subnet': neutron.delete_subnet,
         'port': neutron.delete_port,
         'router': neutron.delete_router}[kind](object_id)
