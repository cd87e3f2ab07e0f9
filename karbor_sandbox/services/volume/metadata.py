"""Metadata sub-resources (``/<collection>/{id}/metadata``), written once
for volumes and snapshots."""

from karbor_sandbox.services.volume import common
from karbor_sandbox import wsgi


def controller(collection, kind, label):
    """A controller class serving the metadata of one Cinder kind."""
    base = '/%s/{rid}/metadata' % collection

    class MetadataController(wsgi.Controller):

        def _doc(self, req, rid):
            return common.get(self.store, req, kind, rid, label)

        def _set(self, req, rid, replace):
            body = wsgi.json_body(req)
            if not isinstance(body.get('metadata'), dict):
                raise wsgi.BadRequest('Malformed request body')
            with self.store.transaction():
                doc = self._doc(req, rid)
                if replace:
                    doc['metadata'] = {}
                doc['metadata'].update(body['metadata'])
                common.put(self.store, kind, doc)
            return {'metadata': doc['metadata']}

        @wsgi.route('GET', base)
        def index(self, req, rid):
            return {'metadata': self._doc(req, rid)['metadata']}

        @wsgi.route('POST', base)
        def add(self, req, rid):
            return self._set(req, rid, False)

        @wsgi.route('PUT', base)
        def replace(self, req, rid):
            return self._set(req, rid, True)

        @wsgi.route('GET', base + '/{key}')
        def show(self, req, rid, key):
            meta = self._doc(req, rid)['metadata']
            if key not in meta:
                raise wsgi.NotFound('Metadata item was not found')
            return {'meta': {key: meta[key]}}

        @wsgi.route('DELETE', base + '/{key}')
        def delete(self, req, rid, key):
            with self.store.transaction():
                doc = self._doc(req, rid)
                if doc['metadata'].pop(key, None) is None:
                    raise wsgi.NotFound('Metadata item was not found')
                common.put(self.store, kind, doc)
            return wsgi.json_response(None, 200)

    MetadataController.__name__ = '%sMetadataController' % label
    return MetadataController
