"""Cinder attachments: the v3 attachments API and attach helpers.

:func:`attach` and :func:`detach` are also what other sandbox services
(a server's volume attachment, a Kubernetes pod) use to mark a volume
``in-use``.
"""

from karbor_sandbox.services.volume import common
from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = common.S
CONNECTION_INFO = {'driver_volume_type': 'iscsi',
                   'data': {'target_discovered': False,
                            'target_portal': '127.0.0.1:3260',
                            'target_lun': 0, 'access_mode': 'rw'}}


def _refresh(cloud, volume_id):
    """Recompute a volume's attachments list and status."""
    volume = cloud.store.get(S, 'volume', volume_id)
    atts = [a for a in cloud.store.list(S, 'attachment')
            if a['volume_id'] == volume_id]
    attached = [a for a in atts if a['status'] == 'attached']
    volume['attachments'] = [
        {'id': volume_id, 'attachment_id': a['id'], 'volume_id': volume_id,
         'server_id': a['instance'], 'host_name': a.get('_host_name'),
         'device': a.get('_mountpoint'), 'attached_at': a['attached_at']}
        for a in attached]
    if attached:
        volume['status'] = 'in-use'
    elif atts:
        volume['status'] = 'reserved'
    elif volume['status'] in ('in-use', 'reserved', 'attaching',
                              'detaching'):
        volume['status'] = 'available'
    return common.put(cloud.store, 'volume', volume)


def attach(cloud, volume_id, instance_uuid, host_name=None,
           mountpoint=None, mode='rw', connector=True):
    """Attach (or, without a connector, reserve) a volume; return the
    attachment document."""
    volume = cloud.store.get(S, 'volume', volume_id)
    if volume['attachments'] and not volume['multiattach']:
        raise wsgi.BadRequest('Invalid volume: volume %s already attached'
                              % volume_id)
    common.require_status(volume, ('available', 'in-use', 'reserved',
                                   'attaching'), 'Volume')
    now = utils.isotime()
    att = {'id': utils.new_uuid(), 'volume_id': volume_id,
           'instance': instance_uuid, 'attach_mode': mode,
           'status': 'attached' if connector else 'reserved',
           'attached_at': now if connector else None, 'detached_at': None,
           'connection_info': dict(CONNECTION_INFO) if connector else {},
           '_host_name': host_name, '_mountpoint': mountpoint,
           '_project_id': volume['_project_id']}
    common.put(cloud.store, 'attachment', att)
    _refresh(cloud, volume_id)
    return att


def detach(cloud, attachment_id):
    att = cloud.store.get(S, 'attachment', attachment_id)
    cloud.store.delete(S, 'attachment', attachment_id)
    return _refresh(cloud, att['volume_id'])


def find(cloud, volume_id, instance_uuid=None):
    return [a for a in cloud.store.list(S, 'attachment')
            if a['volume_id'] == volume_id and
            instance_uuid in (None, a['instance'])]


def view(req, doc):
    body = common.public(req, doc, 'attachments')
    body.pop('links', None)
    return body


class AttachmentController(wsgi.Controller):

    def _get(self, req, attachment_id):
        return common.get(self.store, req, 'attachment', attachment_id,
                          'VolumeAttachment')

    @wsgi.route('POST', '/attachments')
    def create(self, req):
        body = wsgi.json_body(req, 'attachment')
        volume_id = body.get('volume_uuid') or body.get('volume_id')
        with self.store.transaction():
            common.get(self.store, req, 'volume', volume_id, 'Volume')
            connector = body.get('connector')
            att = attach(self.cloud, volume_id, body.get('instance_uuid'),
                         host_name=(connector or {}).get('host'),
                         mountpoint=(connector or {}).get('mountpoint'),
                         mode=body.get('mode', 'rw'),
                         connector=bool(connector))
        return {'attachment': view(req, att)}

    @wsgi.route('GET', '/attachments')
    def index(self, req):
        docs, marker = common.listing(req, self.store, 'attachment',
                                      ('volume_id', 'instance_id',
                                       'status'))
        return common.page(req, docs, 'attachments', view, marker)

    @wsgi.route('GET', '/attachments/detail')
    def detail(self, req):
        return self.index(req)

    @wsgi.route('GET', '/attachments/{attachment_id}')
    def show(self, req, attachment_id):
        return {'attachment': view(req, self._get(req, attachment_id))}

    @wsgi.route('PUT', '/attachments/{attachment_id}')
    def update(self, req, attachment_id):
        connector = wsgi.json_body(req, 'attachment').get('connector')
        if not connector:
            raise wsgi.BadRequest("Invalid input received: 'connector' is "
                                  "required")
        with self.store.transaction():
            att = self._get(req, attachment_id)
            att.update(status='attached', attached_at=utils.isotime(),
                       connection_info=dict(CONNECTION_INFO),
                       _host_name=connector.get('host'),
                       _mountpoint=connector.get('mountpoint'))
            common.put(self.store, 'attachment', att)
            _refresh(self.cloud, att['volume_id'])
        return {'attachment': view(req, att)}

    @wsgi.route('POST', '/attachments/{attachment_id}/action')
    def action(self, req, attachment_id):
        body = wsgi.json_body(req)
        if 'os-complete' not in body:
            raise wsgi.BadRequest('Invalid action')
        with self.store.transaction():
            att = self._get(req, attachment_id)
            att['status'] = 'attached'
            common.put(self.store, 'attachment', att)
            _refresh(self.cloud, att['volume_id'])
        return wsgi.json_response(None, 204)

    @wsgi.route('DELETE', '/attachments/{attachment_id}')
    def delete(self, req, attachment_id):
        with self.store.transaction():
            self._get(req, attachment_id)
            detach(self.cloud, attachment_id)
        return {'attachments': []}


