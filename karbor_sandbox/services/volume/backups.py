"""Cinder backups: full and incremental, delete, restore."""

import math

from karbor_sandbox import service
from karbor_sandbox.services.volume import common
from karbor_sandbox.services.volume import snapshots
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
DEFAULT_CONTAINER = 'volumebackups'
OBJECT_SIZE = 52428800


def blob_key(backup_id):
    return 'backup-%s' % backup_id


def view(req, doc):
    return common.public(req, doc, 'backups')


def summary(req, doc):
    return common.summary(view(req, doc))


def _latest(store, volume_id):
    done = [b for b in store.list(S, 'backup')
            if b['volume_id'] == volume_id and b['status'] == 'available']
    return done[-1] if done else None


class BackupController(wsgi.Controller):

    def _get(self, req, backup_id):
        return common.get(self.store, req, 'backup', backup_id, 'Backup')

    def _source(self, req, body):
        """The volume and snapshot to back up, checked as Cinder does.

        A backup from a snapshot needs an ``available`` snapshot of that
        volume, whatever the volume's status; a backup of the volume
        itself needs it ``available``, or ``in-use`` with ``force``.
        """
        volume = volumes.get_volume(self.store, req, body.get('volume_id'))
        if body.get('snapshot_id'):
            snapshot = common.get(self.store, req, 'snapshot',
                                  body['snapshot_id'], 'Snapshot')
            if snapshot['volume_id'] != volume['id']:
                raise wsgi.BadRequest(
                    'Invalid volume: Volume %s does not match with '
                    'snapshot.volume_id %s.' % (volume['id'],
                                                snapshot['volume_id']))
            common.require_status(
                snapshot, ('available',), 'Snapshot',
                'Invalid snapshot: Snapshot to be backed up must be '
                'available, but the current status is "%s".'
                % snapshot['status'])
            return volume, snapshot
        common.require_status(
            volume, ('available', 'in-use'), 'Volume',
            'Invalid volume: Volume to be backed up must be available or '
            'in-use, but the current status is "%s".' % volume['status'])
        if volume['status'] == 'in-use' and not utils.as_bool(
                body.get('force', False)):
            raise wsgi.BadRequest('Invalid volume: Backing up an in-use '
                                  'volume must use the force flag.')
        return volume, None

    @wsgi.route('POST', '/backups')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'backup')
        incremental = utils.as_bool(body.get('incremental', False))
        with self.store.transaction():
            volume, snapshot = self._source(req, body)
            parent = _latest(self.store, volume['id'])
            if incremental and parent is None:
                raise wsgi.BadRequest('Invalid backup: No backups available '
                                      'to do an incremental backup.')
            now = utils.isotime()
            doc = common.put(self.store, 'backup', {
                'id': utils.new_uuid(), 'name': body.get('name'),
                'description': body.get('description'),
                'status': 'creating', 'availability_zone': common.AZ,
                'volume_id': volume['id'],
                'snapshot_id': snapshot and snapshot['id'],
                'container': body.get('container') or DEFAULT_CONTAINER,
                'size': volume['size'], 'object_count': 0,
                'fail_reason': None, 'created_at': now, 'updated_at': now,
                'data_timestamp': snapshot['created_at'] if snapshot
                else now,
                'has_dependent_backups': False,
                'is_incremental': incremental,
                'metadata': dict(body.get('metadata') or {}),
                'user_id': ctx.user_id, 'encryption_key_id': None,
                'os-backup-project-attr:project_id': ctx.project_id,
                '_parent_id': parent['id'] if incremental else None,
                '_volume_status': volume['status'],
                '_project_id': ctx.project_id})
            _mark_source(self.cloud, doc, 'backing-up')
            self.service.run_later('backup.created', 'backup', volume['id'],
                                   volume['metadata'], backup_id=doc['id'])
        return 202, {'backup': summary(req, doc)}

    @wsgi.route('GET', '/backups')
    def index(self, req):
        docs, marker = common.listing(req, self.store, 'backup',
                                      ('name', 'status', 'volume_id'))
        return common.page(req, docs, 'backups', summary, marker)

    @wsgi.route('GET', '/backups/detail')
    def detail(self, req):
        docs, marker = common.listing(req, self.store, 'backup',
                                      ('name', 'status', 'volume_id'))
        body = common.page(req, docs, 'backups', view, marker)
        if utils.as_bool(req.GET.get('with_count', False)):
            body['count'] = len(docs)
        return body

    @wsgi.route('GET', '/backups/{backup_id}')
    def show(self, req, backup_id):
        return {'backup': view(req, self._get(req, backup_id))}

    @wsgi.route('PUT', '/backups/{backup_id}')
    def update(self, req, backup_id):
        body = wsgi.json_body(req, 'backup')
        with self.store.transaction():
            doc = self._get(req, backup_id)
            doc.update({k: body[k] for k in ('name', 'description',
                                             'metadata') if k in body})
            common.put(self.store, 'backup', doc)
        return {'backup': view(req, doc)}

    @wsgi.route('DELETE', '/backups/{backup_id}')
    def delete(self, req, backup_id):
        with self.store.transaction():
            doc = self._get(req, backup_id)
            force = utils.as_bool(req.GET.get('force', False))
            if not force:
                common.require_status(doc, ('available', 'error'), 'Backup',
                                      'Invalid backup: Backup status must '
                                      'be available or error')
            if doc['has_dependent_backups']:
                raise wsgi.BadRequest('Invalid backup: Incremental backups '
                                      'exist for this backup.')
            self._delete(doc)
        return wsgi.json_response(None, 202)

    def _delete(self, doc):
        doc['status'] = 'deleting'
        common.put(self.store, 'backup', doc)
        self.service.run_later('backup.deleted', 'delete', doc['id'],
                               doc['metadata'], backup_id=doc['id'])

    @wsgi.route('POST', '/backups/{backup_id}/action')
    def action(self, req, backup_id):
        body = wsgi.json_body(req)
        with self.store.transaction():
            doc = self._get(req, backup_id)
            if not common.is_admin(req):
                raise wsgi.Forbidden()
            if 'os-reset_status' in body:
                doc['status'] = body['os-reset_status'].get('status')
                common.put(self.store, 'backup', doc)
            elif 'os-force_delete' in body:
                self._delete(doc)
            else:
                raise wsgi.BadRequest('Invalid action')
        return wsgi.json_response(None, 202)

    @wsgi.route('POST', '/backups/{backup_id}/restore')
    def restore(self, req, backup_id):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'restore', required=False)
        with self.store.transaction():
            backup = self._get(req, backup_id)
            common.require_status(backup, ('available',), 'Backup',
                                  'Invalid backup: Backup status must be '
                                  'available')
            if body.get('volume_id'):
                volume = self._existing_target(req, body['volume_id'],
                                               backup)
            else:
                volume = volumes.new_volume(
                    self.cloud, ctx.project_id, ctx.user_id, backup['size'],
                    name=body.get('name') or 'restore_backup_%s' % backup_id,
                    status='restoring-backup')
            backup['status'] = 'restoring'
            common.put(self.store, 'backup', backup)
            self.service.run_later('backup.restored', 'restore', backup_id,
                                   backup['metadata'], backup_id=backup_id,
                                   volume_id=volume['id'])
        return 202, {'restore': {'backup_id': backup_id,
                                 'volume_id': volume['id'],
                                 'volume_name': volume['name']}}

    def _existing_target(self, req, volume_id, backup):
        volume = volumes.get_volume(self.store, req, volume_id)
        common.require_status(volume, ('available',), 'Volume',
                              'Invalid volume: Volume to be restored to '
                              'must be available')
        if volume['size'] < backup['size']:
            raise wsgi.BadRequest(
                'Invalid volume: volume size %d is too small to restore '
                'backup of size %d.' % (volume['size'], backup['size']))
        return volumes.set_status(self.cloud, volume_id, 'restoring-backup')


