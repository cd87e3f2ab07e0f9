"""Verifications: ``/v1/{project_id}/verifications``."""

from karbor.api.schemas import restores as schemas
from karbor.api.v1 import recoveries
from karbor import exception


class VerificationsController(recoveries.RecoveryController):
    """Create, list and show verifications."""

    name = 'verification'
    schema = schemas.create_verification
    object_name = 'Verification'

    @staticmethod
    def not_found(verification_id):
        return exception.VerificationNotFound(
            verification_id=verification_id)

    def _start(self, ctxt, values):
        return self.protection_api.verification(ctxt, values)
