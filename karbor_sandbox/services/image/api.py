"""Glance v2 controllers: versions, schemas, images, data, tags, members."""

import json
import urllib.parse

import webob

from karbor_sandbox import service
from karbor_sandbox.services.image import images
from karbor_sandbox.services.image import schema
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = images.S
PATCH_TYPES = ('application/openstack-images-v2.1-json-patch',
               'application/openstack-images-v2.0-json-patch')
CREATABLE = ('id', 'name', 'visibility', 'protected', 'os_hidden',
             'container_format', 'disk_format', 'min_ram', 'min_disk',
             'tags', 'owner')
LIST_PARAMS = ('limit', 'marker', 'sort_key', 'sort_dir', 'sort',
               'visibility', 'member_status', 'tag', 'size_min', 'size_max')
MAX_LIMIT = 1000
VERSIONS = ('2.17', '2.16', '2.15', '2.9', '2.7', '2.6', '2.5', '2.4', '2.3',
            '2.2', '2.1', '2.0')


def view(doc):
    body = {k: v for k, v in doc.items() if not k.startswith('_')}
    body.update({'self': '/v2/images/%s' % doc['id'],
                 'file': '/v2/images/%s/file' % doc['id'],
                 'schema': '/v2/schemas/image'})
    return body


def _versions(req):
    return [{'id': 'v' + v, 'status': 'CURRENT' if i == 0 else 'SUPPORTED',
             'links': [{'rel': 'self', 'href': req.host_url + '/image/v2/'}]}
            for i, v in enumerate(VERSIONS)]


class VersionController(wsgi.Controller):

    @wsgi.route('GET', '/', auth=False)
    def root(self, req):
        return 300, {'versions': _versions(req)}

    @wsgi.route('GET', '/versions', auth=False)
    def versions(self, req):
        return {'versions': _versions(req)}

    @wsgi.route('GET', '/v2', auth=False)
    def v2(self, req):
        return {'versions': _versions(req)}


class SchemaController(wsgi.Controller):

    @wsgi.route('GET', '/v2/schemas/{name}')
    def show(self, req, name):
        if name not in schema.SCHEMAS:
            raise wsgi.NotFound()
        return schema.SCHEMAS[name]()


def _check_values(body):
    for key, allowed in (('disk_format', schema.DISK_FORMATS),
                         ('container_format', schema.CONTAINER_FORMATS),
                         ('visibility', schema.VISIBILITIES)):
        if key in body and body[key] is not None and body[key] not in allowed:
            raise wsgi.BadRequest("Invalid value '%s' for %s"
                                  % (body[key], key))
    for key, value in body.items():
        if key in ('min_ram', 'min_disk') and not isinstance(value, int):
            raise wsgi.BadRequest('%s must be an integer' % key)
        if key in ('protected', 'os_hidden') and not isinstance(value, bool):
            raise wsgi.BadRequest('%s must be a boolean' % key)
        if key not in CREATABLE and not isinstance(value, str):
            raise wsgi.BadRequest("Provided object does not match schema "
                                  "'image': %r is not of type 'string'"
                                  % (value,))


def _check_writable(ctx, body):
    for key in body:
        if key in schema.READ_ONLY and key != 'id':
            raise wsgi.Forbidden("Attribute '%s' is read-only." % key)
    if body.get('visibility') == 'public' and not ctx.is_admin:
        raise wsgi.Forbidden('You are not authorized to complete '
                             'publicize_image action.')
    if 'owner' in body and body['owner'] != ctx.project_id and \
            not ctx.is_admin:
        raise wsgi.Forbidden("Attribute 'owner' is reserved.")


