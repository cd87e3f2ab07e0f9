"""Manila versions, share types, share networks, zones and limits."""

from karbor_sandbox import service
from karbor_sandbox.services.share import common
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S


def _versions(req):
    return [{'id': 'v1.0', 'status': 'DEPRECATED', 'version': '',
             'min_version': '', 'updated': '2015-08-27T11:33:21Z',
             'links': [{'rel': 'self',
                        'href': req.host_url + '/share/v1/'}],
             'media-types': []},
            {'id': 'v2.0', 'status': 'CURRENT',
             'version': common.MAX_VERSION,
             'min_version': common.MIN_VERSION,
             'updated': '2015-08-27T11:33:21Z',
             'links': [{'rel': 'self', 'href': req.host_url + '/share/v2/'}],
             'media-types': [{'base': 'application/json',
                              'type': 'application/vnd.openstack.share+json;'
                                      'version=1'}]}]


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return 300, {'versions': _versions(req)}

    @wsgi.route('GET', '/v2', auth=False)
    def v2(self, req):
        return {'versions': _versions(req)[1:]}


def bootstrap_types(store):
    store.put(S, 'share_type', {
        'id': utils.new_uuid(), 'name': 'default',
        'share_type_access:is_public': True, 'is_default': True,
        'description': None, 'required_extra_specs': {
            'driver_handles_share_servers': 'False'},
        'extra_specs': {'driver_handles_share_servers': 'False',
                        'snapshot_support': 'True',
                        'create_share_from_snapshot_support': 'True'}})


class TypeController(wsgi.Controller):

    @wsgi.route('GET', '/types')
    def index(self, req):
        return {'share_types': self.store.list(S, 'share_type'),
                'volume_types': self.store.list(S, 'share_type')}

    @wsgi.route('GET', '/types/default')
    def default(self, req):
        doc = self.store.list(S, 'share_type')[0]
        return {'share_type': doc, 'volume_type': doc}

    @wsgi.route('GET', '/types/{type_id}')
    def show(self, req, type_id):
        for doc in self.store.list(S, 'share_type'):
            if type_id in (doc['id'], doc['name']):
                return {'share_type': doc, 'volume_type': doc}
        raise wsgi.NotFound('Share type %s not found.' % type_id)


class ShareNetworkController(wsgi.Controller):

    @wsgi.route('POST', '/share-networks')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'share_network')
        now = utils.isotime()
        doc = common.put(self.store, 'share_network', {
            'id': utils.new_uuid(), 'name': body.get('name'),
            'description': body.get('description'),
            'project_id': ctx.project_id, 'created_at': now,
            'updated_at': now, 'status': 'active',
            'neutron_net_id': body.get('neutron_net_id'),
            'neutron_subnet_id': body.get('neutron_subnet_id'),
            'network_type': 'vxlan', 'segmentation_id': None,
            'cidr': None, 'ip_version': 4, 'gateway': None, 'mtu': 1450,
            'security_service_update_support': True,
            'share_network_subnets': []})
        return {'share_network': doc}

    @wsgi.route('GET', '/share-networks')
    def index(self, req):
        docs = common.listing(req, self.store, 'share_network', ('name',))
        return {'share_networks': [{'id': d['id'], 'name': d['name']}
                                   for d in docs]}

    @wsgi.route('GET', '/share-networks/detail')
    def detail(self, req):
        return {'share_networks': common.listing(
            req, self.store, 'share_network', ('name', 'neutron_net_id'))}

    @wsgi.route('GET', '/share-networks/{network_id}')
    def show(self, req, network_id):
        return {'share_network': common.get(self.store, req,
                                            'share_network', network_id)}

    @wsgi.route('DELETE', '/share-networks/{network_id}')
    def delete(self, req, network_id):
        with self.store.transaction():
            common.get(self.store, req, 'share_network', network_id)
            if any(s['share_network_id'] == network_id
                   for s in self.store.list(S, 'share')):
                raise wsgi.Conflict('Share network %s is in use.'
                                    % network_id)
            self.store.delete(S, 'share_network', network_id)
        return wsgi.json_response(None, 202)


class InfoController(wsgi.Controller):

    @wsgi.route('GET', '/availability-zones')
    def zones(self, req):
        now = utils.isotime()
        return {'availability_zones': [{'id': common.AZ, 'name': common.AZ,
                                        'created_at': now,
                                        'updated_at': now}]}

    @wsgi.route('GET', '/limits')
    def limits(self, req):
        ctx = service.context(req)
        shares = self.store.list(S, 'share', project_id=ctx.project_id)
        return {'limits': {'rate': [], 'absolute': {
            'maxTotalShares': -1, 'maxTotalShareSnapshots': -1,
            'maxTotalShareGigabytes': -1, 'maxTotalShareNetworks': -1,
            'totalSharesUsed': len(shares),
            'totalShareGigabytesUsed': sum(s['size'] for s in shares),
            'totalShareSnapshotsUsed': len(self.store.list(
                S, 'snapshot', project_id=ctx.project_id))}}}
