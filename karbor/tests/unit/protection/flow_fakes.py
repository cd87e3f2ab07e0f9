"""File-backed stand-ins for the objects the flows update.

They live in a directory so that a test can crash a flow in a child process
and resume it in the parent: both see the same checkpoint, restore record
and operation log. Each keeps the history of the statuses it saved.
"""

import json
import os
import uuid

from karbor.common import constants
from karbor import context as karbor_context
from karbor import exception
from karbor import resource as karbor_resource
from karbor.services.protection import graph
from karbor.tests.plugins import hook_recorder_plugin

PROVIDER_ID = 'cf56bd3e-97a7-4078-b6d5-f36246333fd9'
PROJECT_ID = '31478a6f980d4e73a3bdac3ad04a3605'


def make_context():
    return karbor_context.RequestContext(user_id='u1', project_id=PROJECT_ID,
                                         is_admin=False,
                                         auth_token='secret-token')


class BankSection(object):
    """A directory of JSON objects."""

    def __init__(self, path):
        self.path = path

    def _file(self, key):
        return os.path.join(self.path, key.strip('/').replace('/', '__'))

    def update_object(self, key, value):
        os.makedirs(self.path, exist_ok=True)
        with open(self._file(key), 'w') as f:
            json.dump(value, f)

    def get_object(self, key):
        try:
            with open(self._file(key)) as f:
                return json.load(f)
        except FileNotFoundError:
            raise exception.BankObjectNotFound(key=key)

    def delete_object(self, key):
        try:
            os.remove(self._file(key))
        except FileNotFoundError:
            raise exception.BankObjectNotFound(key=key)

    def list_objects(self):
        if not os.path.isdir(self.path):
            return []
        return sorted(os.listdir(self.path))


class _Persisted(object):
    """An object whose public attributes are saved to a JSON file."""

    fields = ()

    def __init__(self, directory, id=None, **values):
        self.id = id or str(uuid.uuid4())
        self.directory = directory
        self.history = []
        for field in self.fields:
            setattr(self, field, values.get(field))
        if os.path.exists(self._path):
            self._load()

    @property
    def _path(self):
        return os.path.join(self.directory, '%s.json' % self.id)

    def _load(self):
        with open(self._path) as f:
            data = json.load(f)
        self.history = data.pop('history')
        for field, value in data.items():
            setattr(self, field, value)

    def save(self):
        self.history.append(self.status)
        data = {field: getattr(self, field) for field in self.fields}
        data['history'] = self.history
        os.makedirs(self.directory, exist_ok=True)
        with open(self._path, 'w') as f:
            json.dump(data, f, default=str)


class Checkpoint(_Persisted):
    fields = ('status', 'provider_id', 'project_id', 'protection_plan',
              'resource_graph', 'extra_info')

    def __init__(self, directory, id=None, **values):
        values.setdefault('provider_id', PROVIDER_ID)
        values.setdefault('project_id', PROJECT_ID)
        values.setdefault('status', 'protecting')
        values.setdefault('extra_info', {})
        super().__init__(directory, id, **values)

    commit = _Persisted.save

    def delete(self):
        self.status = 'deleted'
        self.commit()

    def get_resource_bank_section(self, resource_id):
        return BankSection(os.path.join(self.directory, self.id,
                                        'resource-data', resource_id))

    def bank_objects(self):
        """Resource id -> object names, for resources holding objects."""
        root = os.path.join(self.directory, self.id, 'resource-data')
        if not os.path.isdir(root):
            return {}
        found = {rid: BankSection(os.path.join(root, rid)).list_objects()
                 for rid in os.listdir(root)}
        return {rid: names for rid, names in found.items() if names}


class Record(_Persisted):
    """A restore or verification record."""

    fields = ('status', 'resources_status', 'resources_reason')

    def __init__(self, directory, id=None, **values):
        values.setdefault('resources_status', {})
        values.setdefault('resources_reason', {})
        super().__init__(directory, id, **values)

    def update_resource_status(self, resource_type, resource_id, status,
                               reason=None):
        key = '%s#%s' % (resource_type, resource_id)
        self.resources_status[key] = status
        if reason:
            self.resources_reason[key] = reason


class OperationLog(_Persisted):
    fields = ('status', 'operation_type', 'error_info', 'ended_at')


def resources(*names, resource_type='OS::Cinder::Volume'):
    return {name: karbor_resource.Resource(resource_type, 'id-' + name, name)
            for name in names}


def diamond():
    """Roots of A->B, A->C, B->D, C->D, and the resources by name."""
    res = resources('A', 'B', 'C', 'D')
    deps = {res['A']: [res['B'], res['C']], res['B']: [res['D']],
            res['C']: [res['D']]}
    roots = graph.build_graph([res['A']], lambda r: deps.get(r, []))
    return roots, res


def independent(count, prefix='vol'):
    res = resources(*['%s%d' % (prefix, i) for i in range(count)])
    return graph.build_graph(list(res.values()), lambda r: []), res



def recorder_plugins(plugin_class=None):
    plugin = (plugin_class or
              hook_recorder_plugin.HookRecorderProtectionPlugin)()
    return {rtype: plugin for rtype in constants.RESOURCE_TYPES}
