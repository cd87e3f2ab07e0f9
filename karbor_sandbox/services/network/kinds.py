"""Per-resource rules of Neutron: defaults, validation, deletion.

Each :class:`Kind` turns a request body into a document (``build``),
applies updates and checks deletion; the generic controller in
:mod:`~karbor_sandbox.services.network.api` does the HTTP part.
"""

import ipaddress

from karbor_sandbox.services.network import common
from karbor_sandbox import utils

S = common.S
# What makes two rules of a group the same rule (Neutron refuses the
# second with 409 SecurityGroupRuleExists).
RULE_MATCH = ('direction', 'ethertype', 'protocol', 'port_range_min',
              'port_range_max', 'remote_ip_prefix', 'remote_group_id')


class Kind(object):
    kind = None
    collection = None
    updatable = ('name', 'description')

    def __init__(self, store):
        self.store = store

    def build(self, ctx, body, project_id):
        raise NotImplementedError()

    def update(self, ctx, doc, body):
        for key in self.updatable:
            if key in body:
                doc[key] = body[key]

    def delete(self, ctx, doc):
        self.store.delete(S, self.kind, doc['id'])


class Networks(Kind):
    kind, collection = 'network', 'networks'
    updatable = ('name', 'description', 'admin_state_up', 'shared', 'mtu',
                 'router:external', 'port_security_enabled')

    def build(self, ctx, body, project_id):
        if ('router:external' in body or 'shared' in body or any(
                k.startswith('provider:') for k in body)) and \
                not ctx.is_admin:
            raise common.error(403, 'HTTPForbidden', "(rule:create_network"
                               ") is disallowed by policy")
        return common.base(
            project_id, name=body.get('name', ''), admin_state_up=body.get(
                'admin_state_up', True), status='ACTIVE', subnets=[],
            shared=utils.as_bool(body.get('shared', False)),
            mtu=body.get('mtu', 1450), availability_zones=['nova'],
            availability_zone_hints=[], ipv4_address_scope=None,
            ipv6_address_scope=None, is_default=False, l2_adjacency=True,
            port_security_enabled=body.get('port_security_enabled', True),
            description=body.get('description', ''),
            **{'router:external': utils.as_bool(
                body.get('router:external', False)),
               'provider:network_type': body.get('provider:network_type',
                                                 'vxlan'),
               'provider:physical_network': body.get(
                   'provider:physical_network'),
               'provider:segmentation_id': body.get(
                   'provider:segmentation_id', 1000)})

    def delete(self, ctx, doc):
        ports = [p for p in self.store.list(S, 'port')
                 if p['network_id'] == doc['id']]
        if any(not p['device_owner'].startswith('network:dhcp')
               for p in ports):
            raise common.in_use('NetworkInUse', 'Unable to complete '
                                'operation on network %s. There are one or '
                                'more ports still in use on the network.'
                                % doc['id'])
        for subnet in self.store.list(S, 'subnet'):
            if subnet['network_id'] == doc['id']:
                self.store.delete(S, 'subnet', subnet['id'])
        super().delete(ctx, doc)


class Subnets(Kind):
    kind, collection = 'subnet', 'subnets'
    updatable = ('name', 'description', 'enable_dhcp', 'dns_nameservers',
                 'host_routes', 'gateway_ip', 'allocation_pools')

    def build(self, ctx, body, project_id):
        net = common.get(self.store, ctx, 'network',
                         body.get('network_id'))
        if not ctx.is_admin and net['project_id'] != ctx.project_id and \
                not net['shared']:
            raise common.not_found('network', net['id'])
        try:
            cidr = ipaddress.ip_network(body.get('cidr'), strict=False)
        except (TypeError, ValueError):
            raise common.bad_request("Invalid input for cidr. Reason: '%s' "
                                     "is not a valid IP subnet."
                                     % body.get('cidr'))
        version = int(body.get('ip_version', cidr.version))
        if version != cidr.version:
            raise common.bad_request('Invalid input for operation: '
                                     'Requested subnet with cidr: %s does '
                                     'not match ip version %s.'
                                     % (cidr, version))
        hosts = cidr.hosts()
        gateway = body.get('gateway_ip', str(next(hosts)))
        last = cidr.broadcast_address - 1 if version == 4 else \
            cidr[-1]
        pools = body.get('allocation_pools') or [
            {'start': str(cidr.network_address + 2), 'end': str(last)}]
        return common.base(
            project_id, name=body.get('name', ''), network_id=net['id'],
            cidr=str(cidr), ip_version=version, gateway_ip=gateway,
            allocation_pools=pools, enable_dhcp=body.get('enable_dhcp', True),
            dns_nameservers=body.get('dns_nameservers', []),
            host_routes=body.get('host_routes', []), ipv6_ra_mode=None,
            ipv6_address_mode=None, subnetpool_id=None, service_types=[],
            segment_id=None, dns_publish_fixed_ip=False,
            description=body.get('description', ''))

    def created(self, doc):
        net = self.store.get(S, 'network', doc['network_id'])
        net['subnets'].append(doc['id'])
        common.put(self.store, 'network', net, bump=True)

    def delete(self, ctx, doc):
        if common.used_ips(self.store, doc['id']):
            raise common.in_use('SubnetInUse', 'Unable to complete '
                                'operation on subnet %s: One or more ports '
                                'have an IP allocation from this subnet.'
                                % doc['id'])
        net = self.store.get(S, 'network', doc['network_id'])
        if net:
            net['subnets'] = [s for s in net['subnets'] if s != doc['id']]
            common.put(self.store, 'network', net, bump=True)
        super().delete(ctx, doc)


