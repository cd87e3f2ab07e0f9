"""The flows with the real Restore / OperationLog objects, on each database.

Flow persistence uses its default location: the main database for MariaDB
and PostgreSQL (next to Karbor's own tables), a sibling file for SQLite.
"""

import pytest

from karbor import objects
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import restore
from karbor.services.protection import graph
from karbor.tests.dbfixtures import ctx, db_backend  # noqa: F401
from karbor.tests.unit.protection import flow_fakes as ff

VOLUME = 'OS::Cinder::Volume'


@pytest.fixture
def default_flow_backend(db_backend):  # noqa: F811
    """The flow backend at its default location for the test database."""
    yield persistence.get_backend()
    persistence.close_backends()


def make_records(context, checkpoint):
    objects.register_all()
    record = objects.Restore(context=context, project_id=ff.PROJECT_ID,
                             provider_id=ff.PROVIDER_ID,
                             checkpoint_id=checkpoint.id, parameters={},
                             status='in_progress')
    record.create()
    log = objects.OperationLog(context=context, project_id=ff.PROJECT_ID,
                               operation_type='restore',
                               checkpoint_id=checkpoint.id,
                               restore_id=record.id, status='in_progress')
    log.create()
    return record, log


def test_restore_with_db_objects(tmp_path, default_flow_backend,
                                 ctx, hook_recorder):  # noqa: F811
    roots, _res = ff.diamond()
    checkpoint = ff.Checkpoint(
        str(tmp_path), status='available',
        resource_graph=graph.serialize_resource_graph(roots))
    backend = default_flow_backend
    plugins = ff.recorder_plugins()

    record, log = make_records(ctx, checkpoint)
    assert restore.restore(ctx, plugins, checkpoint, record, log, {},
                           backend=backend)
    stored = objects.Restore.get_by_id(ctx, record.id)
    assert stored.status == 'success'
    assert stored.resources_status[VOLUME + '#restored-id-A'] == 'available'
    stored_log = objects.OperationLog.get_by_id(ctx, log.id)
    assert stored_log.status == 'success'
    assert stored_log.ended_at is not None

    record, log = make_records(ctx, checkpoint)
    assert not restore.restore(ctx, plugins, checkpoint, record, log,
                               {VOLUME + '#id-B': {'fail_on': 'on_main'}},
                               backend=backend)
    stored = objects.Restore.get_by_id(ctx, record.id)
    assert stored.status == 'fail'
    assert stored.resources_status[VOLUME + '#id-B'] == 'error'
    assert 'on_main failed' in stored.resources_reason[VOLUME + '#id-B']
    stored_log = objects.OperationLog.get_by_id(ctx, log.id)
    assert stored_log.status == 'error'
    assert 'id-B' in stored_log.error_info
    assert persistence.list_unfinished(backend) == []
