"""Plan actions emit karbor.<event>.start|end|error notifications."""

from oslo_messaging.notify import _impl_test
import pytest

from karbor import notifications
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import PROJECT
from karbor.tests.unit.api import test_plans

NOTIFICATION_DRIVERS = ['test']
BASE = '/v1/' + PROJECT


@pytest.fixture
def sent():
    _impl_test.reset()
    yield _impl_test.NOTIFICATIONS
    _impl_test.reset()


def events(sent):
    return [(n[1]['event_type'], n[1]['priority']) for n in sent]


def test_plan_lifecycle_notifications(api, sent):
    plan = test_plans.create(api)
    helpers.request(api, 'PUT', BASE + '/plans/' + plan['id'],
                    body={'plan': {'name': 'renamed'}})
    helpers.request(api, 'DELETE', BASE + '/plans/' + plan['id'])
    assert events(sent) == [
        ('karbor.plan_create.start', 'INFO'),
        ('karbor.plan_create.end', 'INFO'),
        ('karbor.plan_update.start', 'INFO'),
        ('karbor.plan_update.end', 'INFO'),
        ('karbor.plan_delete.start', 'INFO'),
        ('karbor.plan_delete.end', 'INFO'),
    ]
    assert sent[1][1]['payload']['id'] == plan['id']
    assert sent[0][1]['publisher_id'].startswith('karbor-api.')


def test_failed_create_sends_error(api, sent):
    helpers.request(api, 'PUT', BASE + '/quotas/' + PROJECT,
                    body={'quota': {'plans': 0}})
    response = helpers.request(api, 'POST', BASE + '/plans',
                               body=test_plans.plan_body())
    assert response.status_int == 413
    assert events(sent) == [('karbor.plan_create.start', 'INFO'),
                            ('karbor.plan_create.error', 'ERROR')]
    assert 'Quota exceeded' in sent[1][1]['payload']['error']


@pytest.mark.parametrize('drivers, enabled', [([], False), (['test'], True)])
def test_notifier_only_with_a_driver(api, drivers, enabled):
    """Without a driver (the default) nothing is built or sent: the
    notifier oslo.messaging makes then counts itself as enabled."""
    from oslo_config import cfg
    conf = cfg.CONF
    conf.set_override('driver', drivers, 'oslo_messaging_notifications')
    try:
        assert (notifications._notifier(notifications.API) is not None) \
            is enabled
    finally:
        conf.clear_override('driver', 'oslo_messaging_notifications')
