"""The bank: where a provider keeps checkpoints and backup data.

A bank plugin is a flat key/value object store (Swift, S3, a local
directory). :class:`Bank` wraps one plugin, validates and normalises keys,
and hands out :class:`BankSection` views restricted to a key prefix.

Values may be ``str``, ``bytes``, anything JSON-serialisable, or a stream
(a file-like object with ``read`` or an iterator of ``bytes``). Streams are
written chunk by chunk and never held whole in memory; JSON values are
decoded again on read. Every plugin keeps the value kind in the object's
metadata (``serialized`` as in the original Karbor, plus ``value-type``).
"""

import abc
import collections.abc
import contextlib
import json
import re
import threading
import time
import uuid

from oslo_config import cfg
from oslo_log import log as logging

from karbor import exception
from karbor.i18n import _
from karbor import metrics

LOG = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024

KIND_STR = 'str'
KIND_BYTES = 'bytes'
KIND_JSON = 'json'
KINDS = (KIND_STR, KIND_BYTES, KIND_JSON)
SORT_DIRS = ('asc', 'desc')

_KEY_RE = re.compile(r'^[A-Za-z0-9/_.\-@]+(?<!/)$')
_SECTION_RE = re.compile(r'^/?[A-Za-z0-9/_.\-@]*/?$')
_MULTI_SLASH_RE = re.compile(r'/{2,}')


# Value encoding shared by all plugins

def is_stream(value):
    """True for file-like objects and iterators (streamed values)."""
    if isinstance(value, (str, bytes, bytearray, dict, list, tuple)):
        return False
    return (hasattr(value, 'read') or
            isinstance(value, collections.abc.Iterator))


def iter_chunks(value, chunk_size=CHUNK_SIZE):
    """Iterate over the byte chunks of a stream value."""
    if hasattr(value, 'read'):
        while True:
            chunk = value.read(chunk_size)
            if not chunk:
                return
            yield chunk.encode('utf-8') if isinstance(chunk, str) else chunk
    else:
        for chunk in value:
            if chunk:
                yield chunk.encode('utf-8') if isinstance(chunk, str) \
                    else bytes(chunk)


def encode_value(value):
    """Return ``(kind, payload)`` for a value to store.

    ``payload`` is ``bytes`` for in-memory values and an iterator of byte
    chunks for streams (whose kind is always ``bytes``).
    """
    if isinstance(value, str):
        return KIND_STR, value.encode('utf-8')
    if isinstance(value, (bytes, bytearray)):
        return KIND_BYTES, bytes(value)
    if is_stream(value):
        return KIND_BYTES, iter_chunks(value)
    return KIND_JSON, json.dumps(value).encode('utf-8')


def decode_value(kind, data):
    """Turn stored bytes back into the value that was written."""
    if kind == KIND_JSON:
        return json.loads(data)
    if kind == KIND_BYTES:
        return data
    # str, or an object without a known kind (written by another tool)
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return data


def kind_to_metadata(kind):
    """Metadata (name -> str) recording how a value was encoded."""
    return {'serialized': str(kind == KIND_JSON), 'value-type': kind}


def kind_from_metadata(metadata):
    """Inverse of :func:`kind_to_metadata`; tolerant of foreign objects."""
    metadata = {k.lower().replace('x-object-meta-', ''): v
                for k, v in (metadata or {}).items()}
    kind = metadata.get('value-type')
    if kind in KINDS:
        return kind
    if str(metadata.get('serialized', '')).lower() == 'true':
        return KIND_JSON
    return KIND_STR


