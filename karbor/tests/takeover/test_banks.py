"""The original's bank plugins and ours on the same file system, Swift
container and S3 bucket: each reads what the other wrote.

The original's plugins run in its own Python (``bank_driver.py``), on the
same provider file as ours (its Swift and S3 plugins also authenticate its
``[trustee]`` user, with the sandbox's Keystone). Swift is a real Swift
(the bank suite's all-in-one) behind the sandbox's Keystone, the only
object-store of its catalog: both plugins authenticate the demo user
there and take Swift's URL from the catalog, as the original's Swift
plugin knows no other authentication (``banks.keystone_swift``). S3 is
a moto server. For every kind of value a checkpoint holds (its metadata
and status, a resource's metadata and status, data chunks, index
entries):

- what the original wrote, ours reads as the original itself reads it
  back, and the other way round;
- both store the same bytes with the same ``serialized`` flag (ours may
  add metadata the original ignores);
- each lists the keys the other wrote.
"""

import base64
import json
import os
import subprocess
import uuid

import boto3
import pytest
from swiftclient import client as swift

from karbor.tests.functional.banks import conftest as banks
from karbor.tests.takeover import original as original_lib
from karbor_sandbox import fixture as sandbox_fixture

DRIVER = os.path.join(os.path.dirname(__file__), 'bank_driver.py')
PLUGINS = {'file_system': 'karbor-fs-bank-plugin',
           'swift': 'karbor-swift-bank-plugin',
           's3': 'karbor-s3-bank-plugin'}
CHECKPOINT = str(uuid.uuid4())
RESOURCE = 'OS::Cinder::Volume/%s' % uuid.uuid4()
# What a checkpoint's objects hold: name -> value.
VALUES = {
    'metadata': {'id': CHECKPOINT, 'status': 'available',
                 'provider_id': banks._unique(), 'project_id': 'demo',
                 'protection_plan': {'id': 'p', 'name': 'plan ✓',
                                     'resources': [{'id': 'v', 'type':
                                                    'OS::Cinder::Volume',
                                                    'name': 'vol'}]},
                 'resource_graph': '[{"0x0": ["OS::Cinder::Volume"]}]',
                 'created_at': '2026-12-06', 'extra_info': None},
    'status': 'available',
    'resource-status': 'protecting',
    'resource-metadata': {'backup_id': 'b', 'size': 1, 'ok': True},
    'index': CHECKPOINT,
    'unicode': 'résumé ✓',
    'empty': '',
    'number': 42,
    'list': [1, 'two', None],
    'text-chunk': b'plain text data',
}
# Bytes the original cannot store (it JSON-encodes bytes as UTF-8 text):
# only ours writes them.
BINARY = {'binary-chunk': bytes(range(256))}


@pytest.fixture(scope='module', autouse=True)
def needs_original():
    if not original_lib.installed():
        pytest.skip('the original Karbor is not installed '
                    '(../shared/anchor/karbor-anchor install)')


@pytest.fixture(scope='module')
def sandbox(tmp_path_factory):
    path = tmp_path_factory.mktemp('sandbox')
    with sandbox_fixture.running_sandbox(str(path)) as handle:
        yield handle


@pytest.fixture(scope='module')
def real_swift(sandbox):
    with banks.keystone_swift(sandbox) as aio:
        assert sandbox.session().get_endpoint(
            service_type='object-store') == 'http://127.0.0.1:%d/v1/AUTH_%s' \
            % (aio.ports['proxy'], sandbox.project_id)
        yield aio


@pytest.fixture(scope='module')
def karbor_conf(sandbox, tmp_path_factory):
    """The original's karbor.conf: its trustee, in the sandbox's Keystone."""
    conf = tmp_path_factory.mktemp('original') / 'karbor.conf'
    conf.write_text(TRUSTEE % sandbox.auth_url)
    return str(conf)


def _swift_options(request, tmp_path):
    """The real Swift, through the sandbox's Keystone: the original's
    Swift plugin authenticates with Keystone only."""
    sandbox = request.getfixturevalue('sandbox')
    request.getfixturevalue('real_swift')
    return {
        'swift_client': {'swift_auth_url': sandbox.auth_url,
                         'swift_user': 'demo', 'swift_key': 'password',
                         'swift_tenant_name': 'demo',
                         # The original's default is 'default'.
                         'swift_user_domain_name': 'Default',
                         'swift_project_domain_name': 'Default',
                         'swift_retry_attempts': 1,
                         'swift_retry_backoff': 0},
        'swift_bank_plugin': {'bank_swift_object_container':
                              banks._unique()},
    }


_OPTIONS = {'file_system': banks._fs_options, 'swift': _swift_options,
            's3': banks._s3_options}


TRUSTEE = """[trustee]
auth_type = password
auth_url = %s
username = karbor
password = password
user_domain_id = default
"""


@pytest.fixture(params=sorted(PLUGINS))
def bank(request, tmp_path, karbor_conf):
    """(kind, original's call, our plugin, raw reader) on one new bank."""
    kind = request.param
    plugin_class = banks._SETUP[kind][0]
    groups = _OPTIONS[kind](request, tmp_path)
    ours = banks.build_plugin(plugin_class, tmp_path, groups)
    provider = tmp_path / 'provider.conf'
    provider.write_text(''.join(
        '[%s]\n%s' % (group, ''.join('%s = %s\n' % item
                                     for item in values.items()))
        for group, values in groups.items()))
    try:
        yield (kind, lambda ops: original(kind, str(provider), karbor_conf,
                                          ops),
               ours, _RAW[kind](groups))
    finally:
        ours.close()


