"""The sandbox runtime: store, blobs, tasks, faults and services."""

import os

from karbor_sandbox import auth
from karbor_sandbox import blobs
from karbor_sandbox import faults
from karbor_sandbox import service
from karbor_sandbox import store
from karbor_sandbox import tasks

DB_NAME = 'sandbox.db'


class Cloud(object):
    """Everything the services share, built from a state directory."""

    def __init__(self, state_dir, delay=0.0, base_url='http://127.0.0.1',
                 token_ttl=auth.TOKEN_TTL):
        self.state_dir = state_dir
        self.base_url = base_url
        # Seconds a new Keystone token lives.
        self.token_ttl = token_ttl
        self.store = store.Store(os.path.join(state_dir, DB_NAME))
        self.blobs = blobs.Blobs(os.path.join(state_dir, 'blobs'))
        self.tasks = tasks.Tasks(self, delay)
        self.faults = faults.Faults(self.store)
        self.services = [cls(self) for cls in service.load()]
        for svc in self.services:
            with self.store.transaction():
                svc.bootstrap()

    def close(self):
        self.store.close()

    def service(self, name):
        for svc in self.services:
            if svc.name == name:
                return svc
        raise KeyError(name)

    def url(self, name, project_id=''):
        """Public URL of a service (its catalog endpoint if it has one)."""
        svc = self.service(name)
        if svc.endpoint:
            return svc.endpoint_url(project_id).rstrip('/')
        return self.base_url + svc.prefix

    def catalog(self, project_id):
        """Keystone v3 catalog entries of every service, the ones
        registered in Keystone included."""
        return self.service('identity').keystone_catalog(project_id)

    def endpoints(self):
        """``{service name: url}`` for every service (for humans)."""
        return {svc.name: self.base_url + svc.prefix
                for svc in self.services}
