"""A plan of many servers, each with its volumes, checkpointed at once.

``karbor-all`` runs with its sandbox cloud (``--sandbox-delay`` seconds per
asynchronous transition: a backup, a snapshot, an image turning active)
and a provider of the server, network, image and Cinder backup plugins on
a file-system bank. ``--servers`` servers are booted from the seeded image,
each with ``--volumes`` attached volumes. Each server is first
checkpointed alone (a plan of one server, its volumes, image and network
as dependents); then one plan of all of them is checkpointed, with the
hooks of all resources running concurrently. Prints both wall times and
their ratio; the target is that the whole plan takes less than half the
sum of the single-server times.

    .venv/bin/python benchmarks/server_plan.py [--servers 20] [--volumes 2]
        [--sandbox-delay 0.5]
"""

import argparse
import os
import sys
import tempfile
import textwrap
import time

from cinderclient import client as cinder_client
from keystoneauth1 import identity
from keystoneauth1 import session as ks_session
from novaclient import client as nova_client
import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from benchmarks import common  # noqa: E402
from karbor.cmd import all as karbor_all  # noqa: E402
from karbor.tests.functional import deployment  # noqa: E402
from karbor.tests.functional import quickstart  # noqa: E402

PROVIDER = '2d6a4c8e-1b3f-4e5a-9c7d-8e0f1a2b3c4d'
PROVIDER_CONF = """\
[provider]
name = Server benchmark
id = {id}
plugin = karbor-volume-protection-plugin
plugin = karbor-image-protection-plugin
plugin = karbor-server-protection-plugin
plugin = karbor-network-protection-plugin
bank = karbor-fs-bank-plugin
enabled = True

[file_system_bank_plugin]
file_system_bank_path = banks/server-benchmark

[cinder_backup_protection_plugin]
poll_interval = {poll}

[image_backup_plugin]
poll_interval = {poll}

[nova_backup_protection_plugin]
poll_interval = {poll}
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--servers', type=int, default=20)
    parser.add_argument('--volumes', type=int, default=2)
    parser.add_argument('--sandbox-delay', type=float, default=0.5)
    parser.add_argument('--poll', type=float, default=0.2)
    return parser.parse_args()


def start(directory, args):
    setup = quickstart.QuickStart(directory,
                                  sandbox_delay=args.sandbox_delay)
    providers = os.path.join(directory, 'providers.d')
    karbor_all._copy_providers(karbor_all.shipped_providers_dir(), providers,
                               'http://127.0.0.1:%d' % setup.sandbox_port)
    with open(os.path.join(providers, 'server-benchmark.conf'), 'w') as f:
        f.write(PROVIDER_CONF.format(id=PROVIDER, poll=args.poll))
    setup.start()
    return setup


class Cloud(object):
    """The demo user's clients of the sandbox and of Karbor."""

    def __init__(self, setup):
        env = setup.env()
        auth = identity.Password(
            auth_url=env['OS_AUTH_URL'], username='demo',
            password='password', project_name='demo',
            user_domain_id='default', project_domain_id='default')
        self.session = ks_session.Session(auth=auth)
        self.nova = nova_client.Client('2.1', session=self.session)
        self.cinder = cinder_client.Client('3', session=self.session)
        self.karbor = 'http://127.0.0.1:%d/v1/%s' % (setup.port,
                                                     setup.project_id)

    def api(self, method, path, body=None):
        response = requests.request(
            method, self.karbor + path, json=body, timeout=60,
            headers={'X-Auth-Token': self.session.get_token()})
        response.raise_for_status()
        return response.json()


def wait(predicate, what, timeout=600):
    return deployment.wait_for(predicate, timeout=timeout, interval=0.1,
                               what=what)


def boot(cloud, count, volumes):
    """``count`` servers, each with ``volumes`` attached volumes."""
    image = cloud.nova.glance.find_image('demo-image')
    flavor = cloud.nova.flavors.find(name='m1.tiny')
    net = cloud.nova.neutron.find_network('demo-net')
    servers = [cloud.nova.servers.create('bench-%d' % i, image.id, flavor.id,
                                         nics=[{'net-id': net.id}])
               for i in range(count)]
    made = [[cloud.cinder.volumes.create(1, name='bench-%d-%d' % (i, j))
             for j in range(volumes)] for i in range(count)]
    for server in servers:
        wait(lambda: cloud.nova.servers.get(server.id).status == 'ACTIVE',
             'server %s' % server.id)
    for server, server_volumes in zip(servers, made):
        for index, volume in enumerate(server_volumes):
            wait(lambda: cloud.cinder.volumes.get(volume.id).status ==
                 'available', 'volume %s' % volume.id)
            cloud.nova.volumes.create_server_volume(
                server.id, volume.id, '/dev/vd%s' % 'bcdefgh'[index])
    return servers


def checkpoint_seconds(cloud, servers, name):
    """Wall time of a checkpoint of a plan of ``servers``."""
    plan = cloud.api('POST', '/plans', {'plan': {
        'name': name, 'provider_id': PROVIDER, 'parameters': {},
        'resources': [{'id': s.id, 'type': 'OS::Nova::Server',
                       'name': s.name} for s in servers]}})['plan']
    started = time.monotonic()
    checkpoint = cloud.api('POST', '/providers/%s/checkpoints' % PROVIDER,
                           {'checkpoint': {'plan_id': plan['id']}})[
        'checkpoint']
    path = '/providers/%s/checkpoints/%s' % (PROVIDER, checkpoint['id'])
    status = wait(lambda: cloud.api('GET', path)['checkpoint']['status']
                  not in ('protecting',) and
                  cloud.api('GET', path)['checkpoint']['status'],
                  'checkpoint %s' % checkpoint['id'])
    seconds = time.monotonic() - started
    if status != 'available':
        raise common.BenchmarkError('checkpoint %s ended %s' % (
            checkpoint['id'], status))
    return seconds


def main():
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix='server-plan-') as directory:
        setup = start(directory, args)
        try:
            cloud = Cloud(setup)
            servers = boot(cloud, args.servers, args.volumes)
            singles = [checkpoint_seconds(cloud, [s], 'one %s' % s.name)
                       for s in servers]
            whole = checkpoint_seconds(cloud, servers, 'all servers')
        finally:
            setup.stop()
    total = sum(singles)
    print(textwrap.dedent("""\
        servers: %d, volumes per server: %d, sandbox delay: %.2f s
        single-server checkpoints: median %.2f s, sum %.2f s
        plan of all servers: %.2f s (%.1fx faster than the sum)""") % (
        args.servers, args.volumes, args.sandbox_delay,
        sorted(singles)[len(singles) // 2], total, whole, total / whole),
        flush=True)
    common.finish(common.verdict(
        'whole plan < half the sum of single-server times',
        whole < total / 2, '%.2f s vs %.2f s' % (whole, total)))


if __name__ == '__main__':
    main()
