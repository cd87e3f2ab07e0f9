"""Trove instances: create (also from a backup), list, show, delete."""

from karbor_sandbox import service
from karbor_sandbox.services.compute import common as compute
from karbor_sandbox.services.database import common
from karbor_sandbox.services.network import common as network
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S


def blob_key(instance_id):
    return 'trove-instance-%s' % instance_id


def view(req, doc, detail=True):
    body = {k: v for k, v in doc.items() if not k.startswith('_')}
    body['links'] = common.links(req, 'instances', doc['id'],
                                 doc['_project_id'])
    body['flavor'] = {'id': doc['_flavor_id'], 'links': compute.link(
        req, 'flavors', doc['_flavor_id'])}
    if not detail:
        for key in ('created', 'updated', 'fault'):
            body.pop(key, None)
    return body


def get_instance(store, req, instance_id):
    return common.get(store, req, 'instance', instance_id, 'Instance')


def set_status(cloud, instance_id, status, **fields):
    operating_status = {'ACTIVE': 'HEALTHY', 'ERROR': 'ERROR'}.get(status, '')
    return cloud.store.update(S, 'instance', instance_id, status=status,
                              operating_status=operating_status, **fields)


class InstanceController(wsgi.Controller):

    def _restore_point(self, req, body, size):
        ref = (body.get('restorePoint') or {}).get('backupRef')
        if not ref:
            return None
        backup = common.get(self.store, req, 'backup', ref, 'Backup')
        if backup['status'] != 'COMPLETED':
            raise wsgi.BadRequest('Backup %s is not COMPLETED, status is %s.'
                                  % (ref, backup['status']))
        if size < backup['size']:
            raise wsgi.BadRequest('Volume size %s is smaller than the '
                                  'backup size %s.' % (size,
                                                       backup['size']))
        return backup

    def _networks(self, req, body):
        """The ids of the networks of ``nics``; each must exist."""
        ctx = service.context(req)
        found = []
        for nic in body.get('nics') or ():
            net_id = (nic or {}).get('net-id') or (nic or {}).get(
                'network_id')
            if not net_id:
                raise wsgi.BadRequest("Invalid nics: a 'net-id' is "
                                      "required.")
            doc = self.store.get(network.S, 'network', net_id)
            if doc is None or not network.visible(ctx, 'network', doc):
                raise wsgi.NotFound('Network %s could not be found.'
                                    % net_id)
            found.append(net_id)
        return found

    @wsgi.route('POST', '/instances')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'instance')
        if not body.get('name'):
            raise wsgi.BadRequest("Required element/key 'name' was not "
                                  "specified")
        flavor_id = str(body.get('flavorRef', '')).rsplit('/', 1)[-1]
        flavor = compute.flavor(self.store, flavor_id)
        if flavor is None:
            raise wsgi.NotFound('Flavor %s cannot be found.' % flavor_id)
        try:
            size = int((body.get('volume') or {})['size'])
        except (KeyError, TypeError, ValueError):
            raise wsgi.BadRequest("Required element/key - instance volume "
                                  "'size' was not specified.")
        if size <= 0:
            raise wsgi.BadRequest('Volume size %s must be a positive '
                                  'integer.' % size)
        store_spec = body.get('datastore') or {}
        dstore, version = common.datastore(self.store,
                                           store_spec.get('type'),
                                           store_spec.get('version'))
        backup = self._restore_point(req, body, size)
        networks = self._networks(req, body)
        if backup and backup['datastore']['type'] != dstore['name']:
            raise wsgi.BadRequest('The datastore of backup %s does not '
                                  'match the instance datastore.'
                                  % backup['id'])
        stamp = common.now()
        doc = common.put(self.store, 'instance', {
            'id': utils.new_uuid(), 'name': body['name'], 'status': 'BUILD',
            'operating_status': '', 'volume': {'size': size},
            'datastore': {'type': dstore['name'],
                          'version': version['name'],
                          'version_number': version['version']},
            'created': stamp, 'updated': stamp, 'region': common.REGION,
            'ip': [], 'addresses': [], 'replicas': [],
            'access': {'is_public': False, 'allowed_cidrs': []},
            'tenant_id': ctx.project_id,
            'availability_zone': body.get('availability_zone') or 'nova',
            '_flavor_id': flavor['id'], '_project_id': ctx.project_id,
            '_backup_id': backup['id'] if backup else None,
            '_networks': networks})
        self.service.run_later('trove.instance_built', 'create', doc['id'],
                               None, instance_id=doc['id'],
                               backup_id=doc['_backup_id'])
        return {'instance': view(req, doc)}

    @wsgi.route('GET', '/instances')
    def index(self, req):
        docs = common.visible(req, self.store, 'instance')
        return common.paginate(req, docs, 'instances',
                               lambda d: view(req, d, False))

    @wsgi.route('GET', '/instances/detail')
    def detail(self, req):
        docs = common.visible(req, self.store, 'instance')
        return common.paginate(req, docs, 'instances',
                               lambda d: view(req, d))

    @wsgi.route('GET', '/instances/{instance_id}')
    def show(self, req, instance_id):
        return {'instance': view(req, get_instance(self.store, req,
                                                   instance_id))}

    @wsgi.route('PATCH', '/instances/{instance_id}')
    def update(self, req, instance_id):
        body = wsgi.json_body(req, 'instance')
        with self.store.transaction():
            doc = get_instance(self.store, req, instance_id)
            if 'name' in body:
                doc['name'] = body['name']
            common.put(self.store, 'instance', doc)
        return wsgi.json_response(None, 202)

    @wsgi.route('DELETE', '/instances/{instance_id}')
    def delete(self, req, instance_id):
        with self.store.transaction():
            doc = get_instance(self.store, req, instance_id)
            if doc['status'] in ('BACKUP', 'SHUTDOWN'):
                raise common.unprocessable('Instance %s is not ready. '
                                           '(Status is %s).'
                                           % (instance_id, doc['status']))
            set_status(self.cloud, instance_id, 'SHUTDOWN')
            self.service.run_later('trove.instance_deleted', 'delete',
                                   instance_id, None,
                                   instance_id=instance_id)
        return wsgi.json_response(None, 202)


@tasks.handler('trove.instance_built')
def _built(cloud, instance_id, backup_id=None, error=None):
    if error:
        set_status(cloud, instance_id, 'ERROR', fault={
            'message': error, 'created': common.now(), 'details': ''})
        return
    if backup_id:
        cloud.blobs.copy('trove-backup-%s' % backup_id, blob_key(instance_id))
    else:
        cloud.blobs.write(blob_key(instance_id), [b'-- empty database\n'])
    address = '10.0.0.%d' % (sum(instance_id.encode()) % 250 + 3)
    doc = cloud.store.get(S, 'instance', instance_id) or {}
    set_status(cloud, instance_id, 'ACTIVE', ip=[address], addresses=[
        {'address': address, 'type': 'private', 'network': net_id}
        for net_id in doc.get('_networks') or ()])


@tasks.handler('trove.instance_deleted')
def _deleted(cloud, instance_id, error=None):
    if error:
        set_status(cloud, instance_id, 'ERROR')
        return
    cloud.store.delete(S, 'instance', instance_id)
    cloud.blobs.delete(blob_key(instance_id))
