"""Quotas: limits per project on plans and checkpoints.

Usage changes go through reservations::

    reservations = QUOTAS.reserve(ctx, plans=1)     # OverQuota (413) if full
    ... create the plan ...
    QUOTAS.commit(ctx, reservations)                # or rollback on failure

or, when one quick step follows, are applied at once::

    QUOTAS.consume(ctx, checkpoints=1)              # OverQuota (413) if full
    ... hand the checkpoint to the protection service ...
    QUOTAS.release(ctx, checkpoints=1)              # only if that failed

A limit of -1 means unlimited. Limits come from the project's own quota
rows, else its quota class (``default`` for everyone), else the
``quota_<resource>`` options.
"""

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import importutils

from karbor.db import api as db
from karbor import exception
from karbor.i18n import _

LOG = logging.getLogger(__name__)
CONF = cfg.CONF

quota_opts = [
    cfg.IntOpt('quota_plans', default=50, min=-1,
               help='Number of plans allowed per project; -1 is '
                    'unlimited.'),
    cfg.IntOpt('quota_checkpoints', default=-1, min=-1,
               help='Number of checkpoints allowed per project; -1 is '
                    'unlimited.'),
    cfg.IntOpt('reservation_expire', default=86400, min=1,
               help='Seconds until an uncommitted reservation expires.'),
    cfg.IntOpt('until_refresh', default=0, min=0,
               help='Count of reservations until usage is recounted from '
                    'the database; 0 disables.'),
    cfg.IntOpt('max_age', default=0, min=0,
               help='Seconds between recounts of usage from the database; '
                    '0 disables.'),
    cfg.StrOpt('quota_driver', default='karbor.quota.DbQuotaDriver',
               help='Full class name of the quota driver.'),
]
CONF.register_opts(quota_opts)

DEFAULT_QUOTA_CLASS = 'default'
# Limits are stored in 32-bit INTEGER columns on every database.
MAX_LIMIT = 2 ** 31 - 1


class ReservableResource(object):
    """A resource whose usage is tracked and recounted by ``sync``."""

    def __init__(self, name, sync, flag=None):
        self.name = name
        self.sync = sync
        self.flag = flag

    @property
    def default(self):
        return CONF[self.flag] if self.flag else -1


class DbQuotaDriver(object):
    """Quota limits, usages and reservations kept in the database."""

    def get_defaults(self, context, resources):
        """Limits of the ``default`` class, else the configured ones."""
        overrides = db.quota_class_get_default(context)
        return {name: overrides.get(name, resource.default)
                for name, resource in resources.items()}

    def get_class_quotas(self, context, resources, quota_class,
                         defaults=True):
        """The class's limits, completed with the defaults if asked.

        Raises QuotaClassNotFound for a class other than ``default`` that
        sets no limit.
        """
        class_limits = db.quota_class_get_all_by_name(context, quota_class)
        if quota_class != DEFAULT_QUOTA_CLASS and \
                set(class_limits) <= {'class_name'}:
            raise exception.QuotaClassNotFound(class_name=quota_class)
        result = self.get_defaults(context, resources) if defaults else {}
        result.update({name: limit for name, limit in class_limits.items()
                       if name in resources})
        return result

    def get_project_quotas(self, context, resources, project_id,
                           quota_class=None, defaults=True, usages=True):
        """``{resource: {'limit': n[, 'in_use': n, 'reserved': n]}}``."""
        limits, own = self._limits(context, resources, project_id,
                                   quota_class)
        used = (db.quota_usage_get_all_by_project(context, project_id)
                if usages else {})
        result = {}
        for name in resources:
            if name not in own and not defaults:
                continue
            entry = {'limit': limits[name]}
            if usages:
                usage = used.get(name, {})
                entry['in_use'] = usage.get('in_use', 0)
                entry['reserved'] = usage.get('reserved', 0)
            result[name] = entry
        return result

    def reserve(self, context, resources, deltas, expire=None,
                project_id=None, direct=False):
        unknown = sorted(set(deltas) - set(resources))
        if unknown:
            raise exception.QuotaResourceUnknown(unknown=unknown)
        project_id = project_id or context.project_id
        # The limits and which usage rows exist: one query.
        usages = set()
        limits, _own = self._limits(context, resources, project_id,
                                    usages=usages)
        return db.quota_reserve(
            context, resources, limits, deltas,
            db.reservation_expire_time(expire or CONF.reservation_expire),
            CONF.until_refresh, CONF.max_age, project_id=project_id,
            direct=direct, usages=usages)

    @staticmethod
    def _limits(context, resources, project_id, quota_class=None,
                usages=None):
        """Every resource's limit, read in one query: the project's own,
        else its quota class's, else the ``default`` class's, else the
        configured default. Returns ``(limits, names the project sets)``.
        A set ``usages`` receives the names of the resources the project
        has a usage row of, read by the same query.
        """
        quota_class = quota_class or getattr(context, 'quota_class', None)
        owners = [o for o in ('project', quota_class, DEFAULT_QUOTA_CLASS)
                  if o]
        if usages is None:
            found = db.quota_limits(context, project_id, owners[1:])
        else:
            found, existing = db.quota_limits_and_usages(
                context, project_id, owners[1:])
            usages.update(existing)
        limits = {}
        for name, resource in resources.items():
            limits[name] = next((found[o][name] for o in owners
                                 if name in found.get(o, {})),
                                resource.default)
        return limits, set(found.get('project', ()))

    def commit(self, context, reservations, project_id=None):
        db.reservation_commit(context, reservations, project_id=project_id)

    def rollback(self, context, reservations, project_id=None):
        db.reservation_rollback(context, reservations, project_id=project_id)

    def destroy_all_by_project(self, context, project_id):
        db.quota_destroy_all_by_project(context, project_id)

    def expire(self, context):
        return db.reservation_expire(context)


