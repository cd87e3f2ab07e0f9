"""Request context for Karbor."""

import copy

from oslo_context import context as oslo_context
from oslo_utils import timeutils

from karbor import policy


class RequestContext(oslo_context.RequestContext):
    """Security context and request information.

    Represents the user taking a given action within the system. Beyond the
    oslo fields it carries the Keystone token data and service catalog needed
    to build OpenStack clients on the user's behalf.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 quota_class=None, service_catalog=None, auth_token_info=None,
                 project_name=None, user_name=None, **kwargs):
        # oslo.context names them 'user' / 'project_id' differently across
        # releases; accept both spellings.
        kwargs.setdefault('user_id', user_id or kwargs.pop('user', None))
        kwargs.setdefault('project_id',
                          project_id or kwargs.pop('tenant', None))
        kwargs.setdefault('project_name', project_name)
        kwargs.setdefault('user_name', user_name)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        if not timestamp:
            timestamp = timeutils.utcnow()
        elif isinstance(timestamp, str):
            timestamp = timeutils.parse_isotime(timestamp)
        self.timestamp = timestamp
        self.quota_class = quota_class
        self.service_catalog = service_catalog or []
        self.auth_token_info = auth_token_info
        if is_admin is None:
            self.is_admin = policy.check_is_admin(self)

    def to_dict(self):
        values = super().to_dict()
        values.update({
            'user_id': self.user_id,
            'project_id': self.project_id,
            'project_name': self.project_name,
            'user_name': self.user_name,
            'read_deleted': self.read_deleted,
            'remote_address': self.remote_address,
            'timestamp': (self.timestamp.isoformat() if self.timestamp
                          else None),
            'quota_class': self.quota_class,
            'service_catalog': self.service_catalog,
            'auth_token_info': self.auth_token_info,
        })
        return values

    @classmethod
    def from_dict(cls, values):
        allowed = {'user_id', 'project_id', 'is_admin', 'read_deleted',
                   'remote_address', 'timestamp', 'quota_class',
                   'service_catalog', 'auth_token_info', 'project_name',
                   'user_name', 'auth_token', 'request_id', 'roles',
                   'user_domain_id', 'project_domain_id', 'global_request_id',
                   'is_admin_project', 'domain_id', 'show_deleted'}
        return cls(**{k: v for k, v in values.items() if k in allowed})

    def to_policy_values(self):
        values = super().to_policy_values()
        values['is_admin'] = self.is_admin
        return values

    def elevated(self, read_deleted=None):
        """Return a version of this context with admin flag set."""
        ctx = copy.copy(self)
        ctx.roles = list(self.roles)
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles.append('admin')
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    @property
    def user(self):
        return self.user_id

    @property
    def tenant(self):
        return self.project_id


def get_admin_context(read_deleted='no'):
    """An admin context not tied to any project, for internal work."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, overwrite=False)
