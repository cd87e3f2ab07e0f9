"""A protection plugin for benchmarks: all four hooks, a small bank write in
each.

Registered by ``benchmarks/real_flow.py`` only (a temporary distribution
on the services' ``PYTHONPATH`` names it in ``karbor.protections`` as
``karbor-bench-hooks-plugin``), never by Karbor's own entry points. Every
hook of every operation writes one small object into the resource's bank
section, so a plan runs a real flow with four tasks per resource. With
``KARBOR_BENCH_HOOK_SLEEP`` (seconds) in the environment each hook also
sleeps that long, to keep checkpoints running (``progress.py``).
"""

import os
import time

from karbor.common import constants
from karbor.services.protection import protection_plugin


HOOK_SLEEP = float(os.environ.get('KARBOR_BENCH_HOOK_SLEEP') or 0)


def _write(checkpoint, resource, hook):
    if HOOK_SLEEP:
        time.sleep(HOOK_SLEEP)
    section = checkpoint.get_resource_bank_section(resource.id)
    section.update_object(hook, {'resource': resource.id, 'hook': hook})


class BenchHooksOperation(protection_plugin.Operation):
    """Each hook writes ``<hook>`` into the resource's bank section."""

    def on_prepare_begin(self, checkpoint, resource, context, parameters,
                         **kwargs):
        _write(checkpoint, resource, 'on_prepare_begin')

    def on_prepare_finish(self, checkpoint, resource, context, parameters,
                          **kwargs):
        _write(checkpoint, resource, 'on_prepare_finish')

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        _write(checkpoint, resource, 'on_main')

    def on_complete(self, checkpoint, resource, context, parameters,
                    **kwargs):
        _write(checkpoint, resource, 'on_complete')


class BenchHooksProtectionPlugin(protection_plugin.ProtectionPlugin):
    """Every resource type; protect runs the four writing hooks."""

    def get_protect_operation(self, resource):
        return BenchHooksOperation()

    def get_restore_operation(self, resource):
        return protection_plugin.Operation()

    def get_verify_operation(self, resource):
        return protection_plugin.Operation()

    def get_copy_operation(self, resource):
        return protection_plugin.Operation()

    def get_delete_operation(self, resource):
        return protection_plugin.Operation()

    @classmethod
    def get_supported_resources_types(cls):
        return constants.RESOURCE_TYPES
