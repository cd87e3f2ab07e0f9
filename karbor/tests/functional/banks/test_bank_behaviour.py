"""One behavioural suite, run against every bank plugin."""

import itertools

import pytest

from karbor import exception
from karbor.services.protection.bank_plugin import Bank

VALUES = [
    'plain text',
    '123',            # a str that looks like JSON stays a str
    'ünïcødé',
    b'{"a": 1}',      # bytes that look like JSON stay bytes
    b'\xff\x00\xfe',  # not UTF-8
    b'',
    {'a': [1, 2, {'b': None}], 'c': 'd'},
    [1, 'two', 3.5],
    42,
    True,
    None,
]


@pytest.fixture
def bank(bank_plugin):
    return Bank(bank_plugin)


@pytest.mark.parametrize('value', VALUES, ids=repr)
def test_value_round_trip_keeps_type(bank, value):
    bank.update_object('/values/v', value)
    got = bank.get_object('/values/v')
    assert got == value
    assert type(got) is type(value)


def test_crud(bank):
    with pytest.raises(exception.BankObjectNotFound):
        bank.get_object('/crud/obj')
    bank.update_object('/crud/obj', {'v': 1})
    bank.update_object('crud//obj', {'v': 2})  # same key, normalised
    assert bank.get_object('/crud/obj') == {'v': 2}
    assert bank.list_objects('/crud/') == ['/crud/obj']
    bank.delete_object('/crud/obj')
    with pytest.raises(exception.BankObjectNotFound):
        bank.get_object('/crud/obj')
    with pytest.raises(exception.BankObjectNotFound):
        bank.delete_object('/crud/obj')
    assert bank.list_objects('/crud/') == []


def test_stream_of_small_values(bank):
    bank.update_object('/s/json', {'k': 'v'})
    bank.update_object('/s/text', 'héllo')
    assert b''.join(bank.get_object_stream('/s/json')) == b'{"k": "v"}'
    assert b''.join(bank.get_object_stream('/s/text')) == 'héllo'.encode()
    with pytest.raises(exception.BankObjectNotFound):
        list(bank.get_object_stream('/s/missing'))


def test_objects_survive_a_new_plugin_instance(make_plugin):
    first = Bank(make_plugin())
    first.update_object('/persist/key', ['data'])
    # A second plugin on the same configuration: another process, or the
    # bank moved to a fresh install.
    plugin = make_plugin()
    second = Bank(plugin)
    assert second.get_object('/persist/key') == ['data']
    assert second.get_owner_id() != first.get_owner_id()
    assert second.get_owner_id() == plugin.get_owner_id()


def test_objects_written_without_durability(make_plugin):
    """``durable=False`` only relaxes when the data reaches the disk: the
    object is there, for this plugin and the next, and can be overwritten
    and deleted like any other."""
    first = Bank(make_plugin())
    first.update_object('/lazy/key', 'v1', durable=False)
    first.get_sub_section('/lazy').update_object('key', 'v2',
                                                 durable=False)
    second = Bank(make_plugin())
    assert second.get_object('/lazy/key') == 'v2'
    assert second.list_objects('/lazy/') == ['/lazy/key']
    second.delete_object('/lazy/key')
    assert first.list_objects('/lazy/') == []


LISTING_KEYS = ['/x/a-c', '/x/a/b', '/x/a/c', '/x/a/d/e', '/x/b', '/x/b0',
                '/x/c@1', '/y/z']


def expected_listing(keys, prefix, marker, limit, sort_dir):
    keys = sorted((k for k in keys if k.startswith(prefix or '')),
                  reverse=(sort_dir == 'desc'))
    if marker:
        keys = [k for k in keys
                if (k < marker if sort_dir == 'desc' else k > marker)]
    return keys if limit is None else keys[:limit]


