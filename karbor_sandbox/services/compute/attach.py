"""Nova ``os-volume_attachments`` and ``os-interface``."""

from karbor_sandbox import service
from karbor_sandbox.services.compute import common
from karbor_sandbox.services.compute import devices
from karbor_sandbox.services.network import common as net
from karbor_sandbox.services.volume import attachments
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import tasks
from karbor_sandbox import wsgi

ATTACHABLE = ('active', 'stopped', 'paused', 'suspended')


def _attachment_view(req, doc, bdm):
    body = {'id': bdm['volume_id'], 'serverId': doc['id'],
            'volumeId': bdm['volume_id'], 'device': bdm['device']}
    if common.at_least(req, '2.70'):
        body['tag'] = bdm['tag']
    if common.at_least(req, '2.79'):
        body['delete_on_termination'] = bdm['delete_on_termination']
    if common.at_least(req, '2.89'):
        body.pop('id')
        body.update(attachment_id=bdm['attachment_id'],
                    bdm_uuid=bdm['bdm_uuid'])
    return body


class VolumeAttachmentController(wsgi.Controller):

    def _bdm(self, doc, volume_id):
        for bdm in doc['_bdms']:
            if bdm['volume_id'] == volume_id:
                return bdm
        raise wsgi.NotFound('Instance %s is not attached.' % volume_id)

    @wsgi.route('GET', '/servers/{server_id}/os-volume_attachments')
    def index(self, req, server_id):
        doc = common.server(self.store, req, server_id)
        return {'volumeAttachments': [_attachment_view(req, doc, b)
                                      for b in doc['_bdms']]}

    @wsgi.route('GET', '/servers/{server_id}/os-volume_attachments/'
                       '{volume_id}')
    def show(self, req, server_id, volume_id):
        doc = common.server(self.store, req, server_id)
        return {'volumeAttachment': _attachment_view(
            req, doc, self._bdm(doc, volume_id))}

    @wsgi.route('POST', '/servers/{server_id}/os-volume_attachments')
    def create(self, req, server_id):
        body = wsgi.json_body(req, 'volumeAttachment')
        if not body.get('volumeId'):
            raise wsgi.BadRequest("Invalid input for field/attribute "
                                  "volumeAttachment. 'volumeId' is a "
                                  "required property")
        ctx = service.context(req)
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if doc['OS-EXT-STS:vm_state'] not in ATTACHABLE:
                raise common.conflict(doc, 'attach_volume')
            volume = devices.volume_of(self.store, ctx, body['volumeId'])
            fault = self.cloud.faults.take(self.service.name, 'attach',
                                           volume['id'],
                                           volume.get('metadata'))
            if fault and fault.is_error:
                return {'volumeAttachment': _failing_attach(
                    self.cloud, req, doc, volume['id'], body.get('device'))}
            bdm = devices.attach(
                self.cloud, doc, body['volumeId'], device=body.get('device'),
                delete_on_termination=body.get('delete_on_termination',
                                               False), tag=body.get('tag'))
            common.save(self.store, doc)
        return {'volumeAttachment': _attachment_view(req, doc, bdm)}

    @wsgi.route('DELETE', '/servers/{server_id}/os-volume_attachments/'
                          '{volume_id}')
    def delete(self, req, server_id, volume_id):
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            bdm = self._bdm(doc, volume_id)
            if bdm['boot_index'] == 0:
                raise wsgi.BadRequest("Can't detach root device volume")
            devices.detach(self.cloud, doc, bdm)
            common.save(self.store, doc)
        return wsgi.json_response(None, 202)


def _failing_attach(cloud, req, doc, volume_id, device):
    """An attach that the compute host will fail: the volume is reserved,
    the API answers as usual, then Nova rolls the reservation back (the
    volume is ``available`` again, the server has no such BDM)."""
    device = device or devices.next_device(doc)
    att = attachments.attach(cloud, volume_id, doc['id'],
                             mountpoint=device, connector=False)
    cloud.tasks.schedule('server.attach_failed', attachment_id=att['id'])
    return _attachment_view(req, doc, {
        'volume_id': volume_id, 'device': device, 'tag': None,
        'delete_on_termination': False, 'attachment_id': att['id'],
        'bdm_uuid': att['id']})


@tasks.handler('server.attach_failed')
def _attach_failed(cloud, attachment_id):
    if cloud.store.get(volumes.S, 'attachment', attachment_id):
        attachments.detach(cloud, attachment_id)


def _interface_view(port):
    return {'port_id': port['id'], 'net_id': port['network_id'],
            'mac_addr': port['mac_address'], 'port_state': port['status'],
            'fixed_ips': [dict(ip) for ip in port['fixed_ips']]}


class InterfaceController(wsgi.Controller):

    @wsgi.route('GET', '/servers/{server_id}/os-interface')
    def index(self, req, server_id):
        common.server(self.store, req, server_id)
        return {'interfaceAttachments': [
            _interface_view(p) for p in net.device_ports(self.store,
                                                         server_id)]}

    @wsgi.route('GET', '/servers/{server_id}/os-interface/{port_id}')
    def show(self, req, server_id, port_id):
        common.server(self.store, req, server_id)
        for port in net.device_ports(self.store, server_id):
            if port['id'] == port_id:
                return {'interfaceAttachment': _interface_view(port)}
        raise wsgi.NotFound('Port %s is not attached' % port_id)

    @wsgi.route('POST', '/servers/{server_id}/os-interface')
    def create(self, req, server_id):
        body = wsgi.json_body(req, 'interfaceAttachment', required=False)
        ctx = service.context(req)
        request = {'port': body.get('port_id'),
                   'uuid': body.get('net_id') or 'auto'}
        if body.get('fixed_ips'):
            request['fixed_ip'] = body['fixed_ips'][0].get('ip_address')
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if doc['OS-EXT-STS:vm_state'] not in ATTACHABLE:
                raise common.conflict(doc, 'attach_interface')
            port = devices.plug(self.store, ctx, server_id, request)
            if port is None:
                raise wsgi.BadRequest('No network available to attach')
        return {'interfaceAttachment': _interface_view(port)}

    @wsgi.route('DELETE', '/servers/{server_id}/os-interface/{port_id}')
    def delete(self, req, server_id, port_id):
        with self.store.transaction():
            common.server(self.store, req, server_id)
            for port in net.device_ports(self.store, server_id):
                if port['id'] == port_id:
                    devices.unplug(self.store, port)
                    return wsgi.json_response(None, 202)
        raise wsgi.NotFound('Port %s is not attached' % port_id)
