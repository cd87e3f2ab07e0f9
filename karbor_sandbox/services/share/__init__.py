"""Manila v2 (shared file systems) with microversions up to 2.84."""

from karbor_sandbox import service
from karbor_sandbox.services import microversions
from karbor_sandbox.services.share import common
from karbor_sandbox.services.share import files  # noqa: F401
from karbor_sandbox.services.share import misc
from karbor_sandbox.services.share import shares
from karbor_sandbox.services.share import snapshots


@service.register
class ShareService(microversions.MicroversionService):
    name = 'share'
    prefix = '/share'
    catalog = (('sharev2', 'manilav2'), ('shared-file-system', 'manila'))
    endpoint = '/share/v2/%(project_id)s'
    route_prefixes = ('/v2/{_tenant:[0-9a-f]{32}}', '/v2')
    root_controllers = (misc.VersionController,)
    controllers = (shares.ShareController, snapshots.SnapshotController,
                   misc.TypeController, misc.ShareNetworkController,
                   misc.InfoController)
    api_type = 'shared-file-system'
    legacy_header = 'X-OpenStack-Manila-API-Version'
    min_version = common.MIN_VERSION
    max_version = common.MAX_VERSION
    version_roots = ('v2',)

    def bootstrap(self):
        if not self.store.list(common.S, 'share_type'):
            misc.bootstrap_types(self.store)
