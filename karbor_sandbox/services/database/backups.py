"""Trove backups: NEW -> BUILDING -> COMPLETED (or FAILED)."""

from karbor_sandbox import service
from karbor_sandbox.services.database import common
from karbor_sandbox.services.database import instances
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S


def blob_key(backup_id):
    return 'trove-backup-%s' % backup_id


def view(doc):
    return {k: v for k, v in doc.items() if not k.startswith('_')}


class BackupController(wsgi.Controller):

    @wsgi.route('POST', '/backups')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'backup')
        if not body.get('name') or not body.get('instance'):
            raise wsgi.BadRequest("Required element/key 'name' and "
                                  "'instance' were not specified")
        with self.store.transaction():
            inst = instances.get_instance(self.store, req, body['instance'])
            if inst['status'] != 'ACTIVE':
                raise common.unprocessable('Instance %s is not ready. '
                                           '(Status is %s).'
                                           % (inst['id'], inst['status']))
            dstore, version = common.datastore(
                self.store, inst['datastore']['type'],
                inst['datastore']['version'])
            stamp = common.now()
            doc = common.put(self.store, 'backup', {
                'id': utils.new_uuid(), 'name': body['name'],
                'description': body.get('description'), 'status': 'NEW',
                'instance_id': inst['id'], 'created': stamp,
                'updated': stamp, 'size': None, 'locationRef': None,
                'parent_id': body.get('parent_id'),
                'datastore': {'type': dstore['name'],
                              'version': version['name'],
                              'version_id': version['id']},
                'project_id': ctx.project_id, 'storage_driver': 'swift',
                '_project_id': ctx.project_id})
            instances.set_status(self.cloud, inst['id'], 'BACKUP')
            self.service.run_later('trove.backup_started', 'backup',
                                   inst['id'], None, backup_id=doc['id'])
        return 202, {'backup': view(doc)}

    @wsgi.route('GET', '/backups')
    def index(self, req):
        docs = common.visible(req, self.store, 'backup')
        for key in ('instance_id', 'project_id'):
            if req.GET.get(key):
                docs = [d for d in docs if d[key] == req.GET[key]]
        if req.GET.get('datastore'):
            docs = [d for d in docs
                    if req.GET['datastore'] in (d['datastore']['type'],
                                                d['datastore']['version_id'])]
        return common.paginate(req, docs, 'backups', view)

    @wsgi.route('GET', '/instances/{instance_id}/backups')
    def for_instance(self, req, instance_id):
        instances.get_instance(self.store, req, instance_id)
        docs = [b for b in common.visible(req, self.store, 'backup')
                if b['instance_id'] == instance_id]
        return common.paginate(req, docs, 'backups', view)

    @wsgi.route('GET', '/backups/{backup_id}')
    def show(self, req, backup_id):
        return {'backup': view(common.get(self.store, req, 'backup',
                                          backup_id, 'Backup'))}

    @wsgi.route('DELETE', '/backups/{backup_id}')
    def delete(self, req, backup_id):
        with self.store.transaction():
            doc = common.get(self.store, req, 'backup', backup_id, 'Backup')
            if doc['status'] in ('NEW', 'BUILDING'):
                raise common.unprocessable('Backup %s cannot be deleted '
                                           'while it is %s.'
                                           % (backup_id, doc['status']))
            self.store.delete(S, 'backup', backup_id)
        self.cloud.blobs.delete(blob_key(backup_id))
        return wsgi.json_response(None, 202)


def _set(cloud, backup_id, **fields):
    return common.update(cloud.store, 'backup', backup_id, **fields)


@tasks.handler('trove.backup_started')
def _started(cloud, backup_id, error=None):
    doc = _set(cloud, backup_id, status='FAILED' if error else 'BUILDING')
    if doc is None:
        return
    if error:
        instances.set_status(cloud, doc['instance_id'], 'ACTIVE')
        return
    cloud.tasks.schedule('trove.backup_done', backup_id=backup_id)


@tasks.handler('trove.backup_done')
def _done(cloud, backup_id, error=None):
    doc = cloud.store.get(S, 'backup', backup_id)
    if doc is None:
        return
    source = instances.blob_key(doc['instance_id'])
    cloud.blobs.copy(source, blob_key(backup_id))
    size = round(cloud.blobs.size(blob_key(backup_id)) / 1024.0 ** 3, 4)
    location = '%s/object-store/v1/AUTH_%s/database_backups/%s.xbstream.gz' \
        % (cloud.base_url, doc['_project_id'], backup_id)
    _set(cloud, backup_id, status='COMPLETED', size=size,
         locationRef=location)
    instances.set_status(cloud, doc['instance_id'], 'ACTIVE')
