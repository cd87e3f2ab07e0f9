"""Checkpoint payloads in a provider's bank.

Layout (as in the original Karbor, so banks stay interchangeable)::

    /checkpoints/<id>/index.json                    checkpoint metadata
    /checkpoints/<id>/resource-data/<resource id>/  per-resource data
    /indices/by-provider/<provider>/<project>/<timestamp>@<id>
    /indices/by-date/<date>/<project>/<timestamp>@<id>
    /indices/by-plan/<plan>/<project>/<date>/<timestamp>@<id>

The indices (each holding the checkpoint id) are how the original lists
checkpoints; we list from the SQL catalog and keep them only so that the
original, started again on the same bank, lists ours. They are removed
when the checkpoint is deleted.

This is the bank side of ``checkpoint_store.CheckpointStore``, which also
keeps the SQL catalog (the only index of checkpoints) and the quota; only
tests and tools working on a bank alone use it directly.
"""

import json
import time

from oslo_log import log as logging
from oslo_utils import uuidutils

from karbor.common import constants
from karbor import exception
from karbor.i18n import _

LOG = logging.getLogger(__name__)

CHECKPOINT_VERSION = '0.9'
INDEX_FILE = 'index.json'
INDICES = '/indices'
RESOURCE_DATA = 'resource-data'
_DATE_FORMAT = '%Y-%m-%d'
_PAGE = 1000
_CREATE_PROPERTIES = ('id', 'status', 'extra_info', 'resource_graph',
                      'timestamp', 'project_id')


def _utc_date(timestamp):
    return time.strftime(_DATE_FORMAT, time.gmtime(timestamp))


