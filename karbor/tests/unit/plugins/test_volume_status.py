"""The status poller shared by the volume protection plugins."""

import threading
import time

import pytest

from karbor.services.protection.protection_plugins.volume import status


class _Obj(object):
    def __init__(self, status_value):
        self.status = status_value


def _sequence(*statuses):
    """A fetch() returning objects with these statuses, then the last."""
    calls = []

    def fetch():
        value = statuses[min(len(calls), len(statuses) - 1)]
        calls.append(value)
        return None if value is None else _Obj(value)
    return fetch, calls


def test_waits_through_ignored_statuses():
    fetch, calls = _sequence('creating', 'creating', 'available')
    obj = status.wait_for(fetch, 0.001, ('available',), ('error',),
                          ('creating',))
    assert obj.status == 'available'
    assert calls == ['creating', 'creating', 'available']


def test_failure_status_raises_with_the_object():
    fetch, calls = _sequence('creating', 'error')
    with pytest.raises(status.StatusError) as err:
        status.wait_for(fetch, 0, ('available',), ('error',), ('creating',))
    assert err.value.status == 'error' and err.value.obj.status == 'error'


def test_unexpected_status_fails_unless_ignored():
    fetch, _calls = _sequence('weird', 'available')
    with pytest.raises(status.StatusError, match='weird'):
        status.wait_for(fetch, 0, ('available',))
    fetch, calls = _sequence('weird', 'available')
    assert status.wait_for(fetch, 0, ('available',),
                           ignore_unexpected=True).status == 'available'
    assert len(calls) == 2


def test_gone_objects_have_the_not_found_status():
    fetch, _calls = _sequence('deleting', None)
    assert status.wait_for(fetch, 0, (status.NOT_FOUND,),
                           ignore=('deleting',)) is None
    fetch, _calls = _sequence(None)
    with pytest.raises(status.StatusError) as err:
        status.wait_for(fetch, 0, ('available',))
    assert err.value.status == status.NOT_FOUND and err.value.obj is None


def test_interval_between_polls():
    fetch, calls = _sequence('creating', 'creating', 'available')
    start = time.monotonic()
    status.wait_for(fetch, 0.05, ('available',), ignore=('creating',))
    assert time.monotonic() - start >= 0.1


def test_stop_event_aborts_the_wait():
    stop = threading.Event()
    fetch, _calls = _sequence('creating')
    threading.Timer(0.05, stop.set).start()
    with pytest.raises(status.StatusError, match='creating'):
        status.wait_for(fetch, 10, ('available',), ignore=('creating',),
                        stop_event=stop)
