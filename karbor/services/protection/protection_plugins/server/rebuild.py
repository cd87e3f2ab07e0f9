"""Make a saved server again, from restored parts.

The server boots from an image made from the saved disk bytes, or from its
restored boot volume; it gets a NIC on each saved network (the restored
one, or the original if it still exists), with the saved fixed IP when
that address is free; the restored data volumes are attached at their
saved device names. ``made`` keeps the ids of what was created.
"""

from novaclient import exceptions as nova_exc

from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection.protection_plugins.image import image_data

SERVER_TYPE = constants.SERVER_RESOURCE_TYPE
IMAGE_TYPE = constants.IMAGE_RESOURCE_TYPE
ATTACHING = ('available', 'attaching', 'reserved')


class RebuildError(Exception):
    """A part of the server could not be made; the message says which."""


class Rebuild(object):
    """One restore of a saved server.

    :param clients: object with ``nova``, ``glance``, ``cinder`` and
        ``neutron`` attributes.
    :param waiter: a ``waiting.Waiter``.
    :param saved: the server's saved metadata.
    :param section: the server's bank section (its disk bytes).
    """

    def __init__(self, clients, waiter, saved, section):
        self.clients = clients
        self.waiter = waiter
        self.saved = saved
        self.section = section
        self.made = {}

    def run(self, name, new_resources, record):
        """Make the server; return its id once ACTIVE with its volumes."""
        boot = self.saved['boot_metadata']
        image_id, bdm = None, None
        if boot['boot_device_type'] == 'image':
            image_id = self._boot_image(name, record)
        else:
            bdm = [self._boot_volume(boot, new_resources)]
        server_id = self._create(name, image_id, bdm, new_resources)
        record.update_resource_status(SERVER_TYPE, server_id,
                                      constants.RESOURCE_STATUS_RESTORING)
        self._wait_active(server_id)
        self._attach_volumes(server_id, new_resources)
        return server_id

    # Boot device

    def _boot_image(self, name, record):
        """An image of the saved disk bytes (checked, active)."""
        options = self.waiter.options
        try:
            image_id = image_data.restore_image(
                self.clients.glance, self.section,
                self.saved['snapshot_metadata'], '%s-root-disk' % name,
                poll_interval=options.poll_interval,
                timeout=options.status_timeout)
        except image_data.ImageDataError as err:
            raise RebuildError(_('the image of the server\'s disk was not '
                                 'made: %s') % err)
        self.made['image_id'] = image_id
        record.update_resource_status(IMAGE_TYPE, image_id,
                                      constants.RESOURCE_STATUS_AVAILABLE)
        return image_id

    @staticmethod
    def _boot_volume(boot, new_resources):
        volume_id = new_resources.get(boot['boot_volume_id'])
        if not volume_id:
            raise RebuildError(_('the boot volume %s was not restored')
                               % boot['boot_volume_id'])
        return {'uuid': volume_id, 'source_type': 'volume',
                'destination_type': 'volume', 'boot_index': 0,
                'device_name': boot.get('boot_device'),
                'delete_on_termination': False}

    # Networks

    def _network_now(self, network_id, new_resources):
        mapped = new_resources.get(network_id)
        if mapped:
            return mapped
        try:
            self.clients.neutron.show_network(network_id)
        except Exception:
            raise RebuildError(_('network %s of the server no longer '
                                 'exists and was not restored')
                               % network_id)
        return network_id

    def _ip_free(self, network_id, address):
        ports = self.clients.neutron.list_ports(
            network_id=network_id,
            fixed_ips='ip_address=%s' % address)['ports']
        return not ports

    def _nics(self, new_resources):
        nics = []
        for port in self.saved['server_metadata'].get('networks') or ():
            network_id = self._network_now(port['network_id'],
                                           new_resources)
            nic = {'net-id': network_id}
            for ip in port.get('fixed_ips') or ():
                if ':' not in ip['ip_address'] and self._ip_free(
                        network_id, ip['ip_address']):
                    nic['v4-fixed-ip'] = ip['ip_address']
                    break
            nics.append(nic)
        # None of them: Nova (before 2.37) picks the project's network.
        return nics or None

    # Server

    def _key_name(self, key_name):
        if not key_name:
            return None
        try:
            self.clients.nova.keypairs.get(key_name)
        except nova_exc.NotFound:
            return None
        return key_name

    def _create(self, name, image_id, bdm, new_resources):
        meta = self.saved['server_metadata']
        server = self.clients.nova.servers.create(
            name, image_id or '', meta['flavor'],
            meta=meta.get('metadata') or None,
            security_groups=meta.get('security_groups') or None,
            key_name=self._key_name(meta.get('key_name')),
            availability_zone=meta.get('availability_zone'),
            block_device_mapping_v2=bdm,
            nics=self._nics(new_resources))
        self.made['server_id'] = server.id
        return server.id

    def _wait_active(self, server_id):
        try:
            self.waiter.server(self.clients.nova, server_id, ('ACTIVE',))
        except Exception as err:
            server = getattr(err, 'obj', None)
            fault = (getattr(server, 'fault', None) or {}).get('message')
            raise RebuildError(_('server %(id)s did not become ACTIVE: '
                                 '%(err)s') % {'id': server_id,
                                               'err': fault or err})

    def _attach_volumes(self, server_id, new_resources):
        boot_volume = self.saved['boot_metadata'].get('boot_volume_id')
        attached = self.saved.get('attach_metadata') or {}
        for volume_id, attach in sorted(attached.items(),
                                        key=lambda i: i[1]['device']):
            if volume_id == boot_volume:
                continue
            new_id = new_resources.get(volume_id)
            if not new_id:
                raise RebuildError(_('volume %s was not restored')
                                   % volume_id)
            self._attach(server_id, volume_id, new_id, attach['device'])

    def _attach(self, server_id, volume_id, new_id, device):
        cinder = self.clients.cinder
        try:
            self.clients.nova.volumes.create_server_volume(
                server_id, new_id, device)
            self.waiter.volume(cinder, new_id, ('in-use',),
                               ignore=('attaching', 'reserved'))
        except Exception as err:
            raise RebuildError(_(
                'attaching the restored volume %(new)s (of volume '
                '%(old)s) at %(device)s failed: %(err)s') % {
                'new': new_id, 'old': volume_id, 'device': device,
                'err': err})