class Ports(Kind):
    kind, collection = 'port', 'ports'
    updatable = ('name', 'description', 'admin_state_up', 'device_id',
                 'device_owner', 'security_groups', 'allowed_address_pairs',
                 'port_security_enabled', 'binding:host_id')

    def build(self, ctx, body, project_id):
        net = common.get(self.store, ctx, 'network',
                         body.get('network_id'))
        fields = {k: body[k] for k in self.updatable + ('fixed_ips',)
                  if k in body and k != 'name'}
        if body.get('mac_address'):
            fields['mac_address'] = body['mac_address']
        for group in fields.get('security_groups') or ():
            common.get(self.store, ctx, 'security_group', group)
        return common.port_doc(self.store, project_id, net['id'],
                               name=body.get('name', ''), **fields)

    def update(self, ctx, doc, body):
        super().update(ctx, doc, body)
        if 'fixed_ips' in body:
            doc['fixed_ips'] = []
            doc['fixed_ips'] = common.fixed_ips(self.store,
                                                doc['network_id'],
                                                body['fixed_ips'])
        doc['status'] = 'ACTIVE' if doc['device_id'] else 'DOWN'

    def delete(self, ctx, doc):
        if doc['device_owner'] == 'network:router_interface' and \
                not ctx.is_admin:
            raise common.in_use('PortInUse', 'Port %s cannot be deleted '
                                'directly via the port API: has device '
                                'owner network:router_interface.'
                                % doc['id'])
        common.delete_port(self.store, doc['id'])


class SecurityGroups(Kind):
    kind, collection = 'security_group', 'security-groups'
    updatable = ('name', 'description', 'stateful')

    def build(self, ctx, body, project_id):
        common.default_security_group(self.store, project_id)
        group = common.base(project_id, name=body.get('name', ''),
                            description=body.get('description', ''),
                            stateful=body.get('stateful', True),
                            shared=False)
        rules = [common.rule_doc(project_id, group['id'], 'egress', eth)
                 for eth in ('IPv4', 'IPv6')]
        for rule in rules:
            common.put(self.store, 'security_group_rule', rule)
        group['security_group_rules'] = rules
        return group

    def delete(self, ctx, doc):
        if any(doc['id'] in p['security_groups']
               for p in self.store.list(S, 'port')):
            raise common.in_use('SecurityGroupInUse', 'Security Group %s '
                                'in use.' % doc['id'])
        for rule in self.store.list(S, 'security_group_rule'):
            if rule['security_group_id'] == doc['id']:
                self.store.delete(S, 'security_group_rule', rule['id'])
        super().delete(ctx, doc)


class SecurityGroupRules(Kind):
    kind, collection = 'security_group_rule', 'security-group-rules'
    updatable = ('description',)

    def build(self, ctx, body, project_id):
        group = common.owned(self.store, ctx, 'security_group',
                             body.get('security_group_id'))
        if body.get('direction') not in ('ingress', 'egress'):
            raise common.bad_request("Invalid input for direction. Reason: "
                                     "%s is not in valid_values."
                                     % body.get('direction'))
        fields = {k: body[k] for k in (
            'protocol', 'port_range_min', 'port_range_max',
            'remote_ip_prefix', 'remote_group_id', 'description')
            if body.get(k) is not None}
        rule = common.rule_doc(group['project_id'], group['id'],
                               body['direction'],
                               body.get('ethertype', 'IPv4'), **fields)
        for other in self.store.list(S, 'security_group_rule'):
            if other['security_group_id'] == group['id'] and all(
                    other.get(k) == rule.get(k) for k in RULE_MATCH):
                raise common.in_use('SecurityGroupRuleExists',
                                    'Security group rule already exists. '
                                    'Rule id is %s.' % other['id'])
        return rule

    def created(self, doc):
        self._sync(doc['security_group_id'])

    def delete(self, ctx, doc):
        super().delete(ctx, doc)
        self._sync(doc['security_group_id'])

    def _sync(self, group_id):
        group = self.store.get(S, 'security_group', group_id)
        if group:
            group['security_group_rules'] = [
                r for r in self.store.list(S, 'security_group_rule')
                if r['security_group_id'] == group_id]
            common.put(self.store, 'security_group', group, bump=True)
