"""Swift v1 contract tests with python-swiftclient."""

import hashlib
import time

import pytest
import requests
import swiftclient
from swiftclient import exceptions as sw_exc


def test_account_and_container_lifecycle(swift, sandbox):
    headers = swift.head_account()
    assert headers['x-account-container-count'] == '0'
    swift.put_container('bank', headers={'X-Container-Meta-Owner': 'k'})
    swift.post_container('bank', {'X-Container-Meta-Color': 'blue'})
    head = swift.head_container('bank')
    assert head['x-container-meta-owner'] == 'k'
    assert head['x-container-meta-color'] == 'blue'
    swift.post_account({'X-Account-Meta-Team': 'karbor'})
    account, containers = swift.get_account()
    assert account['x-account-meta-team'] == 'karbor'
    assert [c['name'] for c in containers] == ['bank']
    assert swift.url.endswith('/AUTH_%s' % sandbox.project_id)
    swift.delete_container('bank')
    with pytest.raises(sw_exc.ClientException) as err:
        swift.head_container('bank')
    assert err.value.http_status == 404


def test_objects_with_metadata(swift):
    swift.put_container('c')
    etag = swift.put_object('c', 'dir/a.json', b'{"a": 1}',
                            content_type='application/json',
                            headers={'X-Object-Meta-Kind': 'md'})
    assert etag == hashlib.md5(b'{"a": 1}').hexdigest()
    head, body = swift.get_object('c', 'dir/a.json')
    assert body == b'{"a": 1}'
    assert head['x-object-meta-kind'] == 'md'
    assert head['content-type'] == 'application/json'
    assert head['etag'] == etag
    swift.post_object('c', 'dir/a.json', {'X-Object-Meta-New': '1'})
    head = swift.head_object('c', 'dir/a.json')
    assert head['x-object-meta-new'] == '1'
    assert 'x-object-meta-kind' not in head
    with pytest.raises(sw_exc.ClientException) as err:
        swift.delete_container('c')
    assert err.value.http_status == 409
    swift.delete_object('c', 'dir/a.json')
    with pytest.raises(sw_exc.ClientException) as err:
        swift.get_object('c', 'dir/a.json')
    assert err.value.http_status == 404
    with pytest.raises(sw_exc.ClientException) as err:
        swift.put_object('missing', 'x', b'1')
    assert err.value.http_status == 404
    with pytest.raises(sw_exc.ClientException) as err:
        swift.put_object('c', 'bad', b'1', etag='0' * 32)
    assert err.value.http_status == 422


def test_listing_prefix_marker_limit_end_marker_delimiter(swift):
    swift.put_container('l')
    names = ['a/1', 'a/2', 'a/3', 'b/1', 'c']
    for name in names:
        swift.put_object('l', name, name.encode())
    listed = lambda **kw: [o.get('name', o.get('subdir'))  # noqa: E731
                           for o in swift.get_container('l', **kw)[1]]
    assert listed() == names
    assert listed(prefix='a/') == ['a/1', 'a/2', 'a/3']
    assert listed(marker='a/2') == ['a/3', 'b/1', 'c']
    assert listed(limit=2) == ['a/1', 'a/2']
    assert listed(end_marker='b/1') == ['a/1', 'a/2', 'a/3']
    assert listed(delimiter='/') == ['a/', 'b/', 'c']
    assert listed(full_listing=True) == names
    head = swift.head_container('l')
    assert head['x-container-object-count'] == '5'
    token = swift.get_auth()[1]
    plain = requests.get(swift.url + '/l?prefix=b', timeout=5,
                         headers={'X-Auth-Token': token})
    assert plain.text == 'b/1\n'


def test_expiry(swift):
    swift.put_container('e')
    swift.put_object('e', 'soon', b'1', headers={'X-Delete-After': '1'})
    swift.put_object('e', 'past', b'1',
                     headers={'X-Delete-At': str(int(time.time()) - 1)})
    assert 'x-delete-at' in swift.head_object('e', 'soon')
    with pytest.raises(sw_exc.ClientException):
        swift.head_object('e', 'past')
    time.sleep(1.1)
    assert swift.get_container('e')[1] == []


def test_streamed_chunked_upload_and_download(swift):
    swift.put_container('big')
    chunk = b'x' * 65536

    def chunks():
        for _ in range(80):
            yield chunk
    swift.put_object('big', 'blob', contents=chunks())
    head, body = swift.get_object('big', 'blob', resp_chunk_size=65536)
    total = md5 = 0
    md5 = hashlib.md5()
    for piece in body:
        total += len(piece)
        md5.update(piece)
    assert total == 80 * 65536 == int(head['content-length'])
    assert head['etag'] == md5.hexdigest()


def test_auth_required_and_foreign_account_forbidden(swift, sandbox):
    url, demo_token = swift.get_auth()
    resp = requests.get(url, timeout=5)
    assert resp.status_code == 401
    assert '<h1>Unauthorized</h1>' in resp.text
    admin = sandbox.admin_session()
    other = swiftclient.Connection(session=admin)
    other.put_container('admins')
    foreign = sandbox.url('object-store', sandbox.admin_project_id)
    resp = requests.get(foreign, timeout=5,
                        headers={'X-Auth-Token': demo_token})
    assert resp.status_code == 403
    # Admins (reseller) may read any account.
    assert other.get_container('admins')[1] == []
    assert 'swift' in swift.get_capabilities()
