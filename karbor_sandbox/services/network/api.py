"""Neutron v2.0 HTTP layer: one generic controller for every collection."""

import urllib.parse

from karbor_sandbox import service
from karbor_sandbox.services.network import common
from karbor_sandbox.services.network import kinds
from karbor_sandbox.services.network import routers
from karbor_sandbox import wsgi

S = common.S
KINDS = (kinds.Networks, kinds.Subnets, kinds.Ports, kinds.SecurityGroups,
         kinds.SecurityGroupRules, routers.Routers, routers.FloatingIPs)
COLLECTIONS = '|'.join(k.collection for k in KINDS)
EXTENSIONS = ('agent', 'availability_zone', 'binding', 'dhcp_agent_scheduler',
              'external-net', 'extra_dhcp_opt', 'ext-gw-mode',
              'network_availability_zone', 'port-security', 'project-id',
              'quotas', 'router', 'router_availability_zone',
              'security-group', 'standard-attr-description',
              'standard-attr-revisions', 'standard-attr-tag',
              'standard-attr-timestamp', 'subnet_allocation',
              'fip-port-details', 'pagination', 'sorting')
NON_FILTERS = ('fields', 'limit', 'marker', 'sort_key', 'sort_dir',
               'page_reverse', 'all_tenants')


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return {'versions': [{'id': 'v2.0', 'status': 'CURRENT', 'links': [
            {'rel': 'self', 'href': req.host_url + '/networking/v2.0/'}]}]}

    @wsgi.route('GET', '/v2.0', auth=False)
    def resources(self, req):
        return {'resources': [{'name': k.kind, 'collection': k.collection,
                               'links': [{'rel': 'self', 'href': '%s/'
                                          'networking/v2.0/%s' % (
                                              req.host_url, k.collection)}]}
                              for k in KINDS]}

    @wsgi.route('GET', '/v2.0/extensions')
    def extensions(self, req):
        return {'extensions': [{'alias': a, 'name': a, 'description': a,
                                'updated': '2013-01-01T00:00:00-00:00',
                                'links': []} for a in EXTENSIONS]}


def _matches(doc, key, values):
    if key == 'tenant_id':
        key = 'project_id'
    if key not in doc:
        return True
    value = doc[key]
    if key == 'fixed_ips':
        return True
    if isinstance(value, bool):
        return str(value).lower() in [v.lower() for v in values]
    if isinstance(value, list):
        return any(v in value for v in values)
    return str(value if value is not None else '') in values


def _fixed_ip_filter(doc, wanted):
    """``fixed_ips=ip_address=1.2.3.4`` / ``subnet_id=...`` filters."""
    for item in wanted:
        key, _sep, value = item.partition('=')
        if not any(str(ip.get(key)) == value for ip in doc['fixed_ips']):
            return False
    return True


class CollectionController(wsgi.Controller):

    def __init__(self, svc):
        super().__init__(svc)
        self.kinds = {cls.collection: cls(svc.store) for cls in KINDS}

    def _body(self, req, handler):
        key = handler.kind
        body = wsgi.json_body(req)
        if not isinstance(body.get(key), dict):
            raise common.bad_request('Resource body required')
        return body[key]

    @staticmethod
    def _view(req, doc):
        fields = req.GET.getall('fields')
        body = {k: v for k, v in doc.items() if not k.startswith('_')}
        if not service.context(req).is_admin:
            for key in [k for k in body if k.startswith('provider:') or
                        k.startswith('binding:') and k != 'binding:vnic_type']:
                del body[key]
        if fields:
            body = {k: v for k, v in body.items() if k in fields}
        return body

    @wsgi.route('GET', '/v2.0/{collection:%s}' % COLLECTIONS)
    def index(self, req, collection):
        ctx = service.context(req)
        handler = self.kinds[collection]
        if handler.kind == 'security_group' and ctx.project_id:
            with self.store.transaction():
                common.default_security_group(self.store, ctx.project_id)
        docs = [d for d in self.store.list(S, handler.kind)
                if common.visible(ctx, handler.kind, d, self.store)]
        for key in set(req.GET.keys()) - set(NON_FILTERS):
            values = req.GET.getall(key)
            if key == 'fixed_ips':
                docs = [d for d in docs if _fixed_ip_filter(d, values)]
            else:
                docs = [d for d in docs if _matches(d, key, values)]
        docs, next_marker = self._page(req, docs)
        body = {collection.replace('-', '_'): [self._view(req, d)
                                               for d in docs]}
        if next_marker:
            query = [(k, v) for k, v in req.GET.items() if k != 'marker']
            query.append(('marker', next_marker))
            body[collection.replace('-', '_') + '_links'] = [{
                'rel': 'next', 'href': '%s?%s' % (
                    req.path_url, urllib.parse.urlencode(query))}]
        return body

    @staticmethod
    def _page(req, docs):
        if req.GET.get('sort_dir') == 'desc':
            docs = docs[::-1]
        marker = req.GET.get('marker')
        if marker:
            ids = [d['id'] for d in docs]
            docs = docs[ids.index(marker) + 1:] if marker in ids else []
        try:
            limit = int(req.GET.get('limit', 0))
        except ValueError:
            raise common.bad_request("Invalid input for limit.")
        if 0 < limit < len(docs):
            return docs[:limit], docs[limit - 1]['id']
        return docs, None

    @wsgi.route('POST', '/v2.0/{collection:%s}' % COLLECTIONS)
    def create(self, req, collection):
        ctx = service.context(req)
        handler = self.kinds[collection]
        body = self._body(req, handler)
        project_id = body.get('project_id') or body.get('tenant_id') or \
            ctx.project_id
        if project_id != ctx.project_id and not ctx.is_admin:
            raise common.error(403, 'HTTPForbidden', 'Specifying '
                               "'project_id' or 'tenant_id' other than the "
                               'authenticated project in request requires '
                               'admin privileges')
        with self.store.transaction():
            doc = common.put(self.store, handler.kind,
                             handler.build(ctx, body, project_id))
            if hasattr(handler, 'created'):
                handler.created(doc)
        return 201, {handler.kind: self._view(req, doc)}

    @wsgi.route('GET', '/v2.0/{collection:%s}/{rid}' % COLLECTIONS)
    def show(self, req, collection, rid):
        kind = self.kinds[collection].kind
        doc = common.get(self.store, service.context(req), kind, rid)
        return {kind: self._view(req, doc)}

    @wsgi.route('PUT', '/v2.0/{collection:%s}/{rid}' % COLLECTIONS)
    def update(self, req, collection, rid):
        ctx = service.context(req)
        handler = self.kinds[collection]
        body = self._body(req, handler)
        with self.store.transaction():
            doc = common.owned(self.store, ctx, handler.kind, rid)
            handler.update(ctx, doc, body)
            common.put(self.store, handler.kind, doc, bump=True)
        return {handler.kind: self._view(req, doc)}

    @wsgi.route('DELETE', '/v2.0/{collection:%s}/{rid}' % COLLECTIONS)
    def delete(self, req, collection, rid):
        ctx = service.context(req)
        handler = self.kinds[collection]
        with self.store.transaction():
            handler.delete(ctx, common.owned(self.store, ctx, handler.kind,
                                             rid))
        return wsgi.json_response(None, 204)
