"""Neutron routers (gateways, interfaces) and floating IPs."""

from karbor_sandbox import service
from karbor_sandbox.services.network import common
from karbor_sandbox.services.network import kinds
from karbor_sandbox import wsgi

S = common.S


def _external_network(store, ctx, network_id):
    net = common.get(store, ctx, 'network', network_id)
    if not net['router:external']:
        raise common.bad_request('Bad router request: Network %s is not '
                                 'an external network.' % network_id)
    return net


class Routers(kinds.Kind):
    kind, collection = 'router', 'routers'
    updatable = ('name', 'description', 'admin_state_up', 'routes')

    def build(self, ctx, body, project_id):
        doc = common.base(project_id, name=body.get('name', ''),
                          description=body.get('description', ''),
                          admin_state_up=body.get('admin_state_up', True),
                          status='ACTIVE', external_gateway_info=None,
                          routes=[], distributed=False, ha=False,
                          availability_zones=['nova'],
                          availability_zone_hints=[], flavor_id=None)
        if body.get('external_gateway_info'):
            self._set_gateway(ctx, doc, body['external_gateway_info'])
        return doc

    def update(self, ctx, doc, body):
        super().update(ctx, doc, body)
        if 'external_gateway_info' in body:
            self._set_gateway(ctx, doc, body['external_gateway_info'])

    def _set_gateway(self, ctx, doc, info):
        for port in common.device_ports(self.store, doc['id']):
            if port['device_owner'] == 'network:router_gateway':
                common.delete_port(self.store, port['id'])
        doc['external_gateway_info'] = None
        if not info or not info.get('network_id'):
            return
        net = _external_network(self.store, ctx, info['network_id'])
        port = common.create_port(
            self.store, '', net['id'], device_id=doc['id'],
            device_owner='network:router_gateway', security_groups=[],
            fixed_ips=info.get('external_fixed_ips'))
        doc['external_gateway_info'] = {
            'network_id': net['id'],
            'enable_snat': info.get('enable_snat', True),
            'external_fixed_ips': port['fixed_ips']}

    def delete(self, ctx, doc):
        ports = common.device_ports(self.store, doc['id'])
        if any(p['device_owner'] == 'network:router_interface'
               for p in ports):
            raise common.in_use('RouterInUse', 'Router %s still has ports'
                                % doc['id'])
        for port in ports:
            common.delete_port(self.store, port['id'])
        super().delete(ctx, doc)


class FloatingIPs(kinds.Kind):
    kind, collection = 'floatingip', 'floatingips'
    updatable = ('description',)

    def build(self, ctx, body, project_id):
        net = _external_network(self.store, ctx,
                                body.get('floating_network_id'))
        gw_port = common.port_doc(
            self.store, '', net['id'], device_owner='network:floatingip',
            security_groups=[], fixed_ips=[{'ip_address': body[
                'floating_ip_address']}] if body.get(
                    'floating_ip_address') else None)
        doc = common.base(
            project_id, floating_network_id=net['id'],
            floating_ip_address=gw_port['fixed_ips'][0]['ip_address'],
            port_id=None, fixed_ip_address=None, router_id=None,
            status='DOWN', description=body.get('description', ''),
            port_details=None, dns_domain='', dns_name='', qos_policy_id=None)
        del doc['name']
        gw_port['device_id'] = doc['id']
        common.put(self.store, 'port', gw_port)
        if body.get('port_id'):
            associate(self.store, ctx, doc, body['port_id'],
                      body.get('fixed_ip_address'))
        return doc

    def update(self, ctx, doc, body):
        super().update(ctx, doc, body)
        if 'port_id' in body:
            associate(self.store, ctx, doc, body['port_id'],
                      body.get('fixed_ip_address'))

    def delete(self, ctx, doc):
        for port in common.device_ports(self.store, doc['id']):
            self.store.delete(S, 'port', port['id'])
        super().delete(ctx, doc)


def _router_for(store, port, network_id):
    """The router joining the port's subnet to the external network."""
    subnets = {ip['subnet_id'] for ip in port['fixed_ips']}
    for router in store.list(S, 'router'):
        gateway = router['external_gateway_info'] or {}
        if gateway.get('network_id') != network_id:
            continue
        for iface in common.device_ports(store, router['id']):
            if {ip['subnet_id'] for ip in iface['fixed_ips']} & subnets:
                return router['id']
    return None


