"""Fault injection: make the next operation on a resource fail or be slow.

A fault is either registered through ``POST /sandbox/faults`` or set as
resource metadata ``sandbox:fault:<operation>`` = ``error`` or
``slow:<seconds>``. Operations are named by the services (``backup``,
``snapshot``, ``create``, ``restore``, ``delete``...).
"""

import fnmatch

from karbor_sandbox import utils
from karbor_sandbox import wsgi

KIND = ('sandbox', 'fault')
META_PREFIX = 'sandbox:fault:'
ACTIONS = ('error', 'slow')


class Fault(object):
    def __init__(self, action, delay=None, message=None):
        self.action = action
        self.delay = delay
        self.message = message or 'Injected fault'

    @property
    def is_error(self):
        return self.action == 'error'


class Faults(object):
    """Registered faults, stored as documents."""

    def __init__(self, store):
        self.store = store

    def add(self, spec):
        """Validate and store a fault spec (a dict); return the document."""
        action = spec.get('action', 'error')
        if action not in ACTIONS:
            raise wsgi.BadRequest('action must be one of %s' % (ACTIONS,))
        if not spec.get('operation'):
            raise wsgi.BadRequest('operation is required')
        doc = {'id': utils.new_uuid(), 'action': action,
               'service': spec.get('service', '*'),
               'operation': spec['operation'],
               'resource_id': spec.get('resource_id', '*'),
               'delay': float(spec.get('delay', 5)),
               'message': spec.get('message'),
               'count': int(spec.get('count', 1))}
        return self.store.put(*KIND, doc)

    def list(self):
        return self.store.list(*KIND)

    def remove(self, fault_id):
        return self.store.delete(*KIND, fault_id)

    def take(self, service, operation, resource_id, metadata=None):
        """Consume and return the fault matching an operation, or None.

        A fault's ``resource_id`` may be a shell-style pattern (``*``,
        ``*/data_1``). A ``count`` of -1 never runs out.
        """
        value = (metadata or {}).get(META_PREFIX + operation)
        if value:
            action, _sep, delay = value.partition(':')
            return Fault(action, float(delay or 5))
        with self.store.transaction():
            for doc in self.list():
                if (doc['operation'] == operation and
                        doc['service'] in ('*', service) and
                        fnmatch.fnmatchcase(str(resource_id),
                                            doc['resource_id'])):
                    if doc['count'] > 0:
                        doc['count'] -= 1
                        if doc['count'] == 0:
                            self.remove(doc['id'])
                        else:
                            self.store.put(*KIND, doc)
                    return Fault(doc['action'], doc['delay'],
                                 doc['message'])
        return None
