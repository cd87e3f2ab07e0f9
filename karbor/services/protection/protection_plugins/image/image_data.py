"""Image bytes between Glance and a bank section, streamed.

The Glance image plugin uses this module, and so can any plugin that keeps
an image in the bank (a server's snapshot, a volume's data uploaded to
Glance). Bytes are never held whole in memory: they flow from Glance to
the bank (and back) one chunk at a time.

Layout in the resource's bank section:

* ``data_1`` .. ``data_N``: the image bytes, in objects of at most
  ``object_size`` bytes (many object stores cap an object's size);
* the image metadata returned by :func:`save_image` (the caller stores
  it, usually in its ``metadata`` object): ``disk_format``,
  ``container_format``, ``checksum`` (MD5, as Glance's), ``os_hash_algo``
  and ``os_hash_value`` (when Glance gave them), ``size``, ``name``,
  ``min_disk``, ``min_ram``, ``properties`` (the image's own properties)
  and ``chunks_num``.

Typical use::

    saved = image_data.save_image(glance, image_id, section, object_size)
    section.update_object('metadata', {'image_metadata': saved, ...})
    ...
    new_id = image_data.restore_image(glance, section, saved, 'name',
                                      poll_interval=1)

Errors are :class:`ImageDataError` whose message is a reason fit for a
user; what a failed call made is removed before it raises.
"""

import hashlib
import queue
import threading
import time

from glanceclient import exc as glance_exc

from karbor import exception
from karbor.i18n import _
from karbor.services.protection import deferred
from karbor.services.protection import progress

DATA_PREFIX = 'data_'
_HASH_BATCH = 1024 * 1024
_HASH_BACKLOG = 4
# Glance's base properties: everything else of an image is a property of
# its own, saved and given back to the restored image.
BASE_FIELDS = ('id', 'name', 'status', 'visibility', 'protected',
               'os_hidden', 'checksum', 'os_hash_algo', 'os_hash_value',
               'owner', 'size', 'virtual_size', 'min_ram', 'min_disk',
               'disk_format', 'container_format', 'created_at',
               'updated_at', 'tags', 'file', 'schema', 'self',
               'direct_url', 'locations', 'stores')
# What a restored image is created with, besides its name and properties.
CREATE_FIELDS = ('disk_format', 'container_format', 'min_disk', 'min_ram')
# Properties Glance keeps for itself.
RESERVED_PREFIX = 'os_glance'
IMAGE_SAVING = ('queued', 'saving', 'importing', 'uploading')


class ImageDataError(Exception):
    """Saving or restoring image data failed; the message says why."""


def data_key(index):
    """The bank key of the ``index``-th (from 1) data object."""
    return '%s%d' % (DATA_PREFIX, index)


class _Pieces(object):
    """Cut an iterator of byte chunks into consecutive pieces of at most
    ``size`` bytes, each an iterator itself (consume one before the
    next)."""

    def __init__(self, chunks, size):
        self._chunks = iter(chunks)
        self._size = size
        self._rest = b''

    def _next_chunk(self):
        if self._rest:
            chunk, self._rest = self._rest, b''
            return chunk
        for chunk in self._chunks:
            if chunk:
                return chunk
        return None

    def __iter__(self):
        while True:
            first = self._next_chunk()
            if first is None:
                return
            yield self._piece(first)

    def _piece(self, chunk):
        left = self._size
        while chunk is not None:
            if len(chunk) >= left:
                yield chunk[:left]
                self._rest = chunk[left:]
                return
            yield chunk
            left -= len(chunk)
            chunk = self._next_chunk()


class _Hashing(object):
    """Pass chunks through while a helper thread feeds them to ``hasher``.

    hashlib releases the GIL on large updates, so hashing overlaps the
    download and the bank writes. Chunks go to the thread in batches of
    about ``_HASH_BATCH`` bytes, at most ``_HASH_BACKLOG`` batches ahead.
    """

    def __init__(self, chunks, hasher):
        self._chunks = chunks
        self._queue = queue.Queue(_HASH_BACKLOG)
        self._hasher = hasher
        self._thread = threading.Thread(target=self._hash, daemon=True,
                                        name='karbor-image-hash')

    def _hash(self):
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            for chunk in batch:
                self._hasher.update(chunk)

    def __iter__(self):
        self._thread.start()
        batch, size = [], 0
        try:
            for chunk in self._chunks:
                batch.append(chunk)
                size += len(chunk)
                if size >= _HASH_BATCH:
                    self._queue.put(batch)
                    batch, size = [], 0
                yield chunk
            self._queue.put(batch)
        finally:
            self._queue.put(None)

    def hexdigest(self):
        """The digest of every chunk passed (once the iteration ended)."""
        self._thread.join()
        return self._hasher.hexdigest()


def _verifier(image):
    """``(algorithm, hasher, expected hex digest)`` to check a download
    with: the image's ``os_hash_algo`` when hashlib has it, else MD5 (the
    order glanceclient checks downloads in)."""
    algo, value = image.get('os_hash_algo'), image.get('os_hash_value')
    if algo and value and algo in hashlib.algorithms_available:
        return algo, hashlib.new(algo), value
    return 'MD5', hashlib.md5(usedforsecurity=False), image.get('checksum')


def _get_image(glance, image_id):
    try:
        return glance.images.get(image_id)
    except glance_exc.HTTPNotFound:
        raise ImageDataError(_('image %s does not exist') % image_id)


def image_metadata(image):
    """What restore needs of a Glance image (see the module doc)."""
    info = {key: image.get(key) for key in
            CREATE_FIELDS + ('checksum', 'os_hash_algo', 'os_hash_value',
                             'size', 'name')}
    info['properties'] = {k: v for k, v in image.items()
                          if k not in BASE_FIELDS and
                          not k.startswith(RESERVED_PREFIX)}
    return info


