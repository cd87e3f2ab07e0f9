"""Image protect and restore throughput, against a plain ``cp``.

An in-process sandbox cloud holds a Glance image of ``--size-mib`` random
bytes (default 1024). For each bank (the file-system bank in the same
temporary directory as the image, and a real Swift all-in-one), a worker
process runs the image plugin's protect operation (Glance -> bank) and
restore operation (bank -> new Glance image), as the protection service
would. Reported: MB/s of each, the MB/s of ``cp`` of the image's bytes to
the same disk measured in the same run, the rate of the hash a protect
checks the bytes with (on one core, in memory), and how much the worker's
peak RSS grew during the operations.

Targets: protect on the file-system bank at least 70% of ``cp``; the
worker's RSS grows by less than 64 MB.

    .venv/bin/python benchmarks/image_throughput.py [--size-mib 1024] \
        [--banks fs,swift]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

MIB = 1024 * 1024
IMAGE = 'OS::Glance::Image'
PROVIDER = textwrap.dedent("""\
    [provider]
    name = image benchmark
    id = %(id)s
    plugin = karbor-image-protection-plugin
    bank = %(bank)s
    enabled = True
    [image_backup_plugin]
    poll_interval = 0.05
    [file_system_bank_plugin]
    file_system_bank_path = %(path)s
    [swift_client]
    swift_auth_url = %(swift_url)s
    swift_user = %(swift_user)s
    swift_key = %(swift_key)s
    """)
BANKS = {'fs': 'karbor-fs-bank-plugin', 'swift': 'karbor-swift-bank-plugin'}
RSS_TARGET_MB = 64
PROTECT_TARGET = 0.70


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# The worker: one protect and one restore, as the protection service.

def worker(spec):
    from oslo_config import cfg

    from karbor.clients import auth
    from karbor.common import config  # noqa: F401
    from karbor import context
    from karbor.resource import Resource
    from karbor.services.protection import provider as provider_mod

    conf = cfg.CONF
    conf([], project='karbor', default_config_files=[])
    conf.set_override('state_path', spec['dir'])
    conf.set_override('auth_strategy', 'noauth')
    for name, value in (('auth_url', spec['auth_url']),
                        ('username', 'demo'), ('password', 'password'),
                        ('user_domain_id', 'default'),
                        ('project_domain_id', 'default')):
        conf.set_override(name, value, group=auth.SERVICE_CREDENTIALS_GROUP)
    provider = provider_mod.load_provider_file(spec['provider_file'])
    plugin = provider.load_plugins()[IMAGE]
    ctx = context.RequestContext(user_id='demo', project_id=spec['project'],
                                 project_name='demo', is_admin=False)
    resource_ = Resource(IMAGE, spec['image_id'], 'bench')
    checkpoint = provider.checkpoint_collection.create(
        {'id': str(uuid.uuid4()), 'name': 'bench', 'provider_id': provider.id,
         'project_id': spec['project'], 'resources': [resource_.to_dict()]},
        context=ctx)
    baseline = peak_rss_mb()
    started = time.monotonic()
    plugin.get_protect_operation(resource_).on_main(
        checkpoint, resource_, ctx, {}, operation_log=None)
    protect_s = time.monotonic() - started
    new_resources = {}
    started = time.monotonic()
    plugin.get_restore_operation(resource_).on_main(
        checkpoint, resource_, ctx, {'restore_name': 'bench-restored'},
        operation_log=None, restore=None, new_resources=new_resources)
    restore_s = time.monotonic() - started
    plugin.get_delete_operation(resource_).on_main(
        checkpoint, resource_, ctx, {}, operation_log=None)
    provider.bank.close()
    print(json.dumps({'protect_s': protect_s, 'restore_s': restore_s,
                      'rss_growth_mb': peak_rss_mb() - baseline,
                      'new_image': new_resources[spec['image_id']]}))


# The driver.

def make_image(glance, directory, size):
    """An active image of ``size`` random bytes (streamed from a file)."""
    path = os.path.join(directory, 'source.raw')
    with open(path, 'wb') as f:
        for _ in range(size // MIB):
            f.write(os.urandom(MIB))
        f.write(os.urandom(size % MIB))
    image = glance.images.create(name='bench', disk_format='raw',
                                 container_format='bare')
    with open(path, 'rb') as f:
        glance.images.upload(image.id, f)
    os.unlink(path)
    while glance.images.get(image.id).status != 'active':
        time.sleep(0.1)
    return image.id


def cp_rate(source, directory, size, durable=False):
    """MB/s of ``cp`` (then ``sync`` of the copy when ``durable``, as the
    file-system bank makes its objects durable)."""
    target = os.path.join(directory, 'cp-copy')
    started = time.monotonic()
    subprocess.run(['cp', source, target], check=True)
    if durable:
        subprocess.run(['sync', target], check=True)
    elapsed = time.monotonic() - started
    os.unlink(target)
    return size / MIB / elapsed


def hash_rate(algo):
    """MB/s of hashlib's ``algo`` over 256 MiB in memory, on one core:
    a protect checks every byte with it, so it bounds a protect."""
    import hashlib
    chunk, hasher = os.urandom(MIB), hashlib.new(algo)
    started = time.monotonic()
    for _ in range(256):
        hasher.update(chunk)
    return 256 / (time.monotonic() - started)


def run_worker(spec):
    out = subprocess.run([sys.executable, os.path.abspath(__file__),
                          '--worker', json.dumps(spec)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bank_spec(name, directory, swift):
    spec = {'id': str(uuid.uuid4()), 'bank': BANKS[name],
            'path': os.path.join(directory, 'bank-%s' % name),
            'swift_url': '', 'swift_user': '', 'swift_key': ''}
    if swift is not None:
        spec.update(swift_url=swift.auth_url, swift_user=swift.user,
                    swift_key=swift.key)
    path = os.path.join(directory, 'provider-%s.conf' % name)
    with open(path, 'w') as f:
        f.write(PROVIDER % spec)
    return path


def measure(args, directory):
    import glanceclient

    from karbor_sandbox import fixture

    size = args.size_mib * MIB
    results, failed = [], False
    with fixture.running_sandbox(os.path.join(directory, 'sandbox')) as sb:
        glance = glanceclient.Client('2', session=sb.session())
        image_id = make_image(glance, directory, size)
        blob = sb.cloud.blobs.path('image-%s' % image_id)
        for name in args.banks.split(','):
            swift = start_swift() if name == 'swift' else None
            try:
                cp = cp_rate(blob, directory, size)
                cp_sync = cp_rate(blob, directory, size, durable=True)
                check = glance.images.get(image_id).os_hash_algo or 'md5'
                print('%s of the bytes in memory: %.1f MB/s' % (
                    check, hash_rate(check)))
                done = run_worker({
                    'dir': directory, 'auth_url': sb.auth_url,
                    'project': sb.project_id, 'image_id': image_id,
                    'provider_file': bank_spec(name, directory, swift)})
            finally:
                if swift is not None:
                    swift.stop()
            glance.images.delete(done['new_image'])
            protect = size / MIB / done['protect_s']
            restore = size / MIB / done['restore_s']
            print('%-5s bank: protect %7.1f MB/s (%3.0f%% of cp, %3.0f%% of '
                  'cp+sync), restore %7.1f MB/s; cp %7.1f MB/s, cp+sync '
                  '%7.1f MB/s; worker RSS grew %.1f MB' % (
                      name, protect, 100 * protect / cp,
                      100 * protect / cp_sync, restore, cp, cp_sync,
                      done['rss_growth_mb']))
            results.append((name, protect / cp, done['rss_growth_mb']))
    for name, ratio, rss in results:
        if name == 'fs' and ratio < PROTECT_TARGET:
            print('MISSED: fs protect at %.0f%% of cp (target %.0f%%)' % (
                100 * ratio, 100 * PROTECT_TARGET))
            failed = True
        if rss >= RSS_TARGET_MB:
            print('MISSED: %s worker RSS grew %.1f MB (target < %d MB)' % (
                name, rss, RSS_TARGET_MB))
            failed = True
    return 1 if failed else 0


def start_swift():
    from karbor.tests.functional.banks import swift_aio
    swift = swift_aio.SwiftAIO()
    swift.start()
    return swift


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size-mib', type=int, default=1024)
    parser.add_argument('--banks', default='fs,swift',
                        help='comma-separated: fs, swift (default both)')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(json.loads(args.worker))
        return 0
    print('image of %d MiB' % args.size_mib)
    with tempfile.TemporaryDirectory(prefix='karbor-image-bench-',
                                     dir=os.environ.get('TMPDIR')) as tmp:
        return measure(args, tmp)


if __name__ == '__main__':
    sys.exit(main())
