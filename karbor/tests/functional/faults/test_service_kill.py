"""SIGKILL of each Karbor service while a Cinder protect runs.

The three services run as processes (MariaDB, RabbitMQ); one is killed
in the middle of a protect of sandbox volumes and started again. The
protect must end (resumed by the restarted protection service, or carried
on when another service died), nothing may stay in progress, and the
cloud and the bank keep only what the final status accounts for.
``test_crash_recovery`` covers the protection service's kill in each
operation (protect, restore, delete) and the take-over by a second worker.
"""

import time

import pytest

from karbor.tests import dbfixtures
from karbor.tests.functional.conftest import rabbit_available
from karbor.tests.functional.conftest import RABBIT_URL
from karbor.tests.functional import deployment
from karbor.tests.functional.faults import conftest as faults
from karbor.tests.functional.faults import deployed
from karbor.tests.functional.test_crash_recovery import (
    assert_nothing_in_progress)

VOLUMES = 5
BACKUP_SECONDS = 2


@pytest.fixture(scope='module')
def karbor(tmp_path_factory, sandbox):
    if not rabbit_available():
        pytest.skip('RabbitMQ is not running')
    if not dbfixtures.available('mysql'):
        pytest.skip('MariaDB is not running')
    with dbfixtures.database_url('mysql') as url:
        with deployed.cinder_deployment(tmp_path_factory.mktemp('karbor-kill'),
                                        url, RABBIT_URL, sandbox) as running:
            yield running


@pytest.mark.parametrize('service', deployment.SERVICES)
def test_kill(karbor, sandbox, cinder, service):
    project = sandbox.project_id
    volumes, _plan_id, checkpoint_id = deployed.start_slow_protect(
        karbor, sandbox, cinder, VOLUMES, BACKUP_SECONDS)

    karbor.kill_service(service)
    began = time.monotonic()
    karbor.start_service(service)
    karbor.wait_until_up()

    checkpoint, seconds = deployed.wait_final(karbor, project, checkpoint_id,
                                              began)
    assert checkpoint['status'] in ('available', 'error')
    if checkpoint['status'] == 'error':
        reason = deployed.protect_reason(karbor, project, checkpoint_id)
        assert service == 'karbor-protection', reason
    else:
        reason = None
    left = deployed.leftovers(karbor, cinder, volumes, checkpoint)
    assert left == {'backups': 0, 'snapshots': 0, 'bank objects': 0}
    assert_nothing_in_progress(karbor, project)
    faults.record_figures('SIGKILL %s' % service, seconds, left, reason)
