"""Cinder volume actions (``POST /volumes/{id}/action``)."""

from karbor_sandbox import service
from karbor_sandbox.services.image import images
from karbor_sandbox.services.volume import attachments
from karbor_sandbox.services.volume import common
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

ADMIN_ACTIONS = ('os-reset_status', 'os-force_delete')


class VolumeActionController(wsgi.Controller):
    """Each ``_<action>`` method handles one ``os-<action>``."""

    @wsgi.route('POST', '/volumes/{volume_id}/action')
    def action(self, req, volume_id):
        body = wsgi.json_body(req)
        if len(body) != 1:
            raise wsgi.BadRequest('Malformed request body')
        name, args = next(iter(body.items()))
        handler = getattr(self, '_' + name.replace('os-', '', 1), None)
        if not name.startswith('os-') or handler is None:
            raise wsgi.NotFound('There is no such action: %s' % name)
        if name in ADMIN_ACTIONS and not common.is_admin(req):
            raise wsgi.Forbidden()
        with self.store.transaction():
            volume = volumes.get_volume(self.store, req, volume_id)
            result = handler(req, volume, args if isinstance(args, dict)
                             else {})
        if result is None:
            return wsgi.json_response(None, 202)
        return result

    def _save(self, volume, **fields):
        volume.update(fields)
        common.put(self.store, 'volume', volume)

    def _reserve(self, req, volume, args):
        common.require_status(volume, ('available',), 'Volume')
        self._save(volume, status='attaching')

    def _unreserve(self, req, volume, args):
        if volume['status'] == 'attaching':
            self._save(volume, status='in-use' if volume['attachments']
                       else 'available')

    def _begin_detaching(self, req, volume, args):
        common.require_status(volume, ('in-use',), 'Volume')
        self._save(volume, status='detaching')

    def _roll_detaching(self, req, volume, args):
        if volume['status'] == 'detaching':
            self._save(volume, status='in-use')

    def _attach(self, req, volume, args):
        if volume['status'] == 'attaching':
            self._save(volume, status='available')
        attachments.attach(self.cloud, volume['id'],
                           args.get('instance_uuid'),
                           host_name=args.get('host_name'),
                           mountpoint=args.get('mountpoint'),
                           mode=args.get('mode', 'rw'))

    def _detach(self, req, volume, args):
        found = [a for a in attachments.find(self.cloud, volume['id'])
                 if args.get('attachment_id') in (None, a['id'])]
        if not found:
            raise wsgi.BadRequest('Invalid volume: Volume must be attached '
                                  'in order to detach.')
        for att in found:
            attachments.detach(self.cloud, att['id'])

    def _initialize_connection(self, req, volume, args):
        return {'connection_info': dict(attachments.CONNECTION_INFO)}

    def _terminate_connection(self, req, volume, args):
        return None

    def _extend(self, req, volume, args):
        common.require_status(volume, ('available',), 'Volume')
        size = common.size_of(args.get('new_size'), 'new_size')
        if size <= volume['size']:
            raise wsgi.BadRequest(
                'Invalid input received: New size for extend must be '
                'greater than current size. (current: %s, extended: %s).'
                % (volume['size'], size))
        self._save(volume, status='extending')
        self.service.run_later('volume.extended', 'extend', volume['id'],
                               volume['metadata'], volume_id=volume['id'],
                               size=size)

    def _set_bootable(self, req, volume, args):
        self._save(volume, bootable=str(utils.as_bool(
            args.get('bootable'))).lower())

    def _update_readonly_flag(self, req, volume, args):
        volume['metadata']['readonly'] = str(utils.as_bool(
            args.get('readonly'))).lower()
        self._save(volume)

    def _volume_upload_image(self, req, volume, args):
        """Cinder's upload to image: a new Glance image of the volume's
        bytes; the volume is ``uploading`` meanwhile."""
        force = utils.as_bool(args.get('force', False))
        allowed = ('available', 'in-use') if force else ('available',)
        if volume['status'] not in allowed:
            raise wsgi.BadRequest('Invalid volume: Volume %s status must be '
                                  '%s.' % (volume['id'],
                                           ' or '.join(allowed)))
        ctx = service.context(req)
        image = images.new_image(
            self.store, ctx.project_id, name=args.get('image_name'),
            disk_format=args.get('disk_format') or 'raw',
            container_format=args.get('container_format') or 'bare',
            visibility=args.get('visibility') or 'shared',
            protected=utils.as_bool(args.get('protected', False)),
            status='saving')
        previous = volume['status']
        self._save(volume, status='uploading')
        self.service.run_later('volume.uploaded', 'upload', volume['id'],
                               volume['metadata'], volume_id=volume['id'],
                               image_id=image['id'], previous=previous)
        return {'os-volume_upload_image': {
            'id': volume['id'], 'updated_at': volume['updated_at'],
            'status': 'uploading',
            'display_description': volume['description'],
            'size': volume['size'], 'volume_type': volume['volume_type'],
            'image_id': image['id'],
            'container_format': image['container_format'],
            'disk_format': image['disk_format'],
            'image_name': image['name'], 'visibility': image['visibility'],
            'protected': image['protected']}}

    def _reset_status(self, req, volume, args):
        if 'status' not in args:
            raise wsgi.BadRequest('Must specify status')
        self._save(volume, status=args['status'])

    def _force_delete(self, req, volume, args):
        self._save(volume, status='deleting')
        self.service.run_later('volume.deleted', 'delete', volume['id'],
                               volume['metadata'], volume_id=volume['id'])


@tasks.handler('volume.uploaded')
def _uploaded(cloud, volume_id, image_id, previous, error=None):
    volumes.set_status(cloud, volume_id, previous)
    if error:
        images.set_fields(cloud.store, image_id, status='killed')
        return
    images.fill(cloud, image_id, volumes.blob_key(volume_id))


@tasks.handler('volume.extended')
def _extended(cloud, volume_id, size, error=None):
    if error:
        volumes.set_status(cloud, volume_id, 'error_extending')
    else:
        volumes.set_status(cloud, volume_id, 'available', size=size)
