"""``karbor-all`` on its embedded defaults under concurrent load.

The embedded default is one process on SQLite with in-process messaging.
Sixteen client threads create, list, show, update and delete plans and
create and list checkpoints for some seconds: no request may fail with a
5xx, and SQLite's "database is locked" must never surface.
"""

import collections
import os
import subprocess
import threading
import time
import uuid

import pytest
import requests

from karbor.tests.functional import deployment

THREADS = 16
SECONDS = 8
NOOP_PROVIDER = 'b766f37c-d011-4026-8228-28730d734a3f'
PROJECTS = [uuid.uuid4().hex for _ in range(4)]
LOCKED = 'database is locked'


@pytest.fixture
def karbor_all(tmp_path):
    port = deployment.free_port()
    url = 'http://127.0.0.1:%d' % port
    log_path = str(tmp_path / 'karbor-all.log')
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(
            [os.path.join(deployment.BIN, 'karbor-all'), '--state-dir',
             str(tmp_path / 'state'), '--port', str(port),
             '--sandbox-port', str(deployment.free_port()),
             '--sandbox-delay', '0', '--auth', 'noauth'],
            stdout=log, stderr=subprocess.STDOUT)
    try:
        def up():
            if process.poll() is not None:
                raise RuntimeError('karbor-all exited: %s' % _read(log_path))
            try:
                return requests.get(url + '/v1/demo/providers', timeout=5,
                                    headers=_headers('demo')).ok
            except requests.RequestException:
                return False
        deployment.wait_for(up, timeout=60, what='karbor-all')
        yield url, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _read(path):
    with open(path, errors='replace') as log:
        return log.read()


def _headers(project):
    return {'X-Auth-Token': 'demo:%s' % project,
            'Content-Type': 'application/json'}


class Client(object):
    """One load thread: records every answer it gets."""

    def __init__(self, url, project, answers):
        self.base = '%s/v1/%s' % (url, project)
        self.session = requests.Session()
        self.session.headers.update(_headers(project))
        self.answers = answers
        self.checkpoints = []

    def call(self, method, path, **kwargs):
        resp = self.session.request(method, self.base + path, timeout=60,
                                    **kwargs)
        self.answers.append((method, path.split('/')[1], resp.status_code,
                             resp.text))
        return resp

    def one_round(self, number):
        resp = self.call('POST', '/plans', json={'plan': {
            'name': 'load-%d' % number, 'provider_id': NOOP_PROVIDER,
            'parameters': {}, 'resources': [
                {'id': str(uuid.uuid4()), 'type': 'OS::Cinder::Volume',
                 'name': 'v'}]}})
        if resp.status_code != 200:
            return
        plan_id = resp.json()['plan']['id']
        self.call('GET', '/plans')
        self.call('GET', '/plans/' + plan_id)
        self.call('PUT', '/plans/' + plan_id,
                  json={'plan': {'name': 'renamed-%d' % number}})
        checkpoints = '/providers/%s/checkpoints' % NOOP_PROVIDER
        if number % 2 == 0:
            resp = self.call('POST', checkpoints,
                             json={'checkpoint': {'plan_id': plan_id}})
            if resp.status_code == 200:
                self.checkpoints.append(resp.json()['checkpoint']['id'])
        self.call('GET', checkpoints, params={'limit': 10})
        self.call('DELETE', '/plans/' + plan_id)

    def run(self, deadline):
        number = 0
        while time.monotonic() < deadline:
            self.one_round(number)
            number += 1


def test_concurrent_requests(karbor_all):
    url, log_path = karbor_all
    answers = collections.deque()
    clients = [Client(url, PROJECTS[i % len(PROJECTS)], answers)
               for i in range(THREADS)]
    deadline = time.monotonic() + SECONDS
    threads = [threading.Thread(target=c.run, args=(deadline,))
               for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    assert not any(thread.is_alive() for thread in threads)

    assert len(answers) > THREADS * 6
    failed = [a for a in answers if a[2] >= 500 or LOCKED in a[3]]
    assert failed == []
    assert {a[2] for a in answers} == {200}
    kinds = collections.Counter((a[0], a[1]) for a in answers)
    assert kinds[('POST', 'providers')] > 0

    # Every checkpoint made under load ends available.
    for client in clients:
        for checkpoint_id in client.checkpoints:
            path = '/providers/%s/checkpoints/%s' % (NOOP_PROVIDER,
                                                     checkpoint_id)

            def ended():
                body = client.call('GET', path).json()['checkpoint']
                return body['status'] != 'protecting' and body
            assert deployment.wait_for(
                ended, timeout=60, what=path)['status'] == 'available'
    assert LOCKED not in _read(log_path)
