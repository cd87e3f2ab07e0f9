"""Nova versions, flavors, keypairs, security groups (the Neutron proxy),
availability zones and limits."""

import base64
import hashlib

from karbor_sandbox import service
from karbor_sandbox.services.compute import common
from karbor_sandbox.services.network import common as net
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S


def version_doc(req):
    return {'id': 'v2.1', 'status': 'CURRENT', 'version': common.MAX_VERSION,
            'min_version': common.MIN_VERSION,
            'updated': '2013-07-23T11:33:21Z',
            'links': [{'rel': 'self',
                       'href': req.host_url + '/compute/v2.1/'},
                      {'rel': 'describedby', 'type': 'text/html',
                       'href': 'http://docs.openstack.org/'}],
            'media-types': [{'base': 'application/json',
                             'type': 'application/vnd.openstack.compute+json;'
                                     'version=2.1'}]}


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def versions(self, req):
        return {'versions': [version_doc(req)]}

    @wsgi.route('GET', '/v2.1', auth=False)
    def current(self, req):
        return {'version': version_doc(req)}


class FlavorController(wsgi.Controller):

    def _view(self, req, doc, detail=True):
        body = {'id': doc['id'], 'name': doc['name'],
                'links': common.link(req, 'flavors', doc['id'])}
        if common.at_least(req, '2.55'):
            body['description'] = doc['description']
        if detail:
            body.update({k: v for k, v in doc.items()
                         if k not in ('extra_specs', 'description')})
            if not common.at_least(req, '2.75'):
                body['swap'] = doc['swap'] or ''
            if common.at_least(req, '2.61'):
                body['extra_specs'] = doc['extra_specs']
        return body

    @wsgi.route('GET', '/flavors')
    def index(self, req):
        return {'flavors': [self._view(req, d, False)
                            for d in self.store.list(S, 'flavor')]}

    @wsgi.route('GET', '/flavors/detail')
    def detail(self, req):
        return {'flavors': [self._view(req, d)
                            for d in self.store.list(S, 'flavor')]}

    @wsgi.route('GET', '/flavors/{flavor_id}')
    def show(self, req, flavor_id):
        doc = self.store.get(S, 'flavor', flavor_id)
        if doc is None:
            raise wsgi.NotFound('Flavor %s could not be found.' % flavor_id)
        return {'flavor': self._view(req, doc)}

    @wsgi.route('GET', '/flavors/{flavor_id}/os-extra_specs')
    def extra_specs(self, req, flavor_id):
        doc = self.store.get(S, 'flavor', flavor_id)
        if doc is None:
            raise wsgi.NotFound('Flavor %s could not be found.' % flavor_id)
        return {'extra_specs': doc['extra_specs']}


def _new_public_key():
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.hazmat.primitives import serialization
    key = ed25519.Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode('ascii')
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption()).decode('ascii')
    return public, private


def _fingerprint(public_key):
    try:
        blob = base64.b64decode(public_key.split()[1])
    except (IndexError, ValueError):
        raise wsgi.BadRequest('Keypair data is invalid: failed to generate '
                              'fingerprint')
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ':'.join(digest[i:i + 2] for i in range(0, 32, 2))


class KeypairController(wsgi.Controller):

    @staticmethod
    def _key(req, name):
        return '%s:%s' % (service.context(req).user_id, name)

    @staticmethod
    def _view(req, doc, full=True):
        fields = ['name', 'public_key', 'fingerprint']
        if common.at_least(req, '2.2'):
            fields.append('type')
        if full:
            fields += ['user_id', 'id', 'created_at', 'deleted',
                       'deleted_at', 'updated_at']
        return {k: doc[k] for k in fields}

    @wsgi.route('GET', '/os-keypairs')
    def index(self, req):
        user = service.context(req).user_id
        return {'keypairs': [{'keypair': self._view(req, d, False)}
                             for d in self.store.list(S, 'keypair')
                             if d['user_id'] == user]}

    @wsgi.route('GET', '/os-keypairs/{name}')
    def show(self, req, name):
        doc = self.store.get(S, 'keypair', self._key(req, name))
        if doc is None:
            raise wsgi.NotFound('Keypair %s not found for user %s' % (
                name, service.context(req).user_id))
        return {'keypair': self._view(req, doc)}

    @wsgi.route('POST', '/os-keypairs')
    def create(self, req):
        body = wsgi.json_body(req, 'keypair')
        name = body.get('name')
        if not isinstance(name, str) or not name.strip():
            raise wsgi.BadRequest("Invalid input for field/attribute "
                                  "keypair. 'name' is a required property")
        if self.store.get(S, 'keypair', self._key(req, name)):
            raise wsgi.Conflict('Key pair \'%s\' already exists.' % name)
        private = None
        public = body.get('public_key')
        if not public:
            if common.at_least(req, '2.92'):
                raise wsgi.BadRequest("'public_key' is a required property")
            public, private = _new_public_key()
        doc = {'id': self._key(req, name), 'name': name,
               'public_key': public, 'fingerprint': _fingerprint(public),
               'type': body.get('type', 'ssh'),
               'user_id': service.context(req).user_id,
               'created_at': utils.isotime(), 'deleted': False,
               'deleted_at': None, 'updated_at': None}
        self.store.put(S, 'keypair', doc)
        out = self._view(req, doc, False)
        out['user_id'] = doc['user_id']
        if private:
            out['private_key'] = private
        return (201 if common.at_least(req, '2.2') else 200), {
            'keypair': out}

    @wsgi.route('DELETE', '/os-keypairs/{name}')
    def delete(self, req, name):
        if not self.store.delete(S, 'keypair', self._key(req, name)):
            raise wsgi.NotFound('Keypair %s not found for user %s' % (
                name, service.context(req).user_id))
        return wsgi.json_response(None, 202 if not common.at_least(
            req, '2.2') else 204)


