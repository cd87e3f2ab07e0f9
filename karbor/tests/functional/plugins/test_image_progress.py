"""An image protect reports the bytes it read from the sandbox's Glance
as the progress of its hook, and the progress row stores them."""

import uuid

from karbor.db import api as db
from karbor.resource import Resource
from karbor.services.protection import progress
from karbor.tests.functional.plugins import test_image_protection as images
from karbor.tests.functional.plugins.test_image_protection import (  # noqa
    plugin, provider)


def test_protect_reports_glance_bytes(
        plugin, provider, ctx, glance, sqlite_db):  # noqa: F811
    image = images.new_image(glance)
    resource = Resource(images.IMAGE, image.id, image.name)
    op_id = str(uuid.uuid4())
    tracker = progress.ProgressTracker(ctx, op_id, 'protect',
                                       ctx.project_id, status='protecting')
    tracker.plan([(resource, 1)])
    tracker.hook_started(resource)
    images.protect(plugin, provider, ctx, image)
    tracker.flush(force=True)
    [item] = tracker.summary()['resources']
    assert (item['done'], item['total'], item['unit'], item['status']) == (
        len(images.DATA), len(images.DATA), 'bytes', 'running')
    stored = db.operation_progress_get(ctx, op_id).summary
    assert stored['resources'][0]['done'] == len(images.DATA)
    tracker.hook_ended(resource)
    tracker.end('available')
    view = progress.public(db.operation_progress_get(ctx, op_id).summary)
    assert view['percent'] == 100.0 and view['eta_seconds'] == 0
    assert view['resources'][0]['unit'] == 'steps'
