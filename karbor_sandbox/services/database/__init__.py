"""Trove v1.0 (database): instances, backups, datastores."""

from karbor_sandbox import service
from karbor_sandbox.services.compute import common as compute
from karbor_sandbox.services.database import backups
from karbor_sandbox.services.database import common
from karbor_sandbox.services.database import instances
from karbor_sandbox import wsgi


def _version(req):
    return {'id': 'v1.0', 'status': 'CURRENT',
            'updated': '2012-08-01T00:00:00Z',
            'links': [{'rel': 'self',
                       'href': req.host_url + '/database/v1.0/'}]}


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return {'versions': [_version(req)]}

    @wsgi.route('GET', '/v1.0', auth=False)
    def current(self, req):
        return {'version': _version(req)}


class DatastoreController(wsgi.Controller):

    @staticmethod
    def _view(doc):
        return dict(doc, links=[], versions=[
            {'id': v['id'], 'name': v['name'], 'links': []}
            for v in doc['versions']])

    @wsgi.route('GET', '/datastores')
    def index(self, req):
        return {'datastores': [self._view(d) for d in self.store.list(
            common.S, 'datastore')]}

    @wsgi.route('GET', '/datastores/{name}')
    def show(self, req, name):
        return {'datastore': self._view(common.datastore(self.store,
                                                         name)[0])}

    @wsgi.route('GET', '/datastores/{name}/versions')
    def versions(self, req, name):
        found = common.datastore(self.store, name)[0]
        return {'versions': [dict(v, datastore=found['id'], links=[])
                             for v in found['versions']]}

    @wsgi.route('GET', '/datastores/{name}/versions/{version}')
    def version(self, req, name, version):
        found, item = common.datastore(self.store, name, version)
        return {'version': dict(item, datastore=found['id'], links=[])}


class FlavorController(wsgi.Controller):
    """Trove's read-only view of the compute flavors."""

    @staticmethod
    def _view(doc):
        return {'id': doc['id'], 'str_id': doc['id'], 'name': doc['name'],
                'ram': doc['ram'], 'vcpus': doc['vcpus'],
                'disk': doc['disk'],
                'ephemeral': doc['OS-FLV-EXT-DATA:ephemeral'], 'links': []}

    @wsgi.route('GET', '/flavors')
    def index(self, req):
        return {'flavors': [self._view(d) for d in self.store.list(
            compute.S, 'flavor')]}

    @wsgi.route('GET', '/flavors/{flavor_id}')
    def show(self, req, flavor_id):
        doc = compute.flavor(self.store, flavor_id)
        if doc is None:
            raise wsgi.NotFound('Resource %s cannot be found.' % flavor_id)
        return {'flavor': self._view(doc)}


@service.register
class DatabaseService(service.Service):
    name = 'database'
    prefix = '/database'
    catalog = (('database', 'trove'),)
    endpoint = '/database/v1.0/%(project_id)s'
    route_prefixes = ('/v1.0/{_tenant:[0-9a-f]{32}}',)
    root_controllers = (VersionController,)
    controllers = (instances.InstanceController, backups.BackupController,
                   DatastoreController, FlavorController)

    def bootstrap(self):
        if not self.store.list(common.S, 'datastore'):
            common.bootstrap_datastores(self.store)
