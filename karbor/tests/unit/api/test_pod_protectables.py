"""The pod protectable through the API when Kubernetes cannot be reached
or is not configured: 503 in Karbor's fault format naming the type."""

from urllib import parse

from oslo_config import cfg
import pytest

from karbor.tests.dbfixtures import db_backend  # noqa: F401
from karbor.tests.unit.api import helpers
from karbor.tests.unit.api.flow_helpers import BASE
from karbor.tests.unit.api.flow_helpers import MEMBER

POD = 'OS::Kubernetes::Pod'
POD_ID = '8b6f3a3e-8a4d-5c4b-9d0e-3b6a1f2c4d5e'
PATHS = ('/protectables/%s/instances' % POD,
         '/protectables/%s/instances/%s' % (POD, POD_ID),
         '/protectables/%s/instances/%s?parameters=%s' % (
             POD, POD_ID, parse.quote("{'name': 'demo:web'}")))


@pytest.mark.parametrize('host, reason', [
    ('http://127.0.0.1:1/k8s', 'Connection refused'),
    (None, 'k8s_host is not configured')])
def test_kubernetes_out_of_reach_answers_503(api, host, reason):
    cfg.CONF.set_override('k8s_host', host, group='k8s_client')
    for path in PATHS:
        response = helpers.request(api, 'GET', BASE + path, token=MEMBER)
        helpers.assert_fault(response, 503, 'serviceUnavailable', POD)
        assert reason in response.json['serviceUnavailable']['message']


def test_the_project_lists_pods_as_dependent_type(api):
    response = helpers.request(api, 'GET', BASE + '/protectables/'
                               'OS::Keystone::Project', token=MEMBER)
    assert POD in response.json['protectable_type']['dependent_types']
    response = helpers.request(api, 'GET', BASE + '/protectables/' + POD,
                               token=MEMBER)
    assert response.json['protectable_type']['dependent_types'] == [
        'OS::Cinder::Volume']
