"""Triggers and scheduled operations through the API, with a real operation
engine (its manager on the in-process transport) and real SQLite."""

import uuid

from oslo_config import cfg
import pytest

from karbor import context
from karbor.tests.unit.api import conftest
from karbor.tests.unit.api.helpers import assert_fault
from karbor.tests.unit.api.helpers import OTHER_PROJECT
from karbor.tests.unit.api.helpers import PROJECT
from karbor.tests.unit.api.helpers import request

CONF = cfg.CONF
BASE = '/v1/%s' % PROJECT
MEMBER = 'member:' + PROJECT
OTHER = 'member:' + OTHER_PROJECT
CRON = {'format': 'crontab', 'pattern': '0 * * * *',
        'start_time': '2026-01-01 00:00:00'}
CALENDAR = {'format': 'calendar',
            'pattern': 'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;INTERVAL=2;\\n'
                       'END:VEVENT'}


def create_trigger(api, properties=None, token=MEMBER, name='hourly'):
    return request(api, 'POST', BASE + '/triggers', {'trigger_info': {
        'name': name, 'type': 'time',
        'properties': properties or CRON}}, token=token)


def create_plan(api):
    response = request(api, 'POST', BASE + '/plans', {'plan': {
        'name': 'p', 'provider_id': conftest.NOOP_PROVIDER_ID,
        'parameters': {}, 'resources': [{
            'id': str(uuid.uuid4()), 'type': 'OS::Cinder::Volume',
            'name': 'v'}]}}, token=MEMBER)
    assert response.status_int == 200, response.body
    return response.json['plan']['id']


def create_operation(api, trigger_id, plan_id, token=MEMBER, **definition):
    definition = dict({'plan_id': plan_id,
                       'provider_id': conftest.NOOP_PROVIDER_ID},
                      **definition)
    return request(api, 'POST', BASE + '/scheduled_operations', {
        'scheduled_operation': {
            'name': 'op', 'operation_type': 'protect',
            'trigger_id': trigger_id, 'operation_definition': definition}},
        token=token)


def snapshot(api):
    """Everything the trigger and operation API can show."""
    ctxt = context.get_admin_context()
    from karbor.db import api as db
    triggers = request(api, 'GET', BASE + '/triggers').json
    operations = request(api, 'GET', BASE + '/scheduled_operations').json
    executions = [(e.trigger_id, e.execution_time) for e in
                  [db.trigger_execution_get_by_trigger(ctxt, t['id'])
                   for t in triggers['triggers']] if e]
    return triggers, operations, executions


def test_trigger_crud_shapes(api, engine):
    response = create_trigger(api)
    assert response.status_int == 200, response.body
    trigger = response.json['trigger_info']
    assert set(trigger) == {'id', 'name', 'type', 'properties'}
    assert trigger['properties'] == CRON
    shown = request(api, 'GET', BASE + '/triggers/' + trigger['id'],
                    token=MEMBER).json['trigger_info']
    assert shown == trigger
    listed = request(api, 'GET', BASE + '/triggers', token=MEMBER).json
    assert listed == {'triggers': [trigger]}
    updated = request(api, 'PUT', BASE + '/triggers/' + trigger['id'],
                      {'trigger_info': {'name': 'renamed', 'properties': {
                          'window': 1000}}}, token=MEMBER)
    assert updated.status_int == 200, updated.body
    assert updated.json['trigger_info']['name'] == 'renamed'
    assert updated.json['trigger_info']['properties'] == dict(CRON,
                                                              window=1000)
    # The CLI always sends properties, empty when not given.
    renamed = request(api, 'PUT', BASE + '/triggers/' + trigger['id'],
                      {'trigger_info': {'name': 'again', 'properties': {}}},
                      token=MEMBER)
    assert renamed.json['trigger_info']['properties']['window'] == 1000
    assert request(api, 'DELETE', BASE + '/triggers/' + trigger['id'],
                   token=MEMBER).status_int == 200
    assert_fault(request(api, 'GET', BASE + '/triggers/' + trigger['id'],
                         token=MEMBER), 404, 'itemNotFound')