class BankReader(object):
    """File-like ``read(n)`` over an iterator of byte chunks."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._buffer = b''
        self._eof = False

    def read(self, size=-1):
        parts, have = [self._buffer], len(self._buffer)
        while not self._eof and (size is None or size < 0 or have < size):
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._eof = True
                break
            parts.append(chunk)
            have += len(chunk)
        data = b''.join(parts)
        if size is None or size < 0:
            size = len(data)
        data, self._buffer = data[:size], data[size:]
        return data

    def readable(self):
        return True


# Plugin interfaces

class BankPlugin(object, metaclass=abc.ABCMeta):
    """A key/value object store holding a provider's checkpoints.

    :param config: the provider's own ``oslo_config.cfg.ConfigOpts``; the
        plugin registers its option groups on it.
    """

    def __init__(self, config=None):
        self._config = config
        self._owner_id = str(uuid.uuid4())

    def _register_opts(self, group, opts):
        if self._config is None:
            raise exception.InvalidInput(
                reason=_('%s needs the provider configuration')
                % type(self).__name__)
        self._config.register_opts(opts, group=group)
        return self._config[group]

    @abc.abstractmethod
    def update_object(self, key, value, context=None, durable=True):
        """Create or overwrite the object ``key`` (see module doc).

        ``durable=False`` lets the plugin return before the object is on
        stable storage: a power failure may lose it, and the caller can
        write it again. Plugins whose writes are always durable ignore it.
        """

    @abc.abstractmethod
    def get_object(self, key, context=None):
        """Return the value of ``key``; raise BankObjectNotFound if absent."""

    def get_object_stream(self, key, context=None):
        """Return an iterator over the stored bytes of ``key``."""
        value = self.get_object(key, context=context)
        _kind, data = encode_value(value)
        return iter([data] if data else [])

    @abc.abstractmethod
    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        """Return full keys starting with ``prefix``, sorted.

        ``sort_dir`` is ``'asc'`` (default) or ``'desc'``. ``marker`` is
        exclusive: ascending listings return keys after it, descending
        ones keys before it. At most ``limit`` keys are returned.
        """

    @abc.abstractmethod
    def delete_object(self, key, context=None):
        """Delete ``key``; raise BankObjectNotFound if absent."""

    def get_owner_id(self, context=None):
        """The id of this bank user (one per process and plugin)."""
        return self._owner_id

    def sync(self):
        """Make durable the writes it was let defer (see
        ``deferred_durability``). Plugins whose writes are always durable
        have nothing to do."""

    def discard_interrupted_writes(self, prefix):
        """Remove what writes of other processes under ``prefix`` left
        behind when they were killed halfway (call it once nobody else
        writes there). Plugins whose writes are atomic have nothing to
        do."""

    def close(self):
        """Release resources (background threads, connections)."""


class DeferredWrites(object):
    """The banks written with their durability deferred to ``sync``.

    Used where many small durable writes are followed by one point that
    needs them all durable (a batch of flow hook records): a plugin that
    would sync each write to disk (file system) may instead note itself
    here, and ``sync`` makes all its writes so far durable at once.
    """

    def __init__(self):
        self._plugins = {}
        self._lock = threading.Lock()

    def note(self, plugin):
        with self._lock:
            self._plugins[id(plugin)] = plugin

    def sync(self):
        with self._lock:
            plugins = list(self._plugins.values())
        for plugin in plugins:
            plugin.sync()


_deferral = threading.local()


@contextlib.contextmanager
def deferred_durability(writes):
    """Within it, this thread's durable writes may return before they are
    on stable storage, noted in ``writes`` (a ``DeferredWrites``) until
    its ``sync``."""
    outer = getattr(_deferral, 'writes', None)
    _deferral.writes = writes
    try:
        yield writes
    finally:
        _deferral.writes = outer


def deferring_to():
    """The ``DeferredWrites`` of the calling thread's durable writes, or
    None (each write durable before it returns)."""
    return getattr(_deferral, 'writes', None)


class LeasePlugin(object, metaclass=abc.ABCMeta):
    """A lease proving that the bank's owner (this process) is alive."""

    @abc.abstractmethod
    def acquire_lease(self):
        """Create the lease object; raise AcquireLeaseFailed on failure."""

    @abc.abstractmethod
    def renew_lease(self):
        """Push the lease expiry forward."""

    @abc.abstractmethod
    def check_lease_validity(self):
        """True while the lease has at least the validity window left."""


