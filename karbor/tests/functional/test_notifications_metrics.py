"""Notifications on RabbitMQ and Prometheus metrics of the three services.

A real oslo.messaging notification listener on a RabbitMQ vhost of this
module's own (deployments sharing a vhost consume each other's messages)
receives what ``karbor-api`` and ``karbor-protection`` send; the
protection service's metrics port is scraped after its checkpoints.
"""

import subprocess
import threading
import uuid

from oslo_config import cfg
import oslo_messaging as messaging
import pytest
import requests

from karbor.tests.functional import conftest
from karbor.tests.functional import deployment

TOPIC = 'karbor_notifications'
PROJECT_TYPE = 'OS::Keystone::Project'
RECORDER = conftest.RECORDER_PROVIDER


def rabbitmqctl(*args):
    subprocess.run(['rabbitmqctl', '-q'] + list(args), check=True,
                   stdout=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope='module')
def vhost_url():
    if not conftest.rabbit_available():
        pytest.skip('RabbitMQ is not running')
    vhost = 'karbor-notify-%s' % uuid.uuid4().hex[:8]
    rabbitmqctl('add_vhost', vhost)
    try:
        rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*')
        yield conftest.RABBIT_URL.rstrip('/') + '/' + vhost
    finally:
        rabbitmqctl('delete_vhost', vhost)


