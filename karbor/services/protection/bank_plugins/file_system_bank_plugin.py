"""A bank kept in a local (or shared) directory.

Objects are files under ``<file_system_bank_path>/<bank_object_container>``
named by their key, in the original Karbor's format, so either can read
the other's bank: a string is its UTF-8 text, any other JSON value its JSON
text, bytes are written as they are. A string that would read back as JSON
(``"123"``) is written as a JSON string. The one thing the content cannot
say, that a value is bytes, is kept in the file's extended attribute
``user.karbor.value-type`` (ignored by the original; without it, bytes that
are not UTF-8 still read back as bytes). Files written by earlier releases
of this project, which start with a header line naming the value kind, are
still read. Writes go to a temporary file that is renamed into place, so
readers never see a partial object.

A durable write syncs its file to disk before it returns, unless the caller
deferred durability (``bank_plugin.deferred_durability``, as the chunk
tasks of a flow do for their hooks): then ``sync`` makes all the writes
deferred so far durable with one sync of the file system, before whatever
depends on them (the hooks' records) is written.
"""

import ctypes
import errno
import itertools
import json
import os
import threading
import uuid

from oslo_config import cfg

from karbor import exception
from karbor.i18n import _
from karbor.services.protection import bank_plugin

GROUP = 'file_system_bank_plugin'

file_system_bank_plugin_opts = [
    cfg.StrOpt('file_system_bank_path',
               required=True,
               help='Directory holding the bank. Must exist or be creatable '
                    'by the protection service. A relative path is taken '
                    'relative to [DEFAULT] state_path.'),
    cfg.StrOpt('bank_object_container',
               default='karbor',
               help='Sub-directory of the bank path used as the object '
                    'container.'),
]

# Header line of the format written by earlier releases (still read).
_MAGIC = b'KARBOR-BANK-OBJECT 1 '
_KIND_XATTR = 'user.karbor.value-type'
# '#' is not allowed in keys, so temporary files never show up as objects.
_TMP_MARK = '#tmp-'
# Temporary names: this process's token (a random part, for the other
# hosts sharing the bank, and the pid, for forked children) and a count.
_TMP_TOKEN = uuid.uuid4().hex[:12]
_tmp_numbers = itertools.count()


def list_opts():
    return [(GROUP, file_system_bank_plugin_opts)]


def _os_reason(err):
    """An OS error without the local path (reasons reach API users)."""
    if isinstance(err, OSError) and err.strerror:
        return err.strerror[0].lower() + err.strerror[1:]
    return str(err)


