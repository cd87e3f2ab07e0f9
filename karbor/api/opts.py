"""Options of the Karbor API, for ``karbor.common.opts.list_opts``."""

import itertools

from karbor.api import common
from karbor.api import dashboard
from karbor.api import local_reads
from karbor.api import server


def list_opts():
    return [('DEFAULT', itertools.chain(common.api_common_opts,
                                        server.api_server_opts)),
            ('api', local_reads.local_reads_opts),
            ('dashboard', dashboard.dashboard_opts)]