class Collector(object):
    """Notification endpoint keeping every notification received."""

    def __init__(self):
        self.received = []
        self._lock = threading.Lock()

    def _keep(self, priority, ctxt, publisher_id, event_type, payload,
              metadata):
        with self._lock:
            self.received.append((publisher_id.split('.')[0], event_type,
                                  priority, payload))

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('INFO', ctxt, publisher_id, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('ERROR', ctxt, publisher_id, event_type, payload,
                   metadata)

    def events(self, predicate=lambda payload: True):
        with self._lock:
            return [(publisher, event, priority)
                    for publisher, event, priority, payload in self.received
                    if predicate(payload)]

    def payloads(self, event_type):
        with self._lock:
            return [p for _s, e, _p, p in self.received if e == event_type]


@pytest.fixture(scope='module')
def listened(vhost_url):
    conf = cfg.ConfigOpts()
    transport = messaging.get_notification_transport(conf, url=vhost_url)
    collector = Collector()
    listener = messaging.get_notification_listener(
        transport, [messaging.Target(topic=TOPIC)], [collector],
        executor='threading')
    listener.start()
    yield collector
    listener.stop()
    listener.wait()
    transport.cleanup()


@pytest.fixture(scope='module')
def karbor(vhost_url, listened, tmp_path_factory):
    metrics_port = deployment.free_port()
    extra = ('[oslo_messaging_notifications]\ndriver = messagingv2\n'
             'topics = %s\n[metrics]\nprotection_port = %d\n'
             % (TOPIC, metrics_port))
    conftest.RABBIT_URL, saved = vhost_url, conftest.RABBIT_URL
    try:
        with conftest.karbor_deployment(
                tmp_path_factory.mktemp('notify'), 'mysql',
                extra_conf=extra) as running:
            running.metrics_url = 'http://127.0.0.1:%d/metrics' % metrics_port
            yield running
    finally:
        conftest.RABBIT_URL = saved


def post(karbor, project, path, body):
    response = karbor.http('POST', path, project=project, json=body)
    assert response.status_code == 200, response.text
    return next(iter(response.json().values()))


def wait_checkpoint(karbor, project, checkpoint_id):
    path = '/providers/%s/checkpoints/%s' % (RECORDER, checkpoint_id)

    def ended():
        checkpoint = karbor.http('GET', path, project=project).json()[
            'checkpoint']
        return checkpoint['status'] in ('available', 'error') and checkpoint
    return deployment.wait_for(ended, timeout=60, what='checkpoint end')


def plan_body(project, parameters=None):
    return {'plan': {'name': 'p', 'provider_id': RECORDER,
                     'resources': [{'id': project, 'type': PROJECT_TYPE,
                                    'name': 'p'}],
                     'parameters': parameters or {}}}


def checkpoint(karbor, project, plan_id):
    made = post(karbor, project, '/providers/%s/checkpoints' % RECORDER,
                {'checkpoint': {'plan_id': plan_id}})
    return wait_checkpoint(karbor, project, made['id'])


def scrape(url, **kwargs):
    response = requests.get(url, timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers['Content-Type'].startswith('text/plain')
    return response.text


def scrape_when(url, name, value, **labels):
    """The exposition at ``url`` if ``name{labels}`` is ``value``."""
    text = scrape(url)
    return text if sample(text, name, **labels) == value else None


def sample(text, name, **labels):
    """The value of sample ``name{labels}`` of an exposition, or 0."""
    wanted = ','.join('%s="%s"' % item for item in sorted(labels.items()))
    for line in text.splitlines():
        metric, _sep, value = line.rpartition(' ')
        if metric.startswith(name + '{') and metric.endswith('}'):
            got = ','.join(sorted(metric[len(name) + 1:-1].split(',')))
            if got == wanted:
                return float(value)
    return 0.0


def test_checkpoint_restore_notifications(karbor, listened):
    project = uuid.uuid4().hex
    plan = post(karbor, project, '/plans', plan_body(project))
    done = checkpoint(karbor, project, plan['id'])
    assert done['status'] == 'available'
    restore = post(karbor, project, '/restores', {'restore': {
        'provider_id': RECORDER, 'checkpoint_id': done['id'],
        'parameters': {}}})

    def mine(payload):
        return payload.get('project_id') == project

    expected = [
        ('karbor-api', 'karbor.plan_create.start', 'INFO'),
        ('karbor-api', 'karbor.plan_create.end', 'INFO'),
        ('karbor-api', 'karbor.checkpoint_create.start', 'INFO'),
        ('karbor-api', 'karbor.checkpoint_create.end', 'INFO'),
        ('karbor-protection', 'karbor.operation_protect.start', 'INFO'),
        ('karbor-protection', 'karbor.operation_protect.end', 'INFO'),
        ('karbor-api', 'karbor.restore_create.start', 'INFO'),
        ('karbor-api', 'karbor.restore_create.end', 'INFO'),
        ('karbor-protection', 'karbor.operation_restore.start', 'INFO'),
        ('karbor-protection', 'karbor.operation_restore.end', 'INFO'),
    ]
    deployment.wait_for(lambda: len(listened.events(mine)) >= len(expected),
                        timeout=30, what='the notifications')
    assert sorted(listened.events(mine)) == sorted(expected)
    protect_end = [p for p in listened.payloads(
        'karbor.operation_protect.end') if p['checkpoint_id'] == done['id']]
    assert protect_end[0]['status'] == 'success'
    assert protect_end[0]['plan_id'] == plan['id']
    restore_end = [p for p in listened.payloads('karbor.restore_create.end')
                   if p['id'] == restore['id']]
    assert restore_end[0]['checkpoint_id'] == done['id']


def test_failures_send_error(karbor, listened):
    project = uuid.uuid4().hex
    plan = post(karbor, project, '/plans', plan_body(
        project, {PROJECT_TYPE: {'fail_on': 'on_main'}}))
    failed = checkpoint(karbor, project, plan['id'])
    assert failed['status'] == 'error'
    missing = karbor.http('DELETE', '/triggers/%s' % uuid.uuid4(),
                          project=project)
    assert missing.status_code == 404

    def mine(payload):
        return payload.get('project_id') == project

    deployment.wait_for(
        lambda: ('karbor-api', 'karbor.trigger_delete.error', 'ERROR') in
        listened.events(mine) and ('karbor-protection',
                                   'karbor.operation_protect.error',
                                   'ERROR') in listened.events(mine),
        timeout=30, what='the error notifications')
    error = [p for p in listened.payloads('karbor.operation_protect.error')
             if p['checkpoint_id'] == failed['id']][0]
    assert error['status'] == 'error' and 'on_main' in error['error_info']
    trigger_error = [p for p in listened.payloads(
        'karbor.trigger_delete.error') if p['project_id'] == project][0]
    assert 'could not be found' in trigger_error['error']


def test_trigger_and_scheduled_operation_notifications(karbor, listened):
    project = uuid.uuid4().hex
    plan = post(karbor, project, '/plans', plan_body(project))
    trigger = post(karbor, project, '/triggers', {'trigger_info': {
        'name': 't', 'type': 'time', 'properties': {
            'pattern': '0 0 1 1 *', 'format': 'crontab'}}})
    operation = post(karbor, project, '/scheduled_operations', {
        'scheduled_operation': {
            'name': 'o', 'operation_type': 'protect',
            'trigger_id': trigger['id'], 'operation_definition': {
                'plan_id': plan['id'], 'provider_id': RECORDER}}})
    for path in ('/scheduled_operations/' + operation['id'],
                 '/triggers/' + trigger['id']):
        assert karbor.http('DELETE', path, project=project).status_code in (
            200, 202, 204)
    events = ['karbor.%s.%s' % (event, phase) for event in (
        'trigger_create', 'scheduled_operation_create',
        'scheduled_operation_delete', 'trigger_delete')
        for phase in ('start', 'end')]

    def mine(payload):
        return payload.get('project_id') == project

    def received():
        return [e for _s, e, _p in listened.events(mine) if e in events]
    deployment.wait_for(lambda: len(received()) == len(events), timeout=30,
                        what='the trigger notifications')
    assert sorted(received()) == sorted(events)
    created = [p for p in listened.payloads(
        'karbor.scheduled_operation_create.end') if mine(p)][0]
    assert created['id'] == operation['id']
    assert created['trigger_id'] == trigger['id']


def test_protection_metrics_port(karbor):
    before = scrape(karbor.metrics_url)
    project = uuid.uuid4().hex
    plan = post(karbor, project, '/plans', plan_body(project))
    assert checkpoint(karbor, project, plan['id'])['status'] == 'available'
    name = 'karbor_operations_total'
    counted = sample(before, name, type='protect', outcome='success') + 1
    # The operation is counted right after its checkpoint's last write.
    after = deployment.wait_for(
        lambda: scrape_when(karbor.metrics_url, name, counted,
                            type='protect', outcome='success'),
        timeout=10, what='the count')
    bank = 'karbor_bank_written_bytes_total'
    assert sample(after, bank, bank='Hook Recorder Provider') > \
        sample(before, bank, bank='Hook Recorder Provider')
    hooks = 'karbor_plugin_hook_duration_seconds_count'
    assert sample(after, hooks, plugin='HookRecorderProtectionPlugin',
                  operation='protect', hook='on_main') >= 1
