"""Plugins that only tests load, and how the tests register them.

The hook recorder (``hook_recorder_plugin``) can kill its process and
write files where a plan's parameters say, so it must never be a product
entry point. ``entry_points/`` holds the metadata of a distribution that is
not installed anywhere; :func:`register` puts it on ``sys.path`` and
``PYTHONPATH`` (for the services the tests start), where stevedore finds
``karbor-hook-recorder-plugin`` in ``karbor.protections``.
"""

import os
import sys

ENTRY_POINTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                'entry_points')


def register():
    """Make the test plugins loadable here and in child processes."""
    if ENTRY_POINTS_DIR not in sys.path:
        sys.path.append(ENTRY_POINTS_DIR)
    paths = os.environ.get('PYTHONPATH', '').split(os.pathsep)
    if ENTRY_POINTS_DIR not in paths:
        os.environ['PYTHONPATH'] = os.pathsep.join(
            [p for p in paths if p] + [ENTRY_POINTS_DIR])
