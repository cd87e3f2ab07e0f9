"""Keystone services and endpoints.

The catalog holds the sandbox's own services (from the registry, read
only) plus services and endpoints created through the API, e.g. the
Karbor API itself (``openstack endpoint create`` or ``karbor-sandbox
--endpoint data-protect=http://127.0.0.1:8799/v1/$(project_id)s``). A
stored service with endpoints stands in for the sandbox's own service of
its type (e.g. a real Swift registered as ``object-store``): the catalog
and the service and endpoint lists then show only the stored one, so
every client picks it.
"""

from karbor_sandbox import service
from karbor_sandbox.services.identity import resources
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'identity'
INTERFACES = ('public', 'internal', 'admin')


def _substitute(url, project_id):
    for template in ('$(project_id)s', '%(project_id)s', '$(tenant_id)s',
                     '%(tenant_id)s'):
        url = url.replace(template, project_id or '')
    return url


def stored_entries(store, project_id):
    """Catalog entries of the services created through the API."""
    entries = []
    endpoints = store.list(S, 'endpoint')
    for svc in store.list(S, 'service'):
        urls = {ep['interface']: _substitute(ep['url'], project_id)
                for ep in endpoints if ep['service_id'] == svc['id']}
        if urls and svc.get('enabled', True):
            entries.append(service.catalog_entry(svc['id'], svc['type'],
                                                 svc.get('name'), None,
                                                 urls))
    return entries


def builtin_entries(cloud, project_id, replaced=()):
    """Catalog entries of the sandbox's own services, but for the types
    in ``replaced``."""
    return [entry for svc in cloud.services
            for entry in svc.catalog_entries(project_id)
            if entry['type'] not in replaced]


def catalog(cloud, project_id):
    """The catalog: stored services replace built-in ones of their type."""
    stored = stored_entries(cloud.store, project_id)
    return builtin_entries(cloud, project_id,
                           {entry['type'] for entry in stored}) + stored


def register(store, stype, url, name=None):
    """Add a service with public/internal/admin endpoints at ``url``."""
    with store.transaction():
        svc = next((s for s in store.list(S, 'service')
                    if s['type'] == stype), None)
        if svc is None:
            svc = store.put(S, 'service', {
                'id': utils.new_hex(), 'type': stype, 'name': name or stype,
                'enabled': True, 'description': ''})
        for ep in store.list(S, 'endpoint'):
            if ep['service_id'] == svc['id']:
                store.delete(S, 'endpoint', ep['id'])
        for iface in INTERFACES:
            store.put(S, 'endpoint', {
                'id': utils.new_hex(), 'service_id': svc['id'],
                'interface': iface, 'url': url, 'region': 'RegionOne',
                'region_id': 'RegionOne', 'enabled': True})
    return svc


class CatalogController(wsgi.Controller):
    """Services and endpoints: the registry's plus stored ones."""

    def _builtin(self, req):
        project_id = service.context(req).project_id or ''
        replaced = {e['type'] for e in stored_entries(self.store, project_id)}
        return builtin_entries(self.cloud, project_id, replaced)

    @wsgi.route('GET', '/v3/services')
    def services(self, req):
        found = [{'id': e['id'], 'type': e['type'], 'name': e['name'],
                  'enabled': True} for e in self._builtin(req)]
        found += self.store.list(S, 'service')
        if 'type' in req.GET:
            found = [s for s in found if s['type'] == req.GET['type']]
        return {'services': found}

    @wsgi.route('GET', '/v3/services/{service_id}')
    def show_service(self, req, service_id):
        return {'service': self.service.get('service', service_id)}

    @wsgi.route('POST', '/v3/services')
    def create_service(self, req):
        resources.require_admin(req)
        body = wsgi.json_body(req, 'service')
        if not body.get('type'):
            raise wsgi.BadRequest("'type' is a required property")
        doc = self.store.put(S, 'service', {
            'id': utils.new_hex(), 'type': body['type'],
            'name': body.get('name'), 'enabled': body.get('enabled', True),
            'description': body.get('description', '')})
        return 201, {'service': doc}

    @wsgi.route('DELETE', '/v3/services/{service_id}')
    def delete_service(self, req, service_id):
        resources.require_admin(req)
        self.service.get('service', service_id)
        with self.store.transaction():
            for ep in self.store.list(S, 'endpoint'):
                if ep['service_id'] == service_id:
                    self.store.delete(S, 'endpoint', ep['id'])
            self.store.delete(S, 'service', service_id)
        return wsgi.json_response(None, 204)

    @wsgi.route('GET', '/v3/endpoints')
    def endpoints(self, req):
        found = [dict(ep, service_id=e['id'], enabled=True)
                 for e in self._builtin(req) for ep in e['endpoints']]
        found += self.store.list(S, 'endpoint')
        for key in ('service_id', 'interface'):
            if key in req.GET:
                found = [ep for ep in found if ep[key] == req.GET[key]]
        return {'endpoints': found}

    @wsgi.route('POST', '/v3/endpoints')
    def create_endpoint(self, req):
        resources.require_admin(req)
        body = wsgi.json_body(req, 'endpoint')
        for key in ('service_id', 'interface', 'url'):
            if not body.get(key):
                raise wsgi.BadRequest("'%s' is a required property" % key)
        if body['interface'] not in INTERFACES:
            raise wsgi.BadRequest('Invalid interface %s' % body['interface'])
        self.service.get('service', body['service_id'])
        doc = self.store.put(S, 'endpoint', {
            'id': utils.new_hex(), 'service_id': body['service_id'],
            'interface': body['interface'], 'url': body['url'],
            'region': body.get('region_id', 'RegionOne'),
            'region_id': body.get('region_id', 'RegionOne'),
            'enabled': body.get('enabled', True)})
        return 201, {'endpoint': doc}

    @wsgi.route('DELETE', '/v3/endpoints/{endpoint_id}')
    def delete_endpoint(self, req, endpoint_id):
        resources.require_admin(req)
        if not self.store.delete(S, 'endpoint', endpoint_id):
            raise wsgi.NotFound('Could not find endpoint: %s.'
                                % endpoint_id)
        return wsgi.json_response(None, 204)

    @wsgi.route('GET', '/v3/regions')
    def regions(self, req):
        return {'regions': [{'id': 'RegionOne', 'description': '',
                             'parent_region_id': None}]}
