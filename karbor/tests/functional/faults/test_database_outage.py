"""The database stopped and started again in the middle of protects.

A private PostgreSQL (started by the test, stopped with ``-m immediate``)
holds Karbor's database and its flows. While it is away the API answers
503 with Retry-After; the services carry on by themselves once it is back.
An outage shorter than ``[protection] database_outage_timeout`` only
delays the running protect; a longer one fails it with the reason
"database unavailable", rolled back, and recorded when the database
returns.
"""

import time

import pytest

from karbor.services.protection import recovery
from karbor.tests.functional.conftest import rabbit_available
from karbor.tests.functional.conftest import RABBIT_URL
from karbor.tests.functional import deployment
from karbor.tests.functional.faults import conftest as faults
from karbor.tests.functional.faults import deployed
from karbor.tests.functional.faults import servers

VOLUMES = 5
OUTAGE_TIMEOUT = 4
# Longer than what a flow rides out: each of its writes is tried for
# OUTAGE_TIMEOUT seconds, three times, 5 s apart (taskflow's own retries).
LONG_OUTAGE = 3 * (OUTAGE_TIMEOUT + 5) + 2
BACKUP_SECONDS = 1.5


@pytest.fixture(scope='module')
def postgres():
    server = servers.PrivatePostgres()
    server.init()
    yield server
    server.destroy()


@pytest.fixture(scope='module')
def karbor(tmp_path_factory, postgres, sandbox):
    if not rabbit_available():
        pytest.skip('RabbitMQ is not running')
    url = postgres.create_database('karbor')
    with deployed.cinder_deployment(tmp_path_factory.mktemp('karbor-db'),
                                    url, RABBIT_URL, sandbox,
                                    outage_timeout=OUTAGE_TIMEOUT) as running:
        yield running


def start_protect(karbor, sandbox, cinder):
    return deployed.start_slow_protect(karbor, sandbox, cinder, VOLUMES,
                                       BACKUP_SECONDS)


def assert_unavailable(karbor, project, plan_id):
    """Reads and writes answer 503 with Retry-After, in the fault format."""
    for method, path, body in (
            ('GET', deployed.CHECKPOINTS, None),
            ('GET', '/plans', None),
            ('POST', deployed.CHECKPOINTS,
             {'checkpoint': {'plan_id': plan_id}})):
        resp = karbor.http(method, path, project=project, json=body)
        deployment.assert_fault(resp, 503)
        assert int(resp.headers['Retry-After']) > 0


def outage(karbor, postgres, project, plan_id, seconds):
    postgres.stop()
    began = time.monotonic()
    assert_unavailable(karbor, project, plan_id)
    time.sleep(max(0, seconds - (time.monotonic() - began)))
    postgres.start()
    return began


def assert_recovered(karbor, project, plan_id):
    resp = karbor.http('GET', '/plans/%s' % plan_id, project=project)
    assert resp.status_code == 200, resp.text


def test_short_outage_is_ridden_out(karbor, postgres, sandbox, cinder):
    project = sandbox.project_id
    volumes, plan_id, checkpoint_id = start_protect(karbor, sandbox, cinder)
    began = outage(karbor, postgres, project, plan_id, OUTAGE_TIMEOUT / 2)

    checkpoint, seconds = deployed.wait_final(karbor, project,
                                              checkpoint_id, began)
    assert checkpoint['status'] == 'available'
    assert deployed.protect_reason(karbor, project, checkpoint_id) is None
    left = deployed.leftovers(karbor, cinder, volumes, checkpoint)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('database outage %.0f s (< timeout)' %
                          (OUTAGE_TIMEOUT / 2), seconds, left, None)
    assert_recovered(karbor, project, plan_id)


def test_long_outage_fails_with_its_cause(karbor, postgres, sandbox,
                                          cinder):
    project = sandbox.project_id
    volumes, plan_id, checkpoint_id = start_protect(karbor, sandbox, cinder)
    began = outage(karbor, postgres, project, plan_id, LONG_OUTAGE)

    checkpoint, seconds = deployed.wait_final(karbor, project,
                                              checkpoint_id, began)
    assert checkpoint['status'] == 'error'
    reason = deployed.protect_reason(karbor, project, checkpoint_id)
    assert 'database unavailable' in reason, reason
    assert recovery.INTERRUPTED not in reason
    left = deployed.leftovers(karbor, cinder, volumes, checkpoint)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    faults.record_figures('database outage %d s (> timeout)' % LONG_OUTAGE,
                          seconds, left, reason)
    assert_recovered(karbor, project, plan_id)