class QuotaEngine(object):
    """The quota interface used by the API."""

    def __init__(self, driver=None):
        self._driver = driver
        self._resources = {}

    @property
    def driver(self):
        if self._driver is None:
            self._driver = importutils.import_object(CONF.quota_driver)
        return self._driver

    @property
    def resources(self):
        return sorted(self._resources)

    def register_resource(self, resource):
        self._resources[resource.name] = resource

    def get_defaults(self, context):
        return self.driver.get_defaults(context, self._resources)

    def get_class_quotas(self, context, quota_class, defaults=True):
        return self.driver.get_class_quotas(context, self._resources,
                                            quota_class, defaults)

    def get_project_quotas(self, context, project_id, quota_class=None,
                           defaults=True, usages=True):
        return self.driver.get_project_quotas(
            context, self._resources, project_id, quota_class, defaults,
            usages)

    def _check_limit(self, resource, limit):
        if resource not in self._resources:
            raise exception.QuotaResourceUnknown(unknown=[resource])
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            limit = None
        if limit is None or not -1 <= limit <= MAX_LIMIT:
            raise exception.InvalidInput(
                reason=_('quota limit of %(name)s must be an integer from '
                         '-1 to %(max)d') % {'name': resource,
                                             'max': MAX_LIMIT})
        return limit

    def set_project_quota(self, context, project_id, resource, limit):
        """Create or update a project's limit (-1: unlimited)."""
        db.quota_set(context, project_id, resource,
                     self._check_limit(resource, limit))

    def set_class_quota(self, context, class_name, resource, limit):
        """Create or update a quota class's limit (-1: unlimited)."""
        db.quota_class_set(context, class_name, resource,
                           self._check_limit(resource, limit))

    def reserve(self, context, expire=None, project_id=None, **deltas):
        """Reserve ``deltas`` (e.g. ``plans=1``); returns reservations.

        :raises OverQuota: a limit would be exceeded.
        """
        reservations = self.driver.reserve(context, self._resources, deltas,
                                           expire, project_id)
        LOG.debug('Created reservations %s', reservations)
        return reservations

    def consume(self, context, project_id=None, **deltas):
        """Check and apply ``deltas`` at once, in one transaction.

        For usage that follows a single step (no reservation to commit or
        roll back later); a negative delta gives usage back.

        :raises OverQuota: a limit would be exceeded.
        """
        self.driver.reserve(context, self._resources, deltas,
                            project_id=project_id, direct=True)

    def release(self, context, project_id=None, **amounts):
        """Give back usage taken by ``consume``; failures are logged.

        Usage that was never counted (e.g. made before quotas were in use)
        is left at zero.
        """
        try:
            self.consume(context, project_id=project_id,
                         **{name: -amount for name, amount in amounts.items()})
        except exception.InvalidQuotaValue:
            LOG.debug('Nothing counted to release for %s', amounts)
        except Exception:
            LOG.exception('Failed to release quota usage %s', amounts)

    def commit(self, context, reservations, project_id=None):
        """Apply reservations; failures are logged, never raised."""
        try:
            self.driver.commit(context, reservations, project_id)
        except Exception:
            LOG.exception('Failed to commit reservations %s', reservations)

    def rollback(self, context, reservations, project_id=None):
        """Release reservations; failures are logged, never raised."""
        try:
            self.driver.rollback(context, reservations, project_id)
        except Exception:
            LOG.exception('Failed to roll back reservations %s',
                          reservations)

    def destroy_all_by_project(self, context, project_id):
        self.driver.destroy_all_by_project(context, project_id)

    def expire(self, context):
        """Roll back expired reservations; returns how many."""
        return self.driver.expire(context)


QUOTAS = QuotaEngine()
QUOTAS.register_resource(ReservableResource('plans', '_sync_plans',
                                            'quota_plans'))
QUOTAS.register_resource(ReservableResource('checkpoints',
                                            '_sync_checkpoints',
                                            'quota_checkpoints'))


def list_opts():
    return [(None, quota_opts)]
