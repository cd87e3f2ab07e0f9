"""The share and database protectables through the API when Manila and
Trove cannot be reached: 503 in Karbor's fault format, never a 500."""

import pytest

from karbor.tests.dbfixtures import db_backend  # noqa: F401
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER

UNKNOWN = 'f0f0f0f0-0000-4000-8000-000000000000'
TYPES = ('OS::Manila::Share', 'OS::Trove::Instance')


def test_the_project_lists_them_as_dependent_types(api):
    response = helpers.request(api, 'GET', BASE + '/protectables/'
                               'OS::Keystone::Project', token=MEMBER)
    assert set(TYPES) <= set(
        response.json['protectable_type']['dependent_types'])


@pytest.mark.parametrize('resource_type', TYPES)
def test_unreachable_service_answers_503(api, resource_type):
    for path in ('/protectables/%s/instances' % resource_type,
                 '/protectables/%s/instances/%s' % (resource_type, UNKNOWN)):
        response = helpers.request(api, 'GET', BASE + path, token=MEMBER)
        helpers.assert_fault(response, 503, 'serviceUnavailable',
                             resource_type)
