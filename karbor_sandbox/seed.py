"""Fill a project with a small demo estate, through the real clients.

Steps are registered with :func:`step` and run in order; each one must be
idempotent (look its resources up by name before creating them) and
skip itself when its service is not served. Add steps for new services::

    @seed.step(40)
    def images(target, log):
        glance = glanceclient.Client('2', session=target.session())
        ...
"""

import io
import time

import requests

_STEPS = []
TIMEOUT = 60


def step(order):
    """Register ``func(target, log)`` as a seed step run at ``order``."""
    def decorator(func):
        _STEPS.append((order, func.__name__, func))
        _STEPS.sort(key=lambda s: s[0])
        return func
    return decorator


class Target(object):
    """A running sandbox addressed by its base URL."""

    def __init__(self, base_url, user='demo', project='demo'):
        self.base_url = base_url.rstrip('/')
        self.auth_url = self.base_url + '/identity/v3'
        self.user, self.project = user, project
        self._services = None

    def session(self):
        from keystoneauth1.identity import v3
        from keystoneauth1 import session
        return session.Session(auth=v3.Password(
            auth_url=self.auth_url, username=self.user, password='password',
            project_name=self.project, user_domain_id='default',
            project_domain_id='default'))

    def has(self, service):
        if self._services is None:
            self._services = requests.get(
                self.base_url + '/sandbox/endpoints', timeout=10).json()[
                    'endpoints']
        return service in self._services


def wait_for(check, what, timeout=TIMEOUT):
    """Poll ``check()`` until it returns a true value."""
    deadline = time.time() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.time() > deadline:
            raise RuntimeError('Timed out waiting for %s' % what)
        time.sleep(0.2)


def run(target, log=print):
    """Run every seed step against ``target``."""
    for _order, name, func in _STEPS:
        log('seed: %s' % name)
        func(target, log)


def _volume(cinder, name, size):
    found = cinder.volumes.list(search_opts={'name': name})
    vol = found[0] if found else cinder.volumes.create(size, name=name)
    return wait_for(lambda: _available(cinder, vol.id), 'volume %s' % name)


def _available(cinder, volume_id):
    vol = cinder.volumes.get(volume_id)
    if vol.status == 'error':
        raise RuntimeError('volume %s went to error' % volume_id)
    return vol if vol.status in ('available', 'in-use') else None


@step(10)
def volumes(target, log):
    if not target.has('volume'):
        return
    from cinderclient import client
    cinder = client.Client('3.60', session=target.session())
    for name, size in (('demo-volume-1', 1), ('demo-volume-2', 2)):
        log('  volume %s: %s' % (name, _volume(cinder, name, size).id))


@step(20)
def objects(target, log):
    if not target.has('object-store'):
        return
    import swiftclient
    conn = swiftclient.Connection(session=target.session())
    conn.put_container('demo-container')
    conn.put_object('demo-container', 'hello.txt', b'Hello from Karbor\n',
                    content_type='text/plain')
    log('  container demo-container with hello.txt')


@step(70)
def kubernetes_pod(target, log):
    if not (target.has('k8s') and target.has('volume')):
        return
    from cinderclient import client
    from kubernetes import client as k8s
    cinder = client.Client('3.60', session=target.session())
    volume = _volume(cinder, 'demo-pod-volume', 1)
    cfg = k8s.Configuration()
    cfg.host = target.base_url + '/k8s'
    api = k8s.CoreV1Api(k8s.ApiClient(cfg))
    names = {n.metadata.name for n in api.list_namespace().items}
    if 'demo' not in names:
        api.create_namespace({'metadata': {'name': 'demo'}})
    if not api.list_persistent_volume(
            field_selector='metadata.name=demo-pv').items:
        api.create_persistent_volume({
            'metadata': {'name': 'demo-pv'},
            'spec': {'capacity': {'storage': '1Gi'},
                     'accessModes': ['ReadWriteOnce'],
                     'storageClassName': '',
                     'cinder': {'volumeID': volume.id, 'fsType': 'ext4'}}})
    if not api.list_namespaced_persistent_volume_claim(
            'demo', field_selector='metadata.name=demo-pvc').items:
        api.create_namespaced_persistent_volume_claim('demo', {
            'metadata': {'name': 'demo-pvc'},
            'spec': {'accessModes': ['ReadWriteOnce'],
                     'storageClassName': '', 'volumeName': 'demo-pv',
                     'resources': {'requests': {'storage': '1Gi'}}}})
    if not api.list_namespaced_pod(
            'demo', field_selector='metadata.name=demo-pod').items:
        api.create_namespaced_pod('demo', {
            'metadata': {'name': 'demo-pod', 'labels': {'app': 'demo'}},
            'spec': {'containers': [{
                'name': 'web', 'image': 'nginx',
                'volumeMounts': [{'name': 'data', 'mountPath': '/data'}]}],
                'volumes': [{'name': 'data', 'persistentVolumeClaim': {
                    'claimName': 'demo-pvc'}}]}})
    wait_for(lambda: api.read_namespaced_pod(
        'demo-pod', 'demo').status.phase == 'Running', 'pod demo/demo-pod')
    log('  pod demo/demo-pod on PVC demo-pvc -> PV demo-pv -> volume %s'
        % volume.id)


