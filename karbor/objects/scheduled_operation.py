"""ScheduledOperation (what to run on a trigger), its per-engine state
and its execution logs."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields
from karbor.objects import trigger as trigger_obj


@base.KarborObjectRegistry.register
class ScheduledOperation(base.KarborPersistentObject, base.KarborObject,
                         base.KarborObjectDictCompat,
                         base.KarborComparableObject):
    """Deleted for real; its state and logs go with it."""

    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.scheduled_operation_get,
        create=db.scheduled_operation_create,
        update=db.scheduled_operation_update,
        destroy=db.scheduled_operation_destroy)
    _fields_not_in_row = _object_fields = ('trigger',)

    fields = {
        'id': fields.StringField(),
        'name': fields.StringField(),
        'description': fields.StringField(nullable=True),
        'operation_type': fields.StringField(),
        'user_id': fields.StringField(),
        'project_id': fields.StringField(),
        'trigger_id': fields.StringField(),
        'operation_definition': fields.JsonDictField(default={}),
        'enabled': fields.BooleanField(default=True),
        'trigger': fields.ObjectField('Trigger', nullable=True),
    }

    @classmethod
    def get_by_id(cls, context, id, expected_attrs=None):
        """``expected_attrs=['trigger']`` also loads the trigger."""
        db_obj = db.scheduled_operation_get(context, id)
        joined = {}
        if 'trigger' in (expected_attrs or ()):
            joined['trigger'] = trigger_obj.Trigger.get_by_id(
                context, db_obj.trigger_id)
        return cls._from_db_object(context, cls(context), db_obj, **joined)


@base.KarborObjectRegistry.register
class ScheduledOperationList(base.KarborPersistentListMixin,
                             base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'
    child_cls = ScheduledOperation
    db_functions = base.ListDbFunctions(
        get_all=db.scheduled_operation_get_all,
        get_all_by_project=db.scheduled_operation_get_all_by_project)

    fields = {'objects': fields.ListOfObjectsField('ScheduledOperation')}


@base.KarborObjectRegistry.register
class ScheduledOperationState(base.KarborPersistentObject, base.KarborObject,
                              base.KarborObjectDictCompat,
                              base.KarborComparableObject):
    """Keyed by ``operation_id`` (one state per scheduled operation)."""

    VERSION = '1.0'
    _fields_not_in_row = _object_fields = ('operation',)

    fields = {
        'id': fields.IntegerField(),
        'operation_id': fields.StringField(),
        'service_id': fields.IntegerField(),
        'trust_id': fields.StringField(),
        'state': fields.StringField(),
        'end_time_for_run': fields.DateTimeField(nullable=True),
        'operation': fields.ObjectField('ScheduledOperation', nullable=True),
    }

    @classmethod
    def get_by_operation_id(cls, context, operation_id,
                            expected_attrs=None):
        """``expected_attrs=['operation']`` also loads the operation."""
        db_obj = db.scheduled_operation_state_get(context, operation_id)
        joined = {}
        if 'operation' in (expected_attrs or ()):
            joined['operation'] = ScheduledOperation.get_by_id(
                context, operation_id)
        return cls._from_db_object(context, cls(context), db_obj, **joined)

    def create(self):
        self._create_with(db.scheduled_operation_state_create)

    def save(self):
        values = self._changes_to_db()
        if values:
            db.scheduled_operation_state_update(self._context,
                                                self.operation_id, values)
        self.obj_reset_changes()

    def conditional_save(self, expected):
        """Save only if the row still has the ``expected`` values
        (compare-and-swap between engines); returns True if saved."""
        values = self._changes_to_db()
        db_obj = db.scheduled_operation_state_update(
            self._context, self.operation_id, values, expected=expected)
        if db_obj is None:
            return False
        self.obj_reset_changes()
        return True

    def destroy(self):
        db.scheduled_operation_state_delete(self._context, self.operation_id)


@base.KarborObjectRegistry.register
class ScheduledOperationStateList(base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('ScheduledOperationState')}

    @classmethod
    def get_by_filters(cls, context, filters=None, limit=None, marker=None,
                       sort_keys=None, sort_dirs=None, columns_to_join=()):
        """``columns_to_join=['operation']`` also loads the operations."""
        rows = db.scheduled_operation_state_get_all_by_filters_sort(
            context, filters, limit, marker, sort_keys, sort_dirs)
        states = base.obj_make_list(context, cls(context),
                                    ScheduledOperationState, rows)
        if 'operation' in columns_to_join and states:
            operations = ScheduledOperationList.get_all(
                context, filters={'id': [s.operation_id for s in states]})
            by_id = {operation.id: operation for operation in operations}
            for state in states:
                state.operation = by_id.get(state.operation_id)
                state.obj_reset_changes(['operation'])
        return states


@base.KarborObjectRegistry.register
class ScheduledOperationLog(base.KarborPersistentObject, base.KarborObject,
                            base.KarborObjectDictCompat,
                            base.KarborComparableObject):
    VERSION = '1.0'
    db_functions = base.DbFunctions(
        get=db.scheduled_operation_log_get,
        create=db.scheduled_operation_log_create,
        update=db.scheduled_operation_log_update,
        destroy=db.scheduled_operation_log_destroy)

    fields = {
        'id': fields.IntegerField(),
        'operation_id': fields.StringField(),
        'expect_start_time': fields.DateTimeField(nullable=True),
        'triggered_time': fields.DateTimeField(nullable=True),
        'actual_start_time': fields.DateTimeField(nullable=True),
        'end_time': fields.DateTimeField(nullable=True),
        'state': fields.StringField(),
        'extend_info': fields.StringField(nullable=True),
    }

    @classmethod
    def destroy_oldest(cls, context, operation_id, retained_num,
                       excepted_states=()):
        """Keep only the newest ``retained_num`` logs of an operation."""
        return db.scheduled_operation_log_delete_oldest(
            context, operation_id, retained_num, excepted_states)


@base.KarborObjectRegistry.register
class ScheduledOperationLogList(base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('ScheduledOperationLog')}

    @classmethod
    def get_by_filters(cls, context, filters=None, limit=None, marker=None,
                       sort_keys=None, sort_dirs=None):
        rows = db.scheduled_operation_log_get_all_by_filters_sort(
            context, filters, limit, marker, sort_keys, sort_dirs)
        return base.obj_make_list(context, cls(context),
                                  ScheduledOperationLog, rows)