def test_listing_matches_the_contract(bank):
    for key in LISTING_KEYS:
        bank.update_object(key, key)
    prefixes = [None, '/x/', '/x/a', '/x/a/', '/nothing/']
    markers = [None, '/x/a/c', '/x/a-c', '/x/zzz', '/a']
    limits = [None, 1, 3]
    for prefix, marker, limit, sort_dir in itertools.product(
            prefixes, markers, limits, ('asc', 'desc')):
        got = bank.list_objects(prefix=prefix, marker=marker, limit=limit,
                                sort_dir=sort_dir)
        assert got == expected_listing(LISTING_KEYS, prefix, marker, limit,
                                       sort_dir), \
            (prefix, marker, limit, sort_dir)
    assert bank.list_objects() == sorted(LISTING_KEYS)
    assert bank.list_objects('/x/', limit=0) == []


def test_paging_through_a_listing(bank):
    keys = ['/page/%03d' % i for i in range(25)]
    for key in keys:
        bank.update_object(key, b'')
    for sort_dir in ('asc', 'desc'):
        seen, marker = [], None
        while True:
            page = bank.list_objects('/page/', limit=7, marker=marker,
                                     sort_dir=sort_dir)
            if not page:
                break
            seen.extend(page)
            marker = page[-1]
        assert seen == sorted(keys, reverse=(sort_dir == 'desc'))


def test_bad_listing_arguments(bank):
    with pytest.raises(exception.InvalidInput):
        bank.list_objects('/x/', sort_dir='sideways')
    with pytest.raises(exception.InvalidInput):
        bank.list_objects('/x/../y/')
    with pytest.raises(exception.InvalidInput):
        bank.list_objects('/x/', limit=-1)


@pytest.mark.parametrize('key', ['', '/', '/a/', 'a b', '/a/../b', '/a/./b',
                                 '/..', 'a#b', 'a?b', 'a\nb'])
def test_invalid_keys_are_rejected(bank, key):
    with pytest.raises(exception.InvalidInput):
        bank.update_object(key, 'v')
    assert bank.list_objects() == []


def test_sections(bank):
    section = bank.get_sub_section('/checkpoints/')
    section.update_object('cp1/index.json', {'id': 'cp1'})
    section.update_object('/cp2/index.json', {'id': 'cp2'})
    bank.update_object('/checkpointsX/other', 'outside the section')
    assert bank.get_object('/checkpoints/cp1/index.json') == {'id': 'cp1'}
    assert section.list_objects() == ['cp1/index.json', 'cp2/index.json']
    assert section.list_objects(prefix='cp2') == ['cp2/index.json']
    assert section.list_objects(marker='cp1/index.json') == \
        ['cp2/index.json']
    assert section.list_objects(sort_dir='desc', limit=1) == \
        ['cp2/index.json']
    sub = section.get_sub_section('cp1')
    assert sub.get_object('index.json') == {'id': 'cp1'}
    assert b''.join(sub.get_object_stream('index.json')) == b'{"id": "cp1"}'
    sub.delete_object('index.json')
    assert section.list_objects() == ['cp2/index.json']


def test_read_only_sections(bank):
    bank.update_object('/ro/inner/key', 'value')
    section = bank.get_sub_section('/ro', is_writable=False)
    assert not section.is_writable()
    assert section.get_object('inner/key') == 'value'
    assert section.list_objects() == ['inner/key']
    with pytest.raises(exception.BankReadonlyViolation):
        section.update_object('inner/key', 'changed')
    with pytest.raises(exception.BankReadonlyViolation):
        section.delete_object('inner/key')
    with pytest.raises(exception.BankReadonlyViolation):
        section.get_sub_section('inner')
    inner = section.get_sub_section('inner', is_writable=False)
    with pytest.raises(exception.BankReadonlyViolation):
        inner.update_object('key', 'changed')
    with pytest.raises(exception.BankReadonlyViolation):
        inner.get_sub_section('deeper', is_writable=True)
    assert inner.get_object('key') == 'value'
    assert bank.get_object('/ro/inner/key') == 'value'
