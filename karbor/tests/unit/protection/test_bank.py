"""Bank, sections, value encoding and the file system bank plugin."""

import io
import json
import os
import threading

from oslo_config import cfg
import pytest

from karbor import exception
from karbor.services.protection import bank_plugin as bank_lib
from karbor.services.protection.bank_plugins import file_system_bank_plugin
from karbor.services.protection.bank_plugins import s3_bank_plugin
from karbor.services.protection.bank_plugins import swift_bank_plugin


def _conf(**fs_options):
    conf = cfg.ConfigOpts()
    conf([], project='karbor-test', default_config_files=[])
    conf.register_opts(file_system_bank_plugin.file_system_bank_plugin_opts,
                       group=file_system_bank_plugin.GROUP)
    for name, value in fs_options.items():
        conf.set_override(name, value, group=file_system_bank_plugin.GROUP)
    return conf


@pytest.fixture
def bank_path(tmp_path):
    return tmp_path / 'bank'


@pytest.fixture
def plugin(bank_path):
    return file_system_bank_plugin.FileSystemBankPlugin(
        _conf(file_system_bank_path=str(bank_path)))


@pytest.fixture
def bank(plugin):
    return bank_lib.Bank(plugin)


def _files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _dirs, files in os.walk(root) for f in files)


@pytest.mark.parametrize('key, normal', [
    ('a', '/a'), ('/a/b', '/a/b'), ('a//b///c', '/a/b/c'),
    ('//x@1.2_3-4', '/x@1.2_3-4'), ('/a/.hidden', '/a/.hidden'),
    ('/a/b..c', '/a/b..c')])
def test_normalize_key(key, normal):
    assert bank_lib.normalize_key(key) == normal


@pytest.mark.parametrize('key', [
    '', '/', 'a/', '/a/b/', 'a b', 'a\tb', 'ä', 'a#b', 'a%b', 'a:b', '.',
    '..', '/a/./b', '/a/../b', '/..', 'a/..', None, 5])
def test_invalid_keys(key):
    with pytest.raises(exception.InvalidInput):
        bank_lib.normalize_key(key)


@pytest.mark.parametrize('prefix, normal', [
    ('', '/'), ('/', '/'), ('a', '/a'), ('a/', '/a/'), ('//a//b/', '/a/b/')])
def test_normalize_prefix(prefix, normal):
    assert bank_lib.normalize_prefix(prefix) == normal


@pytest.mark.parametrize('prefix', ['a/../b', '../', 'a b/', 'a*'])
def test_invalid_prefixes(prefix):
    with pytest.raises(exception.InvalidInput):
        bank_lib.normalize_prefix(prefix)


def test_invalid_key_never_reaches_the_store(bank, bank_path):
    with pytest.raises(exception.InvalidInput):
        bank.update_object('/a/../../escape', 'x')
    with pytest.raises(exception.InvalidInput):
        bank.get_object('a/')
    assert _files(bank_path) == []


@pytest.mark.parametrize('name', ['', '/', '//', 'a/../b', 'a b'])
def test_invalid_section_names(bank, name):
    with pytest.raises(exception.InvalidInput):
        bank.get_sub_section(name)


def test_section_prefix_and_relative_keys(bank):
    section = bank.get_sub_section('//checkpoints//abc')
    assert section.prefix == '/checkpoints/abc/'
    assert section.is_writable()
    section.update_object('/resource-data//r1/status', 'available')
    assert bank.list_objects() == ['/checkpoints/abc/resource-data/r1/status']
    sub = section.get_sub_section('resource-data/r1/')
    assert sub.prefix == '/checkpoints/abc/resource-data/r1/'
    assert sub.list_objects() == ['status']
    assert section.list_objects('resource-data/') == \
        ['resource-data/r1/status']
    with pytest.raises(exception.InvalidInput):
        section.update_object('', 'x')


def test_read_only_section_refuses_writes(bank):
    bank.update_object('/ro/a', 'v')
    section = bank.get_sub_section('ro', is_writable=False)
    for call in (lambda: section.update_object('a', 'w'),
                 lambda: section.delete_object('a'),
                 lambda: section.get_sub_section('b')):
        with pytest.raises(exception.BankReadonlyViolation) as err:
            call()
        assert err.value.code == 403
    assert not section.get_sub_section('b', is_writable=False).is_writable()
    assert bank.get_object('/ro/a') == 'v'


