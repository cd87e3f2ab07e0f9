"""ScheduledOperation (what to run on a trigger), its per-engine state
and its execution logs."""

from karbor.db import api as db
from karbor.objects import base
from karbor.objects import fields


@base.KarborObjectRegistry.register
class ScheduledOperation(base.KarborPersistentObject, base.KarborObject,
                         base.KarborObjectDictCompat,
                         base.KarborComparableObject):
    """Deleted for real; its state and logs go with it."""

    VERSION = '1.0'
    _db_prefix = 'scheduled_operation'
    _joined_fields = {'trigger': 'Trigger'}

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
        db_obj = db.scheduled_operation_get(context, id,
                                            expected_attrs or ())
        return cls._from_db_object(context, cls(context), db_obj,
                                   expected_attrs)


@base.KarborObjectRegistry.register
class ScheduledOperationList(base.KarborPersistentListMixin,
                             base.ObjectListBase, base.KarborObject):
    VERSION = '1.0'
    child_cls = 'ScheduledOperation'

    fields = {'objects': fields.ListOfObjectsField('ScheduledOperation')}


@base.KarborObjectRegistry.register
class ScheduledOperationState(base.KarborPersistentObject, base.KarborObject,
                              base.KarborObjectDictCompat,
                              base.KarborComparableObject):
    """Keyed by ``operation_id`` (one state per scheduled operation)."""

    VERSION = '1.0'
    _db_prefix = 'scheduled_operation_state'
    _joined_fields = {'operation': 'ScheduledOperation'}

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
        db_obj = db.scheduled_operation_state_get(context, operation_id,
                                                  expected_attrs or ())
        return cls._from_db_object(context, cls(context), db_obj,
                                   expected_attrs)

    def save(self):
        values = self._values_to_db(self.obj_get_changes())
        if values:
            db.scheduled_operation_state_update(self._context,
                                                self.operation_id, values)
        self.obj_reset_changes()

    def conditional_save(self, expected):
        """Save only if the row still has the ``expected`` values
        (compare-and-swap between engines); returns True if saved."""
        values = self._values_to_db(self.obj_get_changes())
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
        rows = db.scheduled_operation_state_get_all_by_filters_sort(
            context, filters, limit, marker, sort_keys, sort_dirs,
            columns_to_join)
        return base.obj_make_list(context, cls(context),
                                  ScheduledOperationState, rows,
                                  expected_attrs=columns_to_join)


@base.KarborObjectRegistry.register
class ScheduledOperationLog(base.KarborPersistentObject, base.KarborObject,
                            base.KarborObjectDictCompat,
                            base.KarborComparableObject):
    VERSION = '1.0'
    _db_prefix = 'scheduled_operation_log'

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