class ImageController(wsgi.Controller):

    @wsgi.route('POST', '/v2/images')
    def create(self, req):
        ctx = service.context(req)
        body = wsgi.json_body(req)
        _check_writable(ctx, body)
        _check_values(body)
        if 'id' in body and images.find(self.store, body['id']):
            raise wsgi.Conflict('Image with identifier %s already exists!'
                                % body['id'])
        fields = dict(body)
        fields['tags'] = sorted(set(body.get('tags') or []))
        owner = fields.pop('owner', ctx.project_id)
        doc = images.new_image(self.store, owner, **fields)
        return 201, view(doc)

    @wsgi.route('GET', '/v2/images')
    def index(self, req):
        ctx = service.context(req)
        docs = [d for d in self.store.list(S, 'image')
                if d['status'] != 'deleted']
        docs = self._by_visibility(ctx, docs, req.GET)
        docs = self._filter(docs, req.GET)
        docs = self._sort(docs, req.GET)
        page, more = self._page(docs, req.GET)
        body = {'images': [view(d) for d in page], 'first': '/v2/images',
                'schema': '/v2/schemas/images'}
        if more:
            query = [(k, v) for k, v in req.GET.items() if k != 'marker']
            query.append(('marker', page[-1]['id']))
            body['next'] = '/v2/images?' + urllib.parse.urlencode(query)
        return body

    def _by_visibility(self, ctx, docs, params):
        wanted = params.get('visibility')
        if wanted and wanted not in schema.VISIBILITIES + ('all',):
            raise wsgi.BadRequest('Invalid visibility value: %s' % wanted)
        member_status = params.get('member_status', 'accepted')
        out = []
        for doc in docs:
            mine = ctx.is_admin or doc['owner'] == ctx.project_id
            vis = doc['visibility']
            if wanted and wanted != 'all' and vis != wanted:
                continue
            if vis == 'shared' and not mine:
                statuses = None if member_status == 'all' else (
                    member_status,)
                if not images.is_member(self.store, doc['id'],
                                        ctx.project_id, statuses):
                    continue
            elif vis == 'community' and not mine and not wanted:
                continue
            elif vis == 'private' and not mine:
                continue
            if doc.get('os_hidden') and not utils.as_bool(
                    params.get('os_hidden', False)):
                continue
            out.append(doc)
        return out

    @staticmethod
    def _filter(docs, params):
        for key, value in params.items():
            if key in LIST_PARAMS or key == 'os_hidden':
                continue
            if value.startswith('in:'):
                values = value[3:].split(',')
                docs = [d for d in docs if str(d.get(key)) in values]
            else:
                docs = [d for d in docs if str(d.get(key)) == value]
        for tag in params.getall('tag'):
            docs = [d for d in docs if tag in d['tags']]
        if 'size_min' in params:
            docs = [d for d in docs if (d['size'] or 0) >= int(
                params['size_min'])]
        if 'size_max' in params:
            docs = [d for d in docs if (d['size'] or 0) <= int(
                params['size_max'])]
        return docs

    @staticmethod
    def _sort(docs, params):
        keys = params.getall('sort_key') or ['created_at']
        dirs = params.getall('sort_dir') or ['desc']
        if params.get('sort'):
            first = params['sort'].split(',')[0]
            key, _sep, direction = first.partition(':')
            keys, dirs = [key], [direction or 'desc']
        if dirs[0] not in ('asc', 'desc'):
            raise wsgi.BadRequest('Invalid sort direction: %s' % dirs[0])
        # Creation order is the store's; created_at ties on one second.
        if keys[0] == 'created_at':
            return docs[::-1] if dirs[0] == 'desc' else docs
        return sorted(docs, key=lambda d: (d.get(keys[0]) is None,
                                           str(d.get(keys[0]))),
                      reverse=dirs[0] == 'desc')

    @staticmethod
    def _page(docs, params):
        marker = params.get('marker')
        if marker:
            ids = [d['id'] for d in docs]
            if marker not in ids:
                raise wsgi.BadRequest('Invalid marker. Image %s could not '
                                      'be found.' % marker)
            docs = docs[ids.index(marker) + 1:]
        try:
            limit = min(int(params.get('limit', MAX_LIMIT)), MAX_LIMIT)
        except ValueError:
            raise wsgi.BadRequest('limit param must be an integer')
        if limit < 0:
            raise wsgi.BadRequest('limit param must be positive')
        return docs[:limit], len(docs) > limit

    @wsgi.route('GET', '/v2/images/{image_id}')
    def show(self, req, image_id):
        return view(images.get(self.store, service.context(req), image_id))

    @wsgi.route('PATCH', '/v2/images/{image_id}')
    def update(self, req, image_id):
        raw = req.body
        if req.content_type not in PATCH_TYPES:
            raise wsgi.HTTPError(415, 'Unsupported Content-Type')
        ctx = service.context(req)
        try:
            ops = json.loads(raw)
        except ValueError:
            raise wsgi.BadRequest('Malformed JSON in request body.')
        if not isinstance(ops, list):
            raise wsgi.BadRequest('Request body must be a JSON array of '
                                  'operation objects.')
        with self.store.transaction():
            doc = images.owned(self.store, ctx, image_id)
            for op in ops:
                self._apply(ctx, doc, op)
            _check_values({k: v for k, v in doc.items()
                           if k not in schema.READ_ONLY + ('owner',)})
            doc['updated_at'] = images.now()
            images.put(self.store, doc)
        return view(doc)

    @staticmethod
    def _apply(ctx, doc, op):
        if not isinstance(op, dict) or op.get('op') not in (
                'add', 'replace', 'remove'):
            raise wsgi.BadRequest('Unable to find `op` in JSON Schema '
                                  'change. It must be one of the following:'
                                  ' add, remove, replace.')
        path = op.get('path')
        if not isinstance(path, str) or not path.startswith('/') or \
                '/' in path[1:]:
            raise wsgi.BadRequest("Invalid JSON pointer for this resource: "
                                  "'%s'" % path)
        key = path[1:]
        if op['op'] == 'remove':
            if key in schema.PROPERTIES and schema.PROPERTIES[key].get(
                    'is_base', True):
                raise wsgi.Forbidden("Base property '%s' cannot be "
                                     "removed." % key)
            if key not in doc:
                raise wsgi.Conflict('Property %s does not exist.' % key)
            del doc[key]
            return
        if 'value' not in op:
            raise wsgi.BadRequest('Operation objects must contain exactly '
                                  'one member named "value".')
        _check_writable(ctx, {key: op['value']})
        if op['op'] == 'replace' and key not in doc:
            raise wsgi.Conflict('Property %s does not exist.' % key)
        doc[key] = (sorted(set(op['value'])) if key == 'tags'
                    else op['value'])

    @wsgi.route('DELETE', '/v2/images/{image_id}')
    def delete(self, req, image_id):
        with self.store.transaction():
            doc = images.owned(self.store, service.context(req), image_id)
            if doc['protected']:
                raise wsgi.Forbidden('Image %s is protected and cannot be '
                                     'deleted.' % image_id)
            self.store.delete(S, 'image', image_id)
            for member in self.store.list(S, 'member', parent=image_id):
                self.store.delete(S, 'member', member['id'])
        self.cloud.blobs.delete(images.blob_key(image_id))
        return wsgi.json_response(None, 204)

    @wsgi.route('POST', '/v2/images/{image_id}/actions/{action}')
    def action(self, req, image_id, action):
        ctx = service.context(req)
        with self.store.transaction():
            doc = images.owned(self.store, ctx, image_id)
            if action not in ('deactivate', 'reactivate'):
                raise wsgi.NotFound()
            wanted = ('active', 'deactivated')
            if doc['status'] not in wanted:
                raise wsgi.Forbidden('Not allowed to %s image in status '
                                     "'%s'" % (action, doc['status']))
            images.set_fields(self.store, image_id, status=(
                'deactivated' if action == 'deactivate' else 'active'))
        return wsgi.json_response(None, 204)

    @wsgi.route('PUT', '/v2/images/{image_id}/tags/{tag}')
    def add_tag(self, req, image_id, tag):
        with self.store.transaction():
            doc = images.owned(self.store, service.context(req), image_id)
            images.set_fields(self.store, image_id,
                              tags=sorted(set(doc['tags']) | {tag}))
        return wsgi.json_response(None, 204)

    @wsgi.route('DELETE', '/v2/images/{image_id}/tags/{tag}')
    def delete_tag(self, req, image_id, tag):
        with self.store.transaction():
            doc = images.owned(self.store, service.context(req), image_id)
            if tag not in doc['tags']:
                raise wsgi.NotFound('Tag %s not found' % tag)
            images.set_fields(self.store, image_id,
                              tags=sorted(set(doc['tags']) - {tag}))
        return wsgi.json_response(None, 204)


