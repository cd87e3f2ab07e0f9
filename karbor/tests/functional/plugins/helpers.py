"""Helpers of the plugin tests: volumes, providers, running hooks."""

import io
import time
import uuid

import pytest

from karbor import objects
from karbor.resource import Resource
from karbor.services.protection import protection_plugin
from karbor.services.protection import provider as provider_mod
from karbor.services.protection import restore_plan
from karbor.tests.sandbox.conftest import wait_status

CINDER_VERSION = '3.60'
VOLUME = 'OS::Cinder::Volume'


def new_volume(cinder, name='vol', size=1):
    volume = cinder.volumes.create(size, name='%s-%s' % (name,
                                                         uuid.uuid4().hex[:6]))
    return wait_status(lambda: cinder.volumes.get(volume.id), 'available')


PROVIDER_TEMPLATE = """\
[provider]
name = {name}
id = {id}
plugin = {plugin}
bank = karbor-fs-bank-plugin
enabled = True

[file_system_bank_plugin]
file_system_bank_path = {bank}

[{group}]
poll_interval = 0.01
{extra}
"""


def make_provider(tmp_path, plugin, group, extra=''):
    """A provider with ``plugin`` on a file-system bank in tmp_path."""
    path = tmp_path / 'provider.conf'
    path.write_text(PROVIDER_TEMPLATE.format(
        name='test %s' % plugin, id=str(uuid.uuid4()), plugin=plugin,
        bank=tmp_path / 'bank', group=group, extra=extra))
    return provider_mod.load_provider_file(str(path))


@pytest.fixture
def provider(request, tmp_path, cloud):
    """A file-bank provider with the test module's ``PLUGIN``."""
    plugin_class = provider_mod.load_plugin_class(request.module.PLUGIN)
    return make_provider(tmp_path, request.module.PLUGIN, plugin_class.group)


@pytest.fixture
def plugin(request, provider):
    """The provider's plugin of OS::Cinder::Volume."""
    plugin = provider.load_plugins()[VOLUME]
    assert isinstance(plugin, provider_mod.load_plugin_class(
        request.module.PLUGIN))
    return plugin


def volume_resource(volume):
    return Resource(VOLUME, volume.id, volume.name)


def run_hooks(operation, checkpoint, resource, context, parameters=None,
              **kwargs):
    """Call the hooks in flow order; on failure revert, like the flows."""
    parameters = parameters or {}
    try:
        for hook in protection_plugin.HOOKS:
            getattr(operation, hook)(checkpoint, resource, context,
                                     parameters, **kwargs)
    except Exception:
        operation.on_revert(checkpoint, resource, context, parameters,
                            **kwargs)
        raise


def wait_until(predicate, timeout=10):
    """Poll ``predicate()`` until it is true."""
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, 'timed out'
        time.sleep(0.02)


def wait_pod_running(k8s, name, namespace='default'):
    wait_until(lambda: k8s.read_namespaced_pod(
        name, namespace).status.phase == 'Running')


def new_checkpoint(provider, context, resources):
    """A checkpoint of a one-off plan of ``resources`` in the bank."""
    plan = {'id': str(uuid.uuid4()), 'name': 'plan',
            'provider_id': provider.id, 'project_id': context.project_id,
            'resources': [r.to_dict() for r in resources]}
    return provider.checkpoint_collection.create(plan, context=context)


def new_record(cls, context, checkpoint):
    """A real Restore / Verification row for ``checkpoint``."""
    record = cls(context=context, project_id=context.project_id,
                 provider_id=checkpoint.provider_id,
                 checkpoint_id=checkpoint.id, parameters={},
                 status='in_progress')
    record.create()
    return record


def bank_state(checkpoint, resource):
    """``(status, metadata)`` of a resource's bank section."""
    section = checkpoint.get_resource_bank_section(resource.id)
    found = set(section.list_objects())
    return (section.get_object('status') if 'status' in found else None,
            section.get_object('metadata') if 'metadata' in found else None)


def new_image(glance, name='img', **kwargs):
    """An active Glance image."""
    image = glance.images.create(name='%s-%s' % (name, uuid.uuid4().hex[:6]),
                                 disk_format='raw', container_format='bare',
                                 **kwargs)
    glance.images.upload(image.id, io.BytesIO(b'\0' * 1024))
    return wait_status(lambda: glance.images.get(image.id), 'active')


def new_server(nova, image_id=None, name='vm', **kwargs):
    """A server, waited out of BUILD."""
    flavor = nova.flavors.find(name='m1.tiny')
    server = nova.servers.create('%s-%s' % (name, uuid.uuid4().hex[:6]),
                                 image_id, flavor.id, **kwargs)
    wait_until(lambda: nova.servers.get(server.id).status != 'BUILD')
    return nova.servers.get(server.id)


def operation_log(ctx, checkpoint, operation_type, **kwargs):
    """A new in-progress operation log of ``checkpoint``."""
    log = objects.OperationLog(context=ctx, project_id=ctx.project_id,
                               operation_type=operation_type,
                               checkpoint_id=checkpoint.id,
                               status='in_progress', **kwargs)
    log.create()
    return log


def protect(plugin, provider, context, resource, parameters=None):
    """Protect ``resource`` with ``plugin`` in a new checkpoint."""
    checkpoint = new_checkpoint(provider, context, [resource])
    run_hooks(plugin.get_protect_operation(resource), checkpoint, resource,
              context, parameters, operation_log=None)
    return checkpoint


def plan_step(plugin, context, checkpoint, resource, parameters=None,
              restore_id=None, preview=True):
    """The plugin's step of ``resource`` in a restore plan (a preview's,
    unless ``preview`` is false)."""
    planning = restore_plan.Planning(context, checkpoint, restore_id,
                                     preview)
    return plugin.plan_restore(planning, resource, parameters or {},
                               checkpoint.get_resource_bank_section(
                                   resource.id))


def restore(plugin, context, checkpoint, resource, parameters=None):
    """Restore ``resource``; ``(Restore record, new_resources)``."""
    record = new_record(objects.Restore, context, checkpoint)
    new_resources = {}
    run_hooks(plugin.get_restore_operation(resource), checkpoint, resource,
              context, parameters, operation_log=None, restore=record,
              new_resources=new_resources)
    return record, new_resources


def verify(plugin, context, checkpoint, resource):
    """Verify ``resource``; the verification's ``resources_status``."""
    record = new_record(objects.Verification, context, checkpoint)
    run_hooks(plugin.get_verify_operation(resource), checkpoint, resource,
              context, operation_log=None, verify=record, new_resources={})
    return objects.Verification.get_by_id(context,
                                          record.id).resources_status


def delete(plugin, context, checkpoint, resource):
    """Run ``resource``'s delete operation of ``checkpoint``."""
    run_hooks(plugin.get_delete_operation(resource), checkpoint, resource,
              context, operation_log=None)
