"""The request and response samples of the api-ref (api-ref/source/samples),
made by one walk through every v1 resource against a running Karbor.

``python -m karbor.tests.functional.api_ref_samples URL PROJECT`` rewrites
the samples from a ``karbor-all --auth noauth --no-sandbox`` at ``URL``;
``test_api_ref`` checks the committed samples against the request schemas
and against a fresh walk, so the api-ref cannot drift.
"""

import json
import os
import sys
import time

import requests

SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..',
                       'api-ref', 'source', 'samples')
NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
PROJECT_TYPE = 'OS::Keystone::Project'
CRON = {'pattern': '0 2 * * *', 'format': 'crontab'}


class Walk(object):
    """Sends the requests and keeps ``{sample name: (method, path, request
    body, response body)}``."""

    def __init__(self, url, project):
        self.base = '%s/v1/%s' % (url.rstrip('/'), project)
        self.project = project
        self.headers = {'X-Auth-Token': 'admin:%s' % project,
                        'Content-Type': 'application/json'}
        self.exchanges = {}

    def call(self, name, method, path, body=None, status=200):
        response = requests.request(
            method, self.base + path, headers=self.headers,
            data=None if body is None else json.dumps(body), timeout=30)
        assert response.status_code == status, (name, response.text)
        answer = response.json() if response.content else None
        self.exchanges[name] = (method, path, body, answer)
        return answer

    def wait(self, path, key, statuses):
        deadline = time.monotonic() + 30
        while True:
            item = requests.get(self.base + path, headers=self.headers,
                                timeout=30).json()[key]
            if item['status'] in statuses or time.monotonic() > deadline:
                return item
            time.sleep(0.2)