class LeaseRenewer(object):
    """Renews a plugin's lease every ``interval`` seconds in a thread."""

    def __init__(self, lease_plugin, interval):
        self._plugin = lease_plugin
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='karbor-bank-lease-renewer')

    def start(self):
        self._thread.start()

    def _run(self):
        while not self._stop.wait(self._interval):
            try:
                self._plugin.renew_lease()
            except Exception:
                LOG.exception('Renewing the bank lease failed')

    def stop(self):
        self._stop.set()
        if self._thread.is_alive() and \
                self._thread is not threading.current_thread():
            self._thread.join()

    @property
    def running(self):
        return self._thread.is_alive()


def lease_opts():
    """The lease window options shared by the remote bank plugins."""
    return [
        cfg.IntOpt('lease_expire_window', default=600, min=1,
                   help='Seconds after which the lease of a protection '
                        'service expires unless renewed.'),
        cfg.IntOpt('lease_renew_window', default=120, min=1,
                   help='Seconds between two renewals of the lease.'),
        cfg.IntOpt('lease_validity_window', default=100, min=0,
                   help='A lease is considered valid while at least this '
                        'many seconds are left before it expires.'),
    ]


class LeasedBankPlugin(BankPlugin, LeasePlugin):
    """Base of remote banks: lazy set-up, lease and its renewal thread.

    On first use the plugin creates its containers, acquires its lease
    and starts a :class:`LeaseRenewer`; :meth:`close` stops it. Subclasses
    call ``_ensure_containers()`` at the start of ``acquire_lease``.
    """

    def __init__(self, config=None):
        super().__init__(config)
        self._ready = False
        self._containers_ready = False
        self._setup_lock = threading.RLock()
        self._renewer = None
        self.lease_expire_time = None

    @abc.abstractmethod
    def _create_containers(self):
        """Create the object and lease containers if missing."""

    @abc.abstractmethod
    def _release_lease(self):
        """Delete the lease object (best effort)."""

    @property
    @abc.abstractmethod
    def _lease_conf(self):
        """The option group holding the lease windows."""

    def _ensure_containers(self):
        if self._containers_ready:
            return
        with self._setup_lock:
            if not self._containers_ready:
                self._create_containers()
                self._containers_ready = True

    def _ensure_ready(self):
        if self._ready:
            return
        with self._setup_lock:
            if self._ready:
                return
            self.acquire_lease()
            self._renewer = LeaseRenewer(self,
                                         self._lease_conf.lease_renew_window)
            self._renewer.start()
            self._ready = True

    def get_owner_id(self, context=None):
        self._ensure_ready()
        return self._owner_id

    def _lease_still_valid(self, expire_time):
        if expire_time is None:
            return False
        left = expire_time - time.time()
        return left >= self._lease_conf.lease_validity_window

    def close(self):
        with self._setup_lock:
            if self._renewer is not None:
                self._renewer.stop()
                self._renewer = None
            if self._ready:
                try:
                    self._release_lease()
                except Exception:
                    LOG.warning('Could not release the bank lease')
            self._ready = False


# Bank and sections

def _check_no_dot_parts(path):
    if any(part in ('.', '..') for part in path.split('/')):
        raise exception.InvalidInput(
            reason=_("'.' and '..' are not allowed in bank keys: %s") % path)


def normalize_key(key):
    """Validate a key and return it with one leading '/' and no '//'."""
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise exception.InvalidInput(reason=_('Invalid bank key: %s') % key)
    _check_no_dot_parts(key)
    return _MULTI_SLASH_RE.sub('/', '/' + key)


def normalize_prefix(prefix):
    """Validate a listing prefix or section name ('/…', may end in '/')."""
    if not isinstance(prefix, str) or not _SECTION_RE.match(prefix):
        raise exception.InvalidInput(
            reason=_('Invalid bank prefix: %s') % prefix)
    _check_no_dot_parts(prefix)
    return _MULTI_SLASH_RE.sub('/', '/' + prefix)


def _check_sort_dir(sort_dir):
    sort_dir = sort_dir or 'asc'
    if sort_dir not in SORT_DIRS:
        raise exception.InvalidInput(
            reason=_('Invalid sort direction: %s') % sort_dir)
    return sort_dir


def written_size(value):
    """Bytes that storing ``value`` writes, for values held in memory."""
    if isinstance(value, str):
        return len(value.encode('utf-8'))
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    return len(json.dumps(value).encode('utf-8'))