def test_value_kinds_and_metadata():
    assert bank_lib.encode_value('é') == ('str', 'é'.encode())
    assert bank_lib.encode_value(b'x') == ('bytes', b'x')
    assert bank_lib.encode_value({'a': 1}) == ('json', b'{"a": 1}')
    kind, chunks = bank_lib.encode_value(io.BytesIO(b'abc'))
    assert kind == 'bytes' and b''.join(chunks) == b'abc'
    assert bank_lib.kind_to_metadata('json') == {'serialized': 'True',
                                                 'value-type': 'json'}
    # Objects written by the original Karbor carry only 'serialized'.
    assert bank_lib.kind_from_metadata(
        {'X-Object-Meta-Serialized': 'True'}) == 'json'
    assert bank_lib.kind_from_metadata(
        {'x-object-meta-serialized': 'False'}) == 'str'
    assert bank_lib.kind_from_metadata({}) == 'str'
    assert bank_lib.decode_value('str', b'\xff') == b'\xff'


# Swift and S3 objects of the original Karbor 1.6.0 (seen in a run of it,
# karbor/tests/takeover/test_banks.py): value, body and its 'serialized'
# metadata; bytes it stores as a JSON string.
ORIGINAL_OBJECTS = [
    ('available', b'available', 'False'),
    ('', b'', 'False'),
    ('r\u00e9sum\u00e9 \u2713', 'r\u00e9sum\u00e9 \u2713'.encode(), 'False'),
    ({'x': 1, 'ok': True}, b'{"x": 1, "ok": true}', 'True'),
    (42, b'42', 'True'),
    ([1, 'two', None], b'[1, "two", null]', 'True'),
]


@pytest.mark.parametrize('value, body, serialized', ORIGINAL_OBJECTS)
def test_remote_objects_in_the_original_format(value, body, serialized):
    kind, payload = bank_lib.encode_value(value)
    assert payload == body
    assert bank_lib.kind_to_metadata(kind)['serialized'] == serialized
    # What the original wrote (no 'value-type') reads back the same.
    assert bank_lib.decode_value(bank_lib.kind_from_metadata(
        {'x-object-meta-serialized': serialized}), body) == value


def test_remote_bytes_of_the_original_read_as_text():
    assert bank_lib.decode_value(bank_lib.kind_from_metadata(
        {'x-object-meta-serialized': 'True'}), b'"chunk"') == 'chunk'


@pytest.mark.parametrize('value, streamed', [
    ({}, False), ([], False), ((), False), ('s', False), (b'b', False),
    (io.BytesIO(), True), (iter([b'x']), True), ((b for b in []), True)])
def test_is_stream(value, streamed):
    assert bank_lib.is_stream(value) is streamed


def test_bank_reader():
    reader = bank_lib.BankReader(iter([b'ab', b'', b'cde', b'f']))
    assert reader.read(3) == b'abc'
    assert reader.read(1) == b'd'
    assert reader.read() == b'ef'
    assert reader.read(5) == b''


def test_files_on_disk(bank, bank_path):
    bank.update_object('/a/b/c', {'x': 1})
    assert _files(bank_path) == ['karbor/a/b/c']
    with open(bank_path / 'karbor' / 'a' / 'b' / 'c', 'rb') as f:
        assert f.read() == b'{"x": 1}'
    bank.delete_object('/a/b/c')
    assert os.listdir(bank_path / 'karbor') == []  # empty dirs pruned


# What the original Karbor 1.6.0 file-system bank writes for a value, byte
# for byte (recorded by running it), and what it reads back from a file.
ORIGINAL_FILES = [
    ('available', b'available'),
    ({'a': 1}, b'{"a": 1}'),
    ([1, 'x'], b'[1, "x"]'),
    (5, b'5'),
    (None, b'null'),
    (True, b'true'),
    ('', b''),
    ('h\u00e9llo', 'h\u00e9llo'.encode()),
    ('"quoted"', b'"quoted"'),  # read back: the JSON string
]


@pytest.mark.parametrize('value, content', ORIGINAL_FILES[:-1])
def test_writes_the_original_format(bank, bank_path, value, content):
    bank.update_object('/o/v', value)
    assert (bank_path / 'karbor' / 'o' / 'v').read_bytes() == content
    assert bank.get_object('/o/v') == value


@pytest.mark.parametrize('value, content', ORIGINAL_FILES)
def test_reads_the_original_format(bank, bank_path, value, content):
    os.makedirs(bank_path / 'karbor' / 'old')
    (bank_path / 'karbor' / 'old' / 'obj').write_bytes(content)
    expected = 'quoted' if value == '"quoted"' else value
    assert bank.get_object('/old/obj') == expected
    assert bank.list_objects('/old/') == ['/old/obj']


@pytest.mark.parametrize('text', ['123', 'null', '{"a": 1}', '"s"'])
def test_a_string_that_looks_like_json_stays_a_string(bank, bank_path,
                                                      text):
    bank.update_object('/s', text)
    # The original JSON-decodes every file: it reads the same string.
    assert json.loads((bank_path / 'karbor' / 's').read_bytes()) == text
    assert bank.get_object('/s') == text


