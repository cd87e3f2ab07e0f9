"""The SQL catalog of checkpoints, kept in step with the banks.

The bank is the source of truth: a checkpoint is its ``index.json``. The
catalog (``objects.CheckpointRecord``) copies what listings need, so that
listing and filtering never walk a bank. ``rebuild`` recreates it from a
bank, e.g. after a bank was moved to a fresh installation.
"""

import datetime
import json
import threading

from oslo_log import log as logging

from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor import objects

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


def _record_values(checkpoint):
    return {
        'status': checkpoint.status,
        'resource_graph': checkpoint.resource_graph,
        'extra_info': checkpoint.extra_info,
    }


def create_record(context, checkpoint):
    """Add the catalog row of a new checkpoint."""
    plan = checkpoint.protection_plan
    record = objects.CheckpointRecord(
        context=context, id=checkpoint.id,
        project_id=checkpoint.project_id,
        provider_id=checkpoint.provider_id, plan_id=plan.get('id'),
        protection_plan=plan,
        created_at=datetime.datetime.fromtimestamp(
            checkpoint.timestamp, datetime.timezone.utc).replace(tzinfo=None),
        **_record_values(checkpoint))
    record.create()
    return record


def sync_record(context, checkpoint):
    """Copy the checkpoint's state into its catalog row (made if missing)."""
    try:
        db.checkpoint_record_update(context, checkpoint.id,
                                    _record_values(checkpoint))
    except exception.NotFound:
        create_record(context, checkpoint)


def record_view(record):
    """The REST view of a checkpoint, from its catalog row."""
    return {
        'id': record.id,
        'project_id': record.project_id,
        'status': record.status,
        'protection_plan': record.protection_plan,
        'resource_graph': record.resource_graph,
        'created_at': (record.created_at.strftime('%Y-%m-%d')
                       if record.created_at else None),
        'extra_info': json.dumps(record.extra_info or {}),
    }


class CatalogedCheckpoint(object):
    """A bank Checkpoint whose commits also update the catalog.

    It has the interface the flows use (``status``, ``commit()``,
    ``delete()``, ``get_resource_bank_section()``, ...).
    """

    def __init__(self, context, checkpoint):
        self.__dict__['_context'] = context
        self.__dict__['_checkpoint'] = checkpoint
        # Bank and catalog are written together, in commit order.
        self.__dict__['_lock'] = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._checkpoint, name)

    def __setattr__(self, name, value):
        setattr(self._checkpoint, name, value)

    def commit(self):
        with self._lock:
            self._checkpoint.commit()
            sync_record(self._context, self._checkpoint)

    def delete(self):
        with self._lock:
            self._checkpoint.delete()
            sync_record(self._context, self._checkpoint)

    def sync_record(self):
        """Update the catalog alone (the bank refused the commit)."""
        with self._lock:
            sync_record(self._context, self._checkpoint)


def apply_catalog_status(context, checkpoint):
    """Show the catalog's final status of a checkpoint that the bank
    still says is in progress: the bank refused the final write (see
    ``deferred``). Returns ``checkpoint``."""
    if checkpoint.status not in IN_PROGRESS_STATUSES:
        return checkpoint
    try:
        record = objects.CheckpointRecord.get_by_id(context, checkpoint.id)
    except exception.NotFound:
        return checkpoint
    if record.status not in IN_PROGRESS_STATUSES:
        checkpoint.status = record.status
    return checkpoint


def rebuild(context, provider):
    """Recreate the catalog rows of every checkpoint in a provider's bank,
    and its index objects (some may be lost in a crash).

    Returns the number of checkpoints recorded.
    """
    count = 0
    collection = provider.checkpoint_collection
    for checkpoint in collection.iter_all():
        sync_record(context, checkpoint)
        collection.reindex(checkpoint)
        count += 1
    LOG.info('Catalog of provider %(id)s rebuilt: %(count)d checkpoints.',
             {'id': provider.id, 'count': count})
    return count
