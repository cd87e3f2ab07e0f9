"""How the C library's allocator serves a long-running Karbor process.

Python passes every block larger than 512 bytes (and its own 1 MiB object
arenas aside, most buffers: messages, rows, JSON text) to glibc's
``malloc``. glibc gives a thread that finds the allocator busy an arena of
its own, up to eight per core, and keeps what is freed in each arena for
reuse there; a page between live blocks is never given back. The
services run many threads (oslo.messaging's executor, the API's server
threads, the operation pool), so under steady load each arena's
high-water mark creeps up: ``karbor-protection`` grew by about 2.5 MiB a
minute with a constant number of Python objects (``tracemalloc`` and
``gc`` counts flat, the growth all in the arenas' mappings).

``configure()`` (at start-up, before the services' threads exist) caps
the number of arenas (``[DEFAULT] malloc_arena_max``); ``trim()`` (every
``malloc_trim_interval`` seconds, from ``launcher.serve``) hands free
pages back to the system. Elsewhere than glibc both do nothing.
"""

import ctypes
import ctypes.util

from oslo_config import cfg
from oslo_log import log as logging

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

memory_opts = [
    cfg.IntOpt('malloc_arena_max',
               default=2, min=0,
               help='Maximum number of glibc malloc arenas of each Karbor '
                    'process (what the MALLOC_ARENA_MAX environment '
                    'variable sets). Few arenas keep a threaded service '
                    'from growing under steady load; 0 leaves glibc\'s '
                    'default (eight per core).'),
    cfg.IntOpt('malloc_trim_interval',
               default=60, min=0,
               help='Seconds between two hand-backs of free allocator '
                    'memory to the system (glibc malloc_trim) in each '
                    'Karbor service process; 0 never does it.'),
]
CONF.register_opts(memory_opts)

# mallopt parameter of glibc's malloc.h.
M_ARENA_MAX = -8

_libc = None


def list_opts():
    return [('DEFAULT', memory_opts)]


def _glibc():
    """glibc, or None on another C library."""
    global _libc
    if _libc is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6')
            libc.mallopt
            libc.malloc_trim
        except (OSError, AttributeError):
            libc = False
        _libc = libc
    return _libc or None


def configure():
    """Apply ``malloc_arena_max``; True when it was applied."""
    libc = _glibc()
    if libc is None or not CONF.malloc_arena_max:
        return False
    if not libc.mallopt(M_ARENA_MAX, CONF.malloc_arena_max):
        LOG.warning('glibc refused malloc_arena_max = %d',
                    CONF.malloc_arena_max)
        return False
    return True


def trim():
    """Give free allocator pages back to the system; True if any were."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))
