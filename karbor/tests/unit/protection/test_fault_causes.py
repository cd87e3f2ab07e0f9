"""Reasons of failed operations, database retries, deferred writes."""

import errno
import sqlite3

from oslo_config import cfg
import pytest
import sqlalchemy as sa
from taskflow import exceptions as tf_exc
from taskflow.types import failure

from karbor import exception
from karbor.services.protection import deferred
from karbor.services.protection.flows import causes
from karbor.services.protection.flows import persistence  # noqa: F401
from karbor.services.protection.protection_plugins.volume import status

CONF = cfg.CONF


def _refused():
    return sa.exc.OperationalError('SELECT 1', {}, Exception('port 5432 gone'))


def test_bank_errors_name_the_cause_and_the_key():
    err = exception.BankCreateObjectFailed(key='/checkpoints/c/index.json',
                                           reason='no space left on device')
    assert causes.describe(err) == (
        'bank: no space left on device while writing '
        '/checkpoints/c/index.json')
    err = exception.BankDeleteObjectFailed(key='/k', reason='read-only '
                                           'file system')
    assert causes.describe(err) == ('bank: read-only file system while '
                                    'deleting /k')


def test_database_errors_are_named_without_internals():
    storage = tf_exc.StorageFailure('saving', cause=_refused())
    for err in (_refused(), storage):
        assert causes.is_database_error(err)
        described = causes.describe(err)
        assert described.startswith('database unavailable')
        assert '5432' not in described and 'SELECT' not in described
    assert not causes.is_database_error(ValueError('x'))
    assert causes.describe(ValueError('plain')) == 'plain'


def _stored(err):
    """``err`` as a taskflow failure read back from the flow store."""
    try:
        raise err
    except Exception:
        return failure.Failure.from_dict(failure.Failure().to_dict())


def test_stored_failures_name_a_lost_database():
    stored = _stored(_refused())
    assert stored.exception is None
    assert causes.describe_failure(stored) == (
        'database unavailable: connection lost or refused '
        '(OperationalError)')
    locked = _stored(sa.exc.OperationalError(
        'SELECT 1', {}, sqlite3.OperationalError('database is locked')))
    assert 'database is locked' in causes.describe_failure(locked)
    assert causes.describe_failure(_stored(ValueError('bad'))) == 'bad'


def test_database_writes_are_retried_until_the_timeout(monkeypatch):
    monkeypatch.setattr(causes, 'RETRY_INTERVAL', 0.01)
    CONF.set_override('database_outage_timeout', 1, group='protection')
    calls = []

    def back_on_third_call():
        calls.append(1)
        if len(calls) < 3:
            raise _refused()
        return 'written'
    assert causes.retrying_database(back_on_third_call) == 'written'

    CONF.set_override('database_outage_timeout', 0, group='protection')
    with pytest.raises(sa.exc.OperationalError):
        causes.retrying_database(_raise, _refused())
    with pytest.raises(KeyError):
        causes.retrying_database(_raise, KeyError('not a database error'))


def _raise(err):
    raise err


def test_deferred_writes_are_retried_until_they_succeed():
    attempts = []

    def write():
        attempts.append(1)
        if len(attempts) == 1:
            raise exception.BankCreateObjectFailed(key='k', reason='full')
    deferred.defer(('commit', 'checkpoint-1'), write)
    assert 'checkpoint-1' in deferred.pending_ids()
    assert deferred.retry() == 1
    assert deferred.retry() == 0
    assert 'checkpoint-1' not in deferred.pending_ids()
    assert len(attempts) == 2


def test_status_waits_end_after_their_timeout():
    with pytest.raises(status.StatusError) as err:
        status.wait_for(lambda: _Obj('deleting'), 0.01, ('available',),
                        ignore=('deleting',), timeout=0.05)
    assert err.value.timed_out and err.value.status == 'deleting'
    assert 'still deleting' in str(err.value)


class _Obj(object):
    def __init__(self, status_value):
        self.status = status_value


def test_file_bank_reasons_hide_local_paths(tmp_path):
    from karbor.services.protection.bank_plugins import (
        file_system_bank_plugin as fs)
    err = OSError(errno.ENOSPC, 'No space left on device', str(tmp_path))
    assert fs._os_reason(err) == 'no space left on device'


def test_sqlite_errors_are_no_outage():
    import sqlite3
    err = sa.exc.OperationalError('SELECT', {}, sqlite3.OperationalError(
        'no such table: plans'))
    assert not causes.is_database_error(err)
