"""Fixtures of the protection service tests."""

import pytest

from karbor.tests.plugins import hook_recorder_plugin


@pytest.fixture
def hook_recorder():
    """The hook recorder plugin class, with an empty journal."""
    plugin_class = hook_recorder_plugin.HookRecorderProtectionPlugin
    plugin_class.reset()
    yield plugin_class
    plugin_class.reset()
