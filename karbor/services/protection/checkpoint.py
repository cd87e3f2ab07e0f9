"""Checkpoints kept in a provider's bank.

Layout (identical to the original Karbor, so banks stay interchangeable)::

    /checkpoints/<id>/index.json                    checkpoint metadata
    /checkpoints/<id>/resource-data/<resource id>/  per-resource data
    /indices/by-provider/<provider>/<project>/<timestamp>@<id>
    /indices/by-date/<YYYY-MM-DD>/<project>/<timestamp>@<id>
    /indices/by-plan/<plan>/<project>/<YYYY-MM-DD>/<timestamp>@<id>

Index objects hold the checkpoint id. Timestamps are integer UTC epoch
seconds, so index names sort in creation order.
"""

import calendar
import datetime
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
RESOURCE_DATA = 'resource-data'
BY_PROVIDER = 'by-provider'
BY_DATE = 'by-date'
BY_PLAN = 'by-plan'
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


def _index_name(timestamp, checkpoint_id):
    return '%d@%s' % (timestamp, checkpoint_id)


def _index_keys(md):
    """Keys (relative to /indices/) of the three index objects."""
    name = _index_name(md['timestamp'], md['id'])
    project, date = md['project_id'], md['created_at']
    return ['%s/%s/%s/%s' % (BY_PROVIDER, md['provider_id'], project, name),
            '%s/%s/%s/%s' % (BY_DATE, date, project, name),
            '%s/%s/%s/%s/%s' % (BY_PLAN, md['protection_plan']['id'],
                                project, date, name)]


def _parse_index_name(key):
    """``…/<timestamp>@<id>`` -> (timestamp, id)."""
    timestamp, _sep, checkpoint_id = key.rpartition('/')[2].partition('@')
    return int(timestamp), checkpoint_id


def to_timestamp(value, end_of_day=False):
    """Epoch seconds of a date filter (datetime, date or ISO string).

    A bare date stands for the whole day: its first second, or its last
    one when ``end_of_day`` (end dates are inclusive).
    """
    if value is None or value == '':
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.strptime(value, _DATE_FORMAT).date()
        except ValueError:
            try:
                value = datetime.datetime.fromisoformat(value)
            except ValueError:
                raise exception.InvalidInput(
                    reason=_('Invalid date: %s') % value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        return calendar.timegm(value.timetuple())
    seconds = calendar.timegm(value.timetuple())
    return seconds + 86399 if end_of_day else seconds


class Checkpoint(object):
    """One checkpoint: its index.json metadata plus its bank sections."""

    def __init__(self, bank, metadata):
        self._bank = bank
        self._md = metadata
        self._section = bank.get_sub_section(
            '/checkpoints/%s' % metadata['id'])
        self._indices = bank.get_sub_section('/indices')

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

    def _delete_indices(self):
        delete_indices(self._indices, self._md)

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
        """The checkpoint as the REST API shows it."""
        return {
            'id': self.id,
            'project_id': self.project_id,
            'status': self.status,
            'protection_plan': self.protection_plan,
            'resource_graph': self.resource_graph,
            'created_at': self.created_at,
            'extra_info': json.dumps(self.extra_info),
        }


def write_indices(indices, md):
    """Write the three index objects of the checkpoint ``md``.

    They are derived from index.json (written durably before them), so
    they are not forced to disk one by one: ``CheckpointCollection.
    reindex`` (run by ``karbor-manage checkpoint rebuild_catalog``)
    restores any that a power failure lost.
    """
    for key in _index_keys(md):
        indices.update_object(key, md['id'], durable=False)


def delete_indices(indices, md):
    """Delete the index objects of the checkpoint ``md`` (if any)."""
    for key in _index_keys(md):
        try:
            indices.delete_object(key)
        except exception.BankObjectNotFound:
            pass


class CheckpointCollection(object):
    """All checkpoints of one bank."""

    def __init__(self, bank):
        self._bank = bank
        self._checkpoints = bank.get_sub_section('/checkpoints')
        self._indices = bank.get_sub_section('/indices')

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
        write_indices(self._indices, md)
        return checkpoint

    def reindex(self, checkpoint):
        """Make ``checkpoint``'s index objects match its status (written,
        or absent once deleted)."""
        if checkpoint.status == constants.CHECKPOINT_STATUS_DELETED:
            delete_indices(self._indices, checkpoint.metadata)
        else:
            write_indices(self._indices, checkpoint.metadata)

    def get(self, checkpoint_id):
        """Load a checkpoint; CheckpointNotFound if it does not exist."""
        try:
            md = self._checkpoints.get_object(
                '%s/%s' % (checkpoint_id, INDEX_FILE))
        except (exception.BankObjectNotFound, exception.InvalidInput):
            raise exception.CheckpointNotFound(checkpoint_id=checkpoint_id)
        if not isinstance(md, dict) or \
                md.get('version') != CHECKPOINT_VERSION:
            raise exception.InvalidInput(
                reason=_('Checkpoint %s has an unsupported format')
                % checkpoint_id)
        return Checkpoint(self._bank, md)

    def iter_all(self):
        """Yield every checkpoint of the bank (deleted ones included)."""
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
            if len(keys) < _PAGE:
                return
            marker = keys[-1]

    def list_ids(self, provider_id, project_id=None, plan_id=None,
                 start_date=None, end_date=None, limit=None, marker=None,
                 sort_dir='desc', all_tenants=False):
        """Ids of the matching checkpoints, in creation order.

        Checkpoints of one project are ordered by creation time (then
        id); across projects (``all_tenants`` or no project) by project
        first. ``marker`` is the id of the last checkpoint of the previous
        page. Dates are inclusive; a bare date means the whole day.
        """
        sort_dir = sort_dir or 'desc'
        if sort_dir not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason=_('Invalid sort direction: %s') % sort_dir)
        if limit is not None and int(limit) <= 0:
            return []
        per_project = bool(project_id) and not all_tenants
        query = _Query(plan_id or provider_id, bool(plan_id),
                       project_id if per_project else None, sort_dir,
                       to_timestamp(start_date),
                       to_timestamp(end_date, end_of_day=True))
        if marker:
            query.narrow(self._marker_position(marker, query))
        return self._scan(query, None if limit is None else int(limit))

    def _marker_position(self, marker, query):
        checkpoint = self.get(marker)
        return query.key(checkpoint.timestamp, checkpoint.id,
                         checkpoint.project_id)

    def _scan(self, query, limit):
        result = []
        bank_marker = query.marker
        while limit is None or len(result) < limit:
            page = _PAGE
            if limit is not None and query.per_project:
                page = min(_PAGE, limit - len(result))
            keys = self._indices.list_objects(
                prefix=query.prefix, marker=bank_marker, limit=page,
                sort_dir=query.sort_dir)
            for key in keys:
                timestamp, checkpoint_id = _parse_index_name(key)
                if query.past_range(timestamp):
                    return result
                if query.in_range(timestamp):
                    result.append(checkpoint_id)
                    if len(result) == limit:
                        return result
            if len(keys) < page:
                return result
            bank_marker = keys[-1]
        return result