def test_calendar_trigger_gets_a_start_time(api, engine):
    response = create_trigger(api, CALENDAR)
    assert response.status_int == 200, response.body
    properties = response.json['trigger_info']['properties']
    assert properties['pattern'] == CALENDAR['pattern']
    assert len(properties['start_time']) == 19


BAD_TRIGGERS = [
    ({'format': 'cron', 'pattern': '* * * * *'}, 'format'),
    ({'format': 'crontab', 'pattern': 'not cron'}, 'pattern'),
    ({'format': 'crontab', 'pattern': '* * * * *'}, 'pattern'),
    ({'format': 'calendar', 'pattern': 'BEGIN:VEVENT\nEND:VEVENT'},
     'pattern'),
    ({'format': 'calendar', 'pattern': 'garbage'}, 'pattern'),
    (dict(CRON, timezone='Mars/Olympus'), 'timezone'),
    (dict(CRON, start_time='2026-13-01 00:00:00'), 'start_time'),
    (dict(CRON, start_time='yesterday'), 'start_time'),
    (dict(CRON, end_time='2025-01-01 00:00:00'), 'end_time'),
    (dict(CRON, end_time='2026-01-01 00:30:00'), 'end_time'),
    (dict(CRON, window=10), 'window'),
    (dict(CRON, window=10 ** 6), 'window'),
    (dict(CRON, window='900'), 'window'),
    (dict(CRON, colour='red'), 'colour'),
    ({'pattern': '0 * * * *'}, 'format'),
    (dict(CRON, pattern=''), 'pattern'),
]


@pytest.mark.parametrize('properties,field', BAD_TRIGGERS)
def test_bad_trigger_is_400_naming_the_field_and_changes_nothing(
        api, engine, properties, field):
    before = snapshot(api)
    response = create_trigger(api, properties)
    message = assert_fault(response, 400, 'badRequest')
    assert field in message
    assert snapshot(api) == before


def test_bad_trigger_update_changes_nothing(api, engine):
    trigger = create_trigger(api).json['trigger_info']
    before = snapshot(api)
    for properties, field in BAD_TRIGGERS[:-2]:
        response = request(api, 'PUT', BASE + '/triggers/' + trigger['id'],
                           {'trigger_info': {'properties': properties}},
                           token=MEMBER)
        assert field in assert_fault(response, 400, 'badRequest')
    assert_fault(request(api, 'PUT', BASE + '/triggers/' + trigger['id'],
                         {'trigger_info': {'type': 'event'}}, token=MEMBER),
                 400, 'badRequest', 'type')
    assert snapshot(api) == before


def test_scheduled_operation_lifecycle(api, engine):
    trigger = create_trigger(api).json['trigger_info']
    plan_id = create_plan(api)
    response = create_operation(api, trigger['id'], plan_id)
    assert response.status_int == 200, response.body
    operation = response.json['scheduled_operation']
    assert set(operation) == {'id', 'name', 'description', 'operation_type',
                              'trigger_id', 'operation_definition',
                              'enabled'}
    assert operation['enabled'] is True
    listed = request(api, 'GET', BASE + '/scheduled_operations',
                     token=MEMBER).json
    assert listed == {'operations': [operation]}
    url = BASE + '/scheduled_operations/' + operation['id']
    assert request(api, 'GET', url, token=MEMBER).json == {
        'scheduled_operation': operation}
    paused = request(api, 'PUT', url, {'scheduled_operation': {
        'enabled': False}}, token=MEMBER)
    assert paused.json['scheduled_operation']['enabled'] is False
    assert request(api, 'GET', url + '/logs', token=MEMBER).json == {
        'scheduled_operation_logs': []}
    # In use: 424 and the trigger stays.
    assert_fault(request(api, 'DELETE', BASE + '/triggers/' + trigger['id'],
                         token=MEMBER), 424, 'computeFault', 'being used')
    assert request(api, 'GET', BASE + '/triggers/' + trigger['id'],
                   token=MEMBER).status_int == 200
    assert request(api, 'DELETE', url, token=MEMBER).status_int == 200
    assert_fault(request(api, 'GET', url, token=MEMBER), 404,
                 'itemNotFound')
    assert request(api, 'DELETE', BASE + '/triggers/' + trigger['id'],
                   token=MEMBER).status_int == 200


