"""The fault wrapper, driven with WSGI apps that fail in each way."""

import logging

import oslo_messaging as messaging
import pytest
import webob
import webob.exc

from karbor.api.middleware import fault
from karbor.api.middleware import request_id
from karbor import exception


def wrapped(error):
    def app(environ, start_response):
        raise error
    return request_id.RequestId(fault.FaultWrapper(app))


def call(app):
    return webob.Request.blank('/v1/x/plans').get_response(app)


@pytest.mark.parametrize('error,code,name', [
    (exception.InvalidInput(reason='bad thing'), 400, 'badRequest'),
    (exception.AuthorizationFailure(reason='r'), 401, 'unauthorized'),
    (exception.PolicyNotAuthorized(action='plan:get'), 403, 'forbidden'),
    (exception.PlanNotFound(plan_id='p'), 404, 'itemNotFound'),
    (exception.Conflict(), 409, 'conflictingRequest'),
    (exception.ServiceUnavailable(), 503, 'serviceUnavailable'),
    (exception.TriggerIsUsed(id='t'), 424, 'computeFault'),
    (webob.exc.HTTPMethodNotAllowed(), 405, 'badMethod'),
    (webob.exc.HTTPUnsupportedMediaType(), 415, 'badMediaType'),
    (webob.exc.HTTPNotImplemented(), 501, 'notImplemented'),
])
def test_exceptions_map_to_fault_names(error, code, name):
    response = call(wrapped(error))
    assert response.status_int == code
    assert response.content_type == 'application/json'
    assert list(response.json) == [name]
    assert response.json[name]['code'] == code
    assert response.headers['x-compute-request-id'] == \
        response.headers['x-openstack-request-id']


def test_karbor_messages_are_shown():
    response = call(wrapped(exception.InvalidInput(reason='bad thing')))
    assert response.json['badRequest']['message'] == \
        'Invalid input received: bad thing'


def test_over_quota_carries_retry_after():
    response = call(wrapped(exception.OverQuota(overs=['plans'])))
    body = response.json['overLimit']
    assert body['code'] == 413
    assert body['retryAfter'] == '0'
    assert response.headers['Retry-After'] == '0'


def test_unexpected_errors_are_generic_and_logged(caplog):
    caplog.set_level(logging.ERROR)
    response = call(wrapped(RuntimeError('password=hunter2 in dsn')))
    assert response.status_int == 500
    message = response.json['computeFault']['message']
    assert 'hunter2' not in response.text
    assert message == fault.GENERIC_MESSAGE
    assert 'RuntimeError' in caplog.text


def test_unsafe_karbor_errors_hide_their_message():
    error = exception.FlowError(error='connection to db://secret failed')
    error.safe = False
    response = call(wrapped(error))
    assert response.status_int == 500
    assert 'secret' not in response.text


def test_plain_error_responses_are_rewritten():
    def app(environ, start_response):
        start_response('404 Not Found', [('Content-Type', 'text/plain')])
        return [b'nope']
    response = call(fault.FaultWrapper(app))
    assert response.json == {'itemNotFound': {'code': 404,
                                              'message': 'Not Found'}}


def test_rpc_timeouts_are_service_unavailable():
    response = call(wrapped(messaging.MessagingTimeout('no reply on q')))
    assert response.status_int == 503
    assert 'did not answer' in \
        response.json['serviceUnavailable']['message']
