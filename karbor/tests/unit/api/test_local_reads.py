"""Provider definitions and checkpoint lists read in the API process.

The API answers them without the protection service (``[api]
local_reads``); a provider file edited on disk shows within
``provider_config_check_interval`` seconds, in the API and in the
protection service alike.
"""

import time

from oslo_config import cfg
import pytest

from karbor.api import app as api_app
from karbor.api import local_reads
from karbor import rpc
from karbor.tests.unit.api import conftest
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.helpers import PROJECT

CONF = cfg.CONF
BASE = '/v1/' + PROJECT
PROVIDER = BASE + '/providers/' + conftest.NOOP_PROVIDER_ID


def _provider_file():
    return '%s/noop.conf' % CONF.provider_config_dir


def _description(app):
    response = helpers.request(app, 'GET', PROVIDER)
    assert response.status_int == 200
    return response.json['provider']['description']


def _rewrite(old, new):
    path = _provider_file()
    with open(path) as conf_file:
        text = conf_file.read()
    with open(path, 'w') as conf_file:
        conf_file.write(text.replace(old, new))


@pytest.fixture
def edited_later(protection):
    """Gives the provider file back its description after the test."""
    yield
    _rewrite('description = Edited', 'description = Does nothing')


def test_provider_edit_shows_after_the_next_look(api, protection,
                                                 edited_later):
    CONF.set_override('provider_config_check_interval', 0.5)
    assert _description(api) == 'Does nothing'
    _rewrite('description = Does nothing', 'description = Edited')
    # Within the interval the directory is not looked at again.
    assert _description(api) == 'Does nothing'
    time.sleep(0.6)
    assert _description(api) == 'Edited'
    listed = helpers.request(api, 'GET', BASE + '/providers').json
    assert listed['providers'][0]['description'] == 'Edited'
    # The protection service reads the same files the same way.
    registry = protection.provider_registry
    assert registry.show_provider(
        conftest.NOOP_PROVIDER_ID).description == 'Edited'


def test_removed_provider_file_reads_as_not_found(api, edited_later):
    CONF.set_override('provider_config_check_interval', 0)
    _rewrite('enabled = True', 'enabled = False')
    try:
        response = helpers.request(api, 'GET', PROVIDER)
        assert response.status_int == 404
        assert helpers.request(api, 'GET', BASE + '/providers').json == {
            'providers': []}
        listing = helpers.request(api, 'GET', PROVIDER + '/checkpoints')
        assert listing.status_int == 404
    finally:
        _rewrite('enabled = False', 'enabled = True')
    assert _description(api) == 'Does nothing'


@pytest.fixture
def no_protection_service(sqlite_db, protection):  # noqa: F811
    """The API with RPC calls going to a topic nobody serves."""
    CONF.set_override('protection_topic', 'nobody-listens-here')
    CONF.set_override('rpc_response_timeout', 1)
    rpc.cleanup()
    rpc.init(CONF)
    yield api_app.setup_app(auth_strategy='noauth')
    rpc.cleanup()
    rpc.init(CONF)


def test_reads_are_answered_without_the_protection_service(
        no_protection_service):
    app = no_protection_service
    assert _description(app) == 'Does nothing'
    response = helpers.request(app, 'GET', BASE + '/providers')
    assert [p['id'] for p in response.json['providers']] == [
        conftest.NOOP_PROVIDER_ID]
    response = helpers.request(app, 'GET', PROVIDER + '/checkpoints')
    assert response.status_int == 200
    assert response.json['checkpoints'] == []
    unknown = BASE + '/providers/%s/checkpoints' % (
        '00000000-0000-4000-8000-000000000000')
    assert helpers.request(app, 'GET', unknown).status_int == 404
    # What the API cannot answer itself still needs the service.
    assert helpers.request(app, 'GET', BASE + '/protectables').status_int \
        == 503


def test_local_reads_off_asks_the_protection_service(no_protection_service):
    CONF.set_override('local_reads', False, group='api')
    app = api_app.setup_app(auth_strategy='noauth')
    assert helpers.request(app, 'GET', PROVIDER).status_int == 503
    assert local_reads.CONF.api.local_reads is False