def _reads_as_json(data):
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def _decode(data):
    """A value in the original's format: JSON if it parses, else text
    (bytes when not UTF-8)."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError:
        return data
    try:
        return json.loads(text)
    except ValueError:
        return text


try:
    _syncfs = ctypes.CDLL(None, use_errno=True).syncfs
except (OSError, AttributeError):
    _syncfs = None


def _sync_file_system(path):
    """Flush to stable storage all the writes of the file system holding
    ``path``."""
    if _syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if _syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
    finally:
        os.close(fd)


def _mark_bytes(f):
    try:
        os.setxattr(f.fileno(), _KIND_XATTR, bank_plugin.KIND_BYTES.encode())
    except OSError as err:
        if err.errno not in (errno.ENOTSUP, errno.EPERM):
            raise


def _marked_kind(f):
    try:
        kind = os.getxattr(f.fileno(), _KIND_XATTR).decode('ascii', 'replace')
    except OSError:
        return None
    return kind if kind == bank_plugin.KIND_BYTES else None


class FileSystemBankPlugin(bank_plugin.BankPlugin):
    """Bank plugin storing objects as files."""

    def __init__(self, config=None):
        super().__init__(config)
        conf = self._register_opts(GROUP, file_system_bank_plugin_opts)
        if not conf.file_system_bank_path:
            raise exception.InvalidInput(
                reason=_('[%s] file_system_bank_path is required') % GROUP)
        path = os.path.join(cfg.CONF.state_path, conf.file_system_bank_path)
        self._root = os.path.join(os.path.abspath(path),
                                  conf.bank_object_container)
        os.makedirs(self._root, exist_ok=True)
        # Whether writes were deferred since the last sync began.
        self._unsynced = False
        self._unsynced_lock = threading.Lock()
        self._sync_lock = threading.Lock()

    def _path(self, key):
        parts = key.strip('/').split('/')
        if not key.strip('/') or any(p in ('', '.', '..') or _TMP_MARK in p
                                     for p in parts):
            raise exception.InvalidInput(
                reason=_('Invalid bank key: %s') % key)
        return os.path.join(self._root, *parts)

    def update_object(self, key, value, context=None, durable=True):
        path = self._path(key)
        kind, payload = bank_plugin.encode_value(value)
        if kind == bank_plugin.KIND_STR and _reads_as_json(payload):
            payload = json.dumps(value).encode('utf-8')
        chunks = [payload] if isinstance(payload, bytes) else payload
        deferred = bank_plugin.deferring_to() if durable else None
        tmp_path = '%s%s%s-%d-%d' % (path, _TMP_MARK, _TMP_TOKEN, os.getpid(),
                                     next(_tmp_numbers))
        try:
            with self._create(tmp_path) as f:
                if kind == bank_plugin.KIND_BYTES:
                    _mark_bytes(f)
                for chunk in chunks:
                    f.write(chunk)
                if durable and deferred is None:
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp_path, path)
            if deferred is not None:
                with self._unsynced_lock:
                    self._unsynced = True
                deferred.note(self)
        except BaseException as err:
            self._remove_quietly(tmp_path)
            if isinstance(err, Exception):
                raise exception.BankCreateObjectFailed(
                    key=key, reason=_os_reason(err))
            raise

    def sync(self):
        """Make every write deferred so far durable: one sync of the file
        system holding the bank (``syncfs``; all file systems where the
        system lacks it), instead of one per object."""
        with self._sync_lock:
            # A caller that finds another sync running waits for it: the
            # writes it deferred before then are durable when it ends.
            with self._unsynced_lock:
                if not self._unsynced:
                    return
                self._unsynced = False
            try:
                _sync_file_system(self._root)
            except OSError as err:
                with self._unsynced_lock:
                    self._unsynced = True
                raise exception.BankCreateObjectFailed(
                    key='/', reason=_('%s (syncing its file system)')
                    % _os_reason(err))

    @staticmethod
    def _create(path):
        # Most writes go to a directory that exists: it is made only when
        # the file cannot be. A concurrent delete may remove the directory
        # we just made; try again in that case.
        try:
            return open(path, 'xb')
        except FileNotFoundError:
            pass
        attempts = 20
        for attempt in range(attempts):
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                return open(path, 'xb')
            except (FileNotFoundError, FileExistsError):
                # A parent was pruned between our mkdir and open, or
                # within makedirs (which then reports EEXIST): again.
                if attempt == attempts - 1:
                    raise

    @staticmethod
    def _remove_quietly(path):
        try:
            os.unlink(path)
        except OSError:
            pass

    def _open(self, key):
        """Open an object; return ``(kind, file positioned at data)``.

        ``kind`` is None when only the content can tell (see ``_decode``).
        """
        try:
            f = open(self._path(key), 'rb')
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise exception.BankObjectNotFound(key=key)
        except OSError as err:
            raise exception.BankGetObjectFailed(key=key,
                                                reason=_os_reason(err))
        header = f.readline(64)
        if header.startswith(_MAGIC) and header.endswith(b'\n'):
            kind = header[len(_MAGIC):-1].decode('ascii')
            if kind in bank_plugin.KINDS:
                return kind, f
        f.seek(0)  # the original's format: the whole file is the value
        return _marked_kind(f), f

    def get_object(self, key, context=None):
        kind, f = self._open(key)
        with f:
            data = f.read()
        if kind is None:
            return _decode(data)
        return bank_plugin.decode_value(kind, data)

    def get_object_stream(self, key, context=None):
        _kind, f = self._open(key)
        return self._read_chunks(f)

    @staticmethod
    def _read_chunks(f):
        with f:
            while True:
                chunk = f.read(bank_plugin.CHUNK_SIZE)
                if not chunk:
                    return
                yield chunk

    def delete_object(self, key, context=None):
        path = self._path(key)
        try:
            os.unlink(path)
        except (FileNotFoundError, NotADirectoryError):
            raise exception.BankObjectNotFound(key=key)
        except OSError as err:
            raise exception.BankDeleteObjectFailed(key=key,
                                                   reason=_os_reason(err))
        self._prune_dirs(os.path.dirname(path))

    def _prune_dirs(self, directory):
        while directory != self._root and directory.startswith(self._root):
            try:
                os.rmdir(directory)
            except OSError:
                return  # not empty (or already gone): stop here
            directory = os.path.dirname(directory)

    def discard_interrupted_writes(self, prefix):
        """Remove the temporary files of other processes under
        ``prefix``: a writer killed between creating one and renaming it
        into place leaves it."""
        own = _TMP_MARK + _TMP_TOKEN
        for directory, _dirs, files in os.walk(self._path(prefix)):
            for name in files:
                if _TMP_MARK in name and own not in name:
                    self._remove_quietly(os.path.join(directory, name))

    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        prefix = prefix or '/'
        if '..' in prefix.split('/') or (marker and
                                         '..' in marker.split('/')):
            raise exception.InvalidInput(reason=_("'..' is not allowed"))
        start = prefix[:prefix.rfind('/')]
        start_dir = os.path.join(self._root, *start.strip('/').split('/'))
        keys = self._walk(start_dir, start, prefix, marker,
                          sort_dir == 'desc')
        return list(itertools.islice(keys, limit))

    def _walk(self, directory, rel, prefix, marker, reverse):
        """Yield the keys under ``directory`` in sorted order.

        Directory entries sort as ``name/`` so that a depth-first walk
        gives exactly the lexical order of the full keys; whole
        directories outside the prefix or before the marker are skipped.
        """
        try:
            with os.scandir(directory) as it:
                entries = [(e.name + '/' if e.is_dir(follow_symlinks=False)
                            else e.name, e.path)
                           for e in it if _TMP_MARK not in e.name]
        except (FileNotFoundError, NotADirectoryError):
            return
        for name, path in sorted(entries, reverse=reverse):
            key = rel + '/' + name
            if name.endswith('/'):
                if self._may_contain(key, prefix, marker, reverse):
                    yield from self._walk(path, key[:-1], prefix, marker,
                                          reverse)
            elif key.startswith(prefix) and self._after(key, marker,
                                                        reverse):
                yield key

    @staticmethod
    def _after(key, marker, reverse):
        if not marker:
            return True
        return key < marker if reverse else key > marker

    @classmethod
    def _may_contain(cls, dir_key, prefix, marker, reverse):
        if not (dir_key.startswith(prefix) or prefix.startswith(dir_key)):
            return False
        if marker and not marker.startswith(dir_key):
            return cls._after(dir_key, marker, reverse)
        return True
