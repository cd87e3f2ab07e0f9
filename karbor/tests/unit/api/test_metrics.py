"""GET /metrics: the Prometheus metrics of the process, to admins only."""

from karbor.tests.functional import deployment
from karbor.tests.functional.test_notifications_metrics import sample
from karbor.tests.unit.api import flow_helpers as fh
from karbor.tests.unit.api import helpers

RECORDER_PROVIDER = True


def scrape(api, token=fh.ADMIN):
    response = helpers.request(api, 'GET', '/metrics', token=token)
    assert response.status_int == 200, response.body
    assert response.headers['Content-Type'].startswith('text/plain')
    return response.text


def test_counters_move_with_a_checkpoint(api):
    before = scrape(api)
    plan = fh.create_plan(api, fh.RECORDER)
    checkpoint = fh.create_checkpoint(api, plan)
    fh.wait_for(lambda: fh.show_checkpoint(api, fh.RECORDER,
                                           checkpoint['id']), ('available',))
    name = 'karbor_operations_total'
    labels = {'type': 'protect', 'outcome': 'success'}
    counted = sample(before, name, **labels) + 1
    # The operation is counted right after its checkpoint's last write.
    after = deployment.wait_for(
        lambda: sample(scrape(api), name, **labels) == counted and
        scrape(api), timeout=10, what='the count')
    seconds = 'karbor_operation_duration_seconds_count'
    assert sample(after, seconds, **labels) == sample(before, seconds,
                                                      **labels) + 1
    bank = 'karbor_bank_written_bytes_total'
    assert sample(after, bank, bank='Hook Recorder') > sample(
        before, bank, bank='Hook Recorder')


def test_members_are_refused(api):
    response = helpers.request(api, 'GET', '/metrics', token=fh.MEMBER)
    helpers.assert_fault(response, 403, 'forbidden')


def test_only_get(api):
    response = helpers.request(api, 'POST', '/metrics', body={})
    assert response.status_int == 405
    assert response.headers['Allow'] == 'GET, HEAD'
    assert response.content_type == 'application/json'
