"""The pinned Keystone and Cinder virtualenvs of the real Cinder tier.

They live outside the source tree under ``$KARBOR_TEST_CACHE`` (default
``~/.cache/karbor-tests``), are installed once from
``tools/real-cinder-constraints.txt`` and reused while that file is
unchanged. A bootstrapped Keystone (database and keys) is cached next to
them, because ``keystone-manage`` costs about 3 s per call.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import uuid

from karbor.tests.functional.banks import swift_aio

REGION = 'RegionOne'
CONSTRAINTS = os.path.join(swift_aio.REPO_ROOT, 'tools',
                           'real-cinder-constraints.txt')
VENVS = {
    'keystone': ('keystone', 'gunicorn'),
    'cinder': ('cinder', 'gunicorn', 'fixtures', 'PyMySQL'),
}


def cache_dir():
    return os.environ.get('KARBOR_TEST_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'),
        'karbor-tests')


def venv_path(name):
    return os.path.join(cache_dir(), '%s-venv' % name)


def _stamp():
    with open(CONSTRAINTS, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def ensure_venvs():
    """Install the Keystone and Cinder virtualenvs unless up to date.

    The two installs run in parallel (they mostly wait for downloads).
    """
    from concurrent import futures
    with futures.ThreadPoolExecutor(len(VENVS)) as pool:
        for done in [pool.submit(_ensure_venv, name, packages)
                     for name, packages in VENVS.items()]:
            done.result()


def _ensure_venv(name, packages):
    stamp = os.path.join(venv_path(name), '.karbor-realcinder-%s' % _stamp())
    if os.path.exists(stamp):
        return
    os.makedirs(cache_dir(), exist_ok=True)
    with open(venv_path(name) + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(stamp):
            _install(venv_path(name), packages)
            open(stamp, 'w').close()


def _install(path, packages):
    shutil.rmtree(path, ignore_errors=True)
    pip = os.path.join(path, 'bin', 'pip')
    for step in ([sys.executable, '-m', 'venv', path],
                 [pip, 'install', '-q', '-c', CONSTRAINTS] + list(packages)):
        run(step)


def run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise RuntimeError('%s failed:\n%s' % (' '.join(cmd),
                                               result.stderr[-3000:]))
    return result.stdout


def write_keystone_conf(work, log_file):
    conf = os.path.join(work, 'keystone.conf')
    with open(conf, 'w') as f:
        f.write(textwrap.dedent('''\
            [DEFAULT]
            log_file = {log}
            [database]
            connection = sqlite:///{w}/keystone.db
            [token]
            provider = fernet
            [fernet_tokens]
            key_repository = {w}/fernet-keys
            [fernet_receipts]
            key_repository = {w}/fernet-keys
            [credential]
            key_repository = {w}/credential-keys
            [identity]
            password_hash_rounds = 4
            ''').format(w=work, log=log_file))
    return conf


def keystone_template():
    """A bootstrapped Keystone (database, keys, admin password), made once
    per pinned version set and copied by every start: keystone-manage
    costs about 3 s per call. Its identity endpoint is fixed up later."""
    path = os.path.join(cache_dir(), 'keystone-template-%s' % _stamp())
    ready = os.path.join(path, '.ready')
    if os.path.exists(ready):
        return path
    with open(path + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(ready):
            return path
        shutil.rmtree(path, ignore_errors=True)
        for sub in ('fernet-keys', 'credential-keys'):
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        manage = [os.path.join(venv_path('keystone'), 'bin',
                               'keystone-manage'), '--config-file',
                  write_keystone_conf(path, os.path.join(path, 'manage.log'))]
        password = uuid.uuid4().hex
        user = current_user()
        url = 'http://127.0.0.1:9/v3/'
        for args in (['db_sync'],
                     ['fernet_setup', '--keystone-user', user,
                      '--keystone-group', user],
                     ['credential_setup', '--keystone-user', user,
                      '--keystone-group', user],
                     ['bootstrap', '--bootstrap-region-id', REGION,
                      '--bootstrap-admin-url', url,
                      '--bootstrap-public-url', url,
                      '--bootstrap-internal-url', url]):
            run(manage + args,
                 env=dict(os.environ, OS_BOOTSTRAP_PASSWORD=password))
        fd = os.open(os.path.join(path, 'admin-password'),
                     os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, 'w') as f:
            f.write(password)
        for name in ('keystone.conf', 'manage.log'):
            if os.path.exists(os.path.join(path, name)):
                os.remove(os.path.join(path, name))
        open(ready, 'w').close()
    return path


def current_user():
    import pwd
    return pwd.getpwuid(os.getuid()).pw_name
