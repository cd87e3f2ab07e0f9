"""Glance image documents: visibility, creation, data and transitions.

Other services use :func:`new_image` and :func:`start_copy` (a Nova
``createImage`` snapshot) and :func:`find` (a server's boot image).
"""

import hashlib
import queue
import threading

from karbor_sandbox import tasks
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'image'
HASH_ALGO = 'sha512'
BASE_DEFAULTS = {'name': None, 'disk_format': None, 'container_format': None,
                 'visibility': 'shared', 'protected': False,
                 'os_hidden': False, 'min_ram': 0, 'min_disk': 0,
                 'tags': []}


def blob_key(image_id):
    return 'image-%s' % image_id


def now():
    return utils.isotime(zulu=True, micro=False)


def put(store, doc):
    return store.put(S, 'image', doc, project_id=doc.get('owner'))


def is_member(store, image_id, project_id, statuses=None):
    member = store.get(S, 'member', '%s:%s' % (image_id, project_id))
    return member is not None and (statuses is None or
                                   member['status'] in statuses)


def visible(store, ctx, doc):
    """May the caller see ``doc``?"""
    if ctx.is_admin or doc['owner'] == ctx.project_id:
        return True
    if doc['visibility'] in ('public', 'community'):
        return True
    return doc['visibility'] == 'shared' and is_member(
        store, doc['id'], ctx.project_id)


def find(store, image_id):
    doc = store.get(S, 'image', image_id)
    return doc if doc and doc['status'] != 'deleted' else None


def get(store, ctx, image_id):
    """The image if visible, else 404 as Glance words it."""
    doc = find(store, image_id)
    if doc is None or not visible(store, ctx, doc):
        raise wsgi.NotFound('No image found with ID %s' % image_id)
    return doc


def owned(store, ctx, image_id):
    """The image if the caller may change it (403 for others')."""
    doc = get(store, ctx, image_id)
    if not ctx.is_admin and doc['owner'] != ctx.project_id:
        raise wsgi.Forbidden('You are not permitted to modify image %s.'
                             % image_id)
    return doc


def new_image(store, owner, **fields):
    """Build and save a ``queued`` image document."""
    stamp = now()
    doc = dict(BASE_DEFAULTS, id=utils.new_uuid(), status='queued',
               owner=owner, checksum=None, os_hash_algo=None,
               os_hash_value=None, size=None, virtual_size=None,
               created_at=stamp, updated_at=stamp)
    doc['tags'] = []
    doc.update(fields)
    return put(store, doc)


def set_fields(store, image_id, **fields):
    return store.update(S, 'image', image_id, updated_at=now(), **fields)


def hashing(chunks, hasher):
    """Pass ``chunks`` through while a helper thread feeds ``hasher``
    (hashlib releases the GIL: Glance's two hashes run side by side)."""
    pending = queue.Queue(4)

    def feed():
        for chunk in iter(pending.get, None):
            hasher.update(chunk)
    thread = threading.Thread(target=feed, daemon=True,
                              name='sandbox-image-hash')
    thread.start()
    try:
        for chunk in chunks:
            pending.put(chunk)
            yield chunk
    finally:
        pending.put(None)
        thread.join()


def receive(svc, doc, chunks):
    """Stream ``chunks`` to the image's blob; finish it asynchronously."""
    sha = hashlib.new(HASH_ALGO)
    try:
        size, md5 = svc.cloud.blobs.write(blob_key(doc['id']),
                                          hashing(chunks, sha))
    except Exception:
        set_fields(svc.store, doc['id'], status='queued')
        raise
    svc.run_later('image.uploaded', 'upload', doc['id'], doc,
                  image_id=doc['id'], size=size, checksum=md5,
                  hash_value=sha.hexdigest())


def start_copy(svc, doc, source_key):
    """Fill image ``doc`` from another blob (a server snapshot)."""
    set_fields(svc.store, doc['id'], status='saving')
    svc.run_later('image.copied', 'upload', doc['id'], doc,
                  image_id=doc['id'], source_key=source_key)


@tasks.handler('image.uploaded')
def _uploaded(cloud, image_id, size, checksum, hash_value, error=None):
    if error:
        cloud.blobs.delete(blob_key(image_id))
        set_fields(cloud.store, image_id, status='killed')
        return
    set_fields(cloud.store, image_id, status='active', size=size,
               virtual_size=size, checksum=checksum, os_hash_algo=HASH_ALGO,
               os_hash_value=hash_value)


@tasks.handler('image.copied')
def _copied(cloud, image_id, source_key, error=None):
    if error:
        set_fields(cloud.store, image_id, status='killed')
        return
    fill(cloud, image_id, source_key)


def fill(cloud, image_id, source_key):
    """Make an image ``active`` with a copy of blob ``source_key`` (none:
    no bytes)."""
    sha, md5 = hashlib.new(HASH_ALGO), hashlib.md5(usedforsecurity=False)
    key = blob_key(image_id)
    if source_key:
        cloud.blobs.copy(source_key, key)
    else:
        cloud.blobs.write(key, [])
    for chunk in cloud.blobs.read(key):
        sha.update(chunk)
        md5.update(chunk)
    size = cloud.blobs.size(key)
    set_fields(cloud.store, image_id, status='active', size=size,
               virtual_size=size, checksum=md5.hexdigest(),
               os_hash_algo=HASH_ALGO, os_hash_value=sha.hexdigest())
