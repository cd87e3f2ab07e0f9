"""List handling: paging, sorting, filters, links."""

import pytest
import webob

from karbor.api import common
from karbor import context
from karbor import exception
from karbor.tests.unit.api.helpers import PROJECT


def member():
    return context.RequestContext(user_id='u', project_id=PROJECT,
                                  is_admin=False)


def test_limit_defaults_to_max_and_is_capped(parsed_config):
    parsed_config.set_override('osapi_max_limit', 5)
    assert common.get_pagination_params({}) == (None, 5, None)
    assert common.get_pagination_params({'limit': '50'})[1] == 5
    marker = 'f0f0f0f0-0000-4000-8000-000000000000'
    params = {'limit': '2', 'marker': marker, 'offset': '3', 'name': 'x'}
    assert common.get_pagination_params(params) == (marker, 2, 3)
    assert params == {'name': 'x'}


@pytest.mark.parametrize('params', [{'limit': 'abc'}, {'limit': '0'},
                                    {'limit': '-1'}, {'offset': '-1'},
                                    {'offset': 'x'},
                                    {'offset': str(2 ** 63)},
                                    {'marker': 'm'}])
def test_bad_paging_values_are_invalid(params):
    with pytest.raises(exception.InvalidInput):
        common.get_pagination_params(params)


def test_sort_parsing():
    assert common.get_sort_params({}) == (['created_at'], ['desc'])
    assert common.get_sort_params({'sort': 'name:asc,id'}) == (
        ['name', 'id'], ['asc', 'desc'])
    assert common.get_sort_params({'sort_key': 'name',
                                   'sort_dir': 'asc'}) == (['name'],
                                                           ['asc'])


@pytest.mark.parametrize('params', [{'sort': 'name', 'sort_key': 'id'},
                                    {'sort': 'name:up'},
                                    {'sort_dir': 'sideways'},
                                    {'sort': ',name'}])
def test_bad_sorts_are_invalid(params):
    with pytest.raises(exception.InvalidInput):
        common.get_sort_params(params)


def test_filters_are_literal_evaluated_and_allow_listed():
    params = {'status': "['started', 'suspended']", 'name': 'plain text',
              'size': '3', 'secret': 'x'}
    filters = common.filter_params(member(), params, ['status', 'name',
                                                      'size'])
    assert filters == {'status': ['started', 'suspended'],
                       'name': 'plain text', 'size': 3}
    admin = context.RequestContext(user_id='a', project_id=PROJECT,
                                   is_admin=True)
    assert 'secret' in common.filter_params(admin, params, [])


def test_parameters_literal_from_the_cli():
    raw = "{'region_name': 'RegionOne', 'flag': None}"
    assert common.literal_value(raw) == {'region_name': 'RegionOne',
                                         'flag': None}


@pytest.mark.parametrize('value,expected', [('1', True), ('True', True),
                                            ('false', False), ('0', False)])
def test_all_tenants_booleans(value, expected):
    params = {'all_tenants': value}
    assert common.all_tenants(params) is expected
    assert params == {}


def test_all_tenants_rejects_non_booleans():
    with pytest.raises(exception.InvalidInput):
        common.all_tenants({'all_tenants': 'maybe'})


def _request(query):
    req = webob.Request.blank('/v1/%s/plans?%s' % (PROJECT, query),
                              base_url='http://api.example:8799')
    req.environ['karbor.context'] = member()
    return req


def test_next_link_only_when_page_is_full():
    req = _request('limit=2&name=x')
    items = [{'id': 'a'}, {'id': 'b'}]
    body = common.add_links({'plans': items}, req, items, 'plans', 2)
    href = body['plans_links'][0]['href']
    assert body['plans_links'][0]['rel'] == 'next'
    assert href.startswith('http://api.example:8799/v1/%s/plans?' % PROJECT)
    assert 'marker=b' in href and 'limit=2' in href and 'name=x' in href
    body = common.add_links({'plans': items[:1]}, req, items[:1], 'plans', 2)
    assert 'plans_links' not in body


def test_next_link_honours_base_url_option(parsed_config):
    parsed_config.set_override('osapi_karbor_base_URL',
                               'https://karbor.example/')
    req = _request('marker=z&limit=1')
    items = [{'id': 'a'}]
    href = common.collection_links(req, items, 'plans', 1)[0]['href']
    assert href.startswith('https://karbor.example/v1/%s/plans?' % PROJECT)
    assert 'marker=a' in href and 'marker=z' not in href
