"""A server's devices: Neutron ports (NICs) and Cinder volumes (BDMs).

Ports are documents of the network service with ``device_id`` = the
server; volumes are attached through the Cinder attachment helpers so
that they turn ``in-use`` with an attachment naming the server.
"""

from karbor_sandbox.services.compute import common
from karbor_sandbox.services.image import images
from karbor_sandbox.services.network import common as net
from karbor_sandbox.services.volume import attachments
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import wsgi

OWNER = 'compute:nova'


def _network_for(store, ctx, wanted):
    visible = [n for n in store.list(net.S, 'network')
               if net.visible(ctx, 'network', n)
               and not n['router:external']]
    if wanted == 'auto':
        if len(visible) > 1:
            raise wsgi.Conflict('Multiple possible networks found, use a '
                                'Network ID to be more specific.')
        return visible[:1]
    return [n for n in visible if n['id'] == wanted]


def security_group_ids(store, project_id, names):
    """Neutron ids of the named groups of a project (400 if unknown)."""
    if not names:
        return None
    groups = {g['name']: g['id'] for g in store.list(
        net.S, 'security_group', project_id=project_id)}
    groups.update({g['id']: g['id'] for g in store.list(
        net.S, 'security_group', project_id=project_id)})
    if 'default' in names and 'default' not in groups:
        groups['default'] = net.default_security_group(store,
                                                       project_id)['id']
    missing = [n for n in names if n not in groups]
    if missing:
        raise wsgi.BadRequest('Unable to find security_group with name or '
                              'id \'%s\'' % missing[0])
    return [groups[n] for n in names]


def plug(store, ctx, server_id, request, group_ids=None):
    """Create or bind a port for one ``networks`` entry of a request."""
    if request.get('port'):
        port = store.get(net.S, 'port', request['port'])
        if port is None or not net.visible(ctx, 'port', port):
            raise wsgi.NotFound('Port id %s could not be found.'
                                % request['port'])
        if port['device_id']:
            raise wsgi.Conflict('Port %s is still in use.' % port['id'])
        port.update(device_id=server_id, device_owner=OWNER,
                    status='ACTIVE')
        return net.put(store, 'port', port, bump=True)
    networks = _network_for(store, ctx, request.get('uuid', 'auto'))
    if request.get('uuid') not in (None, 'auto') and not networks:
        raise wsgi.BadRequest('Network %s could not be found.'
                              % request['uuid'])
    if not networks:
        return None
    fixed = ([{'ip_address': request['fixed_ip']}]
             if request.get('fixed_ip') else None)
    fields = {'_nova_created': True}
    if group_ids is not None:
        fields['security_groups'] = group_ids
    return net.create_port(store, ctx.project_id, networks[0]['id'],
                           device_id=server_id, device_owner=OWNER,
                           fixed_ips=fixed, **fields)


def unplug(store, port):
    if port.get('_nova_created'):
        net.delete_port(store, port['id'])
    else:
        port.update(device_id='', device_owner='', status='DOWN')
        net.put(store, 'port', port, bump=True)


def addresses(store, server_id):
    """Nova's ``addresses``: fixed and floating IPs by network name."""
    out = {}
    fips = store.list(net.S, 'floatingip')
    for port in net.device_ports(store, server_id):
        network = store.get(net.S, 'network', port['network_id'])
        entries = out.setdefault(network['name'] if network else '', [])
        for ip in port['fixed_ips']:
            entries.append(_address(ip['ip_address'], 'fixed', port))
            entries.extend(_address(f['floating_ip_address'], 'floating',
                                    port) for f in fips
                           if f['port_id'] == port['id'] and
                           f['fixed_ip_address'] == ip['ip_address'])
    return out


def _address(addr, kind, port):
    return {'version': 6 if ':' in addr else 4, 'addr': addr,
            'OS-EXT-IPS:type': kind,
            'OS-EXT-IPS-MAC:mac_addr': port['mac_address']}


def volume_of(store, ctx, volume_id):
    vol = store.get(volumes.S, 'volume', volume_id)
    if vol is None or (vol['_project_id'] != ctx.project_id and
                       not ctx.is_admin):
        raise wsgi.NotFound('Volume %s could not be found.' % volume_id)
    return vol


def next_device(doc):
    """The first free disk name; an image-booted server's root disk is
    ``/dev/vda``."""
    used = {b['device'] for b in doc['_bdms']}
    if doc['_image_id']:
        used.add('/dev/vda')
    for letter in 'abcdefghijklmnopqrstuvwxyz':
        name = '/dev/vd%s' % letter
        if name not in used:
            return name
    raise wsgi.BadRequest('No free disk device names')


def attach(cloud, doc, volume_id, device=None, boot_index=None,
           delete_on_termination=False, tag=None):
    """Attach a volume to a server and record the BDM."""
    vol = cloud.store.get(volumes.S, 'volume', volume_id)
    if vol['status'] != 'available':
        raise wsgi.BadRequest("Invalid volume: volume '%s' status must be "
                              "'available'. Currently in '%s'"
                              % (volume_id, vol['status']))
    device = device or next_device(doc)
    att = attachments.attach(cloud, volume_id, doc['id'],
                             host_name=common.HOST, mountpoint=device)
    bdm = {'volume_id': volume_id, 'device': device,
           'boot_index': boot_index, 'tag': tag,
           'delete_on_termination': bool(delete_on_termination),
           'attachment_id': att['id'], 'bdm_uuid': att['id']}
    doc['_bdms'].append(bdm)
    return bdm


def detach(cloud, doc, bdm):
    if cloud.store.get(volumes.S, 'attachment', bdm['attachment_id']):
        attachments.detach(cloud, bdm['attachment_id'])
    doc['_bdms'] = [b for b in doc['_bdms']
                    if b['volume_id'] != bdm['volume_id']]


def volume_from_image(cloud, ctx, image_id, size):
    """A bootable volume holding an image's bytes (boot from volume)."""
    image = images.find(cloud.store, image_id)
    if image is None or not images.visible(cloud.store, ctx, image):
        raise wsgi.BadRequest('Image %s could not be found.' % image_id)
    if image['status'] != 'active':
        raise wsgi.BadRequest('Image %s is not active.' % image_id)
    vol = volumes.new_volume(cloud, ctx.project_id, ctx.user_id, size or 1,
                             status='available', bootable='true',
                             _image_id=image_id, volume_image_metadata={
                                 'image_id': image_id,
                                 'image_name': image['name'] or '',
                                 'disk_format': image['disk_format'],
                                 'container_format':
                                     image['container_format'],
                                 'checksum': image['checksum']})
    cloud.blobs.copy(images.blob_key(image_id), volumes.blob_key(vol['id']))
    return vol
