"""Fixtures of the API tests.

``api`` is the full noauth pipeline in front of a real SQLite database and
a real protection manager reached over oslo.messaging's in-process
``fake://`` transport.
"""

import textwrap
import uuid

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts
import pytest

from karbor.api import app as api_app
from karbor import policy
from karbor import rpc
from karbor.tests.dbfixtures import sqlite_db  # noqa: F401

CONF = cfg.CONF
NOOP_PROVIDER_ID = 'b766f37c-d011-4026-8228-28730d734a3f'
# Served too when the test module sets ``RECORDER_PROVIDER = True``.
RECORDER_PROVIDER_ID = '3f1c4b2a-8d5e-4f60-9a7b-0c1d2e3f4a5b'
# Served too when the test module sets ``IMAGE_PROVIDER = True``: a provider
# with the Glance image plugin alone.
IMAGE_PROVIDER_ID = '7d0a9c1e-2b3f-4e5a-8c6d-9e0f1a2b3c4d'


def parse_empty_config():
    """Parse an empty command line (oslo.policy needs a parsed CONF to
    look for its absent policy file, so the default rules apply).

    Components may have registered options that are required (keystoneauth
    plugin options, for one); give them placeholders so that parsing works.
    """
    for _attempt in range(20):
        try:
            CONF([], project='karbor', default_config_files=[])
            return
        except cfg.RequiredOptError as error:
            group = getattr(error.group, 'name', error.group)
            CONF.set_default(error.opt_name.replace('-', '_'),
                             'unused-in-api-tests', group=group)
    raise AssertionError('Could not parse an empty configuration')


@pytest.fixture(autouse=True)
def parsed_config():
    parse_empty_config()
    policy.reset()
    yield CONF
    policy.reset()


@pytest.fixture
def noauth_app():
    """The full pipeline with ``auth_strategy = noauth``."""
    return api_app.setup_app(auth_strategy='noauth')


def _write_providers(directory, bank_dir):
    directory.mkdir()
    (directory / 'noop.conf').write_text(textwrap.dedent("""\
        [provider]
        name = No-Op Provider
        description = Does nothing
        id = %s
        plugin = karbor-noop-protection-plugin
        bank = karbor-fs-bank-plugin
        enabled = True

        [file_system_bank_plugin]
        file_system_bank_path = %s
        """ % (NOOP_PROVIDER_ID, bank_dir)))
    return directory


def _write_provider(directory, name, provider_id, plugin, bank_dir):
    (directory / (provider_id + '.conf')).write_text(textwrap.dedent("""\
        [provider]
        name = %s
        description = A test provider
        id = %s
        plugin = %s
        bank = karbor-fs-bank-plugin
        enabled = True

        [file_system_bank_plugin]
        file_system_bank_path = %s
        """ % (name, provider_id, plugin, bank_dir)))


def _apply(settings):
    for name, value in settings.items():
        group, _sep, name = name.rpartition('.')
        CONF.set_override(name, value, group=group or None)


@pytest.fixture(scope='module')
def protection_server(request, tmp_path_factory):
    """A protection manager served on a unique topic of ``fake://``, once
    per test module (stopping an RPC server takes a second).

    A test module may set ``NOTIFICATION_DRIVERS`` (e.g. ``['test']``),
    and ``EXTRA_PROVIDERS`` (file name -> provider file text, where
    ``{bank}`` is a fresh directory for its bank).
    """
    from karbor import objects
    from karbor.services.protection import manager
    objects.register_all()
    for group, opts in messaging_opts.list_opts():
        if group in (None, 'oslo_messaging_notifications'):
            CONF.register_opts(opts, group=group)
    tmp = tmp_path_factory.mktemp('protection')
    providers_dir = _write_providers(tmp / 'providers.d', tmp / 'bank')
    if getattr(request.module, 'RECORDER_PROVIDER', False):
        _write_provider(providers_dir, 'Hook Recorder', RECORDER_PROVIDER_ID,
                        'karbor-hook-recorder-plugin', tmp / 'recorder-bank')
    if getattr(request.module, 'IMAGE_PROVIDER', False):
        _write_provider(providers_dir, 'Images', IMAGE_PROVIDER_ID,
                        'karbor-image-protection-plugin', tmp / 'image-bank')
    for name, text in getattr(request.module, 'EXTRA_PROVIDERS',
                              {}).items():
        (providers_dir / (name + '.conf')).write_text(
            text.format(bank=tmp / (name + '-bank')))
    settings = {
        'transport_url': 'inproc://',
        'protection_topic': 'karbor-protection-%s' % uuid.uuid4().hex,
        'state_path': str(tmp),
        'provider_config_dir': str(providers_dir),
        'oslo_messaging_notifications.driver': getattr(
            request.module, 'NOTIFICATION_DRIVERS', []),
    }
    _apply(settings)
    rpc.cleanup()
    rpc.init(CONF)
    endpoint = manager.ProtectionManager(host='test-host')
    server = rpc.get_server(
        messaging.Target(topic=settings['protection_topic'], server='test'),
        [endpoint])
    server.start()
    yield endpoint, settings
    server.stop()
    server.wait()
    rpc.cleanup()


@pytest.fixture
def protection(protection_server, parsed_config):
    """The module's protection manager, with its settings re-applied."""
    endpoint, settings = protection_server
    _apply(settings)
    return endpoint


@pytest.fixture
def api(sqlite_db, protection):  # noqa: F811
    """The noauth API with its database and protection service."""
    return api_app.setup_app(auth_strategy='noauth')


@pytest.fixture
def engine(api):
    """An operation engine answering on a unique topic."""
    from karbor import context
    from karbor import objects
    from karbor.services.operationengine import manager
    ctxt = context.get_admin_context()
    service = objects.Service(context=ctxt, host='engine-host',
                              binary='karbor-operationengine',
                              topic='karbor-operationengine',
                              report_count=0, disabled=False)
    service.create()
    topic = 'karbor-operationengine-%s' % uuid.uuid4().hex
    CONF.set_override('operationengine_topic', topic)
    CONF.set_override('auth_strategy', 'noauth')
    endpoint = manager.OperationEngineManager(host='engine-host')
    endpoint.init_host(service_id=service.id)
    server = rpc.get_server(messaging.Target(topic=topic, server='engine'),
                            [endpoint])
    server.start()
    yield endpoint
    server.stop()
    server.wait()
    endpoint.cleanup_host()