class DataController(wsgi.Controller):

    @wsgi.route('PUT', '/v2/images/{image_id}/file')
    def upload(self, req, image_id):
        try:
            doc = self._start_upload(req, image_id)
        except wsgi.HTTPError:
            # Drain the refused body, or a keep-alive connection would
            # read its rest as the next request.
            for _chunk in wsgi.read_input(req.environ):
                pass
            raise
        images.receive(self.service, doc, wsgi.read_input(req.environ))
        return wsgi.json_response(None, 204)

    def _start_upload(self, req, image_id):
        ctx = service.context(req)
        with self.store.transaction():
            doc = images.owned(self.store, ctx, image_id)
            if doc['status'] != 'queued':
                raise wsgi.Conflict('Image status transition from %s to '
                                    'saving is not allowed'
                                    % doc['status'])
            if not (doc['disk_format'] and doc['container_format']):
                raise wsgi.BadRequest('Properties disk_format, '
                                      'container_format must be set prior '
                                      'to saving data.')
            return images.set_fields(self.store, image_id, status='saving')

    @wsgi.route('GET', '/v2/images/{image_id}/file')
    def download(self, req, image_id):
        doc = images.get(self.store, service.context(req), image_id)
        if doc['status'] == 'deactivated' and not service.context(
                req).is_admin:
            raise wsgi.Forbidden('The requested image has been '
                                 'deactivated. Image data download is '
                                 'forbidden.')
        key = images.blob_key(image_id)
        if doc['status'] != 'active' or not self.cloud.blobs.exists(key):
            return wsgi.json_response(None, 204)
        resp = webob.Response(status=200, app_iter=self.cloud.blobs.read(key),
                              content_type='application/octet-stream',
                              charset=None)
        resp.content_length = doc['size']
        resp.headers['Content-MD5'] = doc['checksum']
        return resp


