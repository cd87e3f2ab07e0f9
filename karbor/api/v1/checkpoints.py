"""Checkpoints: ``/v1/{project_id}/providers/{provider_id}/checkpoints``."""

import datetime
import types

from oslo_config import cfg
from oslo_serialization import jsonutils

from karbor.api import common
from karbor.api.schemas import checkpoints as schemas
from karbor.api.schemas import operations as operation_schemas
from karbor.api.v1 import base
from karbor.api.v1 import operations
from karbor.api.v1 import show_memo
from karbor.api.v1.views import checkpoints as views
from karbor.api import validation
from karbor.common import constants
from karbor.db import api as db
from karbor import exception
from karbor.i18n import _
from karbor import notifications
from karbor import objects

CONF = cfg.CONF
KIND = 'checkpoint'
# Answers of shows made by this process (see ``show_memo``).
_SHOWN = show_memo.ShowMemo()

DATE_FILTERS = ('start_date', 'end_date')
DATE_FORMAT = '%Y-%m-%d'
# What the protection service needs of a plan (sent as a plain dict).
PLAN_FIELDS = ('id', 'name', 'provider_id', 'project_id', 'resources',
               'parameters')


def get_owned_plan(ctxt, plan_id):
    """The caller's plan ``plan_id``; another project's reads as 404."""
    base.Controller.check_uuid(plan_id, 'plan')
    plan = objects.Plan.get_by_id(ctxt, plan_id)
    base.authorize_get(ctxt, 'plan:get',
                       base.owner_target(ctxt, plan.project_id),
                       exception.PlanNotFound(plan_id=plan_id))
    return plan


def check_plan_provider(plan, provider_id):
    if plan.provider_id != provider_id:
        raise exception.InvalidInput(
            reason=_('The provider of plan %(plan)s is not %(provider)s.')
            % {'plan': plan.id, 'provider': provider_id})


def _list_filters(ctxt, params):
    """Allowed filters; dates must be ``YYYY-MM-DD`` and ids stay strings."""
    raw = dict(params)
    filters = common.filter_params(ctxt, params,
                                   CONF.query_checkpoint_filters)
    for key in DATE_FILTERS + ('plan_id', 'project_id'):
        if key in filters:
            filters[key] = raw[key]
    for key in DATE_FILTERS:
        if key in filters:
            try:
                datetime.datetime.strptime(filters[key], DATE_FORMAT)
            except ValueError:
                raise exception.InvalidInput(
                    reason=_('The format of %s should be YYYY-MM-DD')
                    % key)
    if 'plan_id' in filters:
        base.Controller.check_uuid(filters['plan_id'], 'plan')
    return filters


def error_infos(ctxt, checkpoints):
    """``{checkpoint id: why it failed}`` of the ``checkpoints`` in
    ``error``: the error of the latest failed operation (protect, copy,
    delete) of each; one query per project."""
    failed = {}
    for item in checkpoints:
        if item['status'] == constants.CHECKPOINT_STATUS_ERROR:
            failed.setdefault(item['project_id'], []).append(item['id'])
    reasons = {}
    for project_id, ids in failed.items():
        logs = objects.OperationLogList.get_all_by_project(
            ctxt, project_id, sort_keys=['started_at'], sort_dirs=['asc'],
            filters={'checkpoint_id': ids,
                     'status': constants.OPERATION_LOG_STATUS_ERROR})
        reasons.update((log.checkpoint_id, log.error_info) for log in logs)
    return reasons


