"""A protectable of resources that a project owns and a service lists.

Manila shares and Trove database instances are such resources: their only
parent is the project, the service lists those of the caller's project,
and some statuses (errors, deletions) make one unfit for protection.
"""

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin


class ProjectOwnedProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Resources of one type listed from one service's client.

    Subclasses set ``resource_type``, ``service`` (a name known to
    ``karbor.clients.factory``), ``what`` (a word for error messages),
    ``not_found`` (the client's NotFound exception class),
    ``invalid_status`` and ``owner_attrs`` (attributes naming the owning
    project), and implement ``_list`` and ``_get``.
    """

    resource_type = service = what = None
    not_found = Exception
    invalid_status = ()
    owner_attrs = ('project_id',)

    def _list(self, client):
        raise NotImplementedError

    def _get(self, client, resource_id):
        raise NotImplementedError

    def get_resource_type(self):
        return self.resource_type

    def get_parent_resource_types(self):
        return (constants.PROJECT_RESOURCE_TYPE,)

    def _failed(self, err):
        return exception.ListProtectableResourceFailed(
            type=self.resource_type, reason=err)

    def _client(self, context):
        try:
            return factory.create(self.service, context)
        except Exception as err:
            raise self._failed(err)

    def _to_resource(self, item):
        return resource.Resource(type=self.resource_type, id=item.id,
                                 name=item.name)

    def _usable(self, context):
        client = self._client(context)
        try:
            items = self._list(client)
        except Exception as err:
            raise self._failed(err)
        return [i for i in items if i.status not in self.invalid_status]

    def list_resources(self, context, parameters=None):
        return [self._to_resource(i) for i in self._usable(context)]

    def show_resource(self, context, resource_id, parameters=None):
        def not_found(reason):
            return exception.ProtectableResourceNotFound(
                resource_id=resource_id, resource_type=self.resource_type,
                reason=reason)

        client = self._client(context)
        try:
            item = self._get(client, resource_id)
        except self.not_found:
            raise not_found(_('no such %s') % self.what)
        except Exception as err:
            raise self._failed(err)
        if item.status in self.invalid_status:
            raise not_found(_('the %(what)s is in status %(status)s') %
                            {'what': self.what, 'status': item.status})
        return self._to_resource(item)

    def _owner(self, item):
        for attr in self.owner_attrs:
            value = getattr(item, attr, None)
            if value:
                return value
        return None

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type != constants.PROJECT_RESOURCE_TYPE:
            return []
        return [self._to_resource(i) for i in self._usable(context)
                if self._owner(i) in (None, parent_resource.id)]
