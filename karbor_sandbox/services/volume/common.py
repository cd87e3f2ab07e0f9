"""Helpers shared by the Cinder controllers: ownership, views, listing."""

import json

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'volume'
AZ = 'nova'
HOST = 'sandbox@lvmdriver-1#lvmdriver-1'


def put(store, kind, doc):
    """Save a Cinder document (its owner is ``doc['_project_id']``)."""
    doc['updated_at'] = utils.isotime()
    return store.put(S, kind, doc, project_id=doc.get('_project_id'))


def update(store, kind, rid, **fields):
    """Set ``fields`` of a stored document; None if it has gone."""
    return store.update(S, kind, rid, **fields)


def get(store, req, kind, rid, label):
    """The document if it exists and the caller may see it, else 404."""
    doc = store.get(S, kind, rid)
    ctx = service.context(req)
    if doc is None or (doc.get('_project_id') not in (None, ctx.project_id)
                       and not ctx.is_admin):
        raise wsgi.NotFound('%s %s could not be found.' % (label, rid))
    return doc


def public(req, doc, collection):
    """Strip internal keys (``_*``) and add links."""
    body = {k: v for k, v in doc.items() if not k.startswith('_')}
    if 'id' in doc:
        href = '%s/volume/v3/%s/%s/%s' % (req.host_url,
                                          doc.get('_project_id', ''),
                                          collection, doc['id'])
        body['links'] = [{'rel': 'self', 'href': href},
                         {'rel': 'bookmark', 'href': href}]
    return body


def is_admin(req):
    return service.context(req).is_admin


def listing(req, store, kind, filters=('name', 'status')):
    """Documents of ``kind`` visible to the caller, filtered and paged.

    Returns ``(docs, next_marker)``; newest first, as Cinder sorts.
    """
    ctx = service.context(req)
    everyone = ctx.is_admin and utils.as_bool(req.GET.get('all_tenants', 0))
    docs = store.list(S, kind, project_id=None if everyone
                      else ctx.project_id)
    if everyone and req.GET.get('project_id'):
        docs = [d for d in docs
                if d.get('_project_id') == req.GET['project_id']]
    for key in filters:
        if key in req.GET:
            docs = [d for d in docs if str(d.get(key)) == req.GET[key]]
    if 'metadata' in req.GET:
        try:
            wanted = json.loads(req.GET['metadata'].replace("'", '"'))
        except ValueError:
            raise wsgi.BadRequest('Invalid input received: metadata')
        docs = [d for d in docs if all(d.get('metadata', {}).get(k) == v
                                       for k, v in wanted.items())]
    if not req.GET.get('sort', req.GET.get('sort_dir', 'desc')).endswith(
            'asc'):
        docs.reverse()
    if req.GET.get('marker'):
        ids = [d['id'] for d in docs]
        if req.GET['marker'] not in ids:
            raise wsgi.BadRequest('Marker %s could not be found.'
                                  % req.GET['marker'])
        docs = docs[ids.index(req.GET['marker']) + 1:]
    limit = req.GET.get('limit')
    if limit is not None:
        try:
            limit = int(limit)
        except ValueError:
            raise wsgi.BadRequest('limit param must be an integer')
        if limit < len(docs):
            docs = docs[:limit]
            return docs, docs[-1]['id'] if docs else None
    return docs, None


def page(req, docs, collection, view, next_marker):
    """A list body (``{collection: [...], collection_links: [...]}``)."""
    body = {collection: [view(req, d) for d in docs]}
    if next_marker:
        query = dict(req.GET, marker=next_marker)
        href = req.path_url + '?' + '&'.join('%s=%s' % kv
                                             for kv in query.items())
        body[collection + '_links'] = [{'rel': 'next', 'href': href}]
    return body


def summary(doc):
    return {'id': doc['id'], 'name': doc.get('name'),
            'links': doc.get('links', [])}


def require_status(doc, allowed, label, message=None):
    if doc['status'] not in allowed:
        raise wsgi.BadRequest(message or (
            'Invalid %s: %s status must be %s, but current status is: %s.'
            % (label.lower(), label, ' or '.join(allowed), doc['status'])))


def size_of(value, label='size'):
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise wsgi.BadRequest("Invalid input received: %s must be an "
                              "integer (and greater than 0)" % label)
    if size <= 0:
        raise wsgi.BadRequest("Invalid input received: %s must be an "
                              "integer (and greater than 0)" % label)
    return size