def _encode(value):
    if isinstance(value, str):
        return {'str': value}
    if isinstance(value, bytes):
        return {'bytes': base64.b64encode(value).decode('ascii')}
    return {'json': value}


def _decode(value):
    if isinstance(value, dict) and 'bytes' in value:
        return base64.b64decode(value['bytes'])
    return value.get('str', value.get('json')) if isinstance(
        value, dict) and 'error' not in value else value


def original(kind, provider, karbor_conf, ops):
    """Run ``ops`` (see bank_driver.py) through the original's plugin."""
    out = subprocess.run(
        [os.path.join(original_lib.VENV, 'bin', 'python'), DRIVER,
         PLUGINS[kind], provider, karbor_conf], input=json.dumps(ops),
        env=original_lib._env(), capture_output=True, text=True,
        timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return [_decode(r) if isinstance(r, dict) else r
            for r in json.loads(out.stdout)]


def _fs_raw(groups):
    root = os.path.join(groups['file_system_bank_plugin'][
        'file_system_bank_path'], 'karbor')

    def read(key):
        path = root + key
        with open(path, 'rb') as f:
            return f.read(), {}
    return read


def _swift_raw(groups):
    client = groups['swift_client']
    conn = swift.Connection(authurl=client['swift_auth_url'],
                            user=client['swift_user'],
                            key=client['swift_key'], auth_version='3',
                            os_options={
                                'project_name': client['swift_tenant_name'],
                                'project_domain_name': 'Default',
                                'user_domain_name': 'Default'})
    container = groups['swift_bank_plugin']['bank_swift_object_container']

    def read(key):
        headers, body = conn.get_object(container, key)
        return body, {k[len('x-object-meta-'):]: v
                      for k, v in headers.items()
                      if k.startswith('x-object-meta-')}
    return read


def _s3_raw(groups):
    client = groups['s3_client']
    s3 = boto3.client('s3', endpoint_url=client['s3_endpoint'],
                      aws_access_key_id=client['s3_access_key'],
                      aws_secret_access_key=client['s3_secret_key'],
                      region_name='us-east-1')
    bucket = groups['s3_bank_plugin']['bank_s3_object_bucket']

    def read(key):
        found = s3.get_object(Bucket=bucket, Key=key)
        return found['Body'].read(), {
            k[len('x-object-meta-'):]: v
            for k, v in found['Metadata'].items()}
    return read


_RAW = {'file_system': _fs_raw, 'swift': _swift_raw, 's3': _s3_raw}


def _key(side, name):
    return '/checkpoints/%s/%s/%s' % (CHECKPOINT, side, name)


def test_each_reads_what_the_other_wrote(bank):
    kind, original_call, ours, raw = bank
    names = sorted(VALUES)
    for name, value in dict(VALUES, **BINARY).items():
        ours.update_object(_key('ours', name), value)
    results = original_call([
        {'op': 'put', 'key': _key('theirs', name),
         'value': _encode(VALUES[name])} for name in names] + [
        {'op': 'get', 'key': _key(side, name)}
        for side in ('theirs', 'ours') for name in names + sorted(BINARY)] + [
        {'op': 'list', 'prefix': '/checkpoints/%s/ours/' % CHECKPOINT}])
    assert results[:len(names)] == [None] * len(names), results
    theirs_read = dict(zip(names, results[len(names):]))
    theirs_read_ours = dict(zip(names + sorted(BINARY), results[
        2 * len(names) + len(BINARY):-1]))
    listed = results[-1]

    # The original reads ours as it reads its own; bytes (data chunks),
    # which it stores as JSON strings, it reads from ours as the bytes.
    assert _texts(theirs_read_ours, names) == _texts(theirs_read, names)
    assert _exact(theirs_read_ours) == _exact(theirs_read)
    if kind != 'file_system':  # where it cannot read them
        assert {n: theirs_read_ours[n] for n in BINARY} == BINARY
    # Ours reads what the original wrote as it was written (bytes come
    # back as the text the original made of them).
    ours_read = {name: ours.get_object(_key('theirs', name))
                 for name in names}
    assert _texts(ours_read, names) == _texts(VALUES, names)
    assert _exact(ours_read) == _exact(VALUES)
    # Same bytes and serialized flag (ours may add metadata), but for
    # bytes: ours stores them as they are, the original as a JSON string.
    for name in names:
        body, meta = raw(_key('ours', name))
        their_body, their_meta = raw(_key('theirs', name))
        if isinstance(VALUES[name], bytes):
            assert their_body == json.dumps(body.decode()).encode()
            continue
        assert body == their_body, name
        assert {k: v for k, v in meta.items() if k in their_meta} == \
            their_meta, name
    # Each lists what the other wrote.
    assert sorted(listed) == sorted(_key('ours', n)
                                    for n in names + sorted(BINARY))
    assert sorted(ours.list_objects(
        prefix='/checkpoints/%s/theirs/' % CHECKPOINT)) == sorted(
        _key('theirs', n) for n in names)


def _texts(values, names):
    return {n: _text(values[n]) for n in names}


def _exact(values):
    """The values that are not bytes, as they are."""
    return {n: v for n, v in values.items()
            if n in VALUES and not isinstance(VALUES[n], bytes)}


def _text(value):
    return value.decode('utf-8', 'replace') if isinstance(
        value, bytes) else value
