"""Core configuration options, registered at import time.

Options that belong to one component live next to it and are listed in
``karbor.common.opts`` for the sample generator.
"""

import socket

from oslo_config import cfg
from oslo_log import log as logging
from oslo_middleware import cors

CONF = cfg.CONF

core_opts = [
    cfg.StrOpt('state_path',
               default='/var/lib/karbor',
               help='Top-level directory for maintaining Karbor state: the '
                    'embedded database, file-system banks and locks.'),
    cfg.StrOpt('api_paste_config',
               default='api-paste.ini',
               deprecated_for_removal=True,
               help='Unused; kept so that configuration files written for '
                    'the original Karbor still load.'),
]

global_opts = [
    cfg.IntOpt('service_down_time',
               default=60,
               help='Maximum time since the last heartbeat for a service to '
                    'be considered up, in seconds.'),
    cfg.StrOpt('operationengine_topic',
               default='karbor-operationengine',
               help='The RPC topic the operation engine listens on.'),
    cfg.StrOpt('operationengine_manager',
               default='karbor.services.operationengine.manager.'
                       'OperationEngineManager',
               help='Full class name of the operation engine manager.'),
    cfg.StrOpt('protection_topic',
               default='karbor-protection',
               help='The RPC topic the protection service listens on.'),
    cfg.StrOpt('protection_manager',
               default='karbor.services.protection.manager.ProtectionManager',
               help='Full class name of the protection manager.'),
    cfg.HostAddressOpt('host',
                       default=socket.gethostname(),
                       sample_default='localhost',
                       help='Name of this node, used in the services table '
                            'and as the RPC server name.'),
    cfg.StrOpt('auth_strategy',
               default='keystone',
               choices=[('noauth', 'X-Auth-Token is "user:project"; for '
                                   'development and tests only.'),
                        ('keystone',
                         'Validate tokens with keystonemiddleware.')],
               help='The authentication strategy of the API.'),
    cfg.BoolOpt('use_forwarded_for',
                default=False,
                help='Treat X-Forwarded-For as the canonical remote address. '
                     'Only enable this behind a sanitizing proxy.'),
    cfg.BoolOpt('enable_new_services',
                default=True,
                help='Services start enabled when they first register.'),
    cfg.IntOpt('report_interval',
               default=10, min=1,
               help='Seconds between service heartbeats.'),
    cfg.IntOpt('periodic_interval',
               default=60, min=1,
               help='Seconds between runs of periodic tasks.'),
    cfg.IntOpt('periodic_fuzzy_delay',
               default=60, min=0,
               help='Random delay, up to this many seconds, before the first '
                    'periodic task runs, to spread load.'),
]

CONF.register_opts(core_opts)
CONF.register_opts(global_opts)


def set_defaults():
    """Override library defaults for Karbor."""
    from oslo_db import options as db_options
    db_options.set_defaults(CONF,
                            connection='sqlite:///$state_path/karbor.sqlite')
    levels = logging.get_default_log_levels()
    logging.set_defaults(default_log_levels=levels + [
        'stevedore=WARN', 'taskflow=WARN', 'kazoo=WARN', 'alembic=WARN',
        'neutronclient.v2_0.client=ERROR'])
    cors.set_defaults(
        allow_headers=['X-Auth-Token', 'X-Openstack-Request-Id',
                       'X-Identity-Status', 'X-Roles', 'X-Service-Catalog',
                       'X-User-Id', 'X-Tenant-Id'],
        expose_headers=['X-Auth-Token', 'X-Openstack-Request-Id',
                        'X-Subject-Token', 'X-Service-Token'],
        allow_methods=['GET', 'PUT', 'POST', 'DELETE', 'PATCH'])
