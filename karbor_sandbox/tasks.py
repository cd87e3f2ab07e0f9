"""Asynchronous status transitions, persisted in the store.

A service schedules a named task (``cloud.tasks.schedule``) to run after
the configured delay. Due tasks run before each request is handled, so
with a delay of 0 the resource is seen in its intermediate status by the
response that created it and in its final status by any later request.
Handlers are registered at import time with :func:`handler`.
"""

import logging
import time

LOG = logging.getLogger(__name__)
_HANDLERS = {}


def handler(name):
    """Register ``func(cloud, **args)`` as the handler of task ``name``."""
    def decorator(func):
        _HANDLERS[name] = func
        return func
    return decorator


class Tasks(object):
    """Schedule and run delayed tasks."""

    def __init__(self, cloud, delay):
        self.cloud = cloud
        self.delay = delay
        # Earliest due time known; lets settle() skip the database.
        self._next_due = cloud.store.next_due()

    def schedule(self, name, /, delay=None, **args):
        if name not in _HANDLERS:
            raise KeyError('no task handler %s' % name)
        due = time.time() + (self.delay if delay is None else delay)
        self.cloud.store.add_task(due, name, args)
        if self._next_due is None or due < self._next_due:
            self._next_due = due

    def settle(self):
        """Run every task that is due (tasks may schedule more)."""
        store = self.cloud.store
        if self._next_due is None or self._next_due > time.time():
            return
        while True:
            with store.transaction():
                task = store.pop_due_task(time.time())
                if task is None:
                    self._next_due = store.next_due()
                    return
                name, args = task
                try:
                    _HANDLERS[name](self.cloud, **args)
                except Exception:
                    LOG.exception('Sandbox task %s failed', name)
