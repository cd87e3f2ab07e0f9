"""Fixtures shared by every Karbor test."""

from oslo_config import cfg
import pytest

from karbor.common import config  # noqa: F401  (registers core options)
from karbor.tests import plugins

plugins.register()

CONF = cfg.CONF


@pytest.fixture(autouse=True)
def _reset_config():
    """Undo the configuration overrides and defaults a test set."""
    yield
    CONF.reset()


@pytest.fixture
def flow_backend(tmp_path):
    """A fresh SQLite flow persistence backend."""
    from karbor.services.protection.flows import persistence
    yield persistence.get_backend('sqlite:///%s' % (tmp_path / 'flows.db'))
    persistence.close_backends()
