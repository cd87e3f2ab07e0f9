"""Helpers shared by the Manila controllers: ownership, listing, views."""

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'share'
AZ = 'nova'
HOST = 'sandbox@generic#fake_pool'
MIN_VERSION = '2.0'
MAX_VERSION = '2.84'
LABELS = {'share': 'Share', 'snapshot': 'Snapshot',
          'share_network': 'Share network', 'share_type': 'Share type'}


def put(store, kind, doc):
    doc['updated_at'] = utils.isotime()
    return store.put(S, kind, doc, project_id=doc.get('project_id'))


def get(store, req, kind, rid):
    doc = store.get(S, kind, rid)
    ctx = service.context(req)
    if doc is None or (doc.get('project_id') not in (None, ctx.project_id)
                       and not ctx.is_admin and not doc.get('is_public')):
        if kind == 'snapshot':
            raise wsgi.NotFound('Snapshot %s could not be found.' % rid)
        raise wsgi.NotFound('%s %s could not be found.'
                            % (LABELS[kind], rid))
    return doc


def view(req, doc, collection):
    body = {k: v for k, v in doc.items() if not k.startswith('_')}
    href = '%s/share/v2/%s/%s/%s' % (req.host_url, doc.get('project_id'),
                                     collection, doc['id'])
    body['links'] = [{'rel': 'self', 'href': href},
                     {'rel': 'bookmark', 'href': href}]
    return body


def listing(req, store, kind, filters):
    """Documents of ``kind`` visible to the caller, filtered and paged."""
    ctx = service.context(req)
    everyone = ctx.is_admin and utils.as_bool(req.GET.get('all_tenants', 0))
    docs = store.list(S, kind, project_id=None if everyone
                      else ctx.project_id)
    if not everyone and utils.as_bool(req.GET.get('is_public', False)):
        # "is_public" asks for others' public resources as well.
        docs += [d for d in store.list(S, kind) if d.get('is_public') and
                 d['project_id'] != ctx.project_id]
    if everyone and req.GET.get('project_id'):
        docs = [d for d in docs if d['project_id'] == req.GET['project_id']]
    for key in filters:
        if req.GET.get(key):
            docs = [d for d in docs if str(d.get(key)) == req.GET[key]]
    for key in ('name~', 'description~'):
        if req.GET.get(key):
            docs = [d for d in docs if req.GET[key] in (d.get(key[:-1])
                                                        or '')]
    key = req.GET.get('sort_key', 'created_at')
    docs.sort(key=lambda d: str(d.get(key)),
              reverse=req.GET.get('sort_dir', 'desc') == 'desc')
    try:
        offset = int(req.GET.get('offset', 0))
        limit = int(req.GET['limit']) if 'limit' in req.GET else None
    except ValueError:
        raise wsgi.BadRequest('limit and offset must be integers')
    return docs[offset:offset + limit if limit is not None else None]


def require_status(doc, allowed, label):
    if doc['status'] not in allowed:
        raise wsgi.BadRequest('Invalid %s: %s status must be %s, current '
                              'status is %s.' % (
                                  label.lower(), label, ' or '.join(allowed),
                                  doc['status']))


def size_of(value):
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = 0
    if size <= 0:
        raise wsgi.BadRequest("Share size '%s' must be an integer and "
                              "greater than 0" % value)
    return size
