"""Cinder volumes: create/list/show/update/delete, metadata, tasks."""

from karbor_sandbox import service
from karbor_sandbox.services.image import images
from karbor_sandbox.services.volume import common
from karbor_sandbox.services.volume import misc
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
DELETABLE = ('available', 'error', 'error_restoring', 'error_extending',
             'error_managing')


def blob_key(volume_id):
    return 'volume-%s' % volume_id


def view(req, doc):
    body = common.public(req, doc, 'volumes')
    if not common.is_admin(req):
        for key in [k for k in body if k.startswith('os-vol-host-attr') or
                    k.startswith('os-vol-mig-status-attr')]:
            del body[key]
    return body


def get_volume(store, req, volume_id):
    return common.get(store, req, 'volume', volume_id, 'Volume')


def new_volume(cloud, project_id, user_id, size, name=None, status='creating',
               **fields):
    """Build and save a volume document (used by restores and seeds too);
    413 over the project's quotas."""
    misc.check_quota(cloud.store, project_id, size)
    types = cloud.service(S).types
    vtype = types.find(fields.pop('volume_type', None))
    now = utils.isotime()
    doc = {'id': utils.new_uuid(), 'name': name, 'status': status,
           'size': size, 'description': fields.pop('description', None),
           'availability_zone': common.AZ, 'created_at': now,
           'updated_at': now, 'volume_type': vtype['name'],
           'volume_type_id': vtype['id'], 'snapshot_id': None,
           'source_volid': None, 'backup_id': None, 'metadata': {},
           'bootable': 'false', 'encrypted': False, 'multiattach': False,
           'attachments': [], 'replication_status': 'disabled',
           'consistencygroup_id': None, 'group_id': None,
           'provider_id': None, 'shared_targets': False,
           'service_uuid': None, 'cluster_name': None,
           'consumes_quota': True, 'migration_status': None,
           'user_id': user_id, 'os-vol-tenant-attr:tenant_id': project_id,
           'os-vol-host-attr:host': common.HOST,
           'os-vol-mig-status-attr:migstat': None,
           'os-vol-mig-status-attr:name_id': None,
           '_project_id': project_id}
    doc.update(fields)
    return common.put(cloud.store, 'volume', doc)