def walk(url, project):
    """Every v1 resource once; returns the ``Walk``."""
    w = Walk(url, project)
    w.call('providers-list', 'GET', '/providers')
    w.call('provider-show', 'GET', '/providers/' + NOOP)
    w.call('protectables-list', 'GET', '/protectables')
    w.call('protectable-show', 'GET', '/protectables/' + PROJECT_TYPE)
    w.call('protectable-instances-list', 'GET',
           '/protectables/%s/instances' % PROJECT_TYPE)
    w.call('protectable-instance-show', 'GET',
           '/protectables/%s/instances/%s' % (PROJECT_TYPE, project))
    plan = w.call('plan-create', 'POST', '/plans', {'plan': {
        'name': 'My plan', 'description': 'The project',
        'provider_id': NOOP, 'parameters': {},
        'resources': [{'id': project, 'type': PROJECT_TYPE,
                       'name': 'demo'}]}})['plan']
    w.call('plan-update', 'PUT', '/plans/' + plan['id'],
           {'plan': {'name': 'My renamed plan'}})
    w.call('plan-show', 'GET', '/plans/' + plan['id'])
    w.call('plans-list', 'GET', '/plans')
    checkpoints = '/providers/%s/checkpoints' % NOOP
    checkpoint = w.call('checkpoint-create', 'POST', checkpoints, {
        'checkpoint': {'plan_id': plan['id'],
                       'extra_info': {'note': 'before the upgrade'}}})[
        'checkpoint']
    w.wait(checkpoints + '/' + checkpoint['id'], 'checkpoint',
           ('available', 'error'))
    w.call('checkpoint-show', 'GET', checkpoints + '/' + checkpoint['id'])
    progress_and_cancel(w, 'checkpoint', checkpoints + '/' + checkpoint['id'])
    w.call('checkpoints-list', 'GET', checkpoints)
    w.call('checkpoint-copy', 'POST', checkpoints + '/action', {
        'copy': {'plan_id': plan['id'], 'parameters': {}}})
    w.call('restore-preview', 'POST', '/restores/preview', {'restore': {
        'provider_id': NOOP, 'checkpoint_id': checkpoint['id'],
        'parameters': {}}})
    restore = w.call('restore-create', 'POST', '/restores', {'restore': {
        'provider_id': NOOP, 'checkpoint_id': checkpoint['id'],
        'parameters': {}}})['restore']
    w.wait('/restores/' + restore['id'], 'restore', ('success', 'fail'))
    w.call('restore-show', 'GET', '/restores/' + restore['id'])
    progress_and_cancel(w, 'restore', '/restores/' + restore['id'])
    w.call('restores-list', 'GET', '/restores')
    verification = w.call('verification-create', 'POST', '/verifications', {
        'verification': {'provider_id': NOOP,
                         'checkpoint_id': checkpoint['id'],
                         'parameters': {}}})['verification']
    w.wait('/verifications/' + verification['id'], 'verification',
           ('success', 'fail'))
    w.call('verification-show', 'GET', '/verifications/' + verification['id'])
    progress_and_cancel(w, 'verification',
                        '/verifications/' + verification['id'])
    w.call('verifications-list', 'GET', '/verifications')
    logs = w.call('operation-logs-list', 'GET', '/operation_logs')
    w.call('operation-log-show', 'GET',
           '/operation_logs/' + logs['operation_logs'][-1]['id'])
    trigger = w.call('trigger-create', 'POST', '/triggers', {'trigger_info': {
        'name': 'Nightly', 'type': 'time', 'properties': CRON}})[
        'trigger_info']
    w.call('trigger-update', 'PUT', '/triggers/' + trigger['id'], {
        'trigger_info': {'name': 'Nightly backup'}})
    w.call('trigger-show', 'GET', '/triggers/' + trigger['id'])
    w.call('triggers-list', 'GET', '/triggers')
    operation = w.call('scheduled-operation-create', 'POST',
                       '/scheduled_operations', {'scheduled_operation': {
                           'name': 'Nightly', 'operation_type': 'protect',
                           'trigger_id': trigger['id'],
                           'operation_definition': {
                               'plan_id': plan['id'],
                               'provider_id': NOOP}}})[
        'scheduled_operation']
    path = '/scheduled_operations/' + operation['id']
    w.call('scheduled-operation-update', 'PUT', path, {
        'scheduled_operation': {'enabled': False}})
    w.call('scheduled-operation-show', 'GET', path)
    w.call('scheduled-operations-list', 'GET', '/scheduled_operations')
    w.call('scheduled-operation-logs', 'GET', path + '/logs')
    w.call('scheduled-operation-delete', 'DELETE', path)
    w.call('trigger-delete', 'DELETE', '/triggers/' + trigger['id'])
    w.call('quota-show', 'GET', '/quotas/' + project)
    w.call('quota-detail', 'GET', '/quotas/%s/detail' % project)
    w.call('quota-defaults', 'GET', '/quotas/%s/defaults' % project)
    w.call('quota-update', 'PUT', '/quotas/' + project,
           {'quota': {'plans': 40, 'checkpoints': -1}})
    w.call('quota-class-show', 'GET', '/quota_classes/default')
    w.call('quota-class-update', 'PUT', '/quota_classes/default',
           {'quota_class': {'plans': 50}})
    w.call('services-list', 'GET', '/os-services')
    w.call('checkpoint-reset-state', 'PUT', checkpoints + '/' +
           checkpoint['id'], {'os-resetState': {'state': 'available'}})
    w.call('checkpoint-delete', 'DELETE', checkpoints + '/' + checkpoint['id'])
    w.call('plan-delete', 'DELETE', '/plans/' + plan['id'])
    return w


def progress_and_cancel(w, name, path):
    """The progress of an ended operation, and the 409 of its cancel."""
    w.call(name + '-progress', 'GET', path + '/progress')
    w.call(name + '-cancel', 'POST', path + '/cancel', {}, status=409)


def shape(value, depth=3):
    """What a sample must keep of a live answer: the keys of objects and the
    shape of their values, to ``depth`` levels (ids, times and counts
    differ from walk to walk)."""
    if isinstance(value, dict):
        if depth == 0:
            return 'object'
        return {key: shape(item, depth - 1) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0], depth)] if value else []
    return 'value'


def write(w, directory=SAMPLES):
    os.makedirs(directory, exist_ok=True)
    for name, (_method, _path, body, answer) in sorted(w.exchanges.items()):
        for suffix, data in (('request', body), ('response', answer)):
            if data is None:
                continue
            with open(os.path.join(directory, '%s-%s.json' % (name, suffix)),
                      'w') as sample:
                json.dump(data, sample, indent=4, sort_keys=True)
                sample.write('\n')


def load(name, suffix, directory=SAMPLES):
    path = os.path.join(directory, '%s-%s.json' % (name, suffix))
    if not os.path.exists(path):
        return None
    with open(path) as sample:
        return json.load(sample)


if __name__ == '__main__':
    write(walk(sys.argv[1], sys.argv[2]))
