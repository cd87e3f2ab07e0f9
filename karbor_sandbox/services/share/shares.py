"""Manila shares: create (also from a snapshot), list, show, delete."""

from karbor_sandbox import service
from karbor_sandbox.services.share import common
from karbor_sandbox.services.share import files
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
PROTOCOLS = ('NFS', 'CIFS', 'GLUSTERFS', 'HDFS', 'CEPHFS', 'MAPRFS')
DELETABLE = ('available', 'error', 'inactive', 'manage_error',
             'unmanage_error', 'extending_error', 'shrinking_error')
FILTERS = ('name', 'status', 'share_network_id', 'snapshot_id', 'host',
           'share_type_id', 'availability_zone', 'share_proto',
           'is_soft_deleted')


def view(req, doc):
    body = common.view(req, doc, 'shares')
    if not service.context(req).is_admin:
        for key in ('host', 'share_server_id'):
            body.pop(key, None)
    return body


def summary(req, doc):
    body = view(req, doc)
    return {k: body[k] for k in ('id', 'name', 'links')}


class ShareController(wsgi.Controller):

    def _type(self, name_or_id):
        wanted = name_or_id or 'default'
        for doc in self.store.list(S, 'share_type'):
            if wanted in (doc['id'], doc['name']):
                return doc
        raise wsgi.NotFound('Share type %s not found.' % wanted)

    def _fields(self, req, body):
        proto = str(body.get('share_proto', '')).upper()
        if proto not in PROTOCOLS:
            raise wsgi.BadRequest('Invalid share protocol provided: %s'
                                  % body.get('share_proto'))
        size = common.size_of(body.get('size'))
        fields = {'share_proto': proto, 'size': size, 'snapshot_id': None}
        if body.get('snapshot_id'):
            snap = common.get(self.store, req, 'snapshot',
                              body['snapshot_id'])
            common.require_status(snap, ('available',), 'Snapshot')
            if size < snap['size']:
                raise wsgi.BadRequest('Share size must be greater than or '
                                      'equal to the snapshot size.')
            fields['snapshot_id'] = snap['id']
            fields['_source'] = files.snapshot_key(snap['id'])
        if body.get('share_network_id'):
            common.get(self.store, req, 'share_network',
                       body['share_network_id'])
        zone = body.get('availability_zone') or common.AZ
        if zone != common.AZ:
            raise wsgi.NotFound('Availability zone %s could not be found.'
                                % zone)
        return fields

    @wsgi.route('POST', '/shares')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'share')
        fields = self._fields(req, body)
        stype = self._type(body.get('share_type') or body.get('volume_type'))
        now = utils.isotime()
        doc = dict(fields, **{
            'id': utils.new_uuid(), 'name': body.get('name'),
            'description': body.get('description'), 'status': 'creating',
            'availability_zone': common.AZ, 'created_at': now,
            'updated_at': now, 'share_type': stype['id'],
            'share_type_name': stype['name'], 'volume_type': stype['name'],
            'share_network_id': body.get('share_network_id'),
            'share_server_id': None, 'share_group_id': None,
            'project_id': ctx.project_id, 'user_id': ctx.user_id,
            'metadata': dict(body.get('metadata') or {}),
            'is_public': utils.as_bool(body.get('is_public', False)),
            'host': common.HOST, 'has_replicas': False,
            'replication_type': None, 'task_state': None,
            'snapshot_support': True,
            'create_share_from_snapshot_support': True,
            'revert_to_snapshot_support': False,
            'mount_snapshot_support': False, 'access_rules_status': 'active',
            'source_share_group_snapshot_member_id': None,
            'progress': '0%', 'is_soft_deleted': False,
            'scheduled_to_be_deleted_at': None, 'source_backup_id': None,
            'export_location': None, 'export_locations': []})
        source = doc.pop('_source', None)
        common.put(self.store, 'share', doc)
        self.service.run_later('share.created', 'create', doc['id'],
                               doc['metadata'], share_id=doc['id'],
                               source=source)
        return {'share': view(req, doc)}

    @wsgi.route('GET', '/shares')
    def index(self, req):
        docs = common.listing(req, self.store, 'share', FILTERS)
        return {'shares': [summary(req, d) for d in docs]}

    @wsgi.route('GET', '/shares/detail')
    def detail(self, req):
        docs = common.listing(req, self.store, 'share', FILTERS)
        return {'shares': [view(req, d) for d in docs]}

    @wsgi.route('GET', '/shares/{share_id}')
    def show(self, req, share_id):
        return {'share': view(req, common.get(self.store, req, 'share',
                                              share_id))}

    @wsgi.route('PUT', '/shares/{share_id}')
    def update(self, req, share_id):
        body = wsgi.json_body(req, 'share')
        with self.store.transaction():
            doc = common.get(self.store, req, 'share', share_id)
            for key in ('name', 'description', 'display_name',
                        'display_description', 'is_public'):
                if key in body:
                    doc[key.replace('display_', '')] = body[key]
            common.put(self.store, 'share', doc)
        return {'share': view(req, doc)}

    @wsgi.route('DELETE', '/shares/{share_id}')
    def delete(self, req, share_id):
        with self.store.transaction():
            doc = common.get(self.store, req, 'share', share_id)
            dependents = [s for s in self.store.list(S, 'snapshot')
                          if s['share_id'] == share_id]
            if dependents:
                # Manila answers 403 (InvalidShare) here.
                raise wsgi.Forbidden('Invalid share: Share still has %s '
                                     'dependent snapshots.'
                                     % len(dependents))
            common.require_status(doc, DELETABLE, 'Share')
            doc['status'] = 'deleting'
            common.put(self.store, 'share', doc)
            self.service.run_later('share.deleted', 'delete', share_id,
                                   doc['metadata'], share_id=share_id)
        return wsgi.json_response(None, 202)

    @wsgi.route('POST', '/shares/{share_id}/action')
    def action(self, req, share_id):
        """The admin actions: reset_status, reset_task_state and
        force_delete (``os-`` prefixed before microversion 2.7)."""
        body = wsgi.json_body(req)
        name = next(iter(body), '') if len(body) == 1 else ''
        name = name[3:] if name.startswith('os-') else name
        if name not in ('reset_status', 'reset_task_state', 'force_delete'):
            raise wsgi.BadRequest('Invalid request body')
        if not service.context(req).is_admin:
            raise wsgi.Forbidden("Policy doesn't allow share:%s to be "
                                 "performed." % name)
        args = next(iter(body.values())) or {}
        with self.store.transaction():
            doc = common.get(self.store, req, 'share', share_id)
            if name == 'force_delete':
                self.store.delete(S, 'share', share_id)
                files.remove_tree(self.cloud, files.share_key(share_id))
            else:
                key = 'status' if name == 'reset_status' else 'task_state'
                doc[key] = args.get(key)
                common.put(self.store, 'share', doc)
        return wsgi.json_response(None, 202)

    @wsgi.route('GET', '/shares/{share_id}/export_locations')
    def export_locations(self, req, share_id):
        doc = common.get(self.store, req, 'share', share_id)
        return {'export_locations': [
            {'id': doc['id'], 'path': path, 'preferred': True,
             'share_instance_id': doc['id'], 'is_admin_only': False}
            for path in doc['export_locations']]}

    @wsgi.route('GET', '/shares/{share_id}/metadata')
    def metadata(self, req, share_id):
        return {'metadata': common.get(self.store, req, 'share',
                                       share_id)['metadata']}

    @wsgi.route('POST', '/shares/{share_id}/metadata')
    def set_metadata(self, req, share_id):
        body = wsgi.json_body(req)
        if not isinstance(body.get('metadata'), dict):
            raise wsgi.BadRequest('Malformed request body')
        with self.store.transaction():
            doc = common.get(self.store, req, 'share', share_id)
            doc['metadata'].update(body['metadata'])
            common.put(self.store, 'share', doc)
        return {'metadata': doc['metadata']}


def set_status(cloud, share_id, status, **fields):
    return cloud.store.update(S, 'share', share_id, status=status, **fields)


@tasks.handler('share.created')
def _created(cloud, share_id, source=None, error=None):
    if error:
        set_status(cloud, share_id, 'error', progress=None)
        return
    files.copy_tree(cloud, source, files.share_key(share_id))
    path = '127.0.0.1:/shares/share_%s' % share_id.replace('-', '_')
    set_status(cloud, share_id, 'available', progress='100%',
               export_location=path, export_locations=[path])


@tasks.handler('share.deleted')
def _deleted(cloud, share_id, error=None):
    if error:
        set_status(cloud, share_id, 'error_deleting')
        return
    cloud.store.delete(S, 'share', share_id)
    files.remove_tree(cloud, files.share_key(share_id))
