"""Protectable plugin for OS::Trove::Instance: a project's databases."""

from troveclient import exceptions as trove_exc

from karbor.common import constants
from karbor.services.protection.protectable_plugins import project_owned

INVALID_INSTANCE_STATUS = ('BUILD', 'REBOOT', 'RESIZE', 'ERROR',
                           'SHUTDOWN', 'FAILED')
PAGE = 100


class DatabaseProtectablePlugin(
        project_owned.ProjectOwnedProtectablePlugin):
    """Trove database instances of the caller's project."""

    resource_type = constants.DATABASE_RESOURCE_TYPE
    service = 'trove'
    what = 'database instance'
    not_found = trove_exc.NotFound
    invalid_status = INVALID_INSTANCE_STATUS
    owner_attrs = ('tenant_id', 'project_id')

    def _list(self, client):
        """Every instance, page after page."""
        found, marker = [], None
        while True:
            page = client.instances.list(limit=PAGE, marker=marker,
                                         detailed=True)
            found.extend(page)
            marker = getattr(page, 'next', None)
            if not marker or not len(page):
                return found

    def _get(self, client, resource_id):
        return client.instances.get(resource_id)