def test_other_projects_objects_are_not_found(api, engine):
    trigger = create_trigger(api).json['trigger_info']
    plan_id = create_plan(api)
    operation = create_operation(api, trigger['id'], plan_id).json[
        'scheduled_operation']
    other = '/v1/%s' % OTHER_PROJECT
    for path in ('/triggers/' + trigger['id'],
                 '/scheduled_operations/' + operation['id'],
                 '/scheduled_operations/%s/logs' % operation['id']):
        assert_fault(request(api, 'GET', other + path, token=OTHER), 404,
                     'itemNotFound')
    assert request(api, 'GET', other + '/triggers', token=OTHER).json == {
        'triggers': []}
    # The other project cannot schedule on this trigger or plan.
    response = request(api, 'POST', other + '/scheduled_operations', {
        'scheduled_operation': {
            'name': 'x', 'operation_type': 'protect',
            'trigger_id': trigger['id'], 'operation_definition': {
                'plan_id': plan_id,
                'provider_id': conftest.NOOP_PROVIDER_ID}}}, token=OTHER)
    assert_fault(response, 404, 'itemNotFound')


BAD_OPERATIONS = [
    ({'operation_type': 'backup'}, 'operation_type'),
    ({'trigger_id': 'nope'}, 'trigger_id'),
    ({'name': ''}, 'name'),
    ({'colour': 'red'}, 'colour'),
    ({'operation_definition': {'plan_id': 'x'}}, 'operation_definition'),
    ({'operation_definition': {'max_backups': 'many'}}, 'max_backups'),
    ({'operation_definition': {'extra': '1'}}, 'extra'),
    ({'operation_definition': 'plan_id'}, 'operation_definition'),
    ({'operation_definition': 'plan_id=x,provider_id=y'},
     'operation_definition/'),
]


@pytest.mark.parametrize('change,field', BAD_OPERATIONS)
def test_bad_operation_is_400_and_changes_nothing(api, engine, change,
                                                  field):
    trigger = create_trigger(api).json['trigger_info']
    plan_id = create_plan(api)
    body = {'name': 'op', 'operation_type': 'protect',
            'trigger_id': trigger['id'], 'operation_definition': {
                'plan_id': plan_id,
                'provider_id': conftest.NOOP_PROVIDER_ID}}
    for key, value in change.items():
        if key == 'operation_definition' and 'plan_id' not in value:
            body[key] = dict(body[key], **value)
        else:
            body[key] = value
    before = snapshot(api)
    response = request(api, 'POST', BASE + '/scheduled_operations',
                       {'scheduled_operation': body}, token=MEMBER)
    assert field in assert_fault(response, 400, 'badRequest')
    assert snapshot(api) == before


def test_definition_as_the_osc_plugin_sends_it(api, engine):
    """``openstack data protection scheduledoperation create`` sends the
    ``key=value,...`` text of its command line."""
    trigger = create_trigger(api).json['trigger_info']
    plan_id = create_plan(api)
    text = 'plan_id=%s, provider_id=%s,max_backups=3' % (
        plan_id, conftest.NOOP_PROVIDER_ID)
    response = request(api, 'POST', BASE + '/scheduled_operations', {
        'scheduled_operation': {
            'name': 'op', 'operation_type': 'protect',
            'trigger_id': trigger['id'], 'operation_definition': text}},
        token=MEMBER)
    assert response.status_int == 200, response.body
    assert response.json['scheduled_operation']['operation_definition'] == {
        'plan_id': plan_id, 'provider_id': conftest.NOOP_PROVIDER_ID,
        'max_backups': '3'}


def test_unknown_trigger_and_wrong_provider(api, engine):
    trigger = create_trigger(api).json['trigger_info']
    plan_id = create_plan(api)
    assert_fault(create_operation(api, str(uuid.uuid4()), plan_id), 404,
                 'itemNotFound')
    response = create_operation(api, trigger['id'], plan_id,
                                provider_id=str(uuid.uuid4()))
    assert_fault(response, 400, 'badRequest', 'provider')
    assert request(api, 'GET', BASE + '/scheduled_operations').json == {
        'operations': []}
