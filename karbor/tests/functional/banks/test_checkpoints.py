"""Checkpoint layout on every bank plugin."""


import pytest

from karbor.common import constants
from karbor import exception
from karbor.services.protection.bank_plugin import Bank
from karbor.services.protection import checkpoint as checkpoint_lib
from karbor.tests.functional.banks import checkpoint_model as model

RESOURCES = [{'id': 'v1', 'type': 'OS::Cinder::Volume', 'name': 'vol',
              'extra_info': None}]
GRAPH = ('[{"0x0": ["OS::Cinder::Volume", "v1", "vol", null]}, []]')


@pytest.fixture
def bank(bank_plugin):
    return Bank(bank_plugin)


@pytest.fixture
def collection(bank):
    return checkpoint_lib.CheckpointCollection(bank)


def test_layout_in_the_bank(bank, collection):
    plan = model.make_plan(model.PLANS[0]['id'], model.PROVIDERS[0],
                           model.PROJECTS[0], RESOURCES)
    checkpoint = collection.create(plan, {'timestamp': model.T0,
                                          'extra_info': {'created_by':
                                                         'manual'}})
    cid = checkpoint.id
    # The payload and the original's listing indices (holding the id).
    leaf = '%s/%s@%s' % (model.PROJECTS[0], model.T0, cid)
    indices = ['/indices/by-date/2026-11-20/' + leaf,
               '/indices/by-plan/%s/%s' % (plan['id'], leaf.replace(
                   '/', '/2026-11-20/', 1)),
               '/indices/by-provider/%s/%s' % (model.PROVIDERS[0], leaf)]
    assert bank.list_objects() == ['/checkpoints/%s/index.json' % cid] + \
        indices
    assert {bank.get_object(key) for key in indices} == {cid}
    assert bank.get_object('/checkpoints/%s/index.json' % cid) == {
        'version': '0.9', 'id': cid, 'status': 'protecting',
        'owner_id': bank.get_owner_id(), 'provider_id': model.PROVIDERS[0],
        'project_id': model.PROJECTS[0],
        'protection_plan': {'id': plan['id'], 'name': plan['name'],
                            'provider_id': model.PROVIDERS[0],
                            # An empty extra_info is left out.
                            'resources': [{'id': 'v1', 'name': 'vol',
                                           'type': 'OS::Cinder::Volume'}]},
        'extra_info': '{"created_by": "manual"}',
        'created_at': '2026-11-20', 'timestamp': model.T0}

    checkpoint.resource_graph = GRAPH
    checkpoint.status = constants.CHECKPOINT_STATUS_AVAILABLE
    checkpoint.commit()
    section = checkpoint.get_resource_bank_section('v1')
    section.update_object('status', 'available')
    section.update_object('data_1', b'\x00' * 10)
    assert bank.get_object(
        '/checkpoints/%s/resource-data/v1/data_1' % cid) == b'\x00' * 10

    again = collection.get(cid)
    assert again.to_dict() == {
        'id': cid, 'project_id': model.PROJECTS[0], 'status': 'available',
        'protection_plan': again.protection_plan, 'resource_graph': GRAPH,
        'created_at': '2026-11-20',
        'extra_info': {'created_by': 'manual'}}
    assert again.extra_info == {'created_by': 'manual'}


def test_delete_then_purge(bank, collection):
    checkpoint = collection.create(model.PLANS[0])
    cid = checkpoint.id
    section = checkpoint.get_resource_bank_section('v1')
    section.update_object('metadata', {'backup_id': 'b1'})

    checkpoint.delete()
    assert collection.get(cid).status == constants.CHECKPOINT_STATUS_DELETED
    assert bank.list_objects('/indices/') == []

    with pytest.raises(exception.CheckpointNotBeDeleted):
        checkpoint.purge()
    section.delete_object('metadata')
    checkpoint.purge()
    assert bank.list_objects() == []
    with pytest.raises(exception.CheckpointNotFound):
        collection.get(cid)


def test_iter_all_rebuilds_a_catalog(bank_plugin, make_plugin, collection):
    rows = model.make_dataset(collection, count=5)
    collection.get(rows[0]['id']).delete()
    # A fresh install pointed at the same bank sees every checkpoint.
    fresh = checkpoint_lib.CheckpointCollection(Bank(make_plugin()))
    found = {c.id: c.status for c in fresh.iter_all()}
    assert set(found) == {row['id'] for row in rows}
    assert found[rows[0]['id']] == constants.CHECKPOINT_STATUS_DELETED
    assert fresh.get(rows[1]['id']).to_dict()['extra_info'] == {'n': 1}
