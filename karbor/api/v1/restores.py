"""Restores: ``/v1/{project_id}/restores``."""

from oslo_config import cfg

from karbor.api.schemas import restores as schemas
from karbor.api.v1 import base
from karbor.api.v1 import recoveries
from karbor.api import validation
from karbor import exception
from karbor.objects import restore as restore_obj

CONF = cfg.CONF


class RestoresController(recoveries.RecoveryController):
    """Create, list and show restores."""

    name = 'restore'
    schema = schemas.create
    object_cls = restore_obj.Restore
    list_cls = restore_obj.RestoreList
    create_policy = 'restore:create'
    get_policy = 'restore:get'
    get_all_policy = 'restore:get_all'

    @staticmethod
    def allowed_filters():
        return CONF.query_restore_filters

    @staticmethod
    def not_found(restore_id):
        return exception.RestoreNotFound(restore_id=restore_id)

    @validation.schema(schemas.create)
    def preview(self, request, body):
        """What the restore in ``body`` would do, changing nothing: checked
        like a create; the protection service plans it."""
        ctxt = self.context(request)
        base.authorize(ctxt, 'restore:preview')
        values = dict(body['restore'])
        # Not needed to plan; never sent on.
        values.pop('restore_auth', None)
        return {'restore_preview':
                self.protection_api.restore_preview(ctxt, values)}

    def _start(self, ctxt, values):
        # The credentials go to the protection service only: they are
        # neither stored nor echoed.
        restore_auth = values.pop('restore_auth', None)
        return self.protection_api.restore(ctxt, values,
                                           restore_auth=restore_auth)
