"""karbor-api and the WSGI entry point, run as real processes."""

import http.client
import os
import re
import subprocess
import sys
import textwrap

import pytest

PYTHON = sys.executable


def write_config(tmp_path, port=0):
    path = tmp_path / 'karbor.conf'
    path.write_text(textwrap.dedent("""\
        [DEFAULT]
        state_path = {tmp}
        transport_url = fake://
        auth_strategy = noauth
        osapi_karbor_listen = 127.0.0.1
        osapi_karbor_listen_port = {port}
        osapi_karbor_workers = 4

        [database]
        connection = sqlite:///{tmp}/karbor.sqlite
        """).format(tmp=tmp_path, port=port))
    return str(path)


def test_wsgi_entry_point_builds_the_application(tmp_path):
    script = textwrap.dedent("""\
        import webob
        from karbor.wsgi import api
        app = api.initialize_application()
        response = webob.Request.blank('/').get_response(app)
        print(response.status_int, response.json['versions'][0]['id'])
        """)
    env = dict(os.environ, KARBOR_CONFIG_FILES=write_config(tmp_path))
    result = subprocess.run([PYTHON, '-c', script], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '300 v1.0'


def test_karbor_api_serves_until_sigterm(tmp_path):
    process = subprocess.Popen(
        [PYTHON, '-c', 'from karbor.cmd import api; api.main()',
         '--config-file', write_config(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in process.stdout:
            found = re.search(r'listening on 127\.0\.0\.1:(\d+)', line)
            if found:
                port = int(found.group(1))
                break
        assert port, 'karbor-api did not start'
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
        conn.request('GET', '/v1/p/plans/x', headers={'X-Auth-Token': 'u:p'})
        response = conn.getresponse()
        assert response.status == 400
        assert b'Invalid plan id provided.' in response.read()
        conn.close()
        process.terminate()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()


@pytest.mark.parametrize('module', ['karbor.api.opts'])
def test_options_are_listed_with_help(module):
    from oslo_utils import importutils
    listed = importutils.import_module(module).list_opts()
    names = {opt.name for _group, opts in listed for opt in opts}
    assert {'osapi_max_limit', 'osapi_karbor_base_URL',
            'query_plan_filters', 'query_provider_filters',
            'query_checkpoint_filters', 'query_restore_filters',
            'query_instance_filters', 'query_operation_log_filters',
            'query_verification_filters', 'osapi_karbor_listen',
            'osapi_karbor_listen_port', 'osapi_karbor_workers',
            'tcp_keepalive'} <= names
    for _group, opts in importutils.import_module(module).list_opts():
        for opt in opts:
            assert opt.help, opt.name
