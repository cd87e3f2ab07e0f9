"""The message queue stopped and started again in the middle of a protect.

A private RabbitMQ node (own node name, ports and data) carries the RPC of
the three services. While it is away the API still answers what it reads
itself (checkpoints, from the SQL catalog) and answers 503 with
Retry-After to what needs the protection service (calls fail after
``rpc_send_retries``); the running protect does not need it and carries
on; the services reconnect by themselves when it is back.
"""

import time

import pytest

from karbor.tests import dbfixtures
from karbor.tests.functional import deployment
from karbor.tests.functional.faults import conftest as faults
from karbor.tests.functional.faults import deployed
from karbor.tests.functional.faults import servers

VOLUMES = 5
BACKUP_SECONDS = 3
BROKER_CONF = """
[DEFAULT]
rpc_send_retries = 1
[oslo_messaging_rabbit]
rabbit_retry_interval = 1
rabbit_retry_backoff = 1
"""


@pytest.fixture(scope='module')
def rabbit():
    node = servers.PrivateRabbit()
    node.start()
    yield node
    node.destroy()


@pytest.fixture(scope='module')
def karbor(tmp_path_factory, rabbit, sandbox):
    if not dbfixtures.available('postgresql'):
        pytest.skip('PostgreSQL is not running')
    with dbfixtures.database_url('postgresql') as url:
        with deployed.cinder_deployment(
                tmp_path_factory.mktemp('karbor-mq'), url, rabbit.url,
                sandbox, extra_conf=BROKER_CONF) as running:
            yield running


def test_broker_outage(karbor, rabbit, sandbox, cinder):
    project = sandbox.project_id
    volumes, plan_id, checkpoint_id = deployed.start_slow_protect(
        karbor, sandbox, cinder, VOLUMES, BACKUP_SECONDS)

    rabbit.stop()
    began = time.monotonic()
    # Read from the catalog by the API itself.
    listed = karbor.http('GET', deployed.CHECKPOINTS, project=project)
    assert listed.status_code == 200, listed.text
    assert [c['id'] for c in listed.json()['checkpoints']] == [checkpoint_id]
    shown = karbor.http('GET', '%s/%s' % (deployed.CHECKPOINTS,
                                          checkpoint_id), project=project)
    assert shown.json()['checkpoint']['status'] == 'protecting'
    for method, path, body in (
            ('GET', '/protectables', None),
            ('POST', deployed.CHECKPOINTS,
             {'checkpoint': {'plan_id': plan_id}})):
        asked = time.monotonic()
        resp = karbor.http(method, path, project=project, json=body)
        deployment.assert_fault(resp, 503)
        assert int(resp.headers['Retry-After']) > 0
        assert time.monotonic() - asked < 15
    rabbit.start()
    back = time.monotonic()

    def answers():
        return karbor.http('GET', '/protectables',
                           project=project).status_code == 200
    deployment.wait_for(answers, timeout=60, interval=0.5,
                        what='the API after the broker came back')
    reconnected = time.monotonic() - back

    checkpoint, seconds = deployed.wait_final(karbor, project, checkpoint_id,
                                              began)
    assert checkpoint['status'] == 'available'
    assert deployed.protect_reason(karbor, project, checkpoint_id) is None
    left = deployed.leftovers(karbor, cinder, volumes, checkpoint)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('broker outage (API back %.1f s after)' %
                          reconnected, seconds, left, None)

    # The protection service consumes its topic again.
    again = deployed.create_checkpoint(karbor, project, plan_id)
    checkpoint, _seconds = deployed.wait_final(karbor, project, again,
                                               time.monotonic())
    assert checkpoint['status'] == 'available'
