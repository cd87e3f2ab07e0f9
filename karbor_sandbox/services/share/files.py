"""The files of shares and share snapshots: one real directory each.

A snapshot copies its share's tree; a share made from a snapshot starts
with the snapshot's. Tests read and write a share's files through the
sandbox's admin API (loopback callers only, no token), as a client that
mounted the share would::

    PUT    /sandbox/shares/<share id>/files/<path>   (body: the bytes)
    GET    /sandbox/shares/<share id>/files/<path>
    DELETE /sandbox/shares/<share id>/files/<path>
    GET    /sandbox/shares/<share id>/files          {"files": [paths]}
"""

import os
import shutil

import webob

from karbor_sandbox import service
from karbor_sandbox.services.share import common
from karbor_sandbox import wsgi

ROOT = 'share-files'


def _dir(cloud, key):
    return os.path.join(cloud.state_dir, ROOT, key)


def share_key(share_id):
    return 'share-%s' % share_id


def snapshot_key(snapshot_id):
    return 'share-snapshot-%s' % snapshot_id


def copy_tree(cloud, src, dst):
    """``dst`` becomes a copy of ``src`` (empty without a ``src``)."""
    remove_tree(cloud, dst)
    if src and os.path.isdir(_dir(cloud, src)):
        shutil.copytree(_dir(cloud, src), _dir(cloud, dst))
    else:
        os.makedirs(_dir(cloud, dst))


def remove_tree(cloud, key):
    shutil.rmtree(_dir(cloud, key), ignore_errors=True)


def exists(cloud, key):
    return os.path.isdir(_dir(cloud, key))


def _file_path(cloud, share_id, path):
    root = _dir(cloud, share_key(share_id))
    full = os.path.normpath(os.path.join(root, path))
    if not full.startswith(root + os.sep):
        raise wsgi.BadRequest('Invalid path %s' % path)
    return full


def _chunks(path):
    with open(path, 'rb') as src:
        while True:
            data = src.read(wsgi.CHUNK)
            if not data:
                return
            yield data


class ShareFilesController(wsgi.Controller):

    def _share(self, share_id):
        doc = self.store.get(common.S, 'share', share_id)
        if doc is None:
            raise wsgi.NotFound('Share %s could not be found.' % share_id)
        if doc['status'] != 'available':
            raise wsgi.Conflict('Share %s is %s, not mounted.'
                                % (share_id, doc['status']))
        return doc

    @wsgi.route('GET', '/{share_id}/files', auth=False)
    def index(self, req, share_id):
        self._share(share_id)
        root = _dir(self.cloud, share_key(share_id))
        found = sorted(os.path.relpath(os.path.join(d, name), root)
                       for d, _dirs, names in os.walk(root)
                       for name in names)
        return {'files': found}

    @wsgi.route('PUT', '/{share_id}/files/{path:.+}', auth=False)
    def write(self, req, share_id, path):
        self._share(share_id)
        full = _file_path(self.cloud, share_id, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'wb') as out:
            for chunk in wsgi.read_input(req.environ):
                out.write(chunk)
        return 201, {'path': path, 'size': os.path.getsize(full)}

    @wsgi.route('GET', '/{share_id}/files/{path:.+}', auth=False)
    def read(self, req, share_id, path):
        self._share(share_id)
        full = _file_path(self.cloud, share_id, path)
        if not os.path.isfile(full):
            raise wsgi.NotFound('No file %s in share %s' % (path, share_id))
        return webob.Response(app_iter=_chunks(full),
                              content_type='application/octet-stream',
                              content_length=os.path.getsize(full))

    @wsgi.route('DELETE', '/{share_id}/files/{path:.+}', auth=False)
    def delete(self, req, share_id, path):
        self._share(share_id)
        full = _file_path(self.cloud, share_id, path)
        if not os.path.isfile(full):
            raise wsgi.NotFound('No file %s in share %s' % (path, share_id))
        os.unlink(full)
        return 204, None


@service.register
class ShareFilesService(service.Service):
    """The files of shares, for tests (see the module docstring)."""

    name = 'share-files'
    prefix = '/sandbox/shares'
    controllers = (ShareFilesController,)
    error_style = 'keystone'
    local_only = True