def _counted(chunks, bank):
    for chunk in chunks:
        metrics.bank_written(bank, len(chunk))
        yield chunk


class Bank(object):
    """Validating front of a bank plugin; ``name`` labels its metrics."""

    def __init__(self, plugin, name=None):
        self._plugin = plugin
        self.name = name or type(plugin).__name__

    @property
    def plugin(self):
        return self._plugin

    def update_object(self, key, value, context=None, durable=True):
        if is_stream(value):
            value = _counted(iter_chunks(value), self.name)
        else:
            metrics.bank_written(self.name, written_size(value))
        return self._plugin.update_object(normalize_key(key), value,
                                          context=context, durable=durable)

    def get_object(self, key, context=None):
        return self._plugin.get_object(normalize_key(key), context=context)

    def get_object_stream(self, key, context=None):
        return self._plugin.get_object_stream(normalize_key(key),
                                              context=context)

    def delete_object(self, key, context=None):
        return self._plugin.delete_object(normalize_key(key),
                                          context=context)

    def discard_interrupted_writes(self, prefix):
        self._plugin.discard_interrupted_writes(normalize_prefix(prefix))

    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        prefix = normalize_prefix(prefix) if prefix else None
        marker = normalize_key(marker) if marker else None
        sort_dir = _check_sort_dir(sort_dir)
        if limit is not None:
            limit = int(limit)
            if limit < 0:
                raise exception.InvalidInput(reason=_('limit must be >= 0'))
            if limit == 0:
                return []
        return self._plugin.list_objects(prefix=prefix, limit=limit,
                                         marker=marker, sort_dir=sort_dir,
                                         context=context)

    def get_sub_section(self, section, is_writable=True):
        return BankSection(self, section, is_writable=is_writable)

    def get_owner_id(self, context=None):
        return self._plugin.get_owner_id(context=context)

    def close(self):
        """Stop the plugin's background work (lease renewal)."""
        self._plugin.close()


class BankSection(object):
    """A view of the bank restricted to the keys under one prefix."""

    def __init__(self, bank, section, is_writable=True):
        if not section or not section.strip('/'):
            raise exception.InvalidInput(
                reason=_('Bank section name must not be empty'))
        self._bank = bank
        self._prefix = normalize_prefix(section).rstrip('/') + '/'
        self._is_writable = is_writable

    @property
    def bank(self):
        return self._bank

    @property
    def prefix(self):
        return self._prefix

    def is_writable(self):
        return self._is_writable

    def _full_key(self, key):
        if not isinstance(key, str) or not key.strip('/'):
            raise exception.InvalidInput(
                reason=_('Invalid bank key: %s') % key)
        return self._prefix + key.lstrip('/')

    def _check_writable(self):
        if not self._is_writable:
            raise exception.BankReadonlyViolation()

    def update_object(self, key, value, context=None, durable=True):
        self._check_writable()
        return self._bank.update_object(self._full_key(key), value,
                                        context=context, durable=durable)

    def get_object(self, key, context=None):
        return self._bank.get_object(self._full_key(key), context=context)

    def get_object_stream(self, key, context=None):
        return self._bank.get_object_stream(self._full_key(key),
                                            context=context)

    def delete_object(self, key, context=None):
        self._check_writable()
        return self._bank.delete_object(self._full_key(key),
                                        context=context)

    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        """Like :meth:`Bank.list_objects`, with keys relative to here."""
        full_prefix = self._prefix + (prefix or '').lstrip('/')
        full_marker = self._full_key(marker) if marker else None
        keys = self._bank.list_objects(prefix=full_prefix, limit=limit,
                                       marker=full_marker,
                                       sort_dir=sort_dir, context=context)
        return [k[len(self._prefix):] for k in keys]

    def get_sub_section(self, section, is_writable=True):
        if is_writable and not self._is_writable:
            raise exception.BankReadonlyViolation()
        return BankSection(self._bank, self._prefix + section.lstrip('/'),
                           is_writable=is_writable)

    def get_owner_id(self, context=None):
        return self._bank.get_owner_id(context=context)