class MemberController(wsgi.Controller):

    @staticmethod
    def _view(doc):
        return {k: v for k, v in doc.items() if k != 'id'}

    @wsgi.route('GET', '/v2/images/{image_id}/members')
    def index(self, req, image_id):
        images.get(self.store, service.context(req), image_id)
        return {'members': [self._view(m) for m in self.store.list(
            S, 'member', parent=image_id)], 'schema': '/v2/schemas/members'}

    @wsgi.route('POST', '/v2/images/{image_id}/members')
    def create(self, req, image_id):
        member_id = wsgi.json_body(req).get('member')
        if not member_id:
            raise wsgi.BadRequest('Member to be added not specified')
        with self.store.transaction():
            doc = images.owned(self.store, service.context(req), image_id)
            if doc['visibility'] != 'shared':
                raise wsgi.Forbidden("Only shared images have members.")
            stamp = images.now()
            member = {'id': '%s:%s' % (image_id, member_id),
                      'image_id': image_id, 'member_id': member_id,
                      'status': 'pending', 'created_at': stamp,
                      'updated_at': stamp, 'schema': '/v2/schemas/member'}
            self.store.put(S, 'member', member, parent=image_id)
        return self._view(member)

    @wsgi.route('PUT', '/v2/images/{image_id}/members/{member_id}')
    def update(self, req, image_id, member_id):
        ctx = service.context(req)
        status = wsgi.json_body(req).get('status')
        if status not in ('pending', 'accepted', 'rejected'):
            raise wsgi.BadRequest('Invalid status: %s' % status)
        with self.store.transaction():
            images.get(self.store, ctx, image_id)
            member = self.store.get(S, 'member', '%s:%s' % (image_id,
                                                            member_id))
            if member is None:
                raise wsgi.NotFound('Member %s not found' % member_id)
            if member_id != ctx.project_id and not ctx.is_admin:
                raise wsgi.Forbidden('Only the member may change its '
                                     'status.')
            member.update(status=status, updated_at=images.now())
            self.store.put(S, 'member', member, parent=image_id)
        return self._view(member)

    @wsgi.route('DELETE', '/v2/images/{image_id}/members/{member_id}')
    def delete(self, req, image_id, member_id):
        images.owned(self.store, service.context(req), image_id)
        if not self.store.delete(S, 'member', '%s:%s' % (image_id,
                                                         member_id)):
            raise wsgi.NotFound('Member %s not found' % member_id)
        return wsgi.json_response(None, 204)
