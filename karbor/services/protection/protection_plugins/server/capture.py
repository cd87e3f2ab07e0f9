"""What is saved about a server to make it again.

The metadata (under the original plugin's keys):

* ``server_metadata``: name, flavor (id), key_name, metadata,
  availability_zone, security_groups (names) and ``networks``: one entry
  per port, ``{"network_id", "port_id", "fixed_ips": [{"subnet_id",
  "ip_address"}]}``;
* ``attach_metadata``: attached volume id -> ``{"device", "bootable"}``;
* ``boot_metadata``: ``{"boot_device_type": "image", "boot_image_id"}`` or
  ``{"boot_device_type": "volume", "boot_volume_id", "boot_device"}``.

The bytes of an image-booted server's disk are saved apart, as
``snapshot_metadata`` and the data objects of ``image.image_data``.
"""

ROOT_DEVICE = '/dev/vda'


def _boot_volume(attachments):
    """The attached volume the server boots from (its root device, else
    the first bootable one)."""
    for volume_id, attach in attachments.items():
        if attach['device'] == ROOT_DEVICE:
            return volume_id
    for volume_id, attach in attachments.items():
        if attach['bootable']:
            return volume_id
    return None


def attachments(nova, cinder, server_id):
    """Attached volume id -> ``{"device", "bootable"}``."""
    found = {}
    for attachment in nova.volumes.get_server_volumes(server_id):
        volume = cinder.volumes.get(attachment.volumeId)
        found[attachment.volumeId] = {
            'device': attachment.device,
            'bootable': str(getattr(volume, 'bootable', 'false')).lower()
            == 'true'}
    return found


def networks(neutron, server_id):
    """The server's ports with their fixed IPs."""
    return [{'network_id': port['network_id'], 'port_id': port['id'],
             'fixed_ips': [{'subnet_id': ip.get('subnet_id'),
                            'ip_address': ip['ip_address']}
                           for ip in port['fixed_ips']]}
            for port in neutron.list_ports(device_id=server_id)['ports']]


def capture(nova, cinder, neutron, server):
    """The metadata restore needs (see the module's docstring)."""
    attached = attachments(nova, cinder, server.id)
    image_id = (server.image.get('id') if isinstance(server.image, dict)
                else None)
    if image_id:
        boot = {'boot_device_type': 'image', 'boot_image_id': image_id}
    else:
        volume_id = _boot_volume(attached)
        boot = {'boot_device_type': 'volume', 'boot_volume_id': volume_id,
                'boot_device': attached.get(volume_id, {}).get(
                    'device', ROOT_DEVICE)}
    return {
        'resource_id': server.id,
        'server_metadata': {
            'name': server.name,
            'flavor': server.flavor.get('id'),
            'key_name': getattr(server, 'key_name', None),
            'metadata': dict(server.metadata or {}),
            'availability_zone': getattr(
                server, 'OS-EXT-AZ:availability_zone', None),
            'security_groups': sorted({
                g['name'] for g in getattr(server, 'security_groups', None)
                or ()}),
            'networks': networks(neutron, server.id),
        },
        'attach_metadata': attached,
        'boot_metadata': boot,
    }