@pytest.mark.parametrize('data', [b'{"x": 1}', b'plain', b'\xff\x00'])
def test_bytes_stay_bytes(bank, bank_path, data):
    bank.update_object('/b', data)
    assert (bank_path / 'karbor' / 'b').read_bytes() == data
    assert bank.get_object('/b') == data
    assert b''.join(bank.get_object_stream('/b')) == data


def test_binary_without_its_mark_reads_as_bytes(bank, bank_path):
    (bank_path / 'karbor' / 'bin').write_bytes(b'\xff\xfe')
    assert bank.get_object('/bin') == b'\xff\xfe'


@pytest.mark.parametrize('kind, raw, value', [
    ('json', b'{"x": 1}', {'x': 1}), ('str', b'123', '123'),
    ('bytes', b'ab', b'ab')])
def test_reads_files_of_earlier_releases(bank, bank_path, kind, raw, value):
    (bank_path / 'karbor' / 'e').write_bytes(
        b'KARBOR-BANK-OBJECT 1 ' + kind.encode() + b'\n' + raw)
    assert bank.get_object('/e') == value
    assert b''.join(bank.get_object_stream('/e')) == raw


def test_failed_stream_keeps_the_old_value(bank, bank_path):
    bank.update_object('/obj', 'old')

    def broken():
        yield b'partial'
        raise IOError('source went away')

    with pytest.raises(exception.BankCreateObjectFailed):
        bank.update_object('/obj', broken())
    assert bank.get_object('/obj') == 'old'
    assert _files(bank_path) == ['karbor/obj']


