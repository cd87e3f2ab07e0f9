"""Plans, checkpoints and runs through the API, for the operation tests."""

import time

from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import OTHER_PROJECT
from karbor.tests.unit.api.helpers import PROJECT

BASE = '/v1/' + PROJECT
OTHER_BASE = '/v1/' + OTHER_PROJECT
MEMBER = 'alice:' + PROJECT
OTHER = 'bob:' + OTHER_PROJECT
ADMIN = 'admin:' + PROJECT
NOOP = conftest.NOOP_PROVIDER_ID
RECORDER = conftest.RECORDER_PROVIDER_ID
VOLUME = 'cb4ef2ff-10f5-46c9-bce4-cf7a49c65a01'
VOLUME_TYPE = 'OS::Cinder::Volume'


def checkpoints_path(provider_id=NOOP, base=BASE):
    return '%s/providers/%s/checkpoints' % (base, provider_id)


def ok(response):
    assert response.status_int == 200, response.body
    assert response.content_type == 'application/json'
    return response.json


def create_plan(api, provider_id=NOOP, token=MEMBER, base=BASE,
                parameters=None):
    body = {'plan': {'name': 'plan', 'provider_id': provider_id,
                     'resources': [{'id': VOLUME, 'type': VOLUME_TYPE,
                                    'name': 'vol1'}],
                     'parameters': parameters or {}}}
    return ok(helpers.request(api, 'POST', base + '/plans', body=body,
                              token=token))['plan']


def create_checkpoint(api, plan, token=MEMBER, base=BASE, extra=None):
    body = {'checkpoint': {'plan_id': plan['id'], 'extra-info': extra}}
    return ok(helpers.request(
        api, 'POST', checkpoints_path(plan['provider_id'], base),
        body=body, token=token))['checkpoint']


def wait_for(get, statuses, timeout=20):
    """Poll ``get()`` (a dict with ``status``) until a status in
    ``statuses``; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = get()
        if value['status'] in statuses:
            return value
        assert time.monotonic() < deadline, value
        time.sleep(0.05)


def show_checkpoint(api, provider_id, checkpoint_id, token=MEMBER,
                    base=BASE):
    return ok(helpers.request(
        api, 'GET', '%s/%s' % (checkpoints_path(provider_id, base),
                               checkpoint_id),
        token=token))['checkpoint']


def protected(api, provider_id=NOOP, token=MEMBER, base=BASE,
              parameters=None):
    """A plan and its checkpoint once available: ``(plan, checkpoint)``."""
    plan = create_plan(api, provider_id, token, base, parameters)
    checkpoint = create_checkpoint(api, plan, token, base)
    checkpoint = wait_for(
        lambda: show_checkpoint(api, provider_id, checkpoint['id'], token,
                                base),
        ('available', 'error'))
    assert checkpoint['status'] == 'available', checkpoint
    return plan, checkpoint


def show(api, path, key, token=MEMBER):
    return ok(helpers.request(api, 'GET', path, token=token))[key]


def failed_checkpoint(api):
    """A checkpoint of the recorder provider whose protect failed (the
    test module serves the recorder provider)."""
    plan = create_plan(api, RECORDER, parameters={
        VOLUME_TYPE: {'fail_on': 'on_main'}})
    checkpoint = create_checkpoint(api, plan)
    return wait_for(lambda: show_checkpoint(api, RECORDER, checkpoint['id']),
                    ('available', 'error'))
