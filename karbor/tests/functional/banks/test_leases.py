"""Leases of the remote banks (Swift, S3), with real expiry."""

import threading
import time

import pytest

from karbor.services.protection import bank_plugin as bank_lib

# Expiry times are whole seconds: a lease renewed every second keeps more
# than expire - renew - 1 = 2 s, twice the validity window (slack for a
# busy machine); one left alone is invalid after 3 s, gone after 4 s.
SHORT = {'lease_expire_window': 4, 'lease_renew_window': 1,
         'lease_validity_window': 1}


@pytest.fixture
def lease_plugins(plugin_kind, make_plugin):
    if plugin_kind == 'file_system':
        pytest.skip('the file system bank has no leases')
    group = '%s_bank_plugin' % plugin_kind
    return lambda **windows: make_plugin({group: windows})


def _renewer_threads():
    return [t for t in threading.enumerate()
            if t.name == 'karbor-bank-lease-renewer']


def test_lease_acquire_renew_and_validity(lease_plugins):
    plugin = lease_plugins()
    assert isinstance(plugin, bank_lib.LeasePlugin)
    assert not plugin.check_lease_validity()  # never acquired
    plugin.acquire_lease()
    assert plugin.check_lease_validity()
    first_expiry = plugin.lease_expire_time
    time.sleep(1.1)
    plugin.renew_lease()
    assert plugin.lease_expire_time > first_expiry
    assert plugin.check_lease_validity()


def test_lease_expires_unless_renewed_in_background(lease_plugins):
    idle = lease_plugins(**SHORT)
    idle.acquire_lease()  # no renewal thread: the lease runs out
    before = len(_renewer_threads())
    active = lease_plugins(**SHORT)
    owner = active.get_owner_id()  # first use: lease + renewal thread
    assert len(_renewer_threads()) == before + 1
    assert idle.check_lease_validity() and active.check_lease_validity()

    time.sleep(4.2)  # Swift has deleted the idle lease; S3 checks do
    assert not idle.check_lease_validity()
    assert active.check_lease_validity()
    assert active.get_owner_id() == owner
    idle.renew_lease()  # renewing an expired lease acquires it again
    assert idle.check_lease_validity()

    active.close()
    assert len(_renewer_threads()) == before
    assert not active.check_lease_validity()  # released on close


def test_lease_object_layout(plugin_kind, lease_plugins):
    plugin = lease_plugins()
    owner = plugin.get_owner_id()
    now = time.time()
    if plugin_kind == 'swift':
        headers = plugin.connection.head_object('leases', owner)
        expire_at = int(headers['x-delete-at'])
    else:
        head = plugin._client.head_object(Bucket=plugin._lease_bucket,
                                          Key=owner)
        expire_at = int(head['Metadata']['lease-expire-time'])
    assert now + 598 <= expire_at <= now + 601
