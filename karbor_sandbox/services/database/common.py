"""Helpers shared by the Trove controllers: lookups, datastores, paging."""

from karbor_sandbox import service
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'database'
REGION = 'RegionOne'
# (datastore, versions, default version)
DATASTORES = (('mysql', ('5.7.29', '8.0.29'), '5.7.29'),
              ('postgresql', ('12.11', '13.4'), '13.4'),
              ('mariadb', ('10.4',), '10.4'))


def now():
    return utils.isotime(micro=False)


def put(store, kind, doc):
    doc['updated'] = now()
    return store.put(S, kind, doc, project_id=doc['_project_id'])


def update(store, kind, rid, **fields):
    """Set ``fields`` of a stored document; None if it has gone."""
    return store.update(S, kind, rid, **fields)


def get(store, req, kind, rid, label):
    doc = store.get(S, kind, rid)
    ctx = service.context(req)
    if doc is None or (doc['_project_id'] != ctx.project_id and
                       not ctx.is_admin):
        raise wsgi.NotFound('%s %s cannot be found.' % (label, rid))
    return doc


def unprocessable(message):
    return wsgi.HTTPError(422, message, fault='unprocessableEntity')


def links(req, kind, rid, project_id):
    href = '%s/database/v1.0/%s/%s/%s' % (req.host_url, project_id, kind,
                                          rid)
    return [{'rel': 'self', 'href': href},
            {'rel': 'bookmark', 'href': href.replace('/v1.0', '')}]


def bootstrap_datastores(store):
    for name, versions, default in DATASTORES:
        version_docs = [{'id': utils.new_uuid(), 'name': v, 'version': v,
                         'active': 1, 'packages': '', 'image': ''}
                        for v in versions]
        default_id = next(v['id'] for v in version_docs
                          if v['name'] == default)
        store.put(S, 'datastore', {'id': utils.new_uuid(), 'name': name,
                                   'default_version': default_id,
                                   'versions': version_docs})


def datastore(store, name=None, version=None):
    """``(datastore doc, version doc)`` for a type and version name."""
    docs = store.list(S, 'datastore')
    found = next((d for d in docs if (name or 'mysql') in (d['id'],
                                                           d['name'])),
                 None)
    if found is None:
        raise wsgi.NotFound("Datastore '%s' cannot be found." % name)
    wanted = version or found['default_version']
    for item in found['versions']:
        if wanted in (item['id'], item['name']):
            return found, item
    raise wsgi.NotFound("Datastore version '%s' cannot be found."
                        % version)


def paginate(req, docs, collection, render):
    """Trove's ``limit``/``marker`` paging with a ``links`` next entry."""
    marker = req.GET.get('marker')
    if marker:
        ids = [d['id'] for d in docs]
        docs = docs[ids.index(marker) + 1:] if marker in ids else []
    try:
        limit = int(req.GET.get('limit', 20))
    except ValueError:
        raise wsgi.BadRequest('limit must be an integer')
    body = {collection: [render(d) for d in docs[:limit]]}
    if len(docs) > limit and limit > 0:
        body['links'] = [{'rel': 'next', 'href': '%s?limit=%s&marker=%s' % (
            req.path_url, limit, docs[limit - 1]['id'])}]
    return body


def visible(req, store, kind):
    ctx = service.context(req)
    everyone = ctx.is_admin and utils.as_bool(req.GET.get('all_projects',
                                                          False))
    return store.list(S, kind, project_id=None if everyone
                      else ctx.project_id)
