"""Fixtures for the functional tests that run Karbor's real services.

``karbor_deployment(workdir, backend)`` runs ``karbor-api``,
``karbor-protection`` and ``karbor-operationengine`` as separate processes
over the machine's RabbitMQ, on a throw-away database of ``backend``, with
two providers on file-system banks: the No-Op provider and a provider of
the hook recorder plugin (whose per-resource parameters make hooks sleep,
fail or crash).
"""

import contextlib
import os
import socket
import textwrap
import urllib.parse

import pytest
import sqlalchemy as sa

from karbor.tests import dbfixtures
from karbor.tests.functional import deployment

RABBIT_URL = os.environ.get('KARBOR_TEST_RABBIT_URL',
                            'rabbit://guest:guest@127.0.0.1:5672/')
NOOP_PROVIDER = 'b766f37c-d011-4026-8228-28730d734a3f'
RECORDER_PROVIDER = '5e1c5a0e-7d55-4f8e-9e4b-2f6c1a3d9b70'
PROVIDERS = {
    'noop': (NOOP_PROVIDER, 'No-Op Provider',
             'karbor-noop-protection-plugin'),
    'recorder': (RECORDER_PROVIDER, 'Hook Recorder Provider',
                 'karbor-hook-recorder-plugin'),
}
# Quick heartbeats and periodic tasks, so that crash recovery is quick.
SERVICE_CONF = """
[DEFAULT]
periodic_interval = 1
service_down_time = 6
"""


def rabbit_available():
    parsed = urllib.parse.urlparse(RABBIT_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 5672),
                                      timeout=3):
            return True
    except OSError:
        return False


def bank_root(workdir, name):
    """Where the file-system bank of provider ``name`` keeps its objects."""
    return os.path.join(str(workdir), 'state', 'banks', name, 'karbor')


def write_providers(directory):
    """Write the providers.d of the deployment into ``directory``."""
    os.makedirs(directory, exist_ok=True)
    for name, (provider_id, title, plugin) in PROVIDERS.items():
        with open(os.path.join(directory, name + '.conf'), 'w') as conf:
            conf.write(textwrap.dedent("""\
                [provider]
                name = {title}
                id = {id}
                plugin = {plugin}
                bank = karbor-fs-bank-plugin
                enabled = True

                [file_system_bank_plugin]
                file_system_bank_path = banks/{name}
                """).format(title=title, id=provider_id, plugin=plugin,
                            name=name))
    return directory


@contextlib.contextmanager
def karbor_deployment(workdir, backend, extra_conf=''):
    """A started ``Deployment`` on ``backend``; stopped and dropped after."""
    if not rabbit_available():
        pytest.skip('RabbitMQ is not running')
    if not dbfixtures.available(backend):
        pytest.skip('%s is not running' % backend)
    workdir = str(workdir)
    providers = write_providers(os.path.join(workdir, 'providers.d'))
    with dbfixtures.database_url(backend) as url:
        karbor = deployment.Deployment(workdir, url, RABBIT_URL, providers,
                                       extra_conf=SERVICE_CONF + extra_conf)
        try:
            karbor.start()
            yield karbor
        finally:
            karbor.stop()


@contextlib.contextmanager
def karbor_with_engine(workdir, backend, extra_conf=''):
    """``karbor_deployment`` with ``engine``: an SQLAlchemy engine on its
    database, to read the persisted flow state."""
    with karbor_deployment(workdir, backend, extra_conf) as running:
        running.engine = sa.create_engine(running.database_url,
                                          poolclass=sa.pool.NullPool)
        try:
            yield running
        finally:
            running.engine.dispose()