def associate(store, ctx, fip, port_id, fixed_ip=None):
    """Bind a floating IP to a port (``port_id`` None unbinds it)."""
    if port_id is None:
        fip.update(port_id=None, fixed_ip_address=None, router_id=None,
                   status='DOWN', port_details=None)
        return fip
    port = common.owned(store, ctx, 'port', port_id)
    addresses = [ip['ip_address'] for ip in port['fixed_ips']]
    if not addresses or (fixed_ip and fixed_ip not in addresses):
        raise common.bad_request('Bad floatingip request: Port %s does not '
                                 'have fixed ip %s.' % (port_id, fixed_ip))
    for other in store.list(S, 'floatingip'):
        if other['port_id'] == port_id and other['id'] != fip['id'] and \
                other['fixed_ip_address'] == (fixed_ip or addresses[0]):
            raise common.in_use('FloatingIPPortAlreadyAssociated',
                                'Cannot associate floating IP %s with port '
                                '%s: it already has floating IP %s.' % (
                                    fip['floating_ip_address'], port_id,
                                    other['floating_ip_address']))
    fip.update(port_id=port_id, fixed_ip_address=fixed_ip or addresses[0],
               router_id=_router_for(store, port, fip['floating_network_id']),
               status='ACTIVE', port_details={
                   'name': port['name'], 'network_id': port['network_id'],
                   'mac_address': port['mac_address'],
                   'admin_state_up': port['admin_state_up'],
                   'status': port['status'], 'device_id': port['device_id'],
                   'device_owner': port['device_owner']})
    return fip


class InterfaceController(wsgi.Controller):
    """``PUT /v2.0/routers/{id}/add_router_interface`` and remove."""

    @wsgi.route('PUT', '/v2.0/routers/{router_id}/add_router_interface')
    def add(self, req, router_id):
        ctx = service.context(req)
        body = wsgi.json_body(req)
        with self.store.transaction():
            router = common.owned(self.store, ctx, 'router', router_id)
            if body.get('port_id'):
                port = common.owned(self.store, ctx, 'port', body['port_id'])
                if port['device_id']:
                    raise common.in_use('PortInUse', 'Port %s is in use.'
                                        % port['id'])
            elif body.get('subnet_id'):
                subnet = common.get(self.store, ctx, 'subnet',
                                    body['subnet_id'])
                port = common.port_doc(
                    self.store, router['project_id'], subnet['network_id'],
                    security_groups=[], fixed_ips=[{
                        'subnet_id': subnet['id'],
                        'ip_address': subnet['gateway_ip']}])
            else:
                raise common.bad_request('Bad router request: Either '
                                         'subnet_id or port_id must be '
                                         'specified.')
            port.update(device_id=router_id, status='ACTIVE',
                        device_owner='network:router_interface')
            common.put(self.store, 'port', port, bump=True)
        subnet_ids = [ip['subnet_id'] for ip in port['fixed_ips']]
        return {'id': router_id, 'tenant_id': router['project_id'],
                'project_id': router['project_id'], 'port_id': port['id'],
                'network_id': port['network_id'],
                'subnet_id': subnet_ids[0] if subnet_ids else None,
                'subnet_ids': subnet_ids}

    @wsgi.route('PUT', '/v2.0/routers/{router_id}/remove_router_interface')
    def remove(self, req, router_id):
        ctx = service.context(req)
        body = wsgi.json_body(req)
        with self.store.transaction():
            router = common.owned(self.store, ctx, 'router', router_id)
            ports = [p for p in common.device_ports(self.store, router_id)
                     if p['device_owner'] == 'network:router_interface' and
                     (p['id'] == body.get('port_id') or body.get(
                         'subnet_id') in [ip['subnet_id']
                                          for ip in p['fixed_ips']])]
            if not ports:
                raise common.error(404, 'RouterInterfaceNotFound',
                                   'Router %s does not have an interface '
                                   'with id %s' % (router_id, body.get(
                                       'port_id') or body.get('subnet_id')))
            port = ports[0]
            common.delete_port(self.store, port['id'])
        subnet_ids = [ip['subnet_id'] for ip in port['fixed_ips']]
        return {'id': router_id, 'tenant_id': router['project_id'],
                'project_id': router['project_id'], 'port_id': port['id'],
                'network_id': port['network_id'], 'subnet_id': subnet_ids[0],
                'subnet_ids': subnet_ids}

