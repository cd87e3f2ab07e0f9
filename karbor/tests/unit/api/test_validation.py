"""JSON schema validation of request bodies."""

import pytest

from karbor.api.schemas import parameter_types
from karbor.api import validation
from karbor import exception


def check(value, schema):
    validation.check({'x': value}, {
        'type': 'object', 'properties': {'x': schema},
        'additionalProperties': False})


@pytest.mark.parametrize('value', ['cf56bd3e-97a7-4078-b6d5-f36246333fd9',
                                   'cf56bd3e97a74078b6d5f36246333fd9'])
def test_uuid_format_accepts_both_spellings(value):
    check(value, parameter_types.uuid)


@pytest.mark.parametrize('value,schema', [
    ('nope', parameter_types.uuid),
    ('   ', parameter_types.name),
    ('x' * 256, parameter_types.name),
    ('bad\x01', parameter_types.description),
    ({'bad key!': 'v'}, parameter_types.metadata),
    ({'k': [1]}, parameter_types.metadata),
    ({'OS::Nova::Server': 'not-a-dict'}, parameter_types.parameters),
])
def test_invalid_values_name_the_field(value, schema):
    with pytest.raises(exception.ValidationError) as info:
        check(value, schema)
    assert 'Invalid input for field/attribute x' in str(info.value)
    assert info.value.code == 400


def test_valid_parameters():
    check({'OS::Nova::Server': {'consistency': 'os'},
           'OS::Cinder::Volume#cb4ef2ff-10f5-46c9-bce4-cf7a49c65a01':
               {'backup_mode': 'full', 'force': True, 'n': 1}},
          parameter_types.parameters)


def test_date_time_format():
    schema = {'type': 'string', 'format': 'date-time'}
    check('2017-07-01T10:00:00Z', schema)
    with pytest.raises(exception.ValidationError):
        check('yesterday', schema)


def test_missing_required_key_is_reported():
    with pytest.raises(exception.ValidationError) as info:
        validation.check({'plan': {}}, {
            'type': 'object',
            'properties': {'plan': {'type': 'object',
                                    'required': ['provider_id']}}})
    assert "'provider_id' is a required property" in str(info.value)
    assert 'field/attribute plan' in str(info.value)
