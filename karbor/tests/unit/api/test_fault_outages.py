"""Outages of the database or the message queue answer 503 + Retry-After."""

from oslo_db import exception as db_exc
import oslo_messaging as messaging
import pytest
import sqlalchemy as sa

from karbor.api.middleware import fault
from karbor.tests.unit.api.test_fault import call
from karbor.tests.unit.api.test_fault import wrapped


def _refused():
    return sa.exc.OperationalError('SELECT 1', {}, Exception('refused'))


@pytest.mark.parametrize('error,words', [
    (db_exc.DBConnectionError(), 'database'),
    (_refused(), 'database'),
    (messaging.RemoteError('DBConnectionError', 'refused'), 'database'),
    (messaging.RemoteError('OperationalError', 'refused'), 'database'),
    (messaging.MessageDeliveryFailure('broker away'), 'message queue'),
    (messaging.MessagingTimeout('no reply'), 'did not answer'),
])
def test_outages_are_503_with_retry_after(error, words):
    response = call(wrapped(error))
    assert response.status_int == 503
    assert response.headers['Retry-After'] == str(
        fault.RETRY_AFTER_SECONDS)
    message = response.json['serviceUnavailable']['message']
    assert words in message
    assert 'refused' not in message  # no internals


def test_other_remote_errors_stay_500():
    response = call(wrapped(messaging.RemoteError('KeyError', 'x')))
    assert response.status_int == 500
    assert 'Retry-After' not in response.headers
