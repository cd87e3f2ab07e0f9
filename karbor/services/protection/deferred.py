"""Final writes that the bank or the database refused, retried later.

A failed operation must still end at once: what can be written is, and the
writes that a full or read-only bank, or an unreachable database, refused
(a checkpoint's final status, the removal of rolled-back resource data, the
end of an operation log) wait here until they succeed. The protection
service retries them every ``periodic_interval``. They are kept in memory:
a restart of the service forgets them (the recovery then ends the records
still in progress).
"""

import collections
import threading

from oslo_log import log as logging

from karbor import exception

LOG = logging.getLogger(__name__)

_pending = collections.OrderedDict()
_lock = threading.Lock()


def defer(key, write):
    """Retry ``write()`` (a callable) later; a later ``key`` replaces it.

    ``key`` is a tuple whose second item is the id of the record or the
    bank prefix written.
    """
    with _lock:
        _pending.pop(key, None)
        _pending[key] = write
    LOG.warning('Write %s deferred until it can be done.', key)


def retry():
    """Run the deferred writes, oldest first; returns how many are left."""
    with _lock:
        todo = list(_pending.items())
    for key, write in todo:
        try:
            write()
        except Exception as err:
            LOG.debug('Deferred write %(key)s failed again: %(err)s',
                      {'key': key, 'err': err})
            continue
        with _lock:
            if _pending.get(key) is write:
                del _pending[key]
        LOG.info('Deferred write %s done.', key)
    return len(_pending)


def pending_ids():
    """The ids (second item of the keys) of the writes still waiting."""
    with _lock:
        return {key[1] for key in _pending}


def purge_section(section):
    """Delete every object under a bank section."""
    for key in section.list_objects():
        try:
            section.delete_object(key)
        except exception.BankObjectNotFound:
            pass
