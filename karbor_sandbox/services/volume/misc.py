"""Cinder versions, volume types, availability zones, limits, quotas."""

from karbor_sandbox import service
from karbor_sandbox.services.volume import common
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
MIN_VERSION = '3.0'
MAX_VERSION = '3.71'
DEFAULT_TYPE = '__DEFAULT__'


def version_doc(req):
    return {'id': 'v3.0', 'status': 'CURRENT', 'version': MAX_VERSION,
            'min_version': MIN_VERSION, 'updated': '2023-08-31T00:00:00Z',
            'links': [{'rel': 'describedby', 'type': 'text/html',
                       'href': 'https://docs.openstack.org/'},
                      {'rel': 'self',
                       'href': req.host_url + '/volume/v3/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.volume+json;'
                                     'version=3'}]}


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return 300, {'versions': [version_doc(req)]}

    @wsgi.route('GET', '/v3', auth=False)
    def v3(self, req):
        return {'versions': [version_doc(req)]}

    @wsgi.route('GET', '/v3/{_tenant:[0-9a-f]{32}}', auth=False)
    def v3_project(self, req):
        return {'version': version_doc(req)}


class Types(object):
    """Volume type lookups (``cloud.service('volume').types``)."""

    def __init__(self, store):
        self.store = store

    def bootstrap(self):
        for name, desc in ((DEFAULT_TYPE, 'Default Volume Type'),
                           ('lvmdriver-1', None)):
            self.create(name, desc)

    def create(self, name, description=None, extra_specs=None,
               is_public=True):
        return self.store.put(S, 'type', {
            'id': utils.new_uuid(), 'name': name, 'description': description,
            'is_public': is_public, 'extra_specs': extra_specs or {},
            'qos_specs_id': None,
            'os-volume-type-access:is_public': is_public})

    def find(self, name_or_id):
        """The type named or identified so (default type for None)."""
        wanted = name_or_id or DEFAULT_TYPE
        for doc in self.store.list(S, 'type'):
            if wanted in (doc['id'], doc['name']):
                return doc
        raise wsgi.NotFound('Volume type with name %s could not be found.'
                            % wanted)


class TypeController(wsgi.Controller):

    @wsgi.route('GET', '/types')
    def index(self, req):
        return {'volume_types': self.store.list(S, 'type')}

    @wsgi.route('GET', '/types/default')
    def default(self, req):
        return {'volume_type': self.service.types.find(None)}

    @wsgi.route('GET', '/types/{type_id}')
    def show(self, req, type_id):
        return {'volume_type': self.service.types.find(type_id)}

    @wsgi.route('POST', '/types')
    def create(self, req):
        if not common.is_admin(req):
            raise wsgi.Forbidden()
        body = wsgi.json_body(req, 'volume_type')
        if not body.get('name'):
            raise wsgi.BadRequest('Volume type name can not be empty.')
        if any(t['name'] == body['name']
               for t in self.store.list(S, 'type')):
            raise wsgi.Conflict('Volume Type %s already exists.'
                                % body['name'])
        doc = self.service.types.create(
            body['name'], body.get('description'),
            body.get('extra_specs'),
            utils.as_bool(body.get('os-volume-type-access:is_public',
                                   True)))
        return {'volume_type': doc}

    @wsgi.route('DELETE', '/types/{type_id}')
    def delete(self, req, type_id):
        if not common.is_admin(req):
            raise wsgi.Forbidden()
        self.store.delete(S, 'type', self.service.types.find(type_id)['id'])
        return wsgi.json_response(None, 202)


QUOTA_KEYS = ('volumes', 'snapshots', 'gigabytes', 'backups',
              'backup_gigabytes', 'groups', 'per_volume_gigabytes')


def quota_set(store, project_id):
    """A project's Cinder quotas (-1: unlimited, the default)."""
    doc = store.get(S, 'quota', project_id) or {}
    return {key: doc.get(key, -1) for key in QUOTA_KEYS}


def check_quota(store, project_id, size):
    """Refuse (413) one more volume of ``size`` GB over the quotas."""
    quotas = quota_set(store, project_id)
    vols = store.list(S, 'volume', project_id=project_id)
    for key, used, need in (('volumes', len(vols), 1),
                            ('gigabytes', sum(v['size'] for v in vols),
                             size)):
        if 0 <= quotas[key] < used + need:
            raise wsgi.HTTPError(
                413, 'VolumeLimitExceeded: Maximum number of volumes '
                'allowed (%s) exceeded' % quotas[key] if key == 'volumes'
                else 'VolumeSizeExceedsAvailableQuota: Requested volume or '
                'snapshot exceeds allowed gigabytes quota. Requested %sG, '
                'quota is %sG and %sG has been consumed.'
                % (need, quotas[key], used))


class InfoController(wsgi.Controller):
    """Availability zones, limits, quotas (unlimited unless an
    administrator sets them)."""

    @wsgi.route('GET', '/os-availability-zone')
    def zones(self, req):
        return {'availabilityZoneInfo': [{'zoneName': common.AZ,
                                          'zoneState': {'available': True}}]}

    @wsgi.route('GET', '/limits')
    def limits(self, req):
        ctx = service.context(req)
        vols = self.store.list(S, 'volume', project_id=ctx.project_id)
        quotas = quota_set(self.store, ctx.project_id)
        return {'limits': {'rate': [], 'absolute': {
            'maxTotalVolumes': quotas['volumes'],
            'maxTotalSnapshots': quotas['snapshots'],
            'maxTotalVolumeGigabytes': quotas['gigabytes'],
            'maxTotalBackups': quotas['backups'],
            'maxTotalBackupGigabytes': quotas['backup_gigabytes'],
            'totalVolumesUsed': len(vols),
            'totalGigabytesUsed': sum(v['size'] for v in vols),
            'totalSnapshotsUsed': len(self.store.list(
                S, 'snapshot', project_id=ctx.project_id)),
            'totalBackupsUsed': len(self.store.list(
                S, 'backup', project_id=ctx.project_id)),
            'totalBackupGigabytesUsed': 0}}}

    @wsgi.route('GET', '/os-quota-sets/{project_id}')
    def quotas(self, req, project_id):
        usage = utils.as_bool(req.GET.get('usage', False))
        quotas = quota_set(self.store, project_id)
        body = {k: ({'limit': v, 'in_use': 0, 'reserved': 0, 'allocated': 0}
                    if usage else v) for k, v in quotas.items()}
        body['id'] = project_id
        return {'quota_set': body}

    @wsgi.route('PUT', '/os-quota-sets/{project_id}')
    def update_quotas(self, req, project_id):
        if not common.is_admin(req):
            raise wsgi.Forbidden()
        body = wsgi.json_body(req, 'quota_set')
        doc = dict(self.store.get(S, 'quota', project_id) or {},
                   id=project_id)
        for key, value in body.items():
            if key in ('id', 'tenant_id'):  # cinderclient sends it
                continue
            if key not in QUOTA_KEYS:
                raise wsgi.BadRequest('Bad key(s) in quota set: %s' % key)
            doc[key] = int(value)
        self.store.put(S, 'quota', doc)
        return {'quota_set': quota_set(self.store, project_id)}

    @wsgi.route('GET', '/os-services')
    def services(self, req):
        now = utils.isotime()
        return {'services': [
            {'binary': binary, 'host': host, 'zone': common.AZ,
             'status': 'enabled', 'state': 'up', 'updated_at': now,
             'disabled_reason': None, 'cluster': None}
            for binary, host in (('cinder-scheduler', 'sandbox'),
                                 ('cinder-volume', common.HOST),
                                 ('cinder-backup', 'sandbox'))]}
