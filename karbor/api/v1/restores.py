"""Restores: ``/v1/{project_id}/restores``."""

from karbor.api.schemas import restores as schemas
from karbor.api.v1 import recoveries
from karbor import exception


class RestoresController(recoveries.RecoveryController):
    """Create, list and show restores."""

    name = 'restore'
    schema = schemas.create
    object_name = 'Restore'

    @staticmethod
    def not_found(restore_id):
        return exception.RestoreNotFound(restore_id=restore_id)

    def _start(self, ctxt, values):
        # The credentials go to the protection service only: they are
        # neither stored nor echoed.
        restore_auth = values.pop('restore_auth', None)
        return self.protection_api.restore(ctxt, values,
                                           restore_auth=restore_auth)
