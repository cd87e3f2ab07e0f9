"""Manila share snapshots."""

from karbor_sandbox import service
from karbor_sandbox.services.share import common
from karbor_sandbox.services.share import files
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
FILTERS = ('name', 'status', 'share_id', 'share_proto', 'size')


def view(req, doc):
    body = common.view(req, doc, 'snapshots')
    if not service.context(req).is_admin:
        body.pop('provider_location', None)
    return body


class SnapshotController(wsgi.Controller):

    @wsgi.route('POST', '/snapshots')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'snapshot')
        if not body.get('share_id'):
            raise wsgi.BadRequest("Invalid input received: 'share_id' must "
                                  "be specified")
        force = utils.as_bool(body.get('force', False))
        with self.store.transaction():
            share = common.get(self.store, req, 'share', body['share_id'])
            if share['status'] != 'available' and not force:
                raise wsgi.BadRequest('Invalid share: Source share status '
                                      'must be available, current status '
                                      'is %s.' % share['status'])
            now = utils.isotime()
            doc = common.put(self.store, 'snapshot', {
                'id': utils.new_uuid(), 'share_id': share['id'],
                'share_size': share['size'], 'size': share['size'],
                'share_proto': share['share_proto'], 'status': 'creating',
                'name': body.get('name') or body.get('display_name'),
                'description': body.get('description') or body.get(
                    'display_description'),
                'created_at': now, 'updated_at': now,
                'project_id': ctx.project_id, 'user_id': ctx.user_id,
                'provider_location': None, 'metadata': dict(
                    body.get('metadata') or {})})
            self.service.run_later('share_snapshot.created', 'snapshot',
                                   share['id'], share['metadata'],
                                   snapshot_id=doc['id'])
        return 202, {'snapshot': view(req, doc)}

    @wsgi.route('GET', '/snapshots')
    def index(self, req):
        docs = common.listing(req, self.store, 'snapshot', FILTERS)
        return {'snapshots': [{'id': d['id'], 'name': d['name'],
                               'links': view(req, d)['links']}
                              for d in docs]}

    @wsgi.route('GET', '/snapshots/detail')
    def detail(self, req):
        docs = common.listing(req, self.store, 'snapshot', FILTERS)
        return {'snapshots': [view(req, d) for d in docs]}

    @wsgi.route('GET', '/snapshots/{snapshot_id}')
    def show(self, req, snapshot_id):
        return {'snapshot': view(req, common.get(self.store, req, 'snapshot',
                                                 snapshot_id))}

    @wsgi.route('PUT', '/snapshots/{snapshot_id}')
    def update(self, req, snapshot_id):
        body = wsgi.json_body(req, 'snapshot')
        with self.store.transaction():
            doc = common.get(self.store, req, 'snapshot', snapshot_id)
            for key in ('name', 'description'):
                if key in body:
                    doc[key] = body[key]
            common.put(self.store, 'snapshot', doc)
        return {'snapshot': view(req, doc)}

    @wsgi.route('DELETE', '/snapshots/{snapshot_id}')
    def delete(self, req, snapshot_id):
        with self.store.transaction():
            doc = common.get(self.store, req, 'snapshot', snapshot_id)
            common.require_status(doc, ('available', 'error'), 'Snapshot')
            doc['status'] = 'deleting'
            common.put(self.store, 'snapshot', doc)
            self.service.run_later('share_snapshot.deleted', 'delete',
                                   snapshot_id, doc['metadata'],
                                   snapshot_id=snapshot_id)
        return wsgi.json_response(None, 202)

    @wsgi.route('POST', '/snapshots/{snapshot_id}/action')
    def action(self, req, snapshot_id):
        body = wsgi.json_body(req)
        if not service.context(req).is_admin:
            raise wsgi.Forbidden()
        with self.store.transaction():
            doc = common.get(self.store, req, 'snapshot', snapshot_id)
            if 'reset_status' in body or 'os-reset_status' in body:
                args = body.get('reset_status') or body['os-reset_status']
                doc['status'] = args.get('status')
                common.put(self.store, 'snapshot', doc)
            elif 'force_delete' in body or 'os-force_delete' in body:
                self.store.delete(S, 'snapshot', snapshot_id)
                files.remove_tree(self.cloud, files.snapshot_key(snapshot_id))
            else:
                raise wsgi.BadRequest('Invalid request body')
        return wsgi.json_response(None, 202)


def _set(cloud, snapshot_id, status):
    return cloud.store.update(S, 'snapshot', snapshot_id, status=status)


@tasks.handler('share_snapshot.created')
def _created(cloud, snapshot_id, error=None):
    doc = _set(cloud, snapshot_id, 'error' if error else 'available')
    if doc and not error:
        files.copy_tree(cloud, files.share_key(doc['share_id']),
                        files.snapshot_key(snapshot_id))


@tasks.handler('share_snapshot.deleted')
def _deleted(cloud, snapshot_id, error=None):
    if error:
        _set(cloud, snapshot_id, 'error_deleting')
        return
    cloud.store.delete(S, 'snapshot', snapshot_id)
    files.remove_tree(cloud, files.snapshot_key(snapshot_id))