def save_image(glance, image_id, section, object_size):
    """Stream an ``active`` image's bytes into ``section``; check them.

    :returns: the image metadata (see the module doc).
    :raises ImageDataError: the image is gone or not active, its bytes do
        not match its checksum, or the bank refused them. The data objects
        written are then removed.
    """
    image = _get_image(glance, image_id)
    if image.status != 'active':
        raise ImageDataError(_('image %(id)s is in status %(status)s, not '
                             'active') % {'id': image_id,
                                          'status': image.status})
    saved = image_metadata(image)
    try:
        saved['chunks_num'] = _stream_to_bank(glance, image, section,
                                              object_size)
    except BaseException:
        remove_data(section)
        raise
    return saved


def _download(glance, image_id):
    try:
        body = glance.images.data(image_id, do_checksum=False)
    except glance_exc.HTTPNotFound:
        raise ImageDataError(_('image %s does not exist') % image_id)
    return body or ()  # None: an image without data


def _reporting(chunks, total):
    """Pass ``chunks`` through, reporting the bytes read so far as the
    progress of the running hook."""
    done = 0
    for chunk in chunks:
        done += len(chunk)
        progress.report(done, total)
        yield chunk


def _stream_to_bank(glance, image, section, object_size):
    algo, hasher, wanted = _verifier(image)
    hashing = _Hashing(_reporting(_download(glance, image.id), image.size),
                       hasher)
    count = 0
    for count, piece in enumerate(_Pieces(hashing, object_size), 1):
        try:
            section.update_object(data_key(count), piece)
        except exception.KarborException as err:
            raise ImageDataError(_('the bank refused the data of image '
                                   '%(id)s: %(err)s') % {'id': image.id,
                                                         'err': err})
    _check(_('image %s read from Glance') % image.id, algo,
           hashing.hexdigest(), wanted)
    return count


def _check(what, algo, got, wanted):
    if wanted and got != wanted:
        raise ImageDataError(_('checksum mismatch: %(what)s has %(algo)s '
                               '%(got)s, expected %(wanted)s') % {
            'what': what, 'algo': algo, 'got': got, 'wanted': wanted})


def read_data(section, saved):
    """Iterate over the saved bytes, object after object."""
    for index in range(1, saved.get('chunks_num', 0) + 1):
        try:
            yield from section.get_object_stream(data_key(index))
        except exception.BankObjectNotFound:
            raise ImageDataError(_('the bank has lost object %s of the '
                                   'image data') % data_key(index))


def restore_image(glance, section, saved, name, poll_interval=1,
                  timeout=1800):
    """Create image ``name`` from the bytes in ``section``; check them.

    :param saved: the metadata :func:`save_image` returned.
    :returns: the id of the new, ``active`` image.
    :raises ImageDataError: the bank lost or altered the bytes, or Glance
        refused them; the new image is then deleted.
    """
    fields = {key: saved[key] for key in CREATE_FIELDS
              if saved.get(key) is not None}
    fields.update(saved.get('properties') or {})
    image = glance.images.create(name=name, **fields)
    try:
        glance.images.upload(image.id, _Reader(read_data(section, saved)))
        done = _wait_active(glance, image.id, poll_interval, timeout)
        # Glance hashed what it received: compare with what was saved.
        what = _('restored image %s') % image.id
        _check(what, 'MD5', done.get('checksum'), saved.get('checksum'))
        if saved.get('os_hash_algo') == done.get('os_hash_algo'):
            _check(what, saved.get('os_hash_algo'),
                   done.get('os_hash_value'), saved.get('os_hash_value'))
    except BaseException:
        delete_image_quietly(glance, image.id)
        raise
    return image.id


class _Reader(object):
    """File-like view of a chunk iterator (glanceclient uploads files)."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)

    def __iter__(self):
        return self._chunks

    def read(self, size=-1):
        for chunk in self._chunks:
            if chunk:
                return chunk
        return b''


def _wait_active(glance, image_id, poll_interval, timeout):
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        image = glance.images.get(image_id)
        if image.status == 'active':
            return image
        if image.status not in IMAGE_SAVING:
            raise ImageDataError(_('restored image %(id)s ended in status '
                                   '%(status)s') % {'id': image_id,
                                                    'status': image.status})
        if deadline is not None and time.monotonic() >= deadline:
            raise ImageDataError(_('restored image %(id)s still %(status)s '
                                   'after %(timeout)s s') % {
                'id': image_id, 'status': image.status,
                'timeout': timeout})
        time.sleep(poll_interval)


def delete_image_quietly(glance, image_id):
    """Delete an image, ignoring that it is already gone."""
    try:
        glance.images.delete(image_id)
    except glance_exc.HTTPNotFound:
        pass


def remove_data(section):
    """Delete the ``data_*`` objects of ``section`` (later if the bank
    refuses now)."""
    def purge():
        for key in section.list_objects(prefix=DATA_PREFIX):
            try:
                section.delete_object(key)
            except exception.BankObjectNotFound:
                pass
    try:
        purge()
    except exception.KarborException:
        deferred.defer(('purge-data', section.prefix), purge)


def copy_data(source, target, saved):
    """Stream the data objects of ``source`` into section ``target``."""
    for index in range(1, saved.get('chunks_num', 0) + 1):
        key = data_key(index)
        try:
            target.update_object(key, source.get_object_stream(key))
        except exception.BankObjectNotFound:
            raise ImageDataError(_('the bank has lost object %s of the '
                                   'image data') % key)
        except exception.KarborException as err:
            raise ImageDataError(_('copying %(key)s failed: %(err)s') %
                                 {'key': key, 'err': err})
