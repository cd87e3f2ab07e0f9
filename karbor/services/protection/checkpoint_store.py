"""The checkpoint store: the one owner of a provider's checkpoints.

A checkpoint lives in two places, written in this order:

- its payload in the provider's bank (``checkpoint.Checkpoint``:
  ``index.json`` and the resource data), the source of truth;
- its row in the SQL catalog (``objects.CheckpointRecord``), the only
  index: listings and filters read it and never walk a bank.
  ``rebuild_catalog`` recreates the rows from the bank payloads (e.g. a
  bank moved to a fresh installation: ``karbor-manage checkpoint
  rebuild_catalog``).

The store also counts checkpoints in the project's ``checkpoints`` quota:
when one is created (protect or copy) and given back when the delete flow
ends.
"""

import collections
import datetime
import threading

from oslo_log import log as logging

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor import objects
from karbor import quota

LOG = logging.getLogger(__name__)

# Checkpoints shown by listings; deleted ones stay showable by id only.
LISTED_STATUSES = (
    constants.CHECKPOINT_STATUS_PROTECTING,
    constants.CHECKPOINT_STATUS_AVAILABLE,
    constants.CHECKPOINT_STATUS_ERROR,
    constants.CHECKPOINT_STATUS_DELETING,
    constants.CHECKPOINT_STATUS_ERROR_DELETING,
    constants.CHECKPOINT_STATUS_WAIT_COPYING,
    constants.CHECKPOINT_STATUS_COPYING,
)
IN_PROGRESS_STATUSES = (
    constants.CHECKPOINT_STATUS_PROTECTING,
    constants.CHECKPOINT_STATUS_DELETING,
    constants.CHECKPOINT_STATUS_WAIT_COPYING,
    constants.CHECKPOINT_STATUS_COPYING,
)
_DATE_FORMAT = '%Y-%m-%d'


def _row_values(payload):
    return {
        'status': payload.status,
        'resource_graph': payload.resource_graph,
        'extra_info': payload.extra_info,
    }


def _create_row(context, payload):
    plan = payload.protection_plan
    objects.CheckpointRecord(
        context=context, id=payload.id, project_id=payload.project_id,
        provider_id=payload.provider_id, plan_id=plan.get('id'),
        protection_plan=plan,
        created_at=datetime.datetime.fromtimestamp(
            payload.timestamp, datetime.timezone.utc).replace(tzinfo=None),
        **_row_values(payload)).create()


def _write_row(context, payload):
    """Copy the payload's state into its catalog row (made if missing)."""
    try:
        db.checkpoint_record_update(context, payload.id,
                                    _row_values(payload))
    except exception.NotFound:
        _create_row(context, payload)


def row_data(row):
    """A catalog row as plain data (the shape of ``to_dict``)."""
    return {
        'id': row.id,
        'project_id': row.project_id,
        'status': row.status,
        'protection_plan': row.protection_plan,
        'resource_graph': row.resource_graph,
        'created_at': (row.created_at.strftime(_DATE_FORMAT)
                       if row.created_at else None),
        'extra_info': row.extra_info or {},
    }


def _check_marker(context, marker):
    """Another project's checkpoint does not exist, as far as we say."""
    row = objects.CheckpointRecord.get_by_id(context, marker)
    if not context.is_admin and row.project_id != context.project_id:
        raise exception.CheckpointNotFound(checkpoint_id=marker)


def list_catalog(context, provider_id, project_id=None, marker=None,
                 limit=None, sort_keys=None, sort_dirs=None, filters=None):
    """Listed checkpoints of a provider as plain data, from the catalog.

    ``project_id`` None lists every project's. ``filters`` may hold
    plan_id, start_date, end_date (and project_id without ``project_id``).
    A ``marker`` the caller may not see reads as not found. Needs no bank:
    the API lists with it directly.
    """
    query = dict(filters or {}, provider_id=provider_id,
                 status=list(LISTED_STATUSES))
    if marker is not None:
        _check_marker(context, marker)
    # Plain data straight from the rows: a versioned object per row
    # would cost more than the query.
    if project_id is None:
        rows = db.checkpoint_record_get_all(
            context, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=query)
    else:
        rows = db.checkpoint_record_get_all_by_project(
            context, project_id, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=query)
    return [row_data(r) for r in rows]


def list_request(context, provider_id, marker=None, limit=None,
                 sort_keys=None, sort_dirs=None, filters=None,
                 all_tenants=False):
    """A checkpoint list request of the API: the caller's project's
    checkpoints, or every project's (``all_tenants``, admins only, with an
    optional ``project_id`` filter)."""
    filters = dict(filters or {})
    query = {key: filters[key] for key in
             ('plan_id', 'start_date', 'end_date') if filters.get(key)}
    project_id = context.project_id
    if all_tenants and context.is_admin:
        project_id = None
        if filters.get('project_id'):
            query['project_id'] = filters['project_id']
    return list_catalog(context, provider_id, project_id, marker, limit,
                        sort_keys, sort_dirs, query)


