"""Verifications: ``/v1/{project_id}/verifications``."""

from oslo_config import cfg

from karbor.api.schemas import restores as schemas
from karbor.api.v1 import recoveries
from karbor import exception
from karbor.objects import restore as restore_obj

CONF = cfg.CONF


class VerificationsController(recoveries.RecoveryController):
    """Create, list and show verifications."""

    name = 'verification'
    schema = schemas.create_verification
    object_cls = restore_obj.Verification
    list_cls = restore_obj.VerificationList
    create_policy = 'verification:create'
    get_policy = 'verification:get'
    get_all_policy = 'verification:get_all'

    @staticmethod
    def allowed_filters():
        return CONF.query_verification_filters

    @staticmethod
    def not_found(verification_id):
        return exception.VerificationNotFound(
            verification_id=verification_id)

    def _start(self, ctxt, values):
        return self.protection_api.verification(ctxt, values)
