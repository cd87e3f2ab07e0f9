"""Nova servers: boot (from image or volume), list, show, update, delete."""

import re
import urllib.parse

from karbor_sandbox import service
from karbor_sandbox.services.compute import common
from karbor_sandbox.services.compute import devices
from karbor_sandbox.services.image import images
from karbor_sandbox.services.network import common as net
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
POWER = {'active': 1, 'stopped': 4, 'paused': 3, 'suspended': 4,
         'building': 0, 'error': 0}
STATUS = {'active': 'ACTIVE', 'stopped': 'SHUTOFF', 'paused': 'PAUSED',
          'suspended': 'SUSPENDED', 'building': 'BUILD', 'error': 'ERROR'}


def set_state(doc, vm_state, task_state=None):
    doc.update({'status': STATUS[vm_state], 'OS-EXT-STS:vm_state': vm_state,
                'OS-EXT-STS:task_state': task_state,
                'OS-EXT-STS:power_state': POWER[vm_state]})


def _flavor_view(req, flavor):
    if common.at_least(req, '2.47'):
        return {'vcpus': flavor['vcpus'], 'ram': flavor['ram'],
                'disk': flavor['disk'], 'swap': flavor['swap'],
                'ephemeral': flavor['OS-FLV-EXT-DATA:ephemeral'],
                'original_name': flavor['name'],
                'extra_specs': flavor['extra_specs']}
    return {'id': flavor['id'], 'links': [common.link(req, 'flavors',
                                                      flavor['id'])[1]]}


def view(req, store, doc):
    body = {k: v for k, v in doc.items() if not k.startswith('_')}
    body['links'] = common.link(req, 'servers', doc['id'])
    body['flavor'] = _flavor_view(req, doc['_flavor'])
    if doc['_image_id']:
        body['image'] = {'id': doc['_image_id'], 'links': [common.link(
            req, 'images', doc['_image_id'])[1]]}
    else:
        body['image'] = ''
    body['addresses'] = devices.addresses(store, doc['id'])
    attached = []
    for bdm in doc['_bdms']:
        item = {'id': bdm['volume_id']}
        if common.at_least(req, '2.3'):
            item['delete_on_termination'] = bdm['delete_on_termination']
        attached.append(item)
    body['os-extended-volumes:volumes_attached'] = attached
    if not service.context(req).is_admin:
        for key in [k for k in body if k.startswith('OS-EXT-SRV-ATTR')]:
            del body[key]
    for key, since in (('locked', '2.9'), ('description', '2.19'),
                       ('tags', '2.26'), ('locked_reason', '2.73'),
                       ('trusted_image_certificates', '2.63'),
                       ('server_groups', '2.71')):
        if not common.at_least(req, since):
            body.pop(key, None)
    return body


def summary(req, doc):
    return {'id': doc['id'], 'name': doc['name'],
            'links': common.link(req, 'servers', doc['id'])}


