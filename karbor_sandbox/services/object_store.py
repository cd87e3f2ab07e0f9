"""Swift v1: accounts, containers and objects (data streamed to disk)."""

import email.utils
import json
import mimetypes
import time

import webob

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'object-store'
ACCOUNT_PREFIX = 'AUTH_'
LISTING_LIMIT = 10000


def _meta_headers(req, kind):
    """``{name: value}`` of the ``X-<kind>-Meta-*`` request headers."""
    prefix = 'x-%s-meta-' % kind
    return {k[len(prefix):].lower(): v for k, v in req.headers.items()
            if k.lower().startswith(prefix)}


def _apply_meta(doc, req, kind):
    for key, value in _meta_headers(req, kind).items():
        if value:
            doc['meta'][key] = value
        else:
            doc['meta'].pop(key, None)


def _meta_out(doc, kind):
    return {'X-%s-Meta-%s' % (kind.title(), k.title()): v
            for k, v in doc['meta'].items()}


def _http_date(ts):
    return email.utils.formatdate(ts, usegmt=True)


def _response(status, headers=None, body=None, content_type=None):
    resp = webob.Response(status=status, charset=None)
    resp.headers['X-Trans-Id'] = 'tx' + utils.new_hex()
    resp.headers['X-Openstack-Request-Id'] = resp.headers['X-Trans-Id']
    if body is not None:
        resp.content_type = content_type or 'text/plain; charset=utf-8'
        resp.body = body if isinstance(body, bytes) else body.encode('utf-8')
    else:
        resp.content_type = content_type
        resp.content_length = 0
    for key, value in (headers or {}).items():
        resp.headers[key] = str(value)
    return resp


def _expiry(req, now):
    if req.headers.get('X-Delete-At'):
        try:
            return float(req.headers['X-Delete-At'])
        except ValueError:
            raise wsgi.BadRequest('Non-integer X-Delete-At')
    if req.headers.get('X-Delete-After'):
        try:
            return now + float(req.headers['X-Delete-After'])
        except ValueError:
            raise wsgi.BadRequest('Non-integer X-Delete-After')
    return None


def _listing(req, names):
    """Apply prefix/delimiter/marker/end_marker/limit/reverse to a sorted
    list of ``(name, entry)``; return the entries."""
    prefix = req.GET.get('prefix', '')
    delimiter = req.GET.get('delimiter')
    marker, end = req.GET.get('marker'), req.GET.get('end_marker')
    reverse = utils.as_bool(req.GET.get('reverse', False))
    try:
        limit = min(int(req.GET.get('limit', LISTING_LIMIT)), LISTING_LIMIT)
    except ValueError:
        raise wsgi.BadRequest('Invalid limit')
    if reverse:
        names = names[::-1]
    out, seen = [], set()
    for name, entry in names:
        if not name.startswith(prefix):
            continue
        if marker and ((name <= marker) if not reverse else name >= marker):
            continue
        if end and ((name >= end) if not reverse else name <= end):
            continue
        if delimiter:
            cut = name.find(delimiter, len(prefix))
            if cut >= 0:
                sub = name[:cut + len(delimiter)]
                if sub not in seen:
                    seen.add(sub)
                    out.append((sub, {'subdir': sub}))
                continue
        out.append((name, entry))
        if len(out) >= limit:
            break
    return out[:limit]


def _render(req, entries, headers):
    fmt = req.GET.get('format', 'plain')
    if 'application/json' in req.headers.get('Accept', ''):
        fmt = 'json'
    if fmt == 'json':
        return _response(200, headers, json.dumps([e for _n, e in entries]),
                         'application/json; charset=utf-8')
    if not entries:
        return _response(204, headers)
    return _response(200, headers, ''.join(n + '\n' for n, _e in entries))


