"""Every Karbor option, for oslo-config-generator (``karbor.common.opts``)."""

import itertools

from karbor.common import config
from karbor.services.protection import provider


def list_opts():
    return [
        ('DEFAULT', itertools.chain(
            config.core_opts,
            config.global_opts,
            provider.provider_registry_opts,
        )),
    ]
