"""Protectable instance ids through the API, against the sandbox's Cinder:
an id that is not one never reaches the client (400); a well-formed id
that names nothing is 404; a real one is shown."""

import pytest

from karbor.tests.functional.plugins import helpers as plugin_helpers
from karbor.tests.unit.api.conftest import api  # noqa: F401
from karbor.tests.unit.api.conftest import parsed_config  # noqa: F401
from karbor.tests.unit.api.conftest import protection  # noqa: F401
from karbor.tests.unit.api.conftest import protection_server  # noqa: F401
from karbor.tests.unit.api import helpers

VOLUMES = 'protectables/OS::Cinder::Volume/instances'


@pytest.fixture
def base(cloud):
    return '/v1/%s/' % cloud.project_id


def _get(api, base, cloud, path):  # noqa: F811
    return helpers.request(api, 'GET', base + path,
                           token='demo:' + cloud.project_id)


def _volume_count(cinder):
    return len(cinder.volumes.list())


def test_instance_ids(api, base, cloud, cinder):  # noqa: F811
    volume = plugin_helpers.new_volume(cinder, 'shown')
    before = _volume_count(cinder)
    response = _get(api, base, cloud, VOLUMES + '/' + volume.id)
    assert response.status_int == 200, response.body
    assert response.json['instance']['name'] == volume.name
    for bad in ('..', '.', 'not-a-uuid', volume.id + '0'):
        response = _get(api, base, cloud, VOLUMES + '/' + bad)
        helpers.assert_fault(response, 400, 'badRequest',
                             'Invalid protectable instance id')
    response = _get(api, base, cloud,
                    VOLUMES + '/f0f0f0f0-0000-4000-8000-000000000000')
    helpers.assert_fault(response, 404, 'itemNotFound')
    listed = _get(api, base, cloud, VOLUMES)
    assert volume.id in {i['id'] for i in listed.json['instances']}
    assert _volume_count(cinder) == before
