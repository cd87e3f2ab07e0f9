"""Helpers shared by the Nova controllers: versions, lookups, conflicts."""

from karbor_sandbox import service
from karbor_sandbox.services import microversions
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'compute'
AZ = 'nova'
HOST = 'sandbox-compute'
MIN_VERSION = '2.1'
MAX_VERSION = '2.96'
FLAVORS = (('1', 'm1.tiny', 512, 1, 1), ('2', 'm1.small', 2048, 20, 1),
           ('3', 'm1.medium', 4096, 40, 2), ('4', 'm1.large', 8192, 80, 4),
           ('5', 'm1.xlarge', 16384, 160, 8), ('42', 'm1.nano', 128, 1, 1),
           ('84', 'm1.micro', 192, 1, 1))


def at_least(req, text):
    return microversions.at_least(req, text)


def now():
    return utils.isotime(zulu=True, micro=False)


def server(store, req, server_id):
    """The server if the caller may see it, else 404 (Nova's words)."""
    doc = store.get(S, 'server', server_id)
    ctx = service.context(req)
    if doc is None or (doc['tenant_id'] != ctx.project_id and
                       not ctx.is_admin):
        raise wsgi.NotFound('Instance %s could not be found.' % server_id)
    return doc


def save(store, doc):
    doc['updated'] = now()
    return store.put(S, 'server', doc, project_id=doc['tenant_id'])


def conflict(doc, action):
    state = doc['OS-EXT-STS:vm_state']
    return wsgi.Conflict("Cannot '%s' instance %s while it is in vm_state "
                         "%s" % (action, doc['id'], state),
                         fault='conflictingRequest')


def flavor(store, flavor_id):
    doc = store.get(S, 'flavor', str(flavor_id))
    if doc is None:
        for candidate in store.list(S, 'flavor'):
            if candidate['name'] == flavor_id:
                return candidate
    return doc


def bootstrap_flavors(store):
    for fid, name, ram, disk, vcpus in FLAVORS:
        store.put(S, 'flavor', {
            'id': fid, 'name': name, 'ram': ram, 'disk': disk,
            'vcpus': vcpus, 'OS-FLV-EXT-DATA:ephemeral': 0, 'swap': 0,
            'rxtx_factor': 1.0, 'os-flavor-access:is_public': True,
            'OS-FLV-DISABLED:disabled': False, 'description': None,
            'extra_specs': {}})


def link(req, kind, rid):
    href = '%s/compute/v2.1/%s/%s' % (req.host_url, kind, rid)
    bookmark = '%s/compute/%s/%s' % (req.host_url, kind, rid)
    return [{'rel': 'self', 'href': href},
            {'rel': 'bookmark', 'href': bookmark}]
