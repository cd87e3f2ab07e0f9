"""karbor-api with ``osapi_karbor_processes`` worker processes."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time

from karbor.tests.unit.api import test_entry_points


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _get(port):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        conn.request('GET', '/v1/p/plans/x', headers={'X-Auth-Token': 'u:p'})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _wait_workers(output, count, timeout=60):
    """Pids of the first ``count`` workers that say they listen."""
    pids = []
    deadline = time.monotonic() + timeout
    for line in output:
        found = re.search(r' (\d+) INFO karbor\.api\.server .*listening on',
                          line)
        if found:
            pids.append(int(found.group(1)))
            if len(pids) == count:
                return pids
        assert time.monotonic() < deadline, 'workers did not start'
    raise AssertionError('karbor-api exited')


def test_workers_share_the_port_restart_and_stop(tmp_path):
    port = _free_port()
    config = test_entry_points.write_config(tmp_path, port)
    with open(config, 'a') as conf_file:
        conf_file.write('\n[DEFAULT]\nosapi_karbor_processes = 2\n')
    parent = subprocess.Popen(
        [sys.executable, '-c', 'from karbor.cmd import api; api.main()',
         '--config-file', config],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        workers = _wait_workers(parent.stdout, 2)
        assert parent.pid not in workers
        for _ in range(10):
            assert _get(port)[0] == 400
        # A worker that dies is replaced; the port keeps answering.
        os.kill(workers[0], signal.SIGKILL)
        replacement = _wait_workers(parent.stdout, 1)
        assert replacement[0] not in workers
        assert _get(port)[0] == 400
        parent.terminate()
        assert parent.wait(timeout=30) == 0
        for pid in (workers[1], replacement[0]):
            assert not os.path.exists('/proc/%d/status' % pid) or \
                'zombie' in open('/proc/%d/status' % pid).read()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        parent.stdout.close()