class VolumeController(wsgi.Controller):

    def _source(self, req, body):
        """Validate the snapshot/volume/backup a volume is created from."""
        fields, source_blob = {}, None
        if body.get('snapshot_id'):
            snap = common.get(self.store, req, 'snapshot',
                              body['snapshot_id'], 'Snapshot')
            common.require_status(snap, ('available',), 'Snapshot')
            fields = {'snapshot_id': snap['id'], 'size': snap['size']}
            source_blob = 'snapshot-%s' % snap['id']
        elif body.get('source_volid'):
            src = get_volume(self.store, req, body['source_volid'])
            common.require_status(src, ('available', 'in-use'), 'Volume')
            fields = {'source_volid': src['id'], 'size': src['size']}
            source_blob = blob_key(src['id'])
        elif body.get('backup_id'):
            backup = common.get(self.store, req, 'backup', body['backup_id'],
                                'Backup')
            common.require_status(backup, ('available',), 'Backup')
            fields = {'backup_id': backup['id'], 'size': backup['size']}
            source_blob = 'backup-%s' % backup['id']
        return fields, source_blob

    @wsgi.route('POST', '/volumes')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'volume')
        fields, source_blob = self._source(req, body)
        size = common.size_of(body.get('size') or fields.get('size'))
        if size < fields.get('size', 0):
            raise wsgi.BadRequest(
                'Invalid input received: Volume size %s cannot be lesser '
                'than the source size %s.' % (size, fields['size']))
        fields['size'] = size
        zone = body.get('availability_zone') or common.AZ
        if zone != common.AZ:
            raise wsgi.BadRequest("Invalid input received: Availability "
                                  "zone '%s' is invalid." % zone)
        if body.get('imageRef'):
            image = _source_image(self.cloud, req, body['imageRef'])
            fields['_image_id'] = image['id']
            fields['bootable'] = 'true'
            source_blob = images.blob_key(image['id'])
        fields.update(metadata=dict(body.get('metadata') or {}),
                      description=body.get('description'),
                      volume_type=body.get('volume_type'),
                      multiattach=utils.as_bool(body.get('multiattach')))
        doc = new_volume(self.cloud, ctx.project_id, ctx.user_id,
                         name=body.get('name'), **fields)
        self.service.run_later('volume.created', 'create', doc['id'],
                               doc['metadata'], volume_id=doc['id'],
                               source_blob=source_blob)
        return 202, {'volume': view(req, doc)}

    @wsgi.route('GET', '/volumes')
    def index(self, req):
        docs, marker = common.listing(req, self.store, 'volume')
        return common.page(req, docs, 'volumes',
                           lambda r, d: common.summary(view(r, d)), marker)

    @wsgi.route('GET', '/volumes/detail')
    def detail(self, req):
        docs, marker = common.listing(req, self.store, 'volume',
                                      ('name', 'status', 'bootable',
                                       'availability_zone'))
        body = common.page(req, docs, 'volumes', view, marker)
        if utils.as_bool(req.GET.get('with_count', False)):
            body['count'] = len(docs)
        return body

    @wsgi.route('GET', '/volumes/summary')
    def summary(self, req):
        docs, _marker = common.listing(req, self.store, 'volume')
        return {'volume-summary': {'total_count': len(docs),
                                   'total_size': sum(d['size']
                                                     for d in docs),
                                   'metadata': {}}}

    @wsgi.route('GET', '/volumes/{volume_id}')
    def show(self, req, volume_id):
        return {'volume': view(req, get_volume(self.store, req, volume_id))}

    @wsgi.route('PUT', '/volumes/{volume_id}')
    def update(self, req, volume_id):
        body = wsgi.json_body(req, 'volume')
        with self.store.transaction():
            doc = get_volume(self.store, req, volume_id)
            for key in ('name', 'description', 'metadata'):
                if key in body:
                    doc[key] = body[key]
            if 'display_name' in body:
                doc['name'] = body['display_name']
            common.put(self.store, 'volume', doc)
        return {'volume': view(req, doc)}

    @wsgi.route('DELETE', '/volumes/{volume_id}')
    def delete(self, req, volume_id):
        cascade = utils.as_bool(req.GET.get('cascade', False))
        with self.store.transaction():
            doc = get_volume(self.store, req, volume_id)
            snaps = [s for s in self.store.list(S, 'snapshot')
                     if s['volume_id'] == volume_id]
            if (doc['status'] not in DELETABLE or doc['attachments'] or
                    (snaps and not cascade)):
                raise wsgi.BadRequest(
                    'Invalid volume: Volume status must be available or '
                    'error or error_restoring or error_extending or '
                    'error_managing and must not be migrating, attached, '
                    'belong to a group, have snapshots, awaiting a '
                    'transfer, or be disassociated from snapshots after '
                    'volume transfer.')
            for snap in snaps:
                self.store.delete(S, 'snapshot', snap['id'])
            doc['status'] = 'deleting'
            common.put(self.store, 'volume', doc)
            self.service.run_later('volume.deleted', 'delete', volume_id,
                                   doc['metadata'], volume_id=volume_id)
        return wsgi.json_response(None, 202)


def _source_image(cloud, req, image_id):
    """The active Glance image a volume is created from, as Cinder
    checks it."""
    image = images.find(cloud.store, image_id)
    if image is None or not images.visible(cloud.store,
                                           service.context(req), image):
        raise wsgi.NotFound('Image %s could not be found.' % image_id)
    if image['status'] != 'active':
        raise wsgi.BadRequest('Invalid input received: Image %s is not '
                              'active.' % image_id)
    return image


def set_status(cloud, volume_id, status, **fields):
    """Update a volume's status (a no-op if it has gone)."""
    return common.update(cloud.store, 'volume', volume_id, status=status,
                         **fields)


@tasks.handler('volume.created')
def _created(cloud, volume_id, source_blob=None, error=None):
    if error:
        set_status(cloud, volume_id, 'error')
        return
    if source_blob:
        cloud.blobs.copy(source_blob, blob_key(volume_id))
    set_status(cloud, volume_id, 'available')


@tasks.handler('volume.deleted')
def _deleted(cloud, volume_id, error=None):
    if error:
        set_status(cloud, volume_id, 'error_deleting')
        return
    cloud.store.delete(S, 'volume', volume_id)
    cloud.blobs.delete(blob_key(volume_id))
