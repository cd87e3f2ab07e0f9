"""The flows on a real Checkpoint in a file-system bank."""

from oslo_config import cfg

from karbor.services.protection.bank_plugins import file_system_bank_plugin
from karbor.services.protection import bank_plugin
from karbor.services.protection import checkpoint as checkpoint_mod
from karbor.services.protection.flows import copy
from karbor.services.protection.flows import delete
from karbor.services.protection.flows import protect
from karbor.tests.plugins import hook_recorder_plugin
from karbor.tests.unit.protection import flow_fakes as ff

PLAN = {'id': '9e5475d2-6425-4986-9136-a4f09642297f', 'name': 'plan',
        'provider_id': ff.PROVIDER_ID, 'project_id': ff.PROJECT_ID,
        'resources': []}


def make_collection(tmp_path):
    conf = cfg.ConfigOpts()
    conf.register_opts(file_system_bank_plugin.file_system_bank_plugin_opts,
                       group=file_system_bank_plugin.GROUP)
    conf.set_override('file_system_bank_path', str(tmp_path / 'bank'),
                      group=file_system_bank_plugin.GROUP)
    bank = bank_plugin.Bank(file_system_bank_plugin.FileSystemBankPlugin(conf))
    return checkpoint_mod.CheckpointCollection(bank)


def recorded_object(checkpoint, resource):
    section = checkpoint.get_resource_bank_section(resource.id)
    return section.get_object(hook_recorder_plugin.BANK_OBJECT)


def test_protect_copy_delete_on_file_system_bank(tmp_path, flow_backend,
                                                 hook_recorder):
    collection = make_collection(tmp_path)
    roots, res = ff.diamond()
    plugins = ff.recorder_plugins()
    checkpoint = collection.create(PLAN)
    assert protect.protect(ff.make_context(), plugins, checkpoint,
                           ff.OperationLog(str(tmp_path)), roots, {},
                           backend=flow_backend)
    stored = collection.get(checkpoint.id)
    assert stored.status == 'available'
    assert stored.resource_graph == checkpoint.resource_graph
    assert recorded_object(stored, res['D']) == {'resource': res['D'].key,
                                                 'delete_sleep': 0}

    copy_cp = collection.create(PLAN, {'status': 'wait_copying'})
    assert copy.copy(ff.make_context(), plugins, stored, copy_cp,
                     ff.OperationLog(str(tmp_path)), {},
                     backend=flow_backend)
    stored_copy = collection.get(copy_cp.id)
    assert stored_copy.status == 'available'
    assert stored_copy.extra_info == {'copy_status': 'finished'}
    assert recorded_object(stored_copy, res['A'])['copied_from'] == (
        checkpoint.id)

    assert delete.delete(ff.make_context(), plugins, stored,
                         ff.OperationLog(str(tmp_path)),
                         backend=flow_backend)
    assert collection.get(checkpoint.id).status == 'deleted'
    assert stored.get_resource_bank_section(res['A'].id).list_objects() == []
