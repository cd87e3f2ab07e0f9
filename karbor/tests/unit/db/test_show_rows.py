"""``checkpoint_show_rows``: a checkpoint's catalog row joined to its
progress row, JSON columns as stored text, on every database backend."""

import json
import uuid

from karbor.db import api as db
from karbor.tests.dbfixtures import ctx  # noqa: F401
from karbor.tests.dbfixtures import db_backend  # noqa: F401

PLAN = {'id': 'plan', 'name': 'plan ✓',
        'resources': [{'id': 'v%d' % i, 'type': 'OS::Cinder::Volume',
                       'name': 'vol %d' % i} for i in range(3)]}


def _checkpoint(ctx):  # noqa: F811
    return db.checkpoint_record_create(ctx, {
        'id': str(uuid.uuid4()), 'project_id': 'project',
        'provider_id': 'prov', 'plan_id': 'plan', 'status': 'protecting',
        'protection_plan': PLAN, 'resource_graph': '[]',
        'extra_info': {'created_by': 'manual'}})


def test_rows_read_raw_and_decode_as_the_catalog(db_backend,  # noqa: F811
                                                 ctx):  # noqa: F811
    record = _checkpoint(ctx)
    row = db.checkpoint_show_rows(ctx, record.id)
    # The JSON columns come as their stored text.
    assert json.loads(row.checkpoint_protection_plan) == PLAN
    checkpoint, progress = db.checkpoint_show_parts(row)
    assert progress is None
    stored = db.checkpoint_record_get(ctx, record.id)
    assert checkpoint == {name: getattr(stored, name)
                          for name in checkpoint}
    db.operation_progress_save(ctx, record.id, {'percent': 50.0},
                               project_id='project', kind='checkpoint',
                               operation_type='protect')
    row = db.checkpoint_show_rows(ctx, record.id)
    _checkpoint_part, progress = db.checkpoint_show_parts(row)
    assert progress['summary'] == {'percent': 50.0}
    assert progress['kind'] == 'checkpoint'


def test_missing_and_deleted_checkpoints_have_no_rows(
        db_backend, ctx):  # noqa: F811
    assert db.checkpoint_show_rows(ctx, str(uuid.uuid4())) is None
    record = _checkpoint(ctx)
    db.checkpoint_record_destroy(ctx, record.id)
    assert db.checkpoint_show_rows(ctx, record.id) is None
