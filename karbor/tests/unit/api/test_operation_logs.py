"""Operation logs: written by the operations, listed and shown."""

from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER
from karbor.tests.unit.api.flow_helpers import NOOP
from karbor.tests.unit.api.flow_helpers import OTHER

VIEW_KEYS = {'id', 'operation_type', 'checkpoint_id', 'plan_id',
             'provider_id', 'restore_id', 'scheduled_operation_id', 'status',
             'started_at', 'ended_at', 'error_info', 'extra_info'}


def listed(api, query='', token=MEMBER, base=BASE):
    return fh.ok(helpers.request(api, 'GET', base + '/operation_logs' +
                                 query, token=token))


def test_protect_and_restore_logs(api):
    plan, checkpoint = fh.protected(api)
    restore = fh.ok(helpers.request(
        api, 'POST', BASE + '/restores', token=MEMBER,
        body={'restore': {'provider_id': NOOP,
                          'checkpoint_id': checkpoint['id'],
                          'parameters': {}}}))['restore']
    body = fh.wait_for(
        lambda: {'status': 'done' if all(
            log['status'] == 'success'
            for log in listed(api)['operation_logs']) else 'running'},
        ('done',))
    logs = listed(api)['operation_logs']
    assert body == {'status': 'done'}
    by_type = {log['operation_type']: log for log in logs}
    assert set(by_type) == {'protect', 'restore'}
    protect = by_type['protect']
    assert set(protect) == VIEW_KEYS
    assert protect['checkpoint_id'] == checkpoint['id']
    assert protect['plan_id'] == plan['id']
    assert protect['provider_id'] == NOOP
    assert protect['started_at'] and protect['ended_at']
    assert by_type['restore']['restore_id'] == restore['id']
    shown = fh.show(api, BASE + '/operation_logs/' + protect['id'],
                    'operation_log')
    assert shown == protect
    # Filters of query_operation_log_filters.
    body = listed(api, '?restore_id=' + restore['id'])
    assert [log['id'] for log in body['operation_logs']] == [
        by_type['restore']['id']]
    body = listed(api, '?limit=1')
    assert len(body['operation_logs']) == 1
    assert 'operation_logs_links' in body


def test_isolation_and_errors(api):
    _plan, checkpoint = fh.protected(api)
    [log] = listed(api)['operation_logs']
    assert listed(api, token=OTHER, base=fh.OTHER_BASE) == {
        'operation_logs': []}
    response = helpers.request(api, 'GET', fh.OTHER_BASE +
                               '/operation_logs/' + log['id'], token=OTHER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    response = helpers.request(api, 'GET', BASE + '/operation_logs/x',
                               token=MEMBER)
    helpers.assert_fault(response, 400, 'badRequest')
    response = helpers.request(api, 'GET', BASE + '/operation_logs/' +
                               fh.VOLUME, token=MEMBER)
    helpers.assert_fault(response, 404, 'itemNotFound')
    admin = listed(api, '?all_tenants=1', token=fh.ADMIN)
    assert [item['id'] for item in admin['operation_logs']] == [log['id']]
