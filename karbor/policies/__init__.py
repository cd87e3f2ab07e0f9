"""Policy rules in code, for the enforcer and the sample generator."""
import itertools

from karbor.policies import base
from karbor.policies import cancel
from karbor.policies import copies
from karbor.policies import metrics
from karbor.policies import operation_logs
from karbor.policies import plans
from karbor.policies import protectables
from karbor.policies import providers
from karbor.policies import quota_classes
from karbor.policies import quotas
from karbor.policies import restores
from karbor.policies import scheduled_operations
from karbor.policies import services
from karbor.policies import triggers
from karbor.policies import verifications


def list_rules():
    return list(itertools.chain(
        base.list_rules(), plans.list_rules(), restores.list_rules(),
        protectables.list_rules(), providers.list_rules(),
        triggers.list_rules(), scheduled_operations.list_rules(),
        operation_logs.list_rules(), verifications.list_rules(),
        services.list_rules(), quotas.list_rules(),
        quota_classes.list_rules(), copies.list_rules(),
        metrics.list_rules(), cancel.list_rules()))
