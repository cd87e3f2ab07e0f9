"""Waiting for a Cinder object (volume, snapshot, backup) to settle.

Cinder works asynchronously: a create or delete call returns at once and
the object's ``status`` moves on later. :func:`wait_for` polls an object
every ``interval`` seconds until its status is one of the expected ones.
An object that no longer exists has the pseudo status :data:`NOT_FOUND`.
"""

import threading
import time

from cinderclient import exceptions as cinder_exc

NOT_FOUND = 'not-found'


class StatusError(Exception):
    """The object reached a failure (or unexpected) status.

    ``status`` is that status and ``obj`` the last object fetched (None
    when it was gone), so callers can read e.g. a backup's fail_reason.
    """

    def __init__(self, status, obj=None, timed_out=False):
        super().__init__('still %s after the status timeout' % status
                         if timed_out else status)
        self.status = status
        self.obj = obj
        self.timed_out = timed_out


def status_of(obj):
    return NOT_FOUND if obj is None else obj.status


def fetch_or_none(manager, object_id):
    """``manager.get(object_id)``, or None if Cinder says it is gone."""
    try:
        return manager.get(object_id)
    except cinder_exc.NotFound:
        return None


def wait_for(fetch, interval, success, failure=(), ignore=(),
             ignore_unexpected=False, stop_event=None, timeout=0):
    """Poll ``fetch()`` until its status is in ``success``; return it.

    :param fetch: returns the object (with a ``status``) or None if gone.
    :param interval: seconds between two polls (the first is immediate).
    :param success: statuses that end the wait successfully.
    :param failure: statuses that end it with :class:`StatusError`.
    :param ignore: statuses that keep the wait going.
    :param ignore_unexpected: keep waiting on any other status too;
        otherwise an unexpected status is a failure.
    :param stop_event: a ``threading.Event`` that aborts the wait (raises
        StatusError with the current status) when set.
    :param timeout: seconds after which the wait fails (StatusError with
        the current status, ``timed_out`` set); 0 for none.
    """
    stop_event = stop_event or threading.Event()
    deadline = time.monotonic() + timeout if timeout else None
    while True:
        obj = fetch()
        status = status_of(obj)
        if status in success:
            return obj
        if status in failure:
            raise StatusError(status, obj)
        if status not in ignore and not ignore_unexpected:
            raise StatusError(status, obj)
        if deadline is not None and time.monotonic() >= deadline:
            raise StatusError(status, obj, timed_out=True)
        if stop_event.wait(interval):
            raise StatusError(status, obj)
