"""The shared plumbing: store, router, tasks, faults, restart."""

import threading

import pytest
import requests

from karbor_sandbox import fixture
from karbor_sandbox import store as store_mod
from karbor_sandbox import wsgi


def test_store_documents_and_rollback(tmp_path):
    st = store_mod.Store(str(tmp_path / 'db.sqlite'))
    st.put('svc', 'thing', {'id': 'a', 'n': 1}, project_id='p1')
    st.put('svc', 'thing', {'id': 'b', 'n': 2}, project_id='p2', parent='x')
    st.put('svc', 'thing', {'id': 'a', 'n': 3}, project_id='p1')
    assert [d['n'] for d in st.list('svc', 'thing')] == [3, 2]
    assert [d['id'] for d in st.list('svc', 'thing', parent='x')] == ['b']
    assert st.list('svc', 'thing', project_id='p1') == [{'id': 'a', 'n': 3}]
    with pytest.raises(RuntimeError):
        with st.transaction():
            st.put('svc', 'thing', {'id': 'c'})
            raise RuntimeError()
    assert st.get('svc', 'thing', 'c') is None
    assert st.delete('svc', 'thing', 'a') and not st.delete('svc', 'thing',
                                                            'a')
    st.close()


def test_store_is_thread_safe(tmp_path):
    st = store_mod.Store(str(tmp_path / 'db.sqlite'))

    def writer(n):
        for i in range(50):
            st.put('s', 'k', {'id': '%d-%d' % (n, i)})
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(st.list('s', 'k')) == 200


def test_store_update_never_recreates_a_deleted_document(tmp_path):
    st = store_mod.Store(str(tmp_path / 'db.sqlite'))
    st.put('image', 'image', {'id': 'i1', 'status': 'saving'},
           project_id='p1')
    assert st.update('image', 'image', 'i1', status='queued') == {
        'id': 'i1', 'status': 'queued'}
    assert st.get('image', 'image', 'i1')['status'] == 'queued'
    assert st.delete('image', 'image', 'i1')
    # A late status change (an aborted upload) after the delete.
    assert st.update('image', 'image', 'i1', status='queued') is None
    assert st.get('image', 'image', 'i1') is None


def test_router_matches_vars_regex_and_methods():
    router = wsgi.Router()
    router.add('GET', '/v3/{_p:[0-9a-f]{4}}/items/{item_id}', 'h1')
    router.add('GET', '/obj/{name:.+}', 'h2')
    handler, kwargs, _auth = router.match('GET', '/v3/beef/items/42')
    assert (handler, kwargs) == ('h1', {'item_id': '42'})
    assert router.match('GET', '/obj/a/b/c')[1] == {'name': 'a/b/c'}
    assert router.match('HEAD', '/obj/x')[0] == 'h2'
    with pytest.raises(wsgi.HTTPError) as err:
        router.match('DELETE', '/obj/x')
    assert err.value.code == 405
    with pytest.raises(wsgi.HTTPError) as err:
        router.match('GET', '/v3/xyz1/items/1')
    assert err.value.code == 404


def test_root_lists_endpoints_and_unknown_path_is_404(sandbox):
    body = requests.get(sandbox.base_url + '/', timeout=5).json()
    assert set(body['endpoints']) >= {'identity', 'volume', 'object-store',
                                      'k8s'}
    resp = requests.get(sandbox.base_url + '/nowhere', timeout=5)
    assert resp.status_code == 404
    assert resp.json()['error']['code'] == 404


def test_fault_api_add_list_delete(sandbox):
    url = sandbox.base_url + '/sandbox/faults'
    fault = sandbox.inject_fault(service='volume', operation='backup',
                                 resource_id='v1', action='slow', delay=3)
    assert fault['action'] == 'slow' and fault['count'] == 1
    assert [f['id'] for f in requests.get(url, timeout=5).json()[
        'faults']] == [fault['id']]
    resp = requests.post(url, json={'operation': 'x', 'action': 'explode'},
                         timeout=5)
    assert resp.status_code == 400
    assert requests.delete(url + '/' + fault['id'],
                           timeout=5).status_code == 204
    assert requests.delete(url + '/' + fault['id'],
                           timeout=5).status_code == 404


def test_delay_keeps_intermediate_status(tmp_path):
    with fixture.running_sandbox(str(tmp_path), delay=30) as sb:
        from cinderclient import client
        cinder = client.Client('3.60', session=sb.session())
        vol = cinder.volumes.create(1, name='slow')
        assert cinder.volumes.get(vol.id).status == 'creating'


def test_state_and_pending_tasks_survive_restart(tmp_path):
    from cinderclient import client
    state = str(tmp_path / 'state')
    with fixture.running_sandbox(state, delay=0.5) as sb:
        cinder = client.Client('3.60', session=sb.session())
        vol = cinder.volumes.create(1, name='persistent')
        project = sb.project_id
    with fixture.running_sandbox(state) as sb:
        assert sb.project_id == project
        cinder = client.Client('3.60', session=sb.session())
        import time
        time.sleep(0.5)
        again = cinder.volumes.get(vol.id)
        assert again.name == 'persistent'
        assert again.status == 'available'
