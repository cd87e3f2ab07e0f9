"""The sandbox's own admin API: health, endpoints, fault injection.

``POST /sandbox/faults`` with ``{"service": "volume", "operation":
"backup", "resource_id": "<volume id>", "action": "error"}`` makes the
next backup of that volume end in ``error``; ``"action": "slow", "delay":
30`` makes it take 30 s instead. ``count`` (default 1, -1 = always) sets
how many operations the fault applies to.

Only loopback callers may use this API (``local_only``).
"""

from karbor_sandbox import service
from karbor_sandbox import wsgi


class AdminController(wsgi.Controller):

    @wsgi.route('GET', '/health', auth=False)
    def health(self, req):
        return {'status': 'ok'}

    @wsgi.route('GET', '/endpoints', auth=False)
    def endpoints(self, req):
        return {'endpoints': self.cloud.endpoints()}

    @wsgi.route('GET', '/faults', auth=False)
    def list_faults(self, req):
        return {'faults': self.cloud.faults.list()}

    @wsgi.route('POST', '/faults', auth=False)
    def add_fault(self, req):
        return 201, {'fault': self.cloud.faults.add(wsgi.json_body(req))}

    @wsgi.route('DELETE', '/faults/{fault_id}', auth=False)
    def delete_fault(self, req, fault_id):
        if not self.cloud.faults.remove(fault_id):
            raise wsgi.NotFound('Fault %s not found' % fault_id)
        return 204, None


@service.register
class AdminService(service.Service):
    name = 'sandbox'
    prefix = '/sandbox'
    controllers = (AdminController,)
    error_style = 'keystone'
    local_only = True
