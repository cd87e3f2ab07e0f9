"""Karbor exceptions.

Every exception carries the HTTP status it maps to (``code``) and a message
template. The API fault wrapper renders them in Karbor's fault format; the
RPC layer re-raises them on the caller's side (this module is in the allowed
remote exception list).
"""

from karbor.i18n import _


class KarborException(Exception):
    """Base Karbor exception.

    Subclasses set ``message`` to a printf-style template filled from the
    keyword arguments given to the constructor.
    """

    message = _("An unknown exception occurred.")
    code = 500
    # Whether the message may be shown to API users. Messages of unexpected
    # errors can carry internals, so only "safe" ones reach the response.
    safe = True

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault('code', self.code)
        if not message:
            try:
                message = self.message % kwargs
            except (KeyError, TypeError, ValueError):
                message = self.message
        elif isinstance(message, Exception):
            message = str(message)
        self.msg = message
        super().__init__(message)

    def __str__(self):
        return self.msg


# 400
class Invalid(KarborException):
    message = _("Unacceptable parameters.")
    code = 400


class InvalidInput(Invalid):
    message = _("Invalid input received: %(reason)s")


class ValidationError(Invalid):
    message = "%(detail)s"


class InvalidProtectableType(Invalid):
    message = _("Invalid protectable type provided: protectable_type "
                "%(type)s is not one of %(types)s.")


class InvalidPlan(Invalid):
    message = _("Invalid plan: %(reason)s")


class MalformedRequestBody(Invalid):
    message = _("Malformed message body: %(reason)s")


class ProviderNotFoundAsInput(Invalid):
    message = _("The provider could not be found: provider_id "
                "%(provider_id)s.")


class CheckpointNotAvailable(Invalid):
    message = _("The checkpoint %(checkpoint_id)s is not available.")


class CheckpointNotBeDeleted(Invalid):
    message = _("The checkpoint %(checkpoint_id)s can not be deleted.")


class CheckpointNotBeReset(Invalid):
    message = _("The checkpoint %(checkpoint_id)s can not be reset.")


class BankReadonlyViolation(KarborException):
    message = _("Bank read-only violation.")
    code = 403


class NotAuthorized(KarborException):
    message = _("Not authorized.")
    code = 403


class PolicyNotAuthorized(NotAuthorized):
    message = _("Policy doesn't allow %(action)s to be performed.")


class NotFound(KarborException):
    message = _("Resource could not be found.")
    code = 404


class ServiceNotFound(NotFound):
    message = _("Service %(service_id)s could not be found.")


class HostBinaryNotFound(NotFound):
    message = _("Could not find binary %(binary)s on host %(host)s.")


class PlanNotFound(NotFound):
    message = _("Plan %(plan_id)s could not be found.")


class RestoreNotFound(NotFound):
    message = _("Restore %(restore_id)s could not be found.")


class VerificationNotFound(NotFound):
    message = _("Verification %(verification_id)s could not be found.")


class OperationLogNotFound(NotFound):
    message = _("OperationLog %(operation_log_id)s could not be found.")


class CheckpointNotFound(NotFound):
    message = _("Checkpoint %(checkpoint_id)s could not be found.")


class ProviderNotFound(NotFound):
    message = _("Provider %(provider_id)s could not be found.")


class ProtectableResourceNotFound(NotFound):
    message = _("The resource %(resource_id)s of type %(resource_type)s "
                "could not be found: %(reason)s")


class TriggerNotFound(NotFound):
    message = _("Trigger %(id)s could not be found.")


class ScheduledOperationNotFound(NotFound):
    message = _("Scheduled Operation %(id)s could not be found.")


class ScheduledOperationStateNotFound(NotFound):
    message = _("Scheduled Operation State %(op_id)s could not be found.")


class ScheduledOperationLogNotFound(NotFound):
    message = _("Scheduled Operation Log %(log_id)s could not be found.")


class QuotaNotFound(NotFound):
    message = _("Quota could not be found")


class ProjectQuotaNotFound(QuotaNotFound):
    message = _("Quota for project %(project_id)s could not be found.")


class QuotaClassNotFound(QuotaNotFound):
    message = _("Quota class %(class_name)s could not be found.")


class QuotaUsageNotFound(QuotaNotFound):
    message = _("Quota usage for project %(project_id)s could not be found.")


class BankObjectNotFound(NotFound):
    message = _("The bank object %(key)s could not be found.")


class ProtectionPluginNotFound(NotFound):
    message = _("Protection plugin for resource type %(type)s not found.")


class Conflict(KarborException):
    message = _("Conflict.")
    code = 409


class QuotaError(KarborException):
    message = _("Quota exceeded: code=%(code)s")
    code = 413
    headers = {'Retry-After': '0'}


class OverQuota(QuotaError):
    message = _("Quota exceeded for resources: %(overs)s")


class InvalidQuotaValue(Invalid):
    message = _("Change would make usage less than 0 for the following "
                "resources: %(unders)s")


# 424
class TriggerIsUsed(KarborException):
    message = _("Trigger %(id)s is being used by one or more operations")
    code = 424


# 500-ish: failures of work in progress, not the caller's fault
class FlowError(KarborException):
    message = _("Flow failed: %(error)s")


class OperationCancelled(KarborException):
    message = _("Cancelled by %(user)s at %(at)s")


class OperationEnded(Conflict):
    message = _("The %(kind)s %(id)s is %(status)s: it has ended and "
                "cannot be cancelled.")


class ListProtectableResourceFailed(KarborException):
    message = _("List protectable resources of type %(type)s failed: "
                "%(reason)s")
    # The service behind the type failed or is not configured: not ours.
    code = 503


class ProtectResourceFailed(KarborException):
    message = _("Protect resource %(resource_id)s of type %(resource_type)s "
                "failed: %(reason)s")


class RestoreResourceFailed(KarborException):
    message = _("Restore resource %(resource_id)s of type %(resource_type)s "
                "failed: %(reason)s")


class DeleteResourceFailed(KarborException):
    message = _("Delete resource %(resource_id)s of type %(resource_type)s "
                "failed: %(reason)s")


class VerifyResourceFailed(KarborException):
    message = _("Verify resource %(resource_id)s of type %(resource_type)s "
                "failed: %(reason)s")


class CopyResourceFailed(KarborException):
    message = _("Copy resource %(resource_id)s of type %(resource_type)s "
                "failed: %(reason)s")


class BankCreateObjectFailed(KarborException):
    message = _("Create bank object %(key)s failed: %(reason)s")
    code = 503


class BankGetObjectFailed(KarborException):
    message = _("Get bank object %(key)s failed: %(reason)s")
    code = 503


class BankDeleteObjectFailed(KarborException):
    message = _("Delete bank object %(key)s failed: %(reason)s")
    code = 503


class BankListObjectsFailed(KarborException):
    message = _("List bank objects failed: %(reason)s")
    code = 503


class AcquireLeaseFailed(KarborException):
    message = _("Acquire lease failed: %(reason)s")
    code = 503


class ServiceUnavailable(KarborException):
    message = _("Service is unavailable at this time.")
    code = 503


class BankUnavailable(ServiceUnavailable):
    message = _("The bank of provider %(provider)s is unavailable: "
                "%(reason)s")


class AuthorizationFailure(KarborException):
    message = _("Authorization failed: %(reason)s")
    code = 401


class GraphCycleError(Invalid):
    message = _("A loop was found in the resource graph: %(reason)s")


class MarkerNotFound(NotFound):
    message = _("Marker %(marker)s could not be found.")


class QuotaResourceUnknown(Invalid):
    message = _("Unknown quota resources %(unknown)s.")
