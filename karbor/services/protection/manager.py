"""The protection manager: providers, protectables, checkpoints, restores.

It is the endpoint of the ``karbor-protection`` RPC topic; each public
method answers one call of ``rpcapi.ProtectionAPI``. Calls that start an
operation validate and record it, hand the flow to the operation runner,
and return at once. A protect builds the resource graph first, and writes
the checkpoint in its final status at once when no plugin has a step to
run for it.
"""

import contextlib
import functools

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging
from oslo_serialization import jsonutils
from oslo_service import periodic_task
from oslo_utils import timeutils

from karbor.common import constants
from karbor.common import parameters as parameter_check
from karbor import context as karbor_context
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor import manager
from karbor import objects
from karbor import quota
from karbor import resource
from karbor.services.protection import cancellation
from karbor.services.protection import checkpoint_store
from karbor.services.protection import deferred
from karbor.services.protection.flows import protect as protect_flow
from karbor.services.protection.flows import restore as restore_flow
from karbor.services.protection.flows import verify as verify_flow
from karbor.services.protection import graph
from karbor.services.protection import operation_runner
from karbor.services.protection import protectable_registry
from karbor.services.protection import provider
from karbor.services.protection import recovery
from karbor.services.protection import restore_plan

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

RESETTABLE_STATUSES = (
    constants.CHECKPOINT_STATUS_AVAILABLE, constants.CHECKPOINT_STATUS_ERROR,
    constants.CHECKPOINT_STATUS_COPYING,
    constants.CHECKPOINT_STATUS_WAIT_COPYING,
    constants.CHECKPOINT_STATUS_COPY_FINISHED)
DELETABLE_STATUSES = (constants.CHECKPOINT_STATUS_AVAILABLE,
                      constants.CHECKPOINT_STATUS_ERROR,
                      constants.CHECKPOINT_STATUS_CANCELLED)
CHECKPOINT_ERRORS = (exception.ProviderNotFound, exception.CheckpointNotFound,
                     exception.Invalid, exception.NotAuthorized,
                     exception.ServiceUnavailable,
                     exception.BankCreateObjectFailed,
                     exception.BankGetObjectFailed,
                     exception.BankListObjectsFailed,
                     exception.AcquireLeaseFailed,
                     exception.OverQuota)


def _plan_dict(plan):
    fields = ('id', 'name', 'provider_id', 'project_id', 'resources',
              'parameters')
    if isinstance(plan, dict):
        return {f: plan.get(f) for f in fields}
    return {f: getattr(plan, f, None) for f in fields}


@contextlib.contextmanager
def _creating_checkpoints(context):
    """A database transaction that creates checkpoints (append them to
    the yielded list): if it fails, their bank payloads go too."""
    made = []
    try:
        with db.transaction(context):
            yield made
    except Exception:
        for checkpoint in made:
            try:
                checkpoint.purge()
            except Exception:
                LOG.exception('Checkpoint %s left in the bank after a '
                              'failed create', checkpoint.id)
        raise


def _check_owner(context, checkpoint):
    """Another project's checkpoint does not exist, as far as we say."""
    if not context.is_admin and checkpoint.project_id != context.project_id:
        raise exception.CheckpointNotFound(checkpoint_id=checkpoint.id)


def _resource_types(checkpoint):
    """The types of the resources a checkpoint holds (its graph, else
    its plan)."""
    if checkpoint.resource_graph:
        roots = graph.deserialize_resource_graph(checkpoint.resource_graph)
        return {node.value.type for node in graph.iter_post_order(roots)}
    return {r['type'] for r in
            checkpoint.protection_plan.get('resources') or ()}