class CheckpointsController(base.Controller):
    """Protect, list, show, delete and reset checkpoints of a provider."""

    def index(self, request, provider_id):
        ctxt = self.context(request)
        self.check_uuid(provider_id, 'provider')
        base.authorize(ctxt, 'provider:checkpoint_get_all')
        params = common.list_params(request)
        marker, limit, _offset = common.get_pagination_params(params)
        sort_keys, sort_dirs = common.get_sort_params(params)
        all_tenants = common.all_tenants(params)
        filters = _list_filters(ctxt, params)
        if marker is not None:
            self.check_uuid(marker, 'marker')
        checkpoints = self.protection_api.list_checkpoints(
            ctxt, provider_id, marker=marker, limit=limit,
            sort_keys=sort_keys, sort_dirs=sort_dirs, filters=filters,
            all_tenants=all_tenants and ctxt.is_admin)
        return views.detail_list(request, provider_id, checkpoints, limit,
                                 error_infos(ctxt, checkpoints))

    def show(self, request, provider_id, checkpoint_id):
        ctxt = self.context(request)
        self.check_uuid(provider_id, 'provider')
        self.check_uuid(checkpoint_id, 'checkpoint')
        # The catalog row, its progress and its error: one read transaction.
        with db.reads(ctxt):
            row = db.checkpoint_show_rows(ctxt, checkpoint_id)
            if row is None or row.checkpoint_provider_id != provider_id:
                # Not in the catalog: the protection service reads it.
                checkpoint = self._from_bank(ctxt, provider_id,
                                             checkpoint_id)
                view = views.detail(checkpoint, error_infos(
                    ctxt, [checkpoint]).get(checkpoint['id']))
                return self._embed(ctxt, view, checkpoint)
            self._authorize_get(ctxt, row.checkpoint_project_id,
                                checkpoint_id)
            source = tuple(row)
            body = _SHOWN.get(checkpoint_id, source)
            if body is None:
                body = self._show_body(ctxt, row, source)
        return operations.json_body(body)

    @staticmethod
    def _show_body(ctxt, row, source):
        """The encoded answer of a show of ``row`` (remembered in
        ``_SHOWN`` unless it depends on operation logs too)."""
        checkpoint, progress = db.checkpoint_show_parts(row)
        failed = checkpoint['status'] == constants.CHECKPOINT_STATUS_ERROR
        view = views.detail(checkpoint, error_infos(
            ctxt, [checkpoint]).get(checkpoint['id']) if failed else None)
        operations.embed(view['checkpoint'], operations.of_kind(
            progress and types.SimpleNamespace(**progress), KIND),
            checkpoint['status'])
        body = jsonutils.dumps(view).encode('utf-8')
        if not failed:
            _SHOWN.put(checkpoint['id'], source, body)
        return body

    def progress(self, request, provider_id, checkpoint_id):
        """``{"progress": {...}}``: one read of the progress row (a
        checkpoint without one is read to say its status)."""
        ctxt = self.context(request)
        self.check_uuid(provider_id, 'provider')
        self.check_uuid(checkpoint_id, 'checkpoint')
        row = operations.read(ctxt, checkpoint_id, KIND)
        if row is None or row.summary.get('provider_id') not in (
                None, provider_id):
            checkpoint = self._get(ctxt, provider_id, checkpoint_id)
            return {'progress': operations.progress_view(
                None, checkpoint['status'])}
        base.authorize_get(
            ctxt, 'provider:checkpoint_get',
            base.owner_target(ctxt, row.project_id),
            exception.CheckpointNotFound(checkpoint_id=checkpoint_id))
        return {'progress': operations.progress_view(row)}

    @validation.schema(operation_schemas.cancel)
    def cancel(self, request, provider_id, checkpoint_id, body=None):
        """Cancel the protect, copy or delete running on the checkpoint
        (202); 409 if none runs."""
        ctxt = self.context(request)
        checkpoint = self._get(ctxt, provider_id, checkpoint_id)
        base.authorize(ctxt, 'checkpoint:cancel',
                       base.owner_target(ctxt, checkpoint['project_id']))
        row = operations.request_cancel(
            ctxt, self.protection_api, KIND, checkpoint['id'],
            checkpoint['project_id'], checkpoint['status'])
        view = views.detail(checkpoint)
        operations.embed(view['checkpoint'], row, checkpoint['status'])
        return operations.accepted(view)

    @staticmethod
    def _embed(ctxt, view, checkpoint):
        operations.embed(view['checkpoint'], operations.read(
            ctxt, checkpoint['id'], KIND), checkpoint['status'])
        return view

    @validation.schema(schemas.create)
    @notifications.api_action('checkpoint_create')
    def create(self, request, provider_id, body):
        ctxt = self.context(request)
        self.check_uuid(provider_id, 'provider')
        base.authorize(ctxt, 'provider:checkpoint_create')
        values = body['checkpoint']
        plan = get_owned_plan(ctxt, values['plan_id'])
        check_plan_provider(plan, provider_id)
        extra_info = values.get('extra_info') or values.get('extra-info')
        properties = {'extra_info': dict(extra_info or {})}
        # The protection service counts it in the checkpoints quota.
        checkpoint = self.protection_api.protect(
            ctxt, {field: plan[field] for field in PLAN_FIELDS},
            checkpoint_properties=properties)
        return views.detail(checkpoint)

    @notifications.api_action('checkpoint_delete')
    def delete(self, request, provider_id, checkpoint_id):
        ctxt = self.context(request)
        checkpoint = self._get(ctxt, provider_id, checkpoint_id)
        base.authorize(ctxt, 'provider:checkpoint_delete',
                       base.owner_target(ctxt, checkpoint['project_id']))
        # The quota is given back when the delete flow ends.
        self.protection_api.delete(ctxt, provider_id, checkpoint_id)
        return {}

    @validation.schema(schemas.reset_state)
    @notifications.api_action('checkpoint_update')
    def update(self, request, provider_id, checkpoint_id, body):
        """Reset the checkpoint's state (``os-resetState``)."""
        ctxt = self.context(request)
        checkpoint = self._get(ctxt, provider_id, checkpoint_id)
        base.authorize(ctxt, 'provider:checkpoint_update',
                       base.owner_target(ctxt, checkpoint['project_id']))
        self.protection_api.reset_state(
            ctxt, provider_id, checkpoint_id,
            body['os-resetState']['state'])
        return {}

    def _get(self, ctxt, provider_id, checkpoint_id):
        self.check_uuid(provider_id, 'provider')
        self.check_uuid(checkpoint_id, 'checkpoint')
        checkpoint = self._from_catalog(ctxt, provider_id, checkpoint_id)
        if checkpoint is None:
            return self._from_bank(ctxt, provider_id, checkpoint_id)
        self._authorize_get(ctxt, checkpoint['project_id'], checkpoint_id)
        return checkpoint

    def _from_bank(self, ctxt, provider_id, checkpoint_id):
        """A checkpoint the catalog lacks, read from the bank by the
        protection service."""
        checkpoint = self.protection_api.show_checkpoint(
            ctxt, provider_id, checkpoint_id)
        self._authorize_get(ctxt, checkpoint['project_id'], checkpoint_id)
        return checkpoint

    @staticmethod
    def _authorize_get(ctxt, project_id, checkpoint_id):
        base.authorize_get(
            ctxt, 'provider:checkpoint_get',
            base.owner_target(ctxt, project_id),
            exception.CheckpointNotFound(checkpoint_id=checkpoint_id))

    @staticmethod
    def _from_catalog(ctxt, provider_id, checkpoint_id):
        """The checkpoint's catalog row, or None.

        The catalog is written after the bank, so what it shows has been
        saved. A checkpoint it lacks (e.g. in a bank moved here without a
        rebuild) is read from the bank by the protection service.
        """
        try:
            record = objects.CheckpointRecord.get_by_id(ctxt, checkpoint_id)
        except exception.NotFound:
            return None
        if record.provider_id != provider_id:
            return None
        return record
