"""The user-facing CLIs (cinder, openstack) and karbor-sandbox itself."""

import os
import re
import subprocess
import sys

import pytest
import requests

from karbor_sandbox import seed

BIN = os.path.dirname(sys.executable)


def _cli(sandbox, *argv):
    env = dict(os.environ)
    env.update(line.split('=', 1) for line in
               sandbox.openrc().replace('export ', '').splitlines())
    out = subprocess.run([os.path.join(BIN, argv[0])] + list(argv[1:]),
                         env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_cinder_cli_create_list_backup_list(sandbox, cinder):
    created = _cli(sandbox, 'cinder', 'create', '1', '--name', 'volume1')
    vol_id = re.search(r'\| id\s+\| (\S+)', created).group(1)
    listing = _cli(sandbox, 'cinder', 'list')
    assert re.search(r'%s \| available \| volume1 \| 1 ' % vol_id, listing)
    _cli(sandbox, 'cinder', 'backup-create', '--name', 'bk1', vol_id)
    backups = _cli(sandbox, 'cinder', 'backup-list')
    assert re.search(r'\| %s \| available \| bk1\s+\|' % vol_id, backups)
    assert [b.name for b in cinder.backups.list()] == ['bk1']


def test_openstack_volume_list(sandbox, cinder):
    vol = cinder.volumes.create(1, name='osc-vol')
    out = _cli(sandbox, 'openstack', 'volume', 'list', '-f', 'value',
               '-c', 'ID', '-c', 'Name', '-c', 'Status')
    assert out.split() == [vol.id, 'osc-vol', 'available']


def test_karbor_sandbox_command_serves(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, '-m', 'karbor_sandbox.cmd', '--state-dir',
         str(tmp_path), '--port', '0', '--delay', '0', '--endpoint',
         'data-protect=http://127.0.0.1:8799/v1/$(project_id)s'],
        stdout=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        url = re.search(r'(http://\S+)', first).group(1)
        lines = [proc.stdout.readline() for _ in range(14)]
        assert any('OS_AUTH_URL=%s/identity/v3' % url in ln for ln in lines)
        assert requests.get(url + '/sandbox/health', timeout=5).json() == {
            'status': 'ok'}
        token = requests.post(url + '/identity/v3/auth/tokens', json={
            'auth': {'identity': {'methods': ['password'], 'password': {
                'user': {'name': 'demo', 'domain': {'id': 'default'},
                         'password': 'password'}}}}}, timeout=5).json()
        types = {e['type'] for e in token['token']['catalog']}
        assert 'data-protect' in types
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
    assert (tmp_path / 'sandbox.db').exists()


@pytest.mark.timeout(120)
def test_seed_fills_demo_project_idempotently(sandbox, cinder, swift, k8s):
    logged = []
    seed.run(seed.Target(sandbox.base_url), log=logged.append)
    seed.run(seed.Target(sandbox.base_url), log=logged.append)
    names = sorted(v.name for v in cinder.volumes.list())
    assert names == ['demo-pod-volume', 'demo-volume-1', 'demo-volume-2']
    pod_volume = cinder.volumes.list(
        search_opts={'name': 'demo-pod-volume'})[0]
    assert pod_volume.status == 'in-use'
    assert swift.get_object('demo-container', 'hello.txt')[1].startswith(
        b'Hello')
    pod = k8s.read_namespaced_pod('demo-pod', 'demo')
    assert pod.status.phase == 'Running'
    assert 'seed: volumes' in logged
