"""Nova v2.1 (compute) with microversions up to 2.96."""

from karbor_sandbox import service
from karbor_sandbox.services.compute import actions
from karbor_sandbox.services.compute import attach
from karbor_sandbox.services.compute import common
from karbor_sandbox.services.compute import misc
from karbor_sandbox.services.compute import servers
from karbor_sandbox.services import microversions


@service.register
class ComputeService(microversions.MicroversionService):
    name = 'compute'
    prefix = '/compute'
    catalog = (('compute', 'nova'),)
    endpoint = '/compute/v2.1'
    route_prefixes = ('/v2.1/{_tenant:[0-9a-f]{32}}', '/v2.1')
    root_controllers = (misc.VersionController,)
    controllers = (servers.ServerController, actions.ActionController,
                   attach.VolumeAttachmentController,
                   attach.InterfaceController, misc.FlavorController,
                   misc.KeypairController, misc.SecurityGroupController,
                   misc.InfoController)
    api_type = 'compute'
    legacy_header = 'X-OpenStack-Nova-API-Version'
    min_version = common.MIN_VERSION
    max_version = common.MAX_VERSION
    version_roots = ('v2.1',)

    def bootstrap(self):
        if not self.store.list(common.S, 'flavor'):
            common.bootstrap_flavors(self.store)