def _set(cloud, backup_id, **fields):
    return common.update(cloud.store, 'backup', backup_id, **fields)


def _mark_source(cloud, backup, status):
    """Set the status of what a backup reads (its snapshot if it has one,
    else its volume) to ``status``; ``None`` puts the previous one back."""
    if backup['snapshot_id']:
        common.update(cloud.store, 'snapshot', backup['snapshot_id'],
                      status=status or 'available')
    else:
        volumes.set_status(cloud, backup['volume_id'],
                           status or backup['_volume_status'])


@tasks.handler('backup.created')
def _created(cloud, backup_id, error=None):
    doc = cloud.store.get(S, 'backup', backup_id)
    if doc is None:
        return
    _mark_source(cloud, doc, None)
    if error:
        _set(cloud, backup_id, status='error', fail_reason=error)
        return
    source = (snapshots.blob_key(doc['snapshot_id']) if doc['snapshot_id']
              else volumes.blob_key(doc['volume_id']))
    cloud.blobs.copy(source, blob_key(backup_id))
    count = max(1, math.ceil(cloud.blobs.size(blob_key(backup_id)) /
                             OBJECT_SIZE))
    _set(cloud, backup_id, status='available', object_count=count)
    if doc['_parent_id']:
        _set(cloud, doc['_parent_id'], has_dependent_backups=True)


@tasks.handler('backup.deleted')
def _deleted(cloud, backup_id, error=None):
    doc = cloud.store.get(S, 'backup', backup_id)
    if doc is None:
        return
    if error:
        _set(cloud, backup_id, status='error_deleting')
        return
    cloud.store.delete(S, 'backup', backup_id)
    cloud.blobs.delete(blob_key(backup_id))
    parent_id = doc['_parent_id']
    if parent_id and not any(b['_parent_id'] == parent_id
                             for b in cloud.store.list(S, 'backup')):
        _set(cloud, parent_id, has_dependent_backups=False)


@tasks.handler('backup.restored')
def _restored(cloud, backup_id, volume_id, error=None):
    _set(cloud, backup_id, status='available')
    if error:
        volumes.set_status(cloud, volume_id, 'error_restoring')
        return
    cloud.blobs.copy(blob_key(backup_id), volumes.blob_key(volume_id))
    volumes.set_status(cloud, volume_id, 'available')