class ServerController(wsgi.Controller):

    def _image(self, ctx, image_ref):
        image_id = image_ref.rsplit('/', 1)[-1]
        image = images.find(self.store, image_id)
        if image is None or not images.visible(self.store, ctx, image):
            raise wsgi.BadRequest('Invalid imageRef provided.')
        if image['status'] != 'active':
            raise wsgi.BadRequest('Image %s is not active.' % image_id)
        return image

    def _validate(self, req, body):
        if not isinstance(body.get('name'), str) or not body['name'].strip():
            raise wsgi.BadRequest("Invalid input for field/attribute "
                                  "server. Value: %s. 'name' is a required "
                                  "property" % body)
        flavor = common.flavor(self.store, str(body.get('flavorRef', ''))
                               .rsplit('/', 1)[-1])
        if flavor is None:
            raise wsgi.BadRequest('Invalid flavorRef provided.')
        bdms = body.get('block_device_mapping_v2') or []
        boots_from_volume = any(str(b.get('boot_index')) == '0' and
                                b.get('destination_type') == 'volume'
                                for b in bdms)
        if not body.get('imageRef') and not boots_from_volume:
            raise wsgi.BadRequest('Block Device Mapping is Invalid: Boot '
                                  'sequence for the instance and image/'
                                  'block device mapping combination is not '
                                  'valid.')
        zone = body.get('availability_zone') or common.AZ
        if zone.split(':')[0] != common.AZ:
            raise wsgi.BadRequest('The requested availability zone is not '
                                  'available')
        networks = body.get('networks')
        if networks is None and common.at_least(req, '2.37'):
            raise wsgi.BadRequest("Invalid input for field/attribute "
                                  "server. 'networks' is a required "
                                  "property")
        return flavor, bdms, boots_from_volume

    @wsgi.route('POST', '/servers')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req, 'server')
        flavor, bdms, from_volume = self._validate(req, body)
        image = None if from_volume else self._image(ctx, body['imageRef'])
        names = [g.get('name') for g in body.get('security_groups') or []]
        with self.store.transaction():
            group_ids = devices.security_group_ids(
                self.store, ctx.project_id, names or ['default'])
            doc = self._new(ctx, body, flavor, image, names or ['default'])
            self._plug(ctx, doc, body.get('networks'), group_ids)
            for bdm in bdms:
                self._block_device(ctx, doc, bdm)
            common.save(self.store, doc)
            self.service.run_later('server.built', 'create', doc['id'],
                                   doc['metadata'], server_id=doc['id'])
        resp = {'id': doc['id'], 'links': common.link(req, 'servers',
                                                      doc['id']),
                'OS-DCF:diskConfig': 'MANUAL',
                'security_groups': [{'name': n} for n in doc['_groups']],
                'adminPass': utils.new_hex()[:12]}
        return 202, {'server': resp}

    def _new(self, ctx, body, flavor, image, group_names):
        stamp = common.now()
        doc = {'id': utils.new_uuid(), 'name': body['name'],
               'tenant_id': ctx.project_id, 'user_id': ctx.user_id,
               'metadata': dict(body.get('metadata') or {}),
               'hostId': utils.new_hex() + utils.new_hex()[:24],
               'created': stamp, 'updated': stamp, 'accessIPv4': '',
               'accessIPv6': '', 'progress': 0,
               'OS-DCF:diskConfig': body.get('OS-DCF:diskConfig', 'MANUAL'),
               'OS-EXT-AZ:availability_zone': common.AZ,
               'config_drive': '', 'key_name': body.get('key_name'),
               'OS-SRV-USG:launched_at': None,
               'OS-SRV-USG:terminated_at': None,
               'security_groups': [{'name': n} for n in group_names],
               'OS-EXT-SRV-ATTR:host': common.HOST,
               'OS-EXT-SRV-ATTR:hypervisor_hostname': common.HOST,
               'OS-EXT-SRV-ATTR:instance_name': 'instance-%s'
                                                % utils.new_hex()[:8],
               'locked': False, 'locked_reason': None,
               'description': body.get('description'), 'tags': [],
               'trusted_image_certificates': None, 'server_groups': [],
               '_flavor': flavor, '_image_id': image['id'] if image else '',
               '_bdms': [], '_groups': group_names}
        if doc['key_name'] and not self.store.get(
                S, 'keypair', '%s:%s' % (ctx.user_id, doc['key_name'])):
            raise wsgi.BadRequest('Invalid key_name provided.')
        set_state(doc, 'building', 'scheduling')
        return doc

    def _plug(self, ctx, doc, networks, group_ids):
        if networks in (None, 'auto'):
            networks = [{'uuid': 'auto'}]
        elif networks == 'none':
            networks = []
        if not isinstance(networks, list):
            raise wsgi.BadRequest('Bad networks format')
        for item in networks:
            devices.plug(self.store, ctx, doc['id'], item, group_ids)

    def _block_device(self, ctx, doc, bdm):
        source = bdm.get('source_type')
        index = bdm.get('boot_index')
        index = None if index in (None, -1, '-1', 'none') else int(index)
        if bdm.get('destination_type', 'volume') != 'volume':
            return
        if source == 'volume':
            vol = devices.volume_of(self.store, ctx, bdm.get('uuid'))
        elif source == 'image':
            vol = devices.volume_from_image(self.cloud, ctx, bdm.get('uuid'),
                                            bdm.get('volume_size'))
        elif source == 'blank':
            vol = volumes.new_volume(self.cloud, ctx.project_id, ctx.user_id,
                                     int(bdm.get('volume_size') or 1),
                                     status='available')
        else:
            raise wsgi.BadRequest('Block Device Mapping is Invalid: source '
                                  'type %s is not supported' % source)
        devices.attach(self.cloud, doc, vol['id'],
                       device=bdm.get('device_name'), boot_index=index,
                       delete_on_termination=utils.as_bool(
                           bdm.get('delete_on_termination', False)),
                       tag=bdm.get('tag'))

    def _listing(self, req):
        ctx = service.context(req)
        everyone = ctx.is_admin and utils.as_bool(req.GET.get('all_tenants',
                                                              0))
        project = req.GET.get('tenant_id') or req.GET.get('project_id')
        docs = self.store.list(S, 'server', project_id=None if everyone
                               else (project if ctx.is_admin and project
                                     else ctx.project_id))
        docs = [d for d in docs if not d.get('_deleted')]
        if 'name' in req.GET:
            pattern = re.compile(req.GET['name'])
            docs = [d for d in docs if pattern.search(d['name'])]
        for key, field in (('status', 'status'), ('image', '_image_id'),
                           ('key_name', 'key_name'),
                           ('availability_zone',
                            'OS-EXT-AZ:availability_zone')):
            if key in req.GET:
                docs = [d for d in docs if str(d[field]).upper() ==
                        req.GET[key].upper()]
        if 'flavor' in req.GET:
            docs = [d for d in docs if d['_flavor']['id'] == req.GET[
                'flavor']]
        if 'ip' in req.GET:
            docs = [d for d in docs if req.GET['ip'] in str(
                devices.addresses(self.store, d['id']))]
        docs.reverse()
        marker = req.GET.get('marker')
        if marker:
            ids = [d['id'] for d in docs]
            if marker not in ids:
                raise wsgi.BadRequest('marker [%s] not found' % marker)
            docs = docs[ids.index(marker) + 1:]
        limit = int(req.GET.get('limit', 1000))
        more = len(docs) > limit
        return docs[:limit], more

    def _page(self, req, render):
        docs, more = self._listing(req)
        body = {'servers': [render(d) for d in docs]}
        if more and docs:
            query = dict(req.GET, marker=docs[-1]['id'])
            body['servers_links'] = [{'rel': 'next', 'href': '%s?%s' % (
                req.path_url, urllib.parse.urlencode(query))}]
        return body

    @wsgi.route('GET', '/servers')
    def index(self, req):
        return self._page(req, lambda d: summary(req, d))

    @wsgi.route('GET', '/servers/detail')
    def detail(self, req):
        return self._page(req, lambda d: view(req, self.store, d))

    @wsgi.route('GET', '/servers/{server_id}')
    def show(self, req, server_id):
        doc = common.server(self.store, req, server_id)
        return {'server': view(req, self.store, doc)}

    @wsgi.route('PUT', '/servers/{server_id}')
    def update(self, req, server_id):
        body = wsgi.json_body(req, 'server')
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            for key in ('name', 'description', 'accessIPv4', 'accessIPv6'):
                if key in body:
                    doc[key] = body[key]
            common.save(self.store, doc)
        return {'server': view(req, self.store, doc)}

    @wsgi.route('DELETE', '/servers/{server_id}')
    def delete(self, req, server_id):
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if doc['locked'] and not service.context(req).is_admin:
                raise wsgi.Conflict('Instance %s is locked' % server_id)
            doc['OS-EXT-STS:task_state'] = 'deleting'
            common.save(self.store, doc)
            self.service.run_later('server.deleted', 'delete', server_id,
                                   doc['metadata'], server_id=server_id)
        return wsgi.json_response(None, 204)

    # Metadata

    @wsgi.route('GET', '/servers/{server_id}/metadata')
    def metadata(self, req, server_id):
        return {'metadata': common.server(self.store, req,
                                          server_id)['metadata']}

    def _set_metadata(self, req, server_id, replace):
        body = wsgi.json_body(req)
        if not isinstance(body.get('metadata'), dict):
            raise wsgi.BadRequest('Malformed request body')
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if replace:
                doc['metadata'] = {}
            doc['metadata'].update(body['metadata'])
            common.save(self.store, doc)
        return {'metadata': doc['metadata']}

    @wsgi.route('POST', '/servers/{server_id}/metadata')
    def add_metadata(self, req, server_id):
        return self._set_metadata(req, server_id, False)

    @wsgi.route('PUT', '/servers/{server_id}/metadata')
    def replace_metadata(self, req, server_id):
        return self._set_metadata(req, server_id, True)

    @wsgi.route('DELETE', '/servers/{server_id}/metadata/{key}')
    def delete_metadata(self, req, server_id, key):
        with self.store.transaction():
            doc = common.server(self.store, req, server_id)
            if doc['metadata'].pop(key, None) is None:
                raise wsgi.NotFound('Metadata item was not found')
            common.save(self.store, doc)
        return wsgi.json_response(None, 204)


@tasks.handler('server.built')
def _built(cloud, server_id, error=None):
    doc = cloud.store.get(S, 'server', server_id)
    if doc is None:
        return
    if error:
        set_state(doc, 'error')
        doc['fault'] = {'code': 500, 'message': error,
                        'created': common.now()}
    else:
        set_state(doc, 'active')
        doc['OS-SRV-USG:launched_at'] = utils.isotime()
    common.save(cloud.store, doc)


@tasks.handler('server.deleted')
def _deleted(cloud, server_id, error=None):
    doc = cloud.store.get(S, 'server', server_id)
    if doc is None:
        return
    if error:
        set_state(doc, 'error')
        common.save(cloud.store, doc)
        return
    for port in net.device_ports(cloud.store, server_id):
        devices.unplug(cloud.store, port)
    for bdm in list(doc['_bdms']):
        devices.detach(cloud, doc, bdm)
        if bdm['delete_on_termination']:
            cloud.store.delete(volumes.S, 'volume', bdm['volume_id'])
            cloud.blobs.delete(volumes.blob_key(bdm['volume_id']))
    cloud.store.delete(S, 'server', server_id)
