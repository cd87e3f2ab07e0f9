"""Binary data on disk (backups, image bytes, objects), always streamed."""

import hashlib
import os
import shutil
import uuid

from karbor_sandbox import wsgi


class Blobs(object):
    """Files under ``<state_dir>/blobs`` addressed by opaque keys."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)

    def path(self, key):
        return os.path.join(self.root, key)

    def write(self, key, chunks):
        """Store an iterable of byte chunks; return ``(size, md5 hex)``."""
        tmp = self.path('.tmp-%s' % uuid.uuid4().hex)
        md5, size = hashlib.md5(usedforsecurity=False), 0
        with open(tmp, 'wb') as f:
            for chunk in chunks:
                md5.update(chunk)
                size += len(chunk)
                f.write(chunk)
        os.replace(tmp, self.path(key))
        return size, md5.hexdigest()

    def read(self, key, chunk_size=wsgi.CHUNK):
        """Yield the blob's bytes chunk by chunk."""
        with open(self.path(key), 'rb') as f:
            while True:
                data = f.read(chunk_size)
                if not data:
                    return
                yield data

    def exists(self, key):
        return os.path.exists(self.path(key))

    def size(self, key):
        return os.path.getsize(self.path(key)) if self.exists(key) else 0

    def copy(self, src, dst):
        """Copy a blob (a missing source gives an empty blob)."""
        if self.exists(src):
            shutil.copyfile(self.path(src), self.path(dst))
        else:
            open(self.path(dst), 'wb').close()

    def delete(self, key):
        try:
            os.unlink(self.path(key))
        except FileNotFoundError:
            pass
