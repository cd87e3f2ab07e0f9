"""Cinder snapshots."""

from karbor_sandbox import service
from karbor_sandbox.services.volume import common
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S


def blob_key(snapshot_id):
    return 'snapshot-%s' % snapshot_id


def view(req, doc):
    return common.public(req, doc, 'snapshots')


class SnapshotController(wsgi.Controller):

    def _get(self, req, snapshot_id):
        return common.get(self.store, req, 'snapshot', snapshot_id,
                          'Snapshot')

    @wsgi.route('POST', '/snapshots')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'snapshot')
        if not body.get('volume_id'):
            raise wsgi.BadRequest("Invalid input received: 'volume_id' "
                                  "must be specified")
        force = utils.as_bool(body.get('force', False))
        with self.store.transaction():
            volume = volumes.get_volume(self.store, req, body['volume_id'])
            allowed = ('available', 'in-use') if force else ('available',)
            common.require_status(volume, allowed, 'Volume')
            now = utils.isotime()
            doc = common.put(self.store, 'snapshot', {
                'id': utils.new_uuid(), 'name': body.get('name'),
                'description': body.get('description'),
                'status': 'creating', 'size': volume['size'],
                'volume_id': volume['id'], 'created_at': now,
                'updated_at': now,
                'metadata': dict(body.get('metadata') or {}),
                'user_id': ctx.user_id, 'group_snapshot_id': None,
                'consumes_quota': True,
                'os-extended-snapshot-attributes:project_id':
                    ctx.project_id,
                'os-extended-snapshot-attributes:progress': '0%',
                '_project_id': ctx.project_id})
            self.service.run_later('snapshot.created', 'snapshot',
                                   volume['id'], volume['metadata'],
                                   snapshot_id=doc['id'])
        return 202, {'snapshot': view(req, doc)}

    @wsgi.route('GET', '/snapshots')
    def index(self, req):
        docs, marker = common.listing(req, self.store, 'snapshot',
                                      ('name', 'status', 'volume_id'))
        return common.page(req, docs, 'snapshots', view, marker)

    @wsgi.route('GET', '/snapshots/detail')
    def detail(self, req):
        return self.index(req)

    @wsgi.route('GET', '/snapshots/{snapshot_id}')
    def show(self, req, snapshot_id):
        return {'snapshot': view(req, self._get(req, snapshot_id))}

    @wsgi.route('PUT', '/snapshots/{snapshot_id}')
    def update(self, req, snapshot_id):
        body = wsgi.json_body(req, 'snapshot')
        with self.store.transaction():
            doc = self._get(req, snapshot_id)
            doc.update({k: body[k] for k in ('name', 'description')
                        if k in body})
            common.put(self.store, 'snapshot', doc)
        return {'snapshot': view(req, doc)}

    @wsgi.route('DELETE', '/snapshots/{snapshot_id}')
    def delete(self, req, snapshot_id):
        with self.store.transaction():
            doc = self._get(req, snapshot_id)
            common.require_status(doc, ('available', 'error'), 'Snapshot')
            self._delete(doc)
        return wsgi.json_response(None, 202)

    def _delete(self, doc):
        doc['status'] = 'deleting'
        common.put(self.store, 'snapshot', doc)
        self.service.run_later('snapshot.deleted', 'delete', doc['id'],
                               doc['metadata'], snapshot_id=doc['id'])

    @wsgi.route('POST', '/snapshots/{snapshot_id}/action')
    def action(self, req, snapshot_id):
        body = wsgi.json_body(req)
        with self.store.transaction():
            doc = self._get(req, snapshot_id)
            if not common.is_admin(req):
                raise wsgi.Forbidden()
            if 'os-reset_status' in body:
                doc['status'] = body['os-reset_status'].get('status')
                common.put(self.store, 'snapshot', doc)
            elif 'os-force_delete' in body:
                self._delete(doc)
            else:
                raise wsgi.BadRequest('Invalid action')
        return wsgi.json_response(None, 202)


def _set(cloud, snapshot_id, **fields):
    return common.update(cloud.store, 'snapshot', snapshot_id, **fields)


@tasks.handler('snapshot.created')
def _created(cloud, snapshot_id, error=None):
    if error:
        _set(cloud, snapshot_id, status='error')
        return
    doc = cloud.store.get(S, 'snapshot', snapshot_id)
    if doc is None:
        return
    cloud.blobs.copy(volumes.blob_key(doc['volume_id']),
                     blob_key(snapshot_id))
    _set(cloud, snapshot_id, status='available',
         **{'os-extended-snapshot-attributes:progress': '100%'})


@tasks.handler('snapshot.deleted')
def _deleted(cloud, snapshot_id, error=None):
    if error:
        _set(cloud, snapshot_id, status='error_deleting')
        return
    cloud.store.delete(S, 'snapshot', snapshot_id)
    cloud.blobs.delete(blob_key(snapshot_id))
