"""Trove v1.0 (database): instances, backups, datastores."""

from karbor.sandbox import service
from karbor.sandbox.services.database import backups
from karbor.sandbox.services.database import common
from karbor.sandbox.services.database import instances
from karbor.sandbox import wsgi


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


@service.register
class DatabaseService(service.Service):
    name = 'database'
    prefix = '/database'
    catalog = (('database', 'trove'),)
    endpoint = '/database/v1.0/%(project_id)s'
    route_prefixes = ('/v1.0/{_tenant:[0-9a-f]{32}}',)
    root_controllers = (VersionController,)
    controllers = (instances.InstanceController, backups.BackupController,
                   DatastoreController)

    def bootstrap(self):
        if not self.store.list(common.S, 'datastore'):
            common.bootstrap_datastores(self.store)
