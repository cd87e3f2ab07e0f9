"""Neutron documents: ownership, errors, defaults and IP allocation.

:func:`create_port`, :func:`device_ports` and :func:`delete_port` are
what Nova uses to plug servers into networks.
"""

import ipaddress
import random

from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'network'
LABELS = {'network': 'Network', 'subnet': 'Subnet', 'port': 'Port',
          'router': 'Router', 'floatingip': 'Floating IP',
          'security_group': 'Security Group',
          'security_group_rule': 'Security group rule'}
TYPES = {'network': 'NetworkNotFound', 'subnet': 'SubnetNotFound',
         'port': 'PortNotFound', 'router': 'RouterNotFound',
         'floatingip': 'FloatingIPNotFound',
         'security_group': 'SecurityGroupNotFound',
         'security_group_rule': 'SecurityGroupRuleNotFound'}


def error(code, kind, message):
    return wsgi.HTTPError(code, message, type=kind)


def not_found(kind, rid):
    label = LABELS[kind]
    if kind == 'floatingip':
        return error(404, TYPES[kind], 'Floating IP %s could not be found'
                     % rid)
    return error(404, TYPES[kind], '%s %s could not be found.'
                 % (label, rid))


def bad_request(message):
    return error(400, 'HTTPBadRequest', message)


def in_use(kind, message):
    return error(409, kind, message)


def now():
    return utils.isotime(zulu=True, micro=False)


def base(project_id, **fields):
    """Attributes every Neutron resource has."""
    stamp = now()
    doc = {'id': utils.new_uuid(), 'name': '', 'description': '',
           'tenant_id': project_id, 'project_id': project_id, 'tags': [],
           'created_at': stamp, 'updated_at': stamp, 'revision_number': 0}
    doc.update(fields)
    return doc


def put(store, kind, doc, bump=False):
    if bump:
        doc['revision_number'] += 1
        doc['updated_at'] = now()
    return store.put(S, kind, doc, project_id=doc['project_id'])


def visible(ctx, kind, doc, store=None):
    if ctx.is_admin or doc['project_id'] == ctx.project_id:
        return True
    if kind == 'network':
        return doc['shared'] or doc['router:external']
    if kind == 'subnet' and store is not None:
        net = store.get(S, 'network', doc['network_id'])
        return bool(net) and (net['shared'] or net['router:external'])
    return False


def get(store, ctx, kind, rid):
    doc = store.get(S, kind, rid)
    if doc is None or not visible(ctx, kind, doc, store):
        raise not_found(kind, rid)
    return doc


def owned(store, ctx, kind, rid):
    doc = get(store, ctx, kind, rid)
    if not ctx.is_admin and doc['project_id'] != ctx.project_id:
        raise not_found(kind, rid)
    return doc


def new_mac():
    return 'fa:16:3e:%02x:%02x:%02x' % tuple(random.randint(0, 255)
                                             for _ in range(3))


def used_ips(store, subnet_id):
    return {ip['ip_address'] for port in store.list(S, 'port')
            for ip in port['fixed_ips'] if ip['subnet_id'] == subnet_id}


def allocate_ip(store, subnet, wanted=None):
    """A free address of ``subnet`` (``wanted`` if free and in range)."""
    taken = used_ips(store, subnet['id'])
    if wanted:
        net = ipaddress.ip_network(subnet['cidr'])
        try:
            address = ipaddress.ip_address(wanted)
        except ValueError:
            raise bad_request("Invalid input for ip_address. Reason: '%s' "
                              "is not a valid IP address." % wanted)
        if address not in net:
            raise error(400, 'InvalidIpForSubnet', 'IP address %s is not '
                        'a valid IP for the specified subnet.' % wanted)
        if wanted in taken:
            raise error(409, 'IpAddressAlreadyAllocated', 'IP address %s '
                        'already allocated in subnet %s' % (wanted,
                                                           subnet['id']))
        return wanted
    for pool in subnet['allocation_pools']:
        start = ipaddress.ip_address(pool['start'])
        end = ipaddress.ip_address(pool['end'])
        while start <= end:
            if str(start) not in taken:
                return str(start)
            start += 1
    raise error(409, 'IpAddressGenerationFailure', 'No more IP addresses '
                'available on network %s.' % subnet['network_id'])


