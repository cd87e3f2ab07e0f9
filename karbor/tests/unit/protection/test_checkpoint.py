"""Checkpoint payloads on a file system bank."""

import datetime

from oslo_config import cfg
import pytest

from karbor.common import constants
from karbor import context as karbor_context
from karbor import exception
from karbor import resource as karbor_resource
from karbor.services.protection import bank_plugin as bank_lib
from karbor.services.protection.bank_plugins import file_system_bank_plugin
from karbor.services.protection import checkpoint as checkpoint_lib
from karbor.tests.functional.banks import checkpoint_model as model


@pytest.fixture
def bank(tmp_path):
    conf = cfg.ConfigOpts()
    conf([], project='karbor-test', default_config_files=[])
    conf.register_opts(file_system_bank_plugin.file_system_bank_plugin_opts,
                       group=file_system_bank_plugin.GROUP)
    conf.set_override('file_system_bank_path', str(tmp_path),
                      group=file_system_bank_plugin.GROUP)
    return bank_lib.Bank(file_system_bank_plugin.FileSystemBankPlugin(conf))


@pytest.fixture
def collection(bank):
    return checkpoint_lib.CheckpointCollection(bank)


def test_create_defaults(collection):
    before = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    checkpoint = collection.create(model.PLANS[0])
    assert checkpoint.status == constants.CHECKPOINT_STATUS_PROTECTING
    assert checkpoint.timestamp >= before
    assert checkpoint.created_at == datetime.datetime.fromtimestamp(
        checkpoint.timestamp, datetime.timezone.utc).strftime('%Y-%m-%d')
    assert checkpoint.extra_info == {}
    assert checkpoint.resource_graph is None
    assert checkpoint.version == '0.9'
    assert checkpoint.to_dict()['extra_info'] == {}
    assert checkpoint.to_dict()['resource_graph'] is None


def test_create_from_objects_and_context(collection, bank):
    class Plan(object):
        id = 'a7d5bc36-4b1f-4f73-9d7c-6f30c1f3b001'
        name = 'objects'
        provider_id = model.PROVIDERS[0]
        resources = [karbor_resource.Resource('OS::Nova::Server', 's1',
                                              'vm', {'k': 'v'})]

    ctx = karbor_context.RequestContext(user_id='u', project_id='p1',
                                        is_admin=False)
    checkpoint = collection.create(Plan(), {'extra_info': '{"raw": 1}'},
                                   context=ctx)
    assert checkpoint.project_id == 'p1'
    assert checkpoint.owner_id == bank.get_owner_id()
    assert checkpoint.protection_plan['resources'] == [
        {'id': 's1', 'type': 'OS::Nova::Server', 'name': 'vm',
         'extra_info': {'k': 'v'}}]
    assert checkpoint.to_dict()['extra_info'] == {'raw': 1}


def test_create_with_properties(collection):
    checkpoint = collection.create(model.PLANS[1], {
        'id': 'c0ffee00-0000-4000-8000-000000000000',
        'status': constants.CHECKPOINT_STATUS_WAIT_COPYING,
        'resource_graph': '[{}, []]', 'timestamp': model.T0})
    loaded = collection.get('c0ffee00-0000-4000-8000-000000000000')
    assert loaded.status == constants.CHECKPOINT_STATUS_WAIT_COPYING
    assert loaded.resource_graph == '[{}, []]'
    assert loaded.created_at == '2026-11-20'
    assert loaded.metadata == checkpoint.metadata


def test_create_rejects_bad_input(collection, bank):
    with pytest.raises(exception.InvalidInput):
        collection.create(model.PLANS[0], {'colour': 'blue'})
    for missing in ('id', 'provider_id', 'project_id'):
        plan = dict(model.PLANS[0], **{missing: None})
        with pytest.raises(exception.InvalidInput):
            collection.create(plan)
    assert bank.list_objects() == []


def test_commit_and_extra_info(collection):
    checkpoint = collection.create(model.PLANS[0])
    checkpoint.status = constants.CHECKPOINT_STATUS_AVAILABLE
    checkpoint.extra_info = dict(checkpoint.extra_info, copy_status='done')
    checkpoint.resource_graph = 'graph-as-given'
    assert collection.get(checkpoint.id).status == \
        constants.CHECKPOINT_STATUS_PROTECTING  # not committed yet
    checkpoint.commit()
    loaded = collection.get(checkpoint.id)
    assert loaded.status == constants.CHECKPOINT_STATUS_AVAILABLE
    assert loaded.extra_info == {'copy_status': 'done'}
    assert loaded.resource_graph == 'graph-as-given'
    assert loaded.to_dict()['extra_info'] == {'copy_status': 'done'}


@pytest.mark.parametrize('checkpoint_id', [
    'missing', '../etc', 'a b', '', 'x/../../y'])
def test_get_unknown_checkpoint(collection, checkpoint_id):
    with pytest.raises(exception.CheckpointNotFound):
        collection.get(checkpoint_id)


def test_get_refuses_unknown_versions(collection, bank):
    bank.update_object('/checkpoints/future/index.json',
                       {'version': '2.0', 'id': 'future'})
    with pytest.raises(exception.InvalidInput):
        collection.get('future')
    assert list(collection.iter_all()) == []


def test_resource_sections_are_isolated(collection, bank):
    checkpoint = collection.create(model.PLANS[0])
    first = checkpoint.get_resource_bank_section('r1')
    first.update_object('status', 'available')
    checkpoint.get_resource_bank_section('r10').update_object('status', 'x')
    assert first.list_objects() == ['status']
    assert bank.get_object('/checkpoints/%s/resource-data/r1/status'
                           % checkpoint.id) == 'available'


def test_delete_keeps_index_json(collection, bank):
    checkpoint = collection.create(model.PLANS[0])
    checkpoint.delete()
    assert bank.list_objects() == ['/checkpoints/%s/index.json'
                                   % checkpoint.id]
    assert collection.get(checkpoint.id).to_dict()['status'] == 'deleted'
    checkpoint.delete()  # idempotent
    checkpoint.purge()
    assert bank.list_objects() == []
