"""The cheroot server, and the real karbor CLI against it."""

import http.client
import os
import subprocess
import sys

import pytest

from karbor.api import server as api_server
from karbor.tests.unit.api import conftest
from karbor.tests.unit.api.helpers import PROJECT

KARBOR_CLI = os.path.join(os.path.dirname(sys.executable), 'karbor')


@pytest.fixture
def running(api):
    server = api_server.APIServer(app=api, host='127.0.0.1', port=0)
    server.start()
    yield server
    server.stop()


def test_serves_over_http_and_stops(running):
    conn = http.client.HTTPConnection('127.0.0.1', running.port, timeout=10)
    conn.request('GET', '/')
    response = conn.getresponse()
    assert response.status == 300
    assert response.getheader('Content-Type').startswith(
        'application/json')
    assert b'"v1.0"' in response.read()
    conn.request('GET', '/v1/%s/plans/x' % PROJECT,
                 headers={'X-Auth-Token': 'admin:' + PROJECT})
    response = conn.getresponse()
    assert response.status == 400
    assert b'badRequest' in response.read()
    conn.close()
    port = running.port
    running.stop()
    with pytest.raises(OSError):
        http.client.HTTPConnection('127.0.0.1', port, timeout=2).request(
            'GET', '/')


def karbor(server, *args):
    env = {'PATH': os.environ.get('PATH', ''), 'HOME': os.environ['HOME'],
           'OS_NO_CLIENT_AUTH': '1',
           'KARBOR_URL': '%s/v1/%s' % (server.url, PROJECT),
           'OS_AUTH_TOKEN': 'admin:' + PROJECT}
    return subprocess.run([KARBOR_CLI] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not os.path.exists(KARBOR_CLI),
                    reason='python-karborclient is not installed')
def test_karbor_cli_plan_round_trip(running):
    result = karbor(running, 'provider-list')
    assert result.returncode == 0, result.stderr
    assert 'No-Op Provider' in result.stdout
    result = karbor(running, 'plan-create', 'cli plan',
                    conftest.NOOP_PROVIDER_ID,
                    '%s=OS::Keystone::Project=proj' % PROJECT)
    assert result.returncode == 0, result.stderr
    assert '| status      | suspended' in result.stdout
    plan_id = [line.split('|')[2].strip()
               for line in result.stdout.splitlines()
               if line.startswith('| id ')][0]
    result = karbor(running, 'plan-delete', plan_id)
    assert result.returncode == 0, result.stderr
    result = karbor(running, 'plan-show', plan_id)
    assert result.returncode == 1
    assert 'Plan %s could not be found. (HTTP 404)' % plan_id in \
        result.stderr


@pytest.mark.skipif(not os.path.exists(KARBOR_CLI),
                    reason='python-karborclient is not installed')
def test_karbor_cli_read_commands(running):
    checks = [
        (['protectable-list'], 'OS::Keystone::Project'),
        (['protectable-show', 'OS::Keystone::Project'], 'dependent_types'),
        (['protectable-list-instances', 'OS::Keystone::Project'], PROJECT),
        (['protectable-show-instance', 'OS::Keystone::Project', PROJECT,
          '--parameters', 'region_name=RegionOne'], 'dependent_resources'),
        (['provider-show', conftest.NOOP_PROVIDER_ID], 'options_schema'),
        (['plan-list'], 'Provider id'),
        (['quota-show', '--tenant', PROJECT, '--detail'], 'in_use'),
        (['quota-update', PROJECT, '--plans', '20'], '20'),
        (['quota-defaults', '--tenant', PROJECT], 'plans'),
        (['quota-class-update', 'default', '--plans', '30'], '30'),
        (['quota-class-show', 'default'], 'checkpoints'),
        (['service-list'], 'Binary'),
    ]
    for args, expected in checks:
        result = karbor(running, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert expected in result.stdout, (args, result.stdout)
