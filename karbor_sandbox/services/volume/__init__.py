"""Cinder v3 (block storage) with microversions up to 3.71."""

import re

from karbor_sandbox import service
from karbor_sandbox.services.volume import actions
from karbor_sandbox.services.volume import attachments
from karbor_sandbox.services.volume import backups
from karbor_sandbox.services.volume import metadata
from karbor_sandbox.services.volume import misc
from karbor_sandbox.services.volume import snapshots
from karbor_sandbox.services.volume import volumes
from karbor_sandbox import wsgi

_VERSION = re.compile(r'^(\d+)\.(\d+)$')


def _parse(text):
    found = _VERSION.match(text.strip())
    if not found:
        raise wsgi.BadRequest('API Version String %s is of invalid format. '
                              'Must be of format MajorNum.MinorNum.' % text)
    return int(found.group(1)), int(found.group(2))


@service.register
class VolumeService(service.Service):
    name = 'volume'
    prefix = '/volume'
    catalog = (('block-storage', 'cinder'), ('volumev3', 'cinderv3'))
    endpoint = '/volume/v3/%(project_id)s'
    route_prefixes = ('/v3/{_tenant:[0-9a-f]{32}}', '/v3')
    root_controllers = (misc.VersionController,)
    controllers = (volumes.VolumeController,
                   actions.VolumeActionController,
                   metadata.controller('volumes', 'volume', 'Volume'),
                   snapshots.SnapshotController,
                   metadata.controller('snapshots', 'snapshot', 'Snapshot'),
                   backups.BackupController,
                   attachments.AttachmentController, misc.TypeController,
                   misc.InfoController)

    def __init__(self, cloud):
        super().__init__(cloud)
        self.types = misc.Types(cloud.store)

    def bootstrap(self):
        if not self.store.list(misc.S, 'type'):
            self.types.bootstrap()

    def handle(self, req, path):
        try:
            version = self._microversion(req)
        except wsgi.HTTPError as err:
            return self.error(err)
        req.environ['sandbox.microversion'] = version
        resp = super().handle(req, path)
        resp.headers['OpenStack-API-Version'] = 'volume %s' % version
        resp.headers['Vary'] = 'OpenStack-API-Version'
        return resp

    @staticmethod
    def _microversion(req):
        header = req.headers.get('OpenStack-API-Version', '')
        parts = header.split()
        if len(parts) != 2 or parts[0] != 'volume':
            return misc.MIN_VERSION
        if parts[1] == 'latest':
            return misc.MAX_VERSION
        wanted = _parse(parts[1])
        if not _parse(misc.MIN_VERSION) <= wanted <= _parse(
                misc.MAX_VERSION):
            raise wsgi.HTTPError(
                406, 'Version %s is not supported by the API. Minimum is '
                '%s and maximum is %s.' % (parts[1], misc.MIN_VERSION,
                                           misc.MAX_VERSION))
        return parts[1]
