"""Progress of a running operation, as the API shows it.

A ``ProgressTracker`` counts the hooks each resource has done (and, where
the backend tells, the bytes of the hook running) and stores a compact
summary in the operation's progress row (``operation_progress``) at most
``WRITES_PER_SECOND`` times a second (less often for plans of more than
a few hundred resources), plus once at the end; the API
returns that summary with one primary-key read and no RPC.

Summary (the ``progress`` object of the API)::

    {"status", "percent", "eta_seconds", "started_at", "updated_at",
     "done", "total",
     "resources": [{"id", "type", "name", "status", "done", "total",
                    "unit"}]}

The stored summary holds the ``resources`` items in that very shape, so
that the API passes them on as read (a show of a plan of thousands of
resources is polled often); what only a resuming worker needs (hooks done
and to do per resource, time elapsed) is kept beside them: ``steps``, a
``[done, total]`` pair per item, and ``elapsed``.

A plugin hook running in a flow reports its backend's progress with
``report(done, total, unit)`` (e.g. the bytes of an image written to the
bank); the tracker of the hook's flow takes it.
"""

import threading
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from karbor.common import constants
from karbor.db import api as db

LOG = logging.getLogger(__name__)

WRITES_PER_SECOND = 3
# A large operation's summary is written less often: at least this many
# seconds apart per thousand resources, so that its row costs at most
# about 100 KB of writes a second whatever the plan's size.
SECONDS_PER_THOUSAND = 1.5
UNIT_STEPS = 'steps'
UNIT_BYTES = 'bytes'
PENDING, RUNNING, DONE, FAILED = 'pending', 'running', 'done', 'error'

KIND_CHECKPOINT = 'checkpoint'
KIND_RESTORE = 'restore'
KIND_VERIFICATION = 'verification'
KINDS = {
    constants.OPERATION_PROTECT: KIND_CHECKPOINT,
    constants.OPERATION_COPY: KIND_CHECKPOINT,
    constants.OPERATION_DELETE: KIND_CHECKPOINT,
    constants.OPERATION_RESTORE: KIND_RESTORE,
    constants.OPERATION_VERIFY: KIND_VERIFICATION,
}

_current = threading.local()


def isoformat(stamp):
    """``stamp`` (naive UTC) as ISO 8601 with a ``Z``, or None."""
    if stamp is None:
        return None
    return stamp.replace(tzinfo=None, microsecond=0).isoformat() + 'Z'


def report(done, total=None, unit=UNIT_BYTES):
    """Tell the tracker of the calling hook how far its backend got.

    A no-op outside a flow's hook; never raises.
    """
    reporter = getattr(_current, 'reporter', None)
    if reporter is not None:
        try:
            reporter(done, total, unit)
        except Exception:
            LOG.debug('Progress report dropped', exc_info=True)


class ProgressTracker(object):
    """The progress of one operation, written to its progress row.

    :param context: request context of the operation (for the writes).
    :param op_id: id of the checkpoint, restore or verification.
    :param operation_type: protect, copy, delete, restore or verify.
    """

    def __init__(self, context, op_id, operation_type, project_id,
                 status=None, provider_id=None):
        self.context = context
        self.provider_id = provider_id
        self.op_id = op_id
        self.operation_type = operation_type
        self.project_id = project_id
        self.status = status
        self._resources = {}
        self._order = []
        self._started = timeutils.utcnow()
        self._started_clock = time.monotonic()
        self._last_write = 0.0
        self._timer = None
        self._lock = threading.Lock()

    # Planning

    def plan(self, resources):
        """Set the work: ``[(resource, number of hooks)]``."""
        with self._lock:
            for resource, steps in resources:
                self._add(resource, steps)
        self.flush(force=True)

    def _add(self, resource, steps):
        key = resource.key
        if key not in self._resources:
            self._order.append(key)
        self._resources[key] = {
            'id': resource.id, 'type': resource.type,
            'name': resource.name, 'status': PENDING,
            'steps_done': 0, 'steps': steps, 'bytes_done': None,
            'bytes': None}

    def resume(self, summary):
        """Continue from a stored ``summary`` (a restarted worker)."""
        items = summary.get('resources') or ()
        # Summaries written before ``steps`` kept them in each item.
        steps = summary.get('steps') or [
            (item.get('steps_done'), item.get('steps')) for item in items]
        with self._lock:
            for item, (done, total) in zip(items, steps):
                key = '%s#%s' % (item['type'], item['id'])
                self._order.append(key)
                self._resources[key] = {
                    'id': item['id'], 'type': item['type'],
                    'name': item.get('name'), 'steps_done': done or 0,
                    'steps': total or 1, 'bytes_done': None, 'bytes': None,
                    'status': PENDING if item.get('status') == RUNNING
                    else item.get('status')}
            started = summary.get('started_at')
            elapsed = summary.get('elapsed') or 0.0
            self._started_clock -= elapsed
            if started:
                self._started = timeutils.parse_isotime(started).replace(
                    tzinfo=None)

    # Events

    def hook_started(self, resource):
        with self._lock:
            state = self._state(resource)
            state['status'] = RUNNING
            state['bytes_done'] = state['bytes'] = None
        _current.reporter = lambda done, total, unit: self._report(
            resource, done, total, unit)
        self.flush()

    def hook_ended(self, resource, ok=True):
        _current.reporter = None
        with self._lock:
            state = self._state(resource)
            state['bytes_done'] = state['bytes'] = None
            if ok:
                state['steps_done'] = min(state['steps_done'] + 1,
                                          state['steps'])
                state['status'] = (DONE if state['steps_done'] >=
                                   state['steps'] else RUNNING)
            else:
                state['status'] = FAILED
        self.flush()

    def _report(self, resource, done, total, unit):
        with self._lock:
            state = self._state(resource)
            state['bytes_done'], state['bytes'] = done, total
            state['unit'] = unit
        self.flush()

    def _state(self, resource):
        key = resource.key
        if key not in self._resources:
            self._add(resource, 1)
        return self._resources[key]

    def set_status(self, status):
        self.status = status
        self.flush(force=True)

    def end(self, status):
        """The operation ended in ``status``: write it at once."""
        self.status = status
        with self._lock:
            if status in SUCCESS_STATUSES:
                for state in self._resources.values():
                    state['steps_done'] = state['steps']
                    state['status'] = DONE
        self.flush(force=True)

    # Summary

    def summary(self):
        with self._lock:
            items = [self._resources[key] for key in self._order]
            fractions = [_fraction(item) for item in items]
            percent = (100.0 * sum(fractions) / len(fractions)
                       if fractions else 0.0)
            if self.status in SUCCESS_STATUSES:
                percent = 100.0
            elapsed = time.monotonic() - self._started_clock
            return {
                'status': self.status,
                'percent': round(percent, 1),
                'eta_seconds': _eta(elapsed, percent, items,
                                    self.status in ENDED_STATUSES),
                'started_at': isoformat(self._started),
                'updated_at': isoformat(timeutils.utcnow()),
                'elapsed': round(elapsed, 3),
                'done': sum(1 for i in items if i['status'] == DONE),
                'total': len(items),
                'resources': [_resource_view(item) for item in items],
                'steps': [[item['steps_done'], item['steps']]
                          for item in items],
                'provider_id': self.provider_id,
            }

    def flush(self, force=False):
        """Write the summary, unless one was written less than
        1/``WRITES_PER_SECOND`` s ago (then a timer writes it later)."""
        with self._lock:
            interval = max(1.0 / WRITES_PER_SECOND, SECONDS_PER_THOUSAND *
                           len(self._order) / 1000.0)
            wait = self._last_write + interval - time.monotonic()
            if not force and wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._timed_flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
            if force and self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._last_write = time.monotonic()
        self._write()

    def _timed_flush(self):
        with self._lock:
            self._timer = None
        self.flush()

    def _write(self):
        try:
            db.operation_progress_save(
                self.context, self.op_id, self.summary(),
                project_id=self.project_id,
                kind=KINDS.get(self.operation_type),
                operation_type=self.operation_type)
        except Exception as err:
            # Progress is a view: a failed write is never a failed flow.
            LOG.warning('Progress of %(id)s not saved: %(err)s',
                        {'id': self.op_id, 'err': err})


