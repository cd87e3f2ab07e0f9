"""Fixtures of the protection service tests."""

import pytest

from karbor.services.protection.flows import persistence
from karbor.services.protection.protection_plugins import (
    hook_recorder_plugin)


@pytest.fixture
def flow_backend(tmp_path):
    """A fresh SQLite flow persistence backend."""
    yield persistence.get_backend('sqlite:///%s' % (tmp_path / 'flows.db'))
    persistence.close_backends()


@pytest.fixture
def hook_recorder():
    """The hook recorder plugin class, with an empty journal."""
    plugin_class = hook_recorder_plugin.HookRecorderProtectionPlugin
    plugin_class.reset()
    yield plugin_class
    plugin_class.reset()