class StoredCheckpoint(object):
    """A checkpoint of the store, as the manager and the flows use it.

    Setting ``status``, ``extra_info`` or ``resource_graph`` changes it in
    memory; ``commit()`` saves it: the bank payload, then the catalog row.
    """

    def __init__(self, context, payload):
        self._context = context
        self._payload = payload
        # Bank and catalog are written together, in commit order.
        self._lock = threading.Lock()

    id = property(lambda self: self._payload.id)
    provider_id = property(lambda self: self._payload.provider_id)
    project_id = property(lambda self: self._payload.project_id)
    protection_plan = property(lambda self: self._payload.protection_plan)
    created_at = property(lambda self: self._payload.created_at)

    @property
    def status(self):
        return self._payload.status

    @status.setter
    def status(self, value):
        self._payload.status = value

    @property
    def extra_info(self):
        """The extra information as a dict."""
        return self._payload.extra_info

    @extra_info.setter
    def extra_info(self, value):
        self._payload.extra_info = value

    @property
    def resource_graph(self):
        """The serialized resource graph (a string), or None."""
        return self._payload.resource_graph

    @resource_graph.setter
    def resource_graph(self, value):
        self._payload.resource_graph = value

    def get_resource_bank_section(self, resource_id):
        """Writable bank section for one resource's backup data."""
        return self._payload.get_resource_bank_section(resource_id)

    def commit(self):
        """Save the checkpoint: the bank payload, then the catalog row."""
        with self._lock:
            self._payload.commit()
            _write_row(self._context, self._payload)

    def commit_catalog(self):
        """Save the catalog row alone (the bank refused the commit; the
        catalog is what the API shows)."""
        with self._lock:
            _write_row(self._context, self._payload)

    def delete(self):
        """End of the delete flow: the checkpoint is ``deleted`` and no
        longer counted in its project's quota."""
        with db.transaction(self._context):
            counted = self._counted()
            self.status = constants.CHECKPOINT_STATUS_DELETED
            self.commit()
            if counted:
                quota.QUOTAS.release(self._context,
                                     project_id=self.project_id,
                                     checkpoints=1)

    def _counted(self):
        # A checkpoint with no row (a bank moved here) was never counted;
        # a deleted one was given back already.
        try:
            row = db.checkpoint_record_get(self._context, self.id)
        except exception.NotFound:
            return False
        return row.status != constants.CHECKPOINT_STATUS_DELETED

    def discard_interrupted_writes(self):
        """Remove what a killed worker's bank writes left in this
        checkpoint (call it before resuming its operation)."""
        self._payload.discard_interrupted_writes()

    def purge(self):
        """Remove the bank payload of a checkpoint whose create failed (its
        catalog row and quota went with the failed transaction)."""
        self._payload.purge()

    def to_dict(self):
        """The checkpoint as plain data (``extra_info`` a dict)."""
        return self._payload.to_dict()


class CheckpointStore(object):
    """The checkpoints of one provider: bank payloads, catalog, quota."""

    def __init__(self, provider_id, payloads):
        """``payloads``: the ``checkpoint.CheckpointCollection`` of the
        provider's bank."""
        self.provider_id = provider_id
        self.payloads = payloads

    def create(self, context, plan, status, extra_info=None,
               resource_graph=None, timestamp=None):
        """Count, write and catalog a new checkpoint of ``plan``, created
        now or at ``timestamp`` (UTC epoch seconds).

        Call it inside the caller's ``db.transaction``: quota and row are
        committed with the rest of its records. If the transaction fails
        the caller ``purge()``s the checkpoint.

        :raises OverQuota: nothing is written.
        """
        quota.QUOTAS.consume(context, checkpoints=1)
        payload = self.payloads.create(
            plan, {'status': status, 'extra_info': extra_info,
                   'resource_graph': resource_graph, 'timestamp': timestamp},
            context=context)
        checkpoint = StoredCheckpoint(context, payload)
        try:
            _create_row(context, payload)
        except Exception:
            checkpoint.purge()
            raise
        return checkpoint

    def get(self, context, checkpoint_id):
        """The checkpoint ``checkpoint_id`` (CheckpointNotFound).

        A checkpoint whose bank payload is still in progress while its row
        has a final status shows the row's status: the bank refused the
        final write, which waits in ``deferred``.
        """
        payload = self.payloads.get(checkpoint_id)
        if payload.status in IN_PROGRESS_STATUSES:
            try:
                row = objects.CheckpointRecord.get_by_id(context,
                                                         checkpoint_id)
            except exception.NotFound:
                row = None
            if row is not None and row.status not in IN_PROGRESS_STATUSES:
                payload.status = row.status
        return StoredCheckpoint(context, payload)

    def list(self, context, project_id=None, marker=None, limit=None,
             sort_keys=None, sort_dirs=None, filters=None):
        """Listed checkpoints as plain data, from the catalog (see
        :func:`list_catalog`)."""
        return list_catalog(context, self.provider_id, project_id, marker,
                            limit, sort_keys, sort_dirs, filters)

    def list_rows(self, context, plan_id):
        """The caller's project's listed catalog rows of ``plan_id``."""
        return objects.CheckpointRecordList.get_all_by_project(
            context, context.project_id, filters={
                'provider_id': self.provider_id, 'plan_id': plan_id,
                'status': list(LISTED_STATUSES)})

    def rebuild_catalog(self, context):
        """Write the catalog row of every checkpoint in the bank.

        Returns ``(counts, unreadable)``: the number of checkpoints taken
        per status, and ``(checkpoint id, reason)`` for each one that could
        not be read (and was left alone).
        """
        counts = collections.Counter()
        unreadable = []
        for payload in self.payloads.iter_all(
                lambda cid, reason: unreadable.append((cid, reason))):
            _write_row(context, payload)
            counts[payload.status] += 1
        LOG.info('Catalog of provider %(id)s rebuilt: %(count)d '
                 'checkpoints, %(bad)d unreadable.',
                 {'id': self.provider_id, 'count': sum(counts.values()),
                  'bad': len(unreadable)})
        return dict(counts), unreadable