class ProtectionManager(manager.Manager):
    """Owns the providers, registries and operations of this worker."""

    RPC_API_VERSION = '1.3'
    target = messaging.Target(version=RPC_API_VERSION)

    def __init__(self, host=None, service_name='protection', *args,
                 **kwargs):
        super().__init__(host=host, service_name=service_name)
        self.provider_registry = provider.ProviderRegistry()
        self.protectable_registry = protectable_registry.ProtectableRegistry()
        self.runner = operation_runner.OperationRunner(
            self.protectable_registry)
        self.recovery = recovery.Recovery(self)
        # oslo.service runs tasks without a spacing every 60 s, whatever
        # periodic_interval says; take-overs follow periodic_interval.
        self._periodic_spacing = dict(
            self._periodic_spacing,
            take_over_interrupted=CONF.periodic_interval)

    def init_host(self, service_id=None, **kwargs):
        super().init_host(service_id=service_id, **kwargs)
        self.recovery.resume_own()

    def cleanup_host(self):
        self.runner.shutdown(wait=False)

    @periodic_task.periodic_task(run_immediately=False)
    def take_over_interrupted(self, context):
        """Finish the work of workers that died, and fail orphans.

        Runs every ``periodic_interval`` seconds, after retrying the
        final writes that the bank or the database refused.
        """
        deferred.retry()
        self.recovery.take_over()

    @periodic_task.periodic_task(spacing=300, run_immediately=False)
    def expire_reservations(self, context):
        """Release quota reservations that were never committed."""
        quota.QUOTAS.expire(context)

    # Providers

    def _provider(self, provider_id):
        return self.provider_registry.show_provider(provider_id)

    @messaging.expected_exceptions(exception.ProviderNotFound)
    def show_provider(self, context, provider_id):
        return self._provider(provider_id).to_dict()

    @messaging.expected_exceptions(exception.ProviderNotFound)
    def list_providers(self, context, marker=None, limit=None,
                       sort_keys=None, sort_dirs=None, filters=None):
        return self.provider_registry.list_providers(
            marker=marker, limit=limit, filters=filters)

    # Protectables

    def list_protectable_types(self, context):
        return self.protectable_registry.list_resource_types()

    @messaging.expected_exceptions(exception.InvalidProtectableType)
    def show_protectable_type(self, context, protectable_type):
        return self.protectable_registry.show_resource_type(protectable_type)

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ListProtectableResourceFailed)
    def list_protectable_instances(self, context, protectable_type,
                                   marker=None, limit=None, sort_keys=None,
                                   sort_dirs=None, filters=None,
                                   parameters=None):
        resources = self.protectable_registry.list_resources(
            context, protectable_type, parameters)
        views = sorted((r.to_dict() for r in resources),
                       key=lambda v: v['id'])
        if marker is not None:
            ids = [v['id'] for v in views]
            views = views[ids.index(marker) + 1:] if marker in ids else []
        return views[:limit] if limit else views

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ListProtectableResourceFailed)
    def list_protectable_dependents(self, context, protectable_id,
                                    protectable_type, protectable_name):
        parent = resource.Resource(type=protectable_type, id=protectable_id,
                                   name=protectable_name)
        return [r.to_dict() for r in
                self.protectable_registry.fetch_dependent_resources(
                    context, parent)]

    @messaging.expected_exceptions(exception.InvalidProtectableType,
                                   exception.ProtectableResourceNotFound)
    def show_protectable_instance(self, context, protectable_type,
                                  protectable_id, parameters=None):
        return self.protectable_registry.show_resource(
            context, protectable_type, protectable_id,
            parameters=parameters).to_dict()

    # Checkpoints

    def _checkpoint(self, context, provider_id, checkpoint_id):
        checkpoint = self._provider(provider_id).checkpoint_store.get(
            context, checkpoint_id)
        _check_owner(context, checkpoint)
        return checkpoint

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def protect(self, context, plan, checkpoint_properties=None):
        """Protect ``plan``; returns the new checkpoint as accepted (plain
        data, see ``StoredCheckpoint.to_dict``).

        It says ``protecting``, as the original answers, even when the
        checkpoint was finished at once; its resource graph is known.
        """
        return self._protect(context, plan, checkpoint_properties)

    def protect_many(self, context, requests):
        """Protect several plans, each for its own requester (the runs of
        one fire time of the operation engine).

        ``requests``: ``[{'context': request context as a dict, 'plan':
        ..., 'checkpoint_properties': ...}]``. Returns, in their order,
        ``{'checkpoint': ...}`` (as ``protect`` returns it) or
        ``{'error': reason}`` for each.
        """
        results = []
        for item in requests:
            ctxt = karbor_context.RequestContext.from_dict(item['context'])
            try:
                results.append({'checkpoint': self._protect(
                    ctxt, item['plan'], item.get('checkpoint_properties'))})
            except CHECKPOINT_ERRORS as err:
                results.append({'error': str(err)})
            except Exception:
                LOG.exception('Protecting plan %s failed unexpectedly.',
                              (item.get('plan') or {}).get('id'))
                results.append({'error': _(
                    'The protection service failed unexpectedly (request '
                    '%s); its log has the details.') % ctxt.request_id})
        return results

    def _protect(self, context, plan, checkpoint_properties):
        plan = _plan_dict(plan)
        provider_ = self._provider(plan['provider_id'])
        properties = dict(checkpoint_properties or {})
        extra_info = properties.get('extra_info') or {}
        extra_info.setdefault('created_by', constants.MANUAL)
        started_at = timeutils.utcnow()
        start = self.runner.plan_protect(context, provider_, plan)
        checkpoint, log = self._record_checkpoint(
            context, provider_, plan, extra_info, start, started_at)
        if start.has_steps:
            self.runner.submit(self.runner.protect, context, provider_,
                               checkpoint, log, plan, start,
                               op_id=checkpoint.id, cancel=functools.partial(
                                   self.runner.cancel_unstarted,
                                   protect_flow.InitiateProtectTask, context,
                                   log, checkpoint))
        else:
            operation_runner.ended(context, log)
        # With its resource graph (a JSON string), which the original left
        # null at creation: the OSC plugin's "checkpoint create" cannot
        # print a null graph.
        return dict(checkpoint.to_dict(),
                    status=constants.CHECKPOINT_STATUS_PROTECTING)

    @staticmethod
    def _record_checkpoint(context, provider_, plan, extra_info, start,
                           started_at):
        """Count, write and catalog a new checkpoint and its operation log,
        in one database transaction; nothing stays behind on failure."""
        with _creating_checkpoints(context) as made:
            checkpoint = provider_.checkpoint_store.create(
                context, plan, start.checkpoint_status, extra_info,
                start.resource_graph)
            made.append(checkpoint)
            log = operation_runner.new_operation_log(
                context, constants.OPERATION_PROTECT,
                started_at=started_at, checkpoint_id=checkpoint.id,
                plan_id=plan['id'], provider_id=provider_.id,
                scheduled_operation_id=extra_info.get(
                    'scheduled_operation_id'), **start.log_fields())
        return checkpoint, log

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def show_checkpoint(self, context, provider_id, checkpoint_id):
        return self._checkpoint(context, provider_id, checkpoint_id).to_dict()

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def list_checkpoints(self, context, provider_id, marker=None, limit=None,
                         sort_keys=None, sort_dirs=None, filters=None,
                         all_tenants=False):
        self._provider(provider_id)
        return checkpoint_store.list_request(
            context, provider_id, marker, limit, sort_keys=sort_keys,
            sort_dirs=sort_dirs, filters=filters, all_tenants=all_tenants)

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def delete(self, context, provider_id, checkpoint_id):
        """Start deleting a checkpoint; its quota is given back when the
        delete flow ends."""
        provider_ = self._provider(provider_id)
        checkpoint = self._checkpoint(context, provider_id, checkpoint_id)
        if checkpoint.status not in DELETABLE_STATUSES:
            raise exception.CheckpointNotBeDeleted(
                checkpoint_id=checkpoint_id)
        cancellation.clear(context, checkpoint_id)
        checkpoint.status = constants.CHECKPOINT_STATUS_DELETING
        checkpoint.commit()
        log = operation_runner.new_operation_log(
            context, constants.OPERATION_DELETE, checkpoint.status,
            checkpoint_id=checkpoint_id, provider_id=provider_id,
            plan_id=checkpoint.protection_plan.get('id'))
        self.runner.start_delete(context, provider_, checkpoint, log)

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def reset_state(self, context, provider_id, checkpoint_id, state):
        checkpoint = self._checkpoint(context, provider_id, checkpoint_id)
        if checkpoint.status not in RESETTABLE_STATUSES:
            raise exception.CheckpointNotBeReset(checkpoint_id=checkpoint_id)
        checkpoint.status = state
        checkpoint.commit()

    def cancel(self, context, operation_id):
        """Stop the flow of ``operation_id`` if this worker runs it, or
        end it now if it waits for a thread here (a fanout cast; the
        request is recorded in the database)."""
        if cancellation.cancel_running(context, operation_id):
            LOG.info('Cancel of %s: its flow stops at its next task.',
                     operation_id)
        elif self.runner.cancel_queued(operation_id):
            LOG.info('Cancel of %s: ended before it started.', operation_id)

    # Restores and verifications

    def _prepare_recovery(self, context, request, schema_kind):
        provider_ = self._provider_as_input(request['provider_id'])
        checkpoint = self._checkpoint(context, provider_.id,
                                      request['checkpoint_id'])
        if checkpoint.status != constants.CHECKPOINT_STATUS_AVAILABLE:
            raise exception.CheckpointNotAvailable(
                checkpoint_id=checkpoint.id)
        parameter_check.check(request.get('parameters') or {},
                              provider_.extended_info_schema[schema_kind])
        return provider_, checkpoint

    def _provider_as_input(self, provider_id):
        try:
            return self._provider(provider_id)
        except exception.ProviderNotFound:
            raise exception.ProviderNotFoundAsInput(provider_id=provider_id)

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def restore(self, context, restore, restore_auth=None):
        """Validate and start a restore; returns the new Restore."""
        provider_, checkpoint = self._prepare_recovery(context, restore,
                                                       'restore_schema')
        record = objects.Restore(
            context=context, project_id=context.project_id,
            provider_id=provider_.id, checkpoint_id=checkpoint.id,
            restore_target=restore.get('restore_target'),
            parameters=restore.get('parameters') or {},
            status=constants.RESTORE_STATUS_IN_PROGRESS,
            resources_status={}, resources_reason={})
        record.create()
        log = operation_runner.new_operation_log(
            context, constants.OPERATION_RESTORE, record.status,
            checkpoint_id=checkpoint.id, provider_id=provider_.id,
            restore_id=record.id,
            plan_id=checkpoint.protection_plan.get('id'))
        self.runner.submit(self.runner.restore, context, provider_,
                           checkpoint, record, log, op_id=record.id,
                           cancel=functools.partial(
                               self.runner.cancel_unstarted,
                               restore_flow.InitiateRestoreTask, context, log,
                               checkpoint, restore=record))
        return record

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def restore_preview(self, context, restore):
        """What restoring ``restore`` (as ``restore`` takes it) would do,
        checked like a restore and changing nothing: its plan (see
        ``restore_plan``) with the checkpoint and provider ids."""
        provider_, checkpoint = self._prepare_recovery(context, restore,
                                                       'restore_schema')
        plan = restore_plan.build(context, provider_.load_plugins(),
                                  checkpoint, restore.get('parameters') or {})
        return dict(plan, checkpoint_id=checkpoint.id,
                    provider_id=provider_.id)

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def verification(self, context, verification):
        """Validate and start a verification; returns the Verification."""
        provider_, checkpoint = self._prepare_recovery(
            context, verification, 'verify_schema')
        record = objects.Verification(
            context=context, project_id=context.project_id,
            provider_id=provider_.id, checkpoint_id=checkpoint.id,
            parameters=verification.get('parameters') or {},
            status=constants.VERIFICATION_STATUS_IN_PROGRESS,
            resources_status={}, resources_reason={})
        record.create()
        log = operation_runner.new_operation_log(
            context, constants.OPERATION_VERIFY, record.status,
            checkpoint_id=checkpoint.id, provider_id=provider_.id,
            plan_id=checkpoint.protection_plan.get('id'),
            extra_info='{"verification_id": "%s"}' % record.id)
        self.runner.submit(self.runner.verify, context, provider_,
                           checkpoint, record, log, op_id=record.id,
                           cancel=functools.partial(
                               self.runner.cancel_unstarted,
                               verify_flow.InitiateVerifyTask, context, log,
                               checkpoint, verify=record))
        return record

    # Copies

    @messaging.expected_exceptions(*CHECKPOINT_ERRORS)
    def copy(self, context, plan, parameters=None, copy_id=None):
        """Copy every not yet copied available checkpoint of ``plan``.

        A checkpoint whose copies all failed is copied again. The copies
        count in the checkpoints quota: over it, nothing is copied.
        ``copy_id`` (the API's id of the request) goes into the copies'
        operation logs. Returns ``[{checkpoint_protect_id,
        checkpoint_copy_id}, ...]``.
        """
        plan = _plan_dict(plan)
        source_provider = self._provider(plan['provider_id'])
        target = self._provider(source_provider.copy_provider_id or
                                source_provider.id)
        sources = self._uncopied_checkpoints(context, source_provider,
                                             target, plan['id'])
        if not sources:
            raise exception.InvalidInput(
                reason='The plan %s has no available checkpoint to copy.'
                % plan['id'])
        refusal = source_provider.copy_refusal(
            set().union(*map(_resource_types, sources)), target)
        if refusal:
            raise exception.InvalidInput(
                reason='Cannot copy the checkpoints of plan %s: %s.'
                % (plan['id'], refusal))
        copies = self._record_copies(context, target, plan, sources,
                                     copy_id)
        params = dict(plan.get('parameters') or {}, **(parameters or {}))
        self.runner.submit(self.runner.copy, context, source_provider,
                           copies, params)
        return [{'checkpoint_protect_id': source.id,
                 'checkpoint_copy_id': checkpoint_copy.id}
                for source, checkpoint_copy, _log in copies]

    @staticmethod
    def _uncopied_checkpoints(context, source_provider, target, plan_id):
        copied = {(r.extra_info or {}).get('copy_from') for r in
                  target.checkpoint_store.list_rows(context, plan_id)
                  if r.status != constants.CHECKPOINT_STATUS_ERROR}
        store = source_provider.checkpoint_store
        return [store.get(context, r.id)
                for r in store.list_rows(context, plan_id)
                if r.status == constants.CHECKPOINT_STATUS_AVAILABLE
                and r.id not in copied
                and not (r.extra_info or {}).get('copy_from')]

    @staticmethod
    def _record_copies(context, target, plan, sources, copy_id=None):
        """Count, write and catalog the copies of ``sources`` and their
        operation logs, in one database transaction: ``[(source, copy,
        log)]``."""
        copies = []
        with _creating_checkpoints(context) as made:
            for source in sources:
                checkpoint_copy = target.checkpoint_store.create(
                    context, dict(plan, provider_id=target.id,
                                  resources=source.protection_plan.get(
                                      'resources')),
                    constants.CHECKPOINT_STATUS_WAIT_COPYING,
                    dict(source.extra_info or {}, copy_from=source.id),
                    source.resource_graph)
                made.append(checkpoint_copy)
                log = operation_runner.new_operation_log(
                    context, constants.OPERATION_COPY,
                    checkpoint_copy.status,
                    checkpoint_id=checkpoint_copy.id, plan_id=plan['id'],
                    provider_id=target.id,
                    extra_info=jsonutils.dumps(dict(
                        {'copy_from': source.id},
                        **({'copy_id': copy_id} if copy_id else {}))))
                copies.append((source, checkpoint_copy, log))
        return copies
