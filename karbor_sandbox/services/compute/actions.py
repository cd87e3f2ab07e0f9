"""Nova server actions (``POST /servers/{id}/action``) and snapshots."""

import json

from karbor_sandbox import service
from karbor_sandbox.services.compute import common
from karbor_sandbox.services.compute import servers
from karbor_sandbox.services.image import images
from karbor_sandbox.services.network import common as net
from karbor_sandbox.services.network import routers
from karbor_sandbox import tasks
from karbor_sandbox import wsgi

S = common.S
# action: (states it is allowed from, transient task_state, final state)
TRANSITIONS = {
    'os-stop': (('active',), 'powering-off', 'stopped'),
    'os-start': (('stopped',), 'powering-on', 'active'),
    'pause': (('active',), 'pausing', 'paused'),
    'unpause': (('paused',), 'unpausing', 'active'),
    'suspend': (('active',), 'suspending', 'suspended'),
    'resume': (('suspended',), 'resuming', 'active'),
    'reboot': (('active', 'stopped', 'paused', 'suspended'), 'rebooting',
               'active'),
}
SNAPSHOT_STATES = ('active', 'stopped', 'paused', 'suspended')


class ActionController(wsgi.Controller):

    @wsgi.route('POST', '/servers/{server_id}/action')
    def action(self, req, server_id):
        body = wsgi.json_body(req)
        if len(body) != 1:
            raise wsgi.BadRequest('Malformed request body')
        name, args = next(iter(body.items()))
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if name in TRANSITIONS:
                return self._transition(doc, name)
            handler = getattr(self, '_' + name.replace('-', '_'), None)
            if handler is None:
                raise wsgi.BadRequest('There is no such action: %s' % name)
            return handler(req, doc, args if isinstance(args, dict) else {})

    def _transition(self, doc, name):
        allowed, task_state, final = TRANSITIONS[name]
        if doc['OS-EXT-STS:vm_state'] not in allowed or \
                doc['OS-EXT-STS:task_state']:
            raise common.conflict(doc, name.replace('os-', ''))
        doc['OS-EXT-STS:task_state'] = task_state
        common.save(self.store, doc)
        self.service.run_later('server.transition', name.replace('os-', ''),
                               doc['id'], doc['metadata'],
                               server_id=doc['id'], vm_state=final)
        return wsgi.json_response(None, 202)

    def _lock(self, req, doc, args):
        doc.update(locked=True, locked_reason=args.get('locked_reason'))
        common.save(self.store, doc)
        return wsgi.json_response(None, 202)

    def _unlock(self, req, doc, args):
        doc.update(locked=False, locked_reason=None)
        common.save(self.store, doc)
        return wsgi.json_response(None, 202)

    def _createImage(self, req, doc, args):
        if not args.get('name'):
            raise wsgi.BadRequest("Invalid input for field/attribute "
                                  "createImage. 'name' is a required "
                                  "property")
        if doc['OS-EXT-STS:vm_state'] not in SNAPSHOT_STATES or \
                doc['OS-EXT-STS:task_state']:
            raise common.conflict(doc, 'createImage')
        image = snapshot(self.cloud, doc, args['name'],
                         args.get('metadata') or {})
        fault = self.cloud.faults.take(self.service.name, 'createImage',
                                       doc['id'], doc['metadata'])
        if fault and fault.is_error:
            # Nova deletes the image of a snapshot that failed.
            self.cloud.tasks.schedule('server.snapshot_failed',
                                      image_id=image['id'])
        location = '%s/image/v2/images/%s' % (req.host_url, image['id'])
        body = ({'image_id': image['id']}
                if common.at_least(req, '2.45') else None)
        return wsgi.json_response(body, 202, {'Location': location})

    def _fip(self, req, doc, address):
        ctx = service.context(req)
        for fip in self.store.list(net.S, 'floatingip'):
            if fip['floating_ip_address'] == address and (
                    ctx.is_admin or fip['project_id'] == ctx.project_id):
                return ctx, fip
        raise wsgi.NotFound('floating IP not found')

    def _addFloatingIp(self, req, doc, args):
        if common.at_least(req, '2.44'):
            raise wsgi.NotFound('There is no such action: addFloatingIp')
        ctx, fip = self._fip(req, doc, args.get('address'))
        fixed = args.get('fixed_address')
        ports = [p for p in net.device_ports(self.store, doc['id'])
                 if not fixed or fixed in [ip['ip_address']
                                           for ip in p['fixed_ips']]]
        if not ports:
            raise wsgi.BadRequest('No nw_info cache associated with '
                                  'instance')
        routers.associate(self.store, ctx, fip, ports[0]['id'], fixed)
        net.put(self.store, 'floatingip', fip, bump=True)
        return wsgi.json_response(None, 202)

    def _removeFloatingIp(self, req, doc, args):
        if common.at_least(req, '2.44'):
            raise wsgi.NotFound('There is no such action: removeFloatingIp')
        ctx, fip = self._fip(req, doc, args.get('address'))
        if fip['port_id'] not in [p['id'] for p in net.device_ports(
                self.store, doc['id'])]:
            raise wsgi.Conflict('Floating IP %s is not associated with '
                                'instance %s.' % (args.get('address'),
                                                  doc['id']))
        routers.associate(self.store, ctx, fip, None)
        net.put(self.store, 'floatingip', fip, bump=True)
        return wsgi.json_response(None, 202)


def snapshot(cloud, doc, name, metadata):
    """Nova's ``createImage``: a Glance image of the server.

    An image-booted server's image gets its root disk's bytes (a copy of
    the boot image); a volume-booted one gets a zero-byte image carrying
    ``block_device_mapping`` as Nova does.
    """
    glance = cloud.service(images.S)
    base = images.find(cloud.store, doc['_image_id']) if doc[
        '_image_id'] else None
    props = {k: str(v) for k, v in metadata.items()}
    props.update(image_type='snapshot', instance_uuid=doc['id'],
                 user_id=doc['user_id'], image_location='snapshot',
                 base_image_ref=doc['_image_id'] or '')
    fields = dict(name=name, visibility='private',
                  disk_format=base['disk_format'] if base else 'qcow2',
                  container_format=base['container_format'] if base
                  else 'bare', min_disk=doc['_flavor']['disk'],
                  min_ram=doc['_flavor']['ram'], **props)
    if base is None:
        fields['bdm_v2'] = 'True'
        fields['root_device_name'] = '/dev/vda'
        fields['block_device_mapping'] = json.dumps([
            {'source_type': 'volume', 'destination_type': 'volume',
             'volume_id': b['volume_id'], 'device_name': b['device'],
             'boot_index': b['boot_index'],
             'delete_on_termination': b['delete_on_termination']}
            for b in doc['_bdms']])
    image = images.new_image(cloud.store, doc['tenant_id'], **fields)
    images.start_copy(glance, image, images.blob_key(base['id'])
                      if base else None)
    return image


@tasks.handler('server.snapshot_failed')
def _snapshot_failed(cloud, image_id):
    cloud.store.delete(images.S, 'image', image_id)
    cloud.blobs.delete(images.blob_key(image_id))


@tasks.handler('server.transition')
def _transition(cloud, server_id, vm_state, error=None):
    doc = cloud.store.get(S, 'server', server_id)
    if doc is None:
        return
    if error:
        doc['OS-EXT-STS:task_state'] = None
    else:
        servers.set_state(doc, vm_state)
    common.save(cloud.store, doc)