def fixed_ips(store, network_id, requested=None):
    """Allocate the fixed IPs of a new port on ``network_id``."""
    subnets = [s for s in store.list(S, 'subnet')
               if s['network_id'] == network_id]
    if requested is None:
        requested = [{'subnet_id': s['id']} for s in subnets
                     if s['ip_version'] == 4][:1]
    out = []
    for item in requested:
        subnet = next((s for s in subnets if s['id'] == item.get(
            'subnet_id') or (not item.get('subnet_id') and item.get(
                'ip_address') and ipaddress.ip_address(item['ip_address'])
                in ipaddress.ip_network(s['cidr']))), None)
        if subnet is None:
            raise bad_request('Invalid input for operation: Failed to '
                              'create port on network %s, because '
                              'fixed_ips included invalid subnet %s.'
                              % (network_id, item.get('subnet_id')))
        out.append({'subnet_id': subnet['id'], 'ip_address': allocate_ip(
            store, subnet, item.get('ip_address'))})
    return out


def default_security_group(store, project_id):
    """The project's ``default`` group, created on first use."""
    for group in store.list(S, 'security_group', project_id=project_id):
        if group['name'] == 'default':
            return group
    group = base(project_id, name='default', stateful=True, shared=False,
                 description='Default security group')
    rules = [rule_doc(project_id, group['id'], direction, ethertype,
                      remote_group_id=group['id']
                      if direction == 'ingress' else None)
             for direction in ('ingress', 'egress')
             for ethertype in ('IPv4', 'IPv6')]
    for rule in rules:
        put(store, 'security_group_rule', rule)
    group['security_group_rules'] = rules
    return put(store, 'security_group', group)


def rule_doc(project_id, group_id, direction, ethertype='IPv4', **fields):
    doc = base(project_id, security_group_id=group_id, direction=direction,
               ethertype=ethertype, protocol=None, port_range_min=None,
               port_range_max=None, remote_ip_prefix=None,
               remote_group_id=None, remote_address_group_id=None,
               normalized_cidr=None, belongs_to_default_sg=False)
    del doc['name']
    doc.update(fields)
    doc['normalized_cidr'] = doc['remote_ip_prefix'] and str(
        ipaddress.ip_network(doc['remote_ip_prefix'], strict=False))
    return doc


def port_doc(store, project_id, network_id, **fields):
    """Build (not save) a port with allocated addresses."""
    ips = fixed_ips(store, network_id, fields.pop('fixed_ips', None))
    groups = fields.pop('security_groups', None)
    if groups is None:
        groups = ([default_security_group(store, project_id)['id']]
                  if project_id else [])
    doc = base(project_id, network_id=network_id, mac_address=new_mac(),
               fixed_ips=ips, device_id='', device_owner='',
               admin_state_up=True, status='DOWN', security_groups=groups,
               allowed_address_pairs=[], extra_dhcp_opts=[],
               port_security_enabled=True, dns_name='',
               propagate_uplink_status=False,
               **{'binding:vnic_type': 'normal',
                  'binding:host_id': '', 'binding:profile': {},
                  'binding:vif_type': 'unbound',
                  'binding:vif_details': {}})
    doc.update(fields)
    doc['status'] = 'ACTIVE' if doc['device_id'] else 'DOWN'
    return doc


def create_port(store, project_id, network_id, **fields):
    return put(store, 'port', port_doc(store, project_id, network_id,
                                       **fields))


def device_ports(store, device_id):
    return [p for p in store.list(S, 'port') if p['device_id'] == device_id]


def delete_port(store, port_id):
    """Delete a port and free the floating IPs bound to it."""
    for fip in store.list(S, 'floatingip'):
        if fip['port_id'] == port_id:
            fip.update(port_id=None, fixed_ip_address=None, router_id=None,
                       status='DOWN')
            put(store, 'floatingip', fip, bump=True)
    store.delete(S, 'port', port_id)