class _Query(object):
    """Which index to walk for a listing, and where to start and stop."""

    def __init__(self, owner_id, by_plan, project_id, sort_dir, start_ts,
                 end_ts):
        self.by_plan = by_plan
        self.per_project = project_id is not None
        self.sort_dir = sort_dir
        self.start_ts = start_ts
        self.end_ts = end_ts
        self.prefix = '%s/%s/' % (BY_PLAN if by_plan else BY_PROVIDER,
                                  owner_id)
        if self.per_project:
            self.prefix += '%s/' % project_id
        self.marker = None
        # Within one project index names follow time, so the date range
        # becomes a start marker (the end is found while scanning).
        bound = start_ts if sort_dir == 'asc' else end_ts
        if self.per_project and bound is not None:
            if sort_dir == 'desc':
                bound += 1
            # '<ts>@' sorts right before every '<ts>@<id>'.
            self.marker = self.key(bound, '')

    def key(self, timestamp, checkpoint_id, project_id=None):
        """Index key (relative to /indices/) of a checkpoint here."""
        name = _index_name(timestamp, checkpoint_id)
        if self.by_plan:
            name = '%s/%s' % (_utc_date(timestamp), name)
        if not self.per_project:
            name = '%s/%s' % (project_id, name)
        return self.prefix + name

    def narrow(self, marker):
        """Start after ``marker`` unless the date bound starts later."""
        if self.marker is None:
            self.marker = marker
        elif self.sort_dir == 'asc':
            self.marker = max(self.marker, marker)
        else:
            self.marker = min(self.marker, marker)

    def in_range(self, timestamp):
        return ((self.start_ts is None or timestamp >= self.start_ts) and
                (self.end_ts is None or timestamp <= self.end_ts))

    def past_range(self, timestamp):
        """True once a per-project scan has left the date range."""
        if not self.per_project:
            return False
        if self.sort_dir == 'asc':
            return self.end_ts is not None and timestamp > self.end_ts
        return self.start_ts is not None and timestamp < self.start_ts
