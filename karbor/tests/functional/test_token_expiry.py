"""A flow that outlives the user's Keystone token still finishes.

``karbor-all`` runs in Keystone mode against its sandbox, whose tokens live
a few seconds here. The user's token expires while the checkpoint's Cinder
backups are still running; Karbor keeps calling Cinder with that token and
its service user's token beside it (``X-Service-Token``), which the sandbox
accepts as keystonemiddleware does.
"""

import time

import pytest

from karbor.tests.functional import quickstart
from karbor.tests.functional import test_seed_replay as seed

TOKEN_TTL = 2


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(
        tmp_path_factory.mktemp('token-expiry'), sandbox_delay=1.5,
        extra_args=['--sandbox-token-ttl', str(TOKEN_TTL)])
    setup.start()
    yield setup
    setup.stop()


def test_checkpoint_outliving_the_users_token_becomes_available(karbor):
    volumes = seed.create_volumes(karbor, 'longrun1', 'longrun2')
    plan = seed.plan_create(karbor, seed.OS_INFRA, volumes)
    started = time.monotonic()
    checkpoint = seed.protect(karbor, seed.OS_INFRA, plan['id'])
    elapsed = time.monotonic() - started
    # The CLI's token was issued just before the create; the flow ran on
    # well past its expiry.
    assert elapsed > TOKEN_TTL + 1
    assert checkpoint['status'] == 'available'
    assert sorted(row[1] for row in seed.backups(karbor)) == sorted(
        volumes.values())

    done = seed.restore(karbor, seed.OS_INFRA, checkpoint['id'])
    assert done['status'] == 'success'
