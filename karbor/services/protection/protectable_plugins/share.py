"""Protectable plugin for OS::Manila::Share: a project's shares."""

from manilaclient import exceptions as manila_exc

from karbor.common import constants
from karbor.services.protection.protectable_plugins import project_owned

INVALID_SHARE_STATUS = ('deleting', 'deleted', 'error', 'error_deleting',
                        'manage_error', 'unmanage_error', 'extending_error',
                        'shrinking_error', 'reverting_error')


class ShareProtectablePlugin(project_owned.ProjectOwnedProtectablePlugin):
    """Manila shares of the caller's project."""

    resource_type = constants.SHARE_RESOURCE_TYPE
    service = 'manila'
    what = 'share'
    not_found = manila_exc.NotFound
    invalid_status = INVALID_SHARE_STATUS

    def _list(self, client):
        return client.shares.list(detailed=True)

    def _get(self, client, resource_id):
        return client.shares.get(resource_id)