class SwiftController(wsgi.Controller):
    """The whole Swift API: the account, its containers and objects."""

    def _account(self, req, account):
        ctx = service.context(req)
        if not account.startswith(ACCOUNT_PREFIX):
            raise wsgi.NotFound()
        if account[len(ACCOUNT_PREFIX):] != ctx.project_id and \
                not ctx.is_admin:
            raise wsgi.Forbidden('Access was denied to this resource.')
        doc = self.store.get(S, 'account', account)
        if doc is None:
            doc = self.store.put(S, 'account', {
                'id': account, 'meta': {}, 'created': time.time()},
                project_id=account[len(ACCOUNT_PREFIX):])
        return doc

    def _container(self, req, account, container):
        self._account(req, account)
        doc = self.store.get(S, 'container', '%s/%s' % (account, container))
        if doc is None:
            raise wsgi.NotFound()
        return doc

    def _objects(self, cid):
        """Live objects of a container, sorted by name (expired ones go)."""
        now, live = time.time(), []
        for obj in self.store.list(S, 'object', parent=cid):
            if obj['delete_at'] and obj['delete_at'] <= now:
                self._remove(obj)
            else:
                live.append(obj)
        return sorted(live, key=lambda o: o['name'])

    def _remove(self, obj):
        self.store.delete(S, 'object', obj['id'])
        self.cloud.blobs.delete(obj['blob'])

    def _container_headers(self, doc):
        objs = self._objects(doc['id'])
        headers = {'X-Container-Object-Count': len(objs),
                   'X-Container-Bytes-Used': sum(o['bytes'] for o in objs),
                   'X-Timestamp': '%.5f' % doc['created'],
                   'X-Storage-Policy': 'Policy-0'}
        headers.update(_meta_out(doc, 'container'))
        return headers

    def _account_headers(self, doc):
        containers = self.store.list(S, 'container', parent=doc['id'])
        objs = [o for c in containers for o in self._objects(c['id'])]
        headers = {'X-Account-Container-Count': len(containers),
                   'X-Account-Object-Count': len(objs),
                   'X-Account-Bytes-Used': sum(o['bytes'] for o in objs),
                   'X-Timestamp': '%.5f' % doc['created']}
        headers.update(_meta_out(doc, 'account'))
        return headers

    @wsgi.route('GET', '/info', auth=False)
    def info(self, req):
        return {'swift': {'version': '2.38.0', 'max_file_size': 5368709122,
                          'container_listing_limit': LISTING_LIMIT,
                          'account_listing_limit': LISTING_LIMIT,
                          'max_meta_name_length': 128,
                          'max_meta_value_length': 256,
                          'policies': [{'name': 'Policy-0',
                                        'default': True}]}}

    # Account

    @wsgi.route('HEAD', '/v1/{account}')
    def head_account(self, req, account):
        return _response(204, self._account_headers(
            self._account(req, account)))

    @wsgi.route('GET', '/v1/{account}')
    def get_account(self, req, account):
        doc = self._account(req, account)
        entries = []
        for cont in sorted(self.store.list(S, 'container', parent=account),
                           key=lambda c: c['name']):
            objs = self._objects(cont['id'])
            entries.append((cont['name'], {
                'name': cont['name'], 'count': len(objs),
                'bytes': sum(o['bytes'] for o in objs),
                'last_modified': utils.isotime(cont['created'])}))
        return _render(req, _listing(req, entries),
                       self._account_headers(doc))

    @wsgi.route('POST', '/v1/{account}')
    def post_account(self, req, account):
        with self.store.transaction():
            doc = self._account(req, account)
            _apply_meta(doc, req, 'account')
            self.store.put(S, 'account', doc, project_id=account[5:])
        return _response(204)

    # Containers

    @wsgi.route('PUT', '/v1/{account}/{container}')
    def put_container(self, req, account, container):
        self._account(req, account)
        cid = '%s/%s' % (account, container)
        with self.store.transaction():
            doc = self.store.get(S, 'container', cid)
            status = 202 if doc else 201
            doc = doc or {'id': cid, 'name': container, 'meta': {},
                          'created': time.time()}
            _apply_meta(doc, req, 'container')
            self.store.put(S, 'container', doc, parent=account)
        return _response(status)

    @wsgi.route('HEAD', '/v1/{account}/{container}')
    def head_container(self, req, account, container):
        doc = self._container(req, account, container)
        return _response(204, self._container_headers(doc))

    @wsgi.route('GET', '/v1/{account}/{container}')
    def get_container(self, req, account, container):
        doc = self._container(req, account, container)
        entries = [(o['name'], {'name': o['name'], 'hash': o['hash'],
                                'bytes': o['bytes'],
                                'content_type': o['content_type'],
                                'last_modified': o['last_modified']})
                   for o in self._objects(doc['id'])]
        return _render(req, _listing(req, entries),
                       self._container_headers(doc))

    @wsgi.route('POST', '/v1/{account}/{container}')
    def post_container(self, req, account, container):
        with self.store.transaction():
            doc = self._container(req, account, container)
            _apply_meta(doc, req, 'container')
            self.store.put(S, 'container', doc, parent=account)
        return _response(204)

    @wsgi.route('DELETE', '/v1/{account}/{container}')
    def delete_container(self, req, account, container):
        with self.store.transaction():
            doc = self._container(req, account, container)
            if self._objects(doc['id']):
                raise wsgi.Conflict('There was a conflict when trying to '
                                    'complete your request.')
            self.store.delete(S, 'container', doc['id'])
        return _response(204)

    # Objects

    def _object(self, req, account, container, name):
        cont = self._container(req, account, container)
        obj = self.store.get(S, 'object', '%s/%s' % (cont['id'], name))
        if obj is None or (obj['delete_at'] and
                           obj['delete_at'] <= time.time()):
            raise wsgi.NotFound()
        return obj

    def _object_headers(self, obj):
        headers = {'Etag': obj['hash'], 'X-Timestamp': '%.5f' % obj['ts'],
                   'Last-Modified': _http_date(obj['ts']),
                   'Accept-Ranges': 'bytes'}
        if obj['delete_at']:
            headers['X-Delete-At'] = int(obj['delete_at'])
        headers.update(_meta_out(obj, 'object'))
        return headers

    def _refuse_if_full(self, container, name, req):
        """An injected ``put`` fault on ``<container>/<object>``: read the
        body's first chunk, then answer as a Swift whose disks are full."""
        fault = self.cloud.faults.take(self.service.name, 'put',
                                       '%s/%s' % (container, name))
        if fault is None or not fault.is_error:
            return
        next(wsgi.read_input(req.environ), None)
        raise wsgi.HTTPError(507, 'Insufficient Storage')

    @wsgi.route('PUT', '/v1/{account}/{container}/{name:.+}')
    def put_object(self, req, account, container, name):
        cont = self._container(req, account, container)
        now = time.time()
        delete_at = _expiry(req, now)
        self._refuse_if_full(container, name, req)
        blob = 'obj-%s' % utils.new_uuid()
        size, md5 = self.cloud.blobs.write(blob, wsgi.read_input(req.environ))
        etag = req.headers.get('Etag', '').strip('"')
        if etag and etag != md5:
            self.cloud.blobs.delete(blob)
            raise wsgi.HTTPError(422, 'The entity could not be processed.')
        oid = '%s/%s' % (cont['id'], name)
        ctype = (req.headers.get('Content-Type') or
                 mimetypes.guess_type(name)[0] or 'application/octet-stream')
        obj = {'id': oid, 'name': name, 'bytes': size, 'hash': md5,
               'content_type': ctype, 'ts': now,
               'last_modified': utils.isotime(now), 'delete_at': delete_at,
               'blob': blob, 'meta': {}}
        _apply_meta(obj, req, 'object')
        with self.store.transaction():
            old = self.store.get(S, 'object', oid)
            self.store.put(S, 'object', obj, parent=cont['id'])
        if old:
            self.cloud.blobs.delete(old['blob'])
        return _response(201, {'Etag': md5,
                               'Last-Modified': _http_date(now)},
                         content_type='text/html; charset=UTF-8')

    @wsgi.route('GET', '/v1/{account}/{container}/{name:.+}')
    def get_object(self, req, account, container, name):
        obj = self._object(req, account, container, name)
        resp = _response(200, self._object_headers(obj),
                         content_type=obj['content_type'])
        if req.method != 'HEAD':
            resp.app_iter = self.cloud.blobs.read(obj['blob'])
        resp.content_length = obj['bytes']
        return resp

    @wsgi.route('POST', '/v1/{account}/{container}/{name:.+}')
    def post_object(self, req, account, container, name):
        with self.store.transaction():
            obj = self._object(req, account, container, name)
            obj['meta'] = {}
            _apply_meta(obj, req, 'object')
            if 'X-Delete-At' in req.headers or \
                    'X-Delete-After' in req.headers:
                obj['delete_at'] = _expiry(req, time.time())
            if req.headers.get('Content-Type'):
                obj['content_type'] = req.headers['Content-Type']
            self.store.put(S, 'object', obj,
                           parent='%s/%s' % (account, container))
        return _response(202)

    @wsgi.route('DELETE', '/v1/{account}/{container}/{name:.+}')
    def delete_object(self, req, account, container, name):
        with self.store.transaction():
            obj = self._object(req, account, container, name)
            self._remove(obj)
        return _response(204)


@service.register
class ObjectStoreService(service.Service):
    name = S
    prefix = '/object-store'
    catalog = (('object-store', 'swift'),)
    endpoint = '/object-store/v1/' + ACCOUNT_PREFIX + '%(project_id)s'
    error_style = 'plain'
    controllers = (SwiftController,)

    def handle(self, req, path):
        if 'X-Storage-Token' in req.headers and \
                'X-Auth-Token' not in req.headers:
            req.headers['X-Auth-Token'] = req.headers['X-Storage-Token']
        return super().handle(req, path)