# The status each operation ends in when it succeeds.
SUCCESS_STATUS = {
    constants.OPERATION_PROTECT: constants.CHECKPOINT_STATUS_AVAILABLE,
    constants.OPERATION_COPY: constants.CHECKPOINT_STATUS_AVAILABLE,
    constants.OPERATION_DELETE: constants.CHECKPOINT_STATUS_DELETED,
    constants.OPERATION_RESTORE: constants.RESTORE_STATUS_SUCCESS,
    constants.OPERATION_VERIFY: constants.VERIFICATION_STATUS_SUCCESS,
}
SUCCESS_STATUSES = (constants.CHECKPOINT_STATUS_AVAILABLE,
                    constants.CHECKPOINT_STATUS_DELETED,
                    constants.RESTORE_STATUS_SUCCESS)
ENDED_STATUSES = SUCCESS_STATUSES + (
    constants.CHECKPOINT_STATUS_ERROR,
    constants.CHECKPOINT_STATUS_ERROR_DELETING,
    constants.RESTORE_STATUS_FAILURE, constants.OPERATION_STATUS_CANCELLED)


def _fraction(item):
    steps = item['steps'] or 1
    done = item['steps_done']
    if item['bytes'] and item['bytes_done'] is not None:
        done += min(1.0, float(item['bytes_done']) / item['bytes'])
    return min(1.0, float(done) / steps)


def _eta(elapsed, percent, items, ended):
    """Seconds left, from the time taken so far; None until a step of
    some resource finished."""
    if ended:
        return 0
    if percent <= 0 or not any(i['steps_done'] for i in items):
        return None
    return int(round(elapsed * (100.0 - percent) / percent))


def _resource_view(item):
    if item['bytes'] is not None:
        done, total, unit = item['bytes_done'], item['bytes'], item.get(
            'unit', UNIT_BYTES)
    else:
        done, total, unit = item['steps_done'], item['steps'], UNIT_STEPS
    return {'id': item['id'], 'type': item['type'], 'name': item['name'],
            'status': item['status'], 'done': done, 'total': total,
            'unit': unit}


RESOURCE_KEYS = ('id', 'type', 'name', 'status', 'done', 'total', 'unit')


def public(summary, status=None):
    """The API's view of a stored summary (internal keys dropped);
    ``status`` (the record's) wins over the stored one."""
    view = {key: summary.get(key) for key in (
        'status', 'percent', 'eta_seconds', 'started_at', 'updated_at',
        'done', 'total')}
    view['percent'] = view['percent'] or 0.0
    view['done'] = view['done'] or 0
    view['total'] = view['total'] or 0
    items = summary.get('resources') or []
    if 'steps' not in summary:
        # Written before items were stored in their public shape.
        items = [{key: item.get(key) for key in RESOURCE_KEYS}
                 for item in items]
    view['resources'] = items
    if status is not None:
        view['status'] = status
        if status in SUCCESS_STATUSES:
            view['percent'], view['eta_seconds'] = 100.0, 0
    return view
