"""Glance v2 contract tests with python-glanceclient and the openstack CLI."""

import hashlib
import io
import os
import subprocess
import sys

import glanceclient
from glanceclient import exc as g_exc
import pytest
import requests

from karbor.tests.sandbox.conftest import wait_status

DATA = os.urandom(200 * 1024 + 7)


@pytest.fixture
def glance(sandbox):
    return glanceclient.Client('2', session=sandbox.session())


@pytest.fixture
def admin_glance(sandbox):
    return glanceclient.Client('2', session=sandbox.admin_session())


def _active(glance, data=DATA, **kw):
    kw.setdefault('disk_format', 'raw')
    kw.setdefault('container_format', 'bare')
    image = glance.images.create(**kw)
    assert image.status == 'queued'
    glance.images.upload(image.id, io.BytesIO(data))
    return wait_status(lambda: glance.images.get(image.id), 'active')


def test_versions_and_schema(sandbox):
    resp = requests.get(sandbox.url('image') + '/', timeout=5)
    assert resp.status_code == 300
    assert resp.json()['versions'][0]['id'] == 'v2.17'
    token = sandbox.session().get_token()
    schema = requests.get(sandbox.url('image') + '/v2/schemas/image',
                          headers={'X-Auth-Token': token}, timeout=5).json()
    assert schema['name'] == 'image' and 'checksum' in schema['properties']


def test_image_lifecycle_with_data(glance, sandbox):
    image = _active(glance, name='cirros', min_disk=1,
                    os_distro='cirros')
    assert image.size == len(DATA)
    assert image.checksum == hashlib.md5(DATA).hexdigest()
    assert image.os_hash_algo == 'sha512'
    assert image.os_hash_value == hashlib.sha512(DATA).hexdigest()
    assert image.owner == sandbox.project_id
    assert image.visibility == 'shared' and image.os_distro == 'cirros'
    assert b''.join(glance.images.data(image.id)) == DATA
    glance.images.update(image.id, name='renamed', extra='x',
                         remove_props=['os_distro'])
    again = glance.images.get(image.id)
    assert again.name == 'renamed' and again.extra == 'x'
    assert 'os_distro' not in again
    glance.image_tags.update(image.id, 'gold')
    assert glance.images.get(image.id).tags == ['gold']
    assert [i.id for i in glance.images.list(filters={'tag': ['gold']})] \
        == [image.id]
    glance.images.delete(image.id)
    with pytest.raises(g_exc.HTTPNotFound):
        glance.images.get(image.id)
    assert not os.listdir(sandbox.cloud.blobs.root)


def test_list_filters_and_pages(glance):
    ids = [glance.images.create(name='img%d' % i, disk_format='qcow2',
                                container_format='bare').id
           for i in range(3)]
    listed = [i.id for i in glance.images.list(page_size=2)]
    assert listed == ids[::-1]
    by_name = list(glance.images.list(filters={'name': 'img1'}))
    assert [i.id for i in by_name] == [ids[1]]
    assert list(glance.images.list(filters={'status': 'active'})) == []
    limited = list(glance.images.list(limit=1))
    assert [i.id for i in limited] == [ids[2]]


def test_errors(glance, sandbox):
    token = sandbox.session().get_token()
    url = sandbox.url('image') + '/v2/images'
    resp = requests.get(url + '/missing', headers={'X-Auth-Token': token},
                        timeout=5)
    assert resp.status_code == 404
    assert 'No image found with ID missing' in resp.text
    resp = requests.post(url, json={'disk_format': 'floppy'},
                         headers={'X-Auth-Token': token}, timeout=5)
    assert resp.status_code == 400
    resp = requests.post(url, json={'status': 'active'},
                         headers={'X-Auth-Token': token}, timeout=5)
    assert resp.status_code == 403
    with pytest.raises(g_exc.HTTPForbidden):
        glance.images.create(name='pub', visibility='public')
    image = _active(glance, data=b'x')
    with pytest.raises(g_exc.HTTPConflict):
        glance.images.upload(image.id, io.BytesIO(b'again'))
    resp = requests.patch(url + '/' + image.id, timeout=5, json=[
        {'op': 'replace', 'path': '/name', 'value': 'x'}],
        headers={'X-Auth-Token': token})
    assert resp.status_code == 415
    glance.images.update(image.id, protected=True)
    with pytest.raises(g_exc.HTTPForbidden):
        glance.images.delete(image.id)


def test_upload_fault_kills_image(glance, sandbox):
    image = glance.images.create(name='bad', disk_format='raw',
                                 container_format='bare')
    sandbox.inject_fault(service='image', operation='upload',
                         resource_id=image.id)
    glance.images.upload(image.id, io.BytesIO(b'data'))
    assert wait_status(lambda: glance.images.get(image.id),
                       'killed').size is None


def test_visibility_and_ownership(glance, admin_glance, sandbox):
    private = _active(admin_glance, data=b'p', name='private',
                      visibility='private')
    public = _active(admin_glance, data=b'q', name='public',
                     visibility='public')
    shared = _active(admin_glance, data=b'r', name='shared')
    community = _active(admin_glance, data=b's', name='community',
                        visibility='community')
    mine = _active(glance, data=b't', name='mine')
    assert {i.name for i in glance.images.list()} == {'public', 'mine'}
    with pytest.raises(g_exc.HTTPNotFound):
        glance.images.get(private.id)
    with pytest.raises(g_exc.HTTPForbidden):
        glance.images.update(public.id, name='mine-now')
    assert glance.images.get(community.id).name == 'community'
    assert [i.id for i in glance.images.list(
        filters={'visibility': 'community'})] == [community.id]
    admin_glance.image_members.create(shared.id, sandbox.project_id)
    assert shared.id not in {i.id for i in glance.images.list()}
    glance.image_members.update(shared.id, sandbox.project_id, 'accepted')
    assert shared.id in {i.id for i in glance.images.list()}
    assert b''.join(glance.images.data(shared.id)) == b'r'
    assert mine.id in {i.id for i in admin_glance.images.list()}


def test_openstack_image_create_file(sandbox, glance, tmp_path):
    path = tmp_path / 'disk.img'
    path.write_bytes(DATA)
    env = dict(os.environ)
    env.update(line.split('=', 1) for line in
               sandbox.openrc().replace('export ', '').splitlines())
    cli = os.path.join(os.path.dirname(sys.executable), 'openstack')
    out = subprocess.run([cli, 'image', 'create', '--file', str(path),
                          '--disk-format', 'qcow2', '-f', 'value', '-c',
                          'id', 'cli-image'], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    image = wait_status(lambda: glance.images.get(out.stdout.strip()),
                        'active')
    assert image.name == 'cli-image' and image.size == len(DATA)
    assert image.checksum == hashlib.md5(DATA).hexdigest()