def test_concurrent_writers_leave_one_complete_value(bank):
    values = [bytes([i]) * 300000 for i in range(8)]
    threads = [threading.Thread(target=bank.update_object, args=('/c', v))
               for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bank.get_object('/c') in values
    assert bank.list_objects() == ['/c']


def test_plugin_rejects_dot_dot_directly(plugin):
    for call in (lambda: plugin.update_object('/a/../x', 'v'),
                 lambda: plugin.get_object('/../x'),
                 lambda: plugin.list_objects(prefix='/../')):
        with pytest.raises(exception.InvalidInput):
            call()


def test_container_option(tmp_path):
    plugin = file_system_bank_plugin.FileSystemBankPlugin(
        _conf(file_system_bank_path=str(tmp_path), bank_object_container='c'))
    plugin.update_object('/k', 'v')
    assert _files(tmp_path) == ['c/k']


def test_bank_path_is_required():
    with pytest.raises(exception.InvalidInput):
        file_system_bank_plugin.FileSystemBankPlugin(_conf())


def test_remote_banks_need_their_endpoint():
    for plugin_class in (swift_bank_plugin.SwiftBankPlugin,
                         s3_bank_plugin.S3BankPlugin):
        with pytest.raises(exception.InvalidInput):
            plugin_class(_conf())


def test_option_lists():
    pairs = dict(file_system_bank_plugin.list_opts() +
                 swift_bank_plugin.list_opts() + s3_bank_plugin.list_opts())
    assert set(pairs) == {'file_system_bank_plugin', 'swift_client',
                          'swift_bank_plugin', 's3_client', 's3_bank_plugin'}
    secret = {opt.name for opts in pairs.values() for opt in opts
              if opt.secret}
    assert secret == {'swift_key', 's3_secret_key'}
    defaults = {opt.name: opt.default for opt in pairs['swift_bank_plugin']}
    assert defaults == {'bank_swift_object_container': 'karbor',
                        'lease_expire_window': 600,
                        'lease_renew_window': 120,
                        'lease_validity_window': 100}
    assert all(opt.help for opts in pairs.values() for opt in opts)


class _CountingLease(bank_lib.LeasePlugin):
    def __init__(self):
        self.renewals = 0

    def acquire_lease(self):
        pass

    def renew_lease(self):
        self.renewals += 1
        if self.renewals == 1:
            raise RuntimeError('first renewal fails; the thread carries on')

    def check_lease_validity(self):
        return True


def test_lease_renewer_thread_renews_and_stops():
    lease = _CountingLease()
    renewer = bank_lib.LeaseRenewer(lease, 0.01)
    renewer.start()
    while lease.renewals < 3:
        threading.Event().wait(0.01)
    renewer.stop()
    assert not renewer.running
    count = lease.renewals
    threading.Event().wait(0.05)
    assert lease.renewals == count


@pytest.mark.parametrize('url, version', [
    ('http://swift:8080/auth/v1.0', '1'),
    ('http://keystone:5000/v2.0/', '2.0'),
    ('http://keystone:5000/v3', '3'),
    ('http://keystone/identity', '3')])
def test_swift_auth_version(url, version):
    assert swift_bank_plugin._auth_version(url) == version


def test_concurrent_writes_and_deletes_in_one_directory(plugin):
    # Deleting the last object of a directory prunes it, while another
    # writer may be creating the same directory: no write may fail.
    errors = []
    stop = threading.Event()

    def churn(name):
        key = '/indices/by-plan/p/proj/2026-11-22/%s' % name
        try:
            while not stop.is_set():
                plugin.update_object(key, 'x')
                plugin.delete_object(key)
        except Exception as err:  # pragma: no cover - the failure shown
            errors.append(err)

    threads = [threading.Thread(target=churn, args=(n,)) for n in 'abcd']
    for thread in threads:
        thread.start()
    stop.wait(1.5)
    stop.set()
    for thread in threads:
        thread.join(10)
    assert errors == []


def test_deferred_durable_writes_are_synced_together(bank, plugin,
                                                     monkeypatch):
    """Within ``deferred_durability`` a file-system bank syncs no object on
    its own: its ``sync`` then syncs the file system once."""
    fsyncs = []
    syncs = []
    real_fsync = os.fsync
    real_sync = file_system_bank_plugin._sync_file_system
    monkeypatch.setattr(os, 'fsync', lambda fd: (fsyncs.append(fd),
                                                 real_fsync(fd)))
    monkeypatch.setattr(file_system_bank_plugin, '_sync_file_system',
                        lambda path: (syncs.append(path), real_sync(path)))
    writes = bank_lib.DeferredWrites()
    with bank_lib.deferred_durability(writes):
        assert bank_lib.deferring_to() is writes
        for i in range(5):
            bank.update_object('/res/%d/data' % i, {'n': i})
        # Asked not to be durable: not noted either.
        bank.update_object('/res/index', 'x', durable=False)
    assert bank_lib.deferring_to() is None
    assert fsyncs == [] and syncs == []
    assert bank.get_object('/res/3/data') == {'n': 3}
    writes.sync()
    assert len(syncs) == 1
    # Nothing deferred since: nothing to sync.
    writes.sync()
    assert len(syncs) == 1
    # Outside, each durable write is synced before it returns.
    bank.update_object('/res/5/data', {'n': 5})
    assert len(fsyncs) == 1 and len(syncs) == 1


def test_a_failed_file_system_sync_fails_and_is_tried_again(plugin,
                                                            monkeypatch):
    def failing(path):
        raise OSError(5, 'Input/output error')
    writes = bank_lib.DeferredWrites()
    with bank_lib.deferred_durability(writes):
        plugin.update_object('/a', 'value')
    monkeypatch.setattr(file_system_bank_plugin, '_sync_file_system',
                        failing)
    with pytest.raises(exception.BankCreateObjectFailed) as caught:
        writes.sync()
    assert 'input/output error' in str(caught.value)
    synced = []
    monkeypatch.setattr(file_system_bank_plugin, '_sync_file_system',
                        synced.append)
    writes.sync()
    assert synced == [plugin._root]


def test_interrupted_writes_of_other_processes_are_discarded(bank,
                                                             bank_path):
    """A writer killed between creating its temporary file and renaming
    it leaves the file; the worker resuming its operation removes it,
    and only under the prefix it was given."""
    bank.update_object('/checkpoints/c1/index.json', {'id': 'c1'})
    bank.update_object('/checkpoints/c2/index.json', {'id': 'c2'})
    container = bank_path / 'karbor' / 'checkpoints'
    dead = container / 'c1' / 'index.json#tmp-0123456789ab-999999-4'
    dead.write_bytes(b'{"id": ')
    nested = container / 'c1' / 'resource-data'
    nested.mkdir()
    (nested / 'v#tmp-0123456789ab-999999-5').write_bytes(b'x')
    own = container / 'c1' / ('index.json%s%s-%d-9' % (
        file_system_bank_plugin._TMP_MARK, file_system_bank_plugin._TMP_TOKEN,
        os.getpid()))
    own.write_bytes(b'{"id": ')
    other = container / 'c2' / 'index.json#tmp-0123456789ab-999999-6'
    other.write_bytes(b'{"id": ')

    bank.discard_interrupted_writes('/checkpoints/c1')
    assert not dead.exists()
    assert not (nested / 'v#tmp-0123456789ab-999999-5').exists()
    assert own.exists() and other.exists()
    assert bank.get_object('/checkpoints/c1/index.json') == {'id': 'c1'}
    assert bank.list_objects('/checkpoints/') == [
        '/checkpoints/c1/index.json', '/checkpoints/c2/index.json']
    # Nothing under the prefix: nothing to do.
    bank.discard_interrupted_writes('/checkpoints/c3')