def _field(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _resource_dict(resource):
    values = {name: _field(resource, name) for name in ('id', 'type', 'name')}
    # As plans show them: extra_info only when there is some.
    if _field(resource, 'extra_info'):
        values['extra_info'] = _field(resource, 'extra_info')
    return values


_REQUIRED = ('id', 'status', 'provider_id', 'project_id', 'protection_plan',
             'timestamp')


def _format_problem(md):
    """Why ``md`` is not a checkpoint's index.json we can use, or None."""
    if not isinstance(md, dict):
        return _('index.json is not a JSON object')
    if md.get('version') != CHECKPOINT_VERSION:
        return _('version %(found)r, expected %(expected)r') % {
            'found': md.get('version'), 'expected': CHECKPOINT_VERSION}
    missing = [name for name in _REQUIRED if md.get(name) in (None, '')]
    if missing:
        return _('missing %s') % ', '.join(missing)
    return None


class Checkpoint(object):
    """One checkpoint: its index.json metadata plus its bank sections."""

    def __init__(self, bank, metadata):
        self._bank = bank
        self._md = metadata
        self._section = bank.get_sub_section(
            '/checkpoints/%s' % metadata['id'])

    id = property(lambda self: self._md['id'])
    owner_id = property(lambda self: self._md.get('owner_id'))
    provider_id = property(lambda self: self._md['provider_id'])
    project_id = property(lambda self: self._md['project_id'])
    protection_plan = property(lambda self: self._md['protection_plan'])
    created_at = property(lambda self: self._md['created_at'])
    timestamp = property(lambda self: self._md['timestamp'])
    version = property(lambda self: self._md['version'])

    @property
    def status(self):
        return self._md['status']

    @status.setter
    def status(self, value):
        self._md['status'] = value

    @property
    def extra_info(self):
        """The checkpoint's extra information as a dict."""
        value = self._md.get('extra_info')
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value or {}

    @extra_info.setter
    def extra_info(self, value):
        if not isinstance(value, str):
            value = json.dumps(value or {})
        self._md['extra_info'] = value

    @property
    def resource_graph(self):
        """The serialized resource graph (a string), or None."""
        return self._md.get('resource_graph')

    @resource_graph.setter
    def resource_graph(self, value):
        self._md['resource_graph'] = value

    @property
    def metadata(self):
        """A copy of the index.json content."""
        return json.loads(json.dumps(self._md))

    def commit(self):
        """Write the metadata back to index.json."""
        self._section.update_object(INDEX_FILE, self._md)

    def get_resource_bank_section(self, resource_id):
        """Writable section for one resource's backup data."""
        return self._section.get_sub_section(
            '%s/%s' % (RESOURCE_DATA, resource_id))

    def index_keys(self):
        """The keys of the checkpoint's listing indices."""
        leaf = '%s@%s' % (self.timestamp, self.id)
        project, date = self.project_id, self.created_at
        return ['%s/by-provider/%s/%s/%s' % (INDICES, self.provider_id,
                                             project, leaf),
                '%s/by-date/%s/%s/%s' % (INDICES, date, project, leaf),
                '%s/by-plan/%s/%s/%s/%s' % (INDICES,
                                            self.protection_plan.get('id'),
                                            project, date, leaf)]

    def discard_interrupted_writes(self):
        """Remove what a killed worker's writes left in this checkpoint's
        section (see ``BankPlugin.discard_interrupted_writes``)."""
        self._bank.discard_interrupted_writes(self._section.prefix)

    def write_indices(self):
        for key in self.index_keys():
            self._bank.update_object(key, self.id, durable=False)

    def _delete_indices(self):
        for key in self.index_keys():
            try:
                self._bank.delete_object(key)
            except exception.BankObjectNotFound:
                pass

    def delete(self):
        """Mark as deleted and drop the indices; index.json stays."""
        self.status = constants.CHECKPOINT_STATUS_DELETED
        self.commit()
        self._delete_indices()

    def purge(self):
        """Remove every trace of the checkpoint.

        Refused (CheckpointNotBeDeleted) while resource data remains.
        """
        leftovers = [key for key in self._section.list_objects(limit=2)
                     if key != INDEX_FILE]
        if leftovers:
            raise exception.CheckpointNotBeDeleted(checkpoint_id=self.id)
        self._delete_indices()
        try:
            self._section.delete_object(INDEX_FILE)
        except exception.BankObjectNotFound:
            pass

    def to_dict(self):
        """The checkpoint as plain data (``extra_info`` a dict)."""
        return {
            'id': self.id,
            'project_id': self.project_id,
            'status': self.status,
            'protection_plan': self.protection_plan,
            'resource_graph': self.resource_graph,
            'created_at': self.created_at,
            'extra_info': self.extra_info,
        }


class CheckpointCollection(object):
    """All checkpoints of one bank."""

    def __init__(self, bank):
        self._bank = bank
        self._checkpoints = bank.get_sub_section('/checkpoints')

    def create(self, plan, checkpoint_properties=None, context=None):
        """Create a checkpoint of ``plan`` in status ``protecting``.

        ``plan`` is a dict or object with id, name, provider_id, resources
        and project_id. ``checkpoint_properties`` may set any of id,
        status, extra_info, resource_graph, timestamp and project_id.
        """
        props = dict(checkpoint_properties or {})
        unknown = set(props) - set(_CREATE_PROPERTIES)
        if unknown:
            raise exception.InvalidInput(
                reason=_('Unknown checkpoint properties: %s')
                % ', '.join(sorted(unknown)))
        timestamp = int(props.get('timestamp') or time.time())
        project_id = (props.get('project_id') or _field(plan, 'project_id')
                      or _field(context, 'project_id'))
        for name, value in (('plan id', _field(plan, 'id')),
                            ('provider id', _field(plan, 'provider_id')),
                            ('project id', project_id)):
            if not value:
                raise exception.InvalidInput(
                    reason=_('A checkpoint needs a %s') % name)
        md = {
            'version': CHECKPOINT_VERSION,
            'id': props.get('id') or uuidutils.generate_uuid(),
            'status': (props.get('status') or
                       constants.CHECKPOINT_STATUS_PROTECTING),
            'owner_id': self._bank.get_owner_id(context=context),
            'provider_id': _field(plan, 'provider_id'),
            'project_id': project_id,
            'protection_plan': {
                'id': _field(plan, 'id'),
                'name': _field(plan, 'name'),
                'provider_id': _field(plan, 'provider_id'),
                'resources': [_resource_dict(r)
                              for r in _field(plan, 'resources') or []],
            },
            'extra_info': None,
            'created_at': _utc_date(timestamp),
            'timestamp': timestamp,
        }
        if props.get('resource_graph') is not None:
            md['resource_graph'] = props['resource_graph']
        checkpoint = Checkpoint(self._bank, md)
        checkpoint.extra_info = props.get('extra_info')
        checkpoint.commit()
        checkpoint.write_indices()
        return checkpoint

    def get(self, checkpoint_id):
        """Load a checkpoint; CheckpointNotFound if it does not exist."""
        try:
            md = self._checkpoints.get_object(
                '%s/%s' % (checkpoint_id, INDEX_FILE))
        except (exception.BankObjectNotFound, exception.InvalidInput):
            raise exception.CheckpointNotFound(checkpoint_id=checkpoint_id)
        problem = _format_problem(md)
        if problem:
            raise exception.InvalidInput(
                reason=_('Checkpoint %(id)s has an unsupported format: '
                         '%(problem)s') % {'id': checkpoint_id,
                                           'problem': problem})
        return Checkpoint(self._bank, md)

    def iter_all(self, unreadable=None):
        """Yield every checkpoint of the bank (deleted ones included).

        A checkpoint that cannot be read is skipped; ``unreadable(id,
        reason)`` is called for it when given.
        """
        marker = None
        while True:
            keys = self._checkpoints.list_objects(marker=marker, limit=_PAGE)
            for key in keys:
                checkpoint_id, _sep, rest = key.partition('/')
                if rest != INDEX_FILE:
                    continue
                try:
                    yield self.get(checkpoint_id)
                except exception.KarborException as err:
                    LOG.warning('Skipping checkpoint %s: %s',
                                checkpoint_id, err)
                    if unreadable is not None:
                        unreadable(checkpoint_id, str(err))
            if len(keys) < _PAGE:
                return
            marker = keys[-1]