def _rule_view(rule):
    return {'id': rule['id'], 'parent_group_id': rule['security_group_id'],
            'ip_protocol': rule['protocol'],
            'from_port': rule['port_range_min'],
            'to_port': rule['port_range_max'],
            'ip_range': ({'cidr': rule['remote_ip_prefix']}
                         if rule['remote_ip_prefix'] else {}),
            'group': {}}


def _group_view(group):
    return {'id': group['id'], 'name': group['name'],
            'description': group['description'],
            'tenant_id': group['project_id'],
            'rules': [_rule_view(r) for r in group['security_group_rules']
                      if r['direction'] == 'ingress']}


class SecurityGroupController(wsgi.Controller):
    """The deprecated proxy to Neutron (gone from 2.36 on)."""

    def _check(self, req):
        if common.at_least(req, '2.36'):
            raise wsgi.NotFound()
        return service.context(req)

    @wsgi.route('GET', '/os-security-groups')
    def index(self, req):
        ctx = self._check(req)
        with self.store.transaction():
            net.default_security_group(self.store, ctx.project_id)
        return {'security_groups': [_group_view(g) for g in self.store.list(
            net.S, 'security_group', project_id=ctx.project_id)]}

    @wsgi.route('GET', '/os-security-groups/{group_id}')
    def show(self, req, group_id):
        ctx = self._check(req)
        group = self.store.get(net.S, 'security_group', group_id)
        if group is None or (group['project_id'] != ctx.project_id and
                             not ctx.is_admin):
            raise wsgi.NotFound('Security group %s not found.' % group_id)
        return {'security_group': _group_view(group)}

    @wsgi.route('GET', '/servers/{server_id}/os-security-groups')
    def for_server(self, req, server_id):
        doc = common.server(self.store, req, server_id)
        groups = [g for g in self.store.list(
            net.S, 'security_group', project_id=doc['tenant_id'])
            if g['name'] in doc['_groups']]
        return {'security_groups': [_group_view(g) for g in groups]}


class InfoController(wsgi.Controller):

    @wsgi.route('GET', '/os-availability-zone')
    def zones(self, req):
        return {'availabilityZoneInfo': [{
            'zoneName': common.AZ, 'zoneState': {'available': True},
            'hosts': None}]}

    @wsgi.route('GET', '/os-availability-zone/detail')
    def zones_detail(self, req):
        service_state = {'available': True, 'active': True,
                         'updated_at': utils.isotime()}
        return {'availabilityZoneInfo': [
            {'zoneName': 'internal', 'zoneState': {'available': True},
             'hosts': {common.HOST: {'nova-conductor': service_state,
                                     'nova-scheduler': service_state}}},
            {'zoneName': common.AZ, 'zoneState': {'available': True},
             'hosts': {common.HOST: {'nova-compute': service_state}}}]}

    @wsgi.route('GET', '/limits')
    def limits(self, req):
        ctx = service.context(req)
        used = self.store.list(S, 'server', project_id=ctx.project_id)
        return {'limits': {'rate': [], 'absolute': {
            'maxTotalInstances': -1, 'maxTotalCores': -1,
            'maxTotalRAMSize': -1, 'maxTotalKeypairs': -1,
            'maxServerMeta': 128, 'maxPersonality': 5,
            'maxPersonalitySize': 10240, 'maxServerGroups': 10,
            'maxServerGroupMembers': 10, 'maxImageMeta': 128,
            'totalInstancesUsed': len(used),
            'totalCoresUsed': sum(s['_flavor']['vcpus'] for s in used),
            'totalRAMUsed': sum(s['_flavor']['ram'] for s in used),
            'totalServerGroupsUsed': 0}}}