# OpenStack compute estate: an image, a network, a server, a share.

DEMO_IMAGE_DATA = b'KARBOR-DEMO-DISK\n' * 4096


def _status(get, wanted, what, failed=('error', 'killed', 'ERROR')):
    def check():
        obj = get()
        if obj.status in failed:
            raise RuntimeError('%s went to %s' % (what, obj.status))
        return obj if obj.status == wanted else None
    return wait_for(check, what)


@step(30)
def images(target, log):
    if not target.has('image'):
        return
    import glanceclient
    glance = glanceclient.Client('2', session=target.session())
    found = list(glance.images.list(filters={'name': 'demo-image'}))
    image = found[0] if found else glance.images.create(
        name='demo-image', disk_format='raw', container_format='bare')
    if image.status == 'queued':
        glance.images.upload(image.id, io.BytesIO(DEMO_IMAGE_DATA))
    image = _status(lambda: glance.images.get(image.id), 'active',
                    'image demo-image')
    log('  image demo-image: %s (%d bytes)' % (image.id, image.size))


def _find_or_create(lister, creator, key, name, body):
    found = lister(name=name)[key + 's']
    return found[0] if found else creator({key: dict(body, name=name)})[key]


@step(40)
def network(target, log):
    if not target.has('network'):
        return
    from neutronclient.v2_0 import client
    neutron = client.Client(session=target.session())
    admin = client.Client(session=Target(target.base_url, 'admin',
                                         'admin').session())
    public = _find_or_create(admin.list_networks, admin.create_network,
                             'network', 'public', {'router:external': True})
    _find_or_create(admin.list_subnets, admin.create_subnet, 'subnet',
                    'public-subnet', {'network_id': public['id'],
                                      'cidr': '172.24.4.0/24',
                                      'ip_version': 4})
    net = _find_or_create(neutron.list_networks, neutron.create_network,
                          'network', 'demo-net', {})
    subnet = _find_or_create(neutron.list_subnets, neutron.create_subnet,
                             'subnet', 'demo-subnet', {
                                 'network_id': net['id'],
                                 'cidr': '10.0.0.0/24', 'ip_version': 4})
    router = _find_or_create(neutron.list_routers, neutron.create_router,
                             'router', 'demo-router', {
                                 'external_gateway_info': {
                                     'network_id': public['id']}})
    if not neutron.list_ports(device_id=router['id'],
                              network_id=net['id'])['ports']:
        neutron.add_interface_router(router['id'],
                                     {'subnet_id': subnet['id']})
    log('  network demo-net (%s), subnet %s, router demo-router'
        % (net['id'], subnet['cidr']))


@step(50)
def server(target, log):
    if not all(target.has(s) for s in ('compute', 'image', 'network',
                                       'volume')):
        return
    import glanceclient
    from cinderclient import client as cinder_client
    from neutronclient.v2_0 import client as neutron_client
    from novaclient import client as nova_client
    sess = target.session()
    nova = nova_client.Client('2.1', session=sess)
    cinder = cinder_client.Client('3.60', session=sess)
    found = nova.servers.list(search_opts={'name': '^demo-server$'})
    if found:
        vm = found[0]
    else:
        glance = glanceclient.Client('2', session=sess)
        image = list(glance.images.list(filters={'name': 'demo-image'}))[0]
        net = neutron_client.Client(session=sess).list_networks(
            name='demo-net')['networks'][0]
        vm = nova.servers.create('demo-server', image.id, '1',
                                 nics=[{'net-id': net['id']}])
    vm = _status(lambda: nova.servers.get(vm.id), 'ACTIVE',
                 'server demo-server')
    volume = _volume(cinder, 'demo-volume-1', 1)
    if not volume.attachments:
        nova.volumes.create_server_volume(vm.id, volume.id)
    log('  server demo-server: %s with volume demo-volume-1 attached'
        % vm.id)


@step(60)
def share(target, log):
    if not target.has('share'):
        return
    from manilaclient import client
    manila = client.Client('2', session=target.session())
    found = manila.shares.list(search_opts={'name': 'demo-share'})
    demo = found[0] if found else manila.shares.create(
        'NFS', 1, name='demo-share')
    demo = _status(lambda: manila.shares.get(demo.id), 'available',
                   'share demo-share')
    log('  share demo-share: %s' % demo.id)
