"""The quick-start setup as a test fixture: karbor-all with its sandbox.

``karbor-all`` runs as a subprocess on embedded defaults in a temporary
state directory; tests drive it with the real ``karbor``, ``cinder`` and
``openstack`` command-line clients, as a newcomer following the user
guide would.
"""

import os
import re
import subprocess
import sys
import time

from karbor.tests.functional import deployment

BIN = os.path.dirname(sys.executable)


class QuickStart(object):
    """``karbor-all`` (API, protection, engine, sandbox) in a subprocess."""

    def __init__(self, state_dir, sandbox_delay=0.05, extra_args=()):
        self.state_dir = str(state_dir)
        self.extra_args = list(extra_args)
        self.port = deployment.free_port()
        self.sandbox_port = deployment.free_port()
        self.sandbox_delay = sandbox_delay
        self.process = None
        self.project_id = None
        self.log_path = os.path.join(self.state_dir, 'karbor-all.log')

    def start(self, timeout=60):
        log = open(self.log_path, 'ab')
        self.process = subprocess.Popen(
            [os.path.join(BIN, 'karbor-all'), '--state-dir', self.state_dir,
             '--port', str(self.port), '--sandbox-port',
             str(self.sandbox_port), '--sandbox-delay',
             str(self.sandbox_delay)] + self.extra_args,
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r'demo project \(id ([0-9a-f]+)\)', self.log())
            if match:
                self.project_id = match.group(1)
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError('karbor-all did not start:\n' + self.log()[-4000:])

    def log(self):
        with open(self.log_path, errors='replace') as log:
            return log.read()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def env(self, user='demo', project='demo'):
        """The environment karbor-all tells users to set: karbor, cinder and
        openstack CLIs all log in to the sandbox's Keystone with it."""
        env = dict(os.environ)
        for name in ('OS_AUTH_TYPE', 'OS_AUTH_TOKEN', 'OS_NO_CLIENT_AUTH',
                     'KARBOR_URL'):
            env.pop(name, None)
        env.update({
            'OS_AUTH_URL': 'http://127.0.0.1:%d/identity/v3' %
                           self.sandbox_port,
            'OS_IDENTITY_API_VERSION': '3',
            'OS_USERNAME': user, 'OS_PASSWORD': 'password',
            'OS_PROJECT_NAME': project, 'OS_USER_DOMAIN_ID': 'default',
            'OS_PROJECT_DOMAIN_ID': 'default',
            'OS_REGION_NAME': 'RegionOne',
        })
        return env

    def run(self, command, *args, check=True, env=None):
        """Run ``karbor``, ``cinder`` or ``openstack`` (CompletedProcess)."""
        result = subprocess.run([os.path.join(BIN, command)] + list(args),
                                env=env or self.env(), capture_output=True,
                                text=True, timeout=120)
        if check and result.returncode != 0:
            raise AssertionError('%s %s failed (%d):\n%s%s' % (
                command, ' '.join(args), result.returncode, result.stdout,
                result.stderr))
        return result

    def karbor(self, *args, **kwargs):
        return self.run('karbor', *args, **kwargs)

    def cinder(self, *args, **kwargs):
        return self.run('cinder', *args, **kwargs)

    def show(self, *args):
        """A ``Property | Value`` table of the karbor CLI as a dict."""
        return deployment.property_table(self.karbor(*args).stdout)

    def wait_for(self, args, key, values, timeout=60):
        """Poll ``karbor <args>`` until property ``key`` is in values."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.show(*args)
            if shown.get(key) in values:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError('%s is %r after %ss' % (
                    key, shown.get(key), timeout))
            time.sleep(0.2)
