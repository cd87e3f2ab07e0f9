"""Waiting for a Cinder object (volume, snapshot, backup) to settle.

Cinder works asynchronously: a create or delete call returns at once and
the object's ``status`` moves on later. :func:`wait_for` polls an object
every ``interval`` seconds until its status is one of the expected ones.
An object that no longer exists has the pseudo status :data:`NOT_FOUND`.
"""

import threading

from cinderclient import exceptions as cinder_exc

NOT_FOUND = 'not-found'


class StatusError(Exception):
    """The object reached a failure (or unexpected) status.

    ``status`` is that status and ``obj`` the last object fetched (None
    when it was gone), so callers can read e.g. a backup's fail_reason.
    """

    def __init__(self, status, obj=None):
        super().__init__(status)
        self.status = status
        self.obj = obj


def status_of(obj):
    return NOT_FOUND if obj is None else obj.status


def fetch_or_none(manager, object_id):
    """``manager.get(object_id)``, or None if Cinder says it is gone."""
    try:
        return manager.get(object_id)
    except cinder_exc.NotFound:
        return None


def wait_for(fetch, interval, success, failure=(), ignore=(),
             ignore_unexpected=False, stop_event=None):
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
    """
    stop_event = stop_event or threading.Event()
    while True:
        obj = fetch()
        status = status_of(obj)
        if status in success:
            return obj
        if status in failure:
            raise StatusError(status, obj)
        if status not in ignore and not ignore_unexpected:
            raise StatusError(status, obj)
        if stop_event.wait(interval):
            raise StatusError(status, obj)
