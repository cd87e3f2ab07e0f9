"""A protected resource's bank section, as the server and network plugins
keep it: ``status`` (``protecting`` -> ``available`` | ``error``,
``deleting`` -> ``deleted``), ``metadata`` (what restore needs) and
optional data objects (e.g. a server snapshot's bytes).
"""

import contextlib

from oslo_log import log as logging

from karbor.common import constants
from karbor import exception
from karbor.services.protection import deferred
from karbor.services.protection import protection_plugin

LOG = logging.getLogger(__name__)

STATUS_KEY = 'status'
METADATA_KEY = 'metadata'

FAILURES = {
    constants.OPERATION_PROTECT: exception.ProtectResourceFailed,
    constants.OPERATION_RESTORE: exception.RestoreResourceFailed,
    constants.OPERATION_VERIFY: exception.VerifyResourceFailed,
    constants.OPERATION_COPY: exception.CopyResourceFailed,
    constants.OPERATION_DELETE: exception.DeleteResourceFailed,
}


def failure(kind, resource, reason):
    """The exception of operation ``kind`` naming ``resource``."""
    return FAILURES[kind](resource_id=resource.id,
                          resource_type=resource.type, reason=reason)


@contextlib.contextmanager
def failing(kind, resource):
    """Turn any error but a Karbor one into the failure of operation
    ``kind`` naming ``resource``."""
    try:
        yield
    except exception.KarborException:
        raise
    except Exception as err:
        LOG.warning('%(kind)s of %(type)s %(id)s failed: %(err)s',
                    {'kind': kind, 'type': resource.type, 'id': resource.id,
                     'err': err})
        raise failure(kind, resource, str(err) or type(err).__name__)


def section(checkpoint, resource):
    return checkpoint.get_resource_bank_section(resource.id)


def set_status(bank_section, value):
    bank_section.update_object(STATUS_KEY, value)


def get_status(bank_section):
    try:
        return bank_section.get_object(STATUS_KEY)
    except exception.BankObjectNotFound:
        return None


def get_metadata(bank_section):
    """The saved metadata, or {} if none was written."""
    try:
        return bank_section.get_object(METADATA_KEY) or {}
    except exception.BankObjectNotFound:
        return {}


def save_metadata(bank_section, metadata):
    bank_section.update_object(METADATA_KEY, metadata)


def purge(bank_section):
    """Remove everything the resource saved (now, or later if the bank
    refuses now); the revert of a failed protect."""
    try:
        deferred.purge_section(bank_section)
    except exception.KarborException:
        deferred.defer(('purge', bank_section.prefix),
                       lambda: deferred.purge_section(bank_section))


def delete_data(bank_section):
    """A checkpoint delete: every object but ``status``, which ends
    ``deleted``."""
    set_status(bank_section, constants.RESOURCE_STATUS_DELETING)
    for key in bank_section.list_objects():
        if key == STATUS_KEY:
            continue
        try:
            bank_section.delete_object(key)
        except exception.BankObjectNotFound:
            pass
    set_status(bank_section, constants.RESOURCE_STATUS_DELETED)


def copy_data(source, target, streamed=('data',)):
    """Copy every object of ``source`` into ``target``; the objects whose
    key starts with one of ``streamed`` (bytes) go as streams."""
    for key in source.list_objects():
        if key.startswith(tuple(streamed)):
            target.update_object(key, source.get_object_stream(key))
        else:
            target.update_object(key, source.get_object(key))


def saved_info_of(metadata_store, keys):
    """``keys`` of the saved metadata (for ``get_saved_info``)."""
    metadata = get_metadata(metadata_store)
    return {key: metadata[key] for key in keys if key in metadata} or None


class CopyDataOperation(protection_plugin.Operation):
    """Copy: the resource's section into the copy's bank; the objects whose
    key starts with one of ``streamed`` go as streams."""

    streamed = ('data',)

    def __init__(self, options=None):
        self._options = options

    def on_main(self, checkpoint, resource, context, parameters,
                checkpoint_copy=None, **kwargs):
        with failing(constants.OPERATION_COPY, resource):
            copy_data(section(checkpoint, resource),
                      section(checkpoint_copy, resource), self.streamed)

    def on_revert(self, checkpoint, resource, context, parameters,
                  checkpoint_copy=None, **kwargs):
        purge(section(checkpoint_copy, resource))


class DeleteDataOperation(protection_plugin.Operation):
    """Delete: the saved objects go, ``status`` ends ``deleted``."""

    def __init__(self, options=None):
        self._options = options

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        delete_data(section(checkpoint, resource))
