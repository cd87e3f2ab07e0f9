"""Real flows of wide plans: a protection plugin with all four hooks.

A benchmark plugin (``benchmarks/plugins/bench_hooks.py``) implements
``on_prepare_begin``, ``on_prepare_finish``, ``on_main`` and
``on_complete``, each writing one small object into the resource's bank
section (file-system bank). It is registered for this run only: a
temporary distribution on the services' ``PYTHONPATH`` names it in the
``karbor.protections`` entry points, and a provider file of its own uses
it. Each checkpoint therefore runs a taskflow flow with its state
persisted (crash resume): the volumes are linked to no other resource, so
chunk tasks run their four hooks and record each completed hook (see
``karbor/services/protection/flows/resource_flow.py``).

Shapes: ``karbor-all`` embedded (SQLite, in-process messaging) and the
split shape (``split.SplitServer``: MariaDB + RabbitMQ, three processes).
Measured: POST until ``available`` for plans of ``--sizes`` resources
(1,000 and 10,000), the peak RSS of the process running the flows, and
the CPU time it (and, split, the API) used meanwhile: on a shared machine
the CPU seconds vary less than the elapsed time.
Targets: 1,000 resources <= 2 s in both shapes; 10,000 <= 20 s with the
worker's RSS < 1 GB. With ``--anchor`` the original Karbor runs its
1,000-resource No-Op plan once (it builds the same flow), after ours, with
``--anchor-lock`` held. The checkpoint is polled every 10 us x plan size
(10 ms for 1,000; 100 ms for 10,000): every poll returns the whole plan.
"""

import contextlib
import fcntl
import os
import shutil
import tempfile
import textwrap
import threading
import time

import common
import large_plan
import split

PLUGIN = 'karbor-bench-hooks-plugin'
PROVIDER_ID = '5b1d6a53-3b5e-4a43-9a3c-0be4c0000001'
PLUGINS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           'plugins')
TARGETS = {1000: 2.0, 10000: 20.0}
RSS_LIMIT_MIB = 1024
# Seconds between two polls of the checkpoint, per resource: each poll
# returns the whole plan, so polling a 10,000-resource checkpoint every few
# milliseconds would load the server it measures. 0.5% of the target.
POLL_PER_RESOURCE = 10e-6


def add_options(parser):
    parser.add_argument('--sizes', type=int, nargs='+',
                        default=[1000, 10000])
    parser.add_argument('--shapes', default='embedded,split')
    parser.add_argument('--timeout', type=float, default=300,
                        help='seconds to wait for one checkpoint (300)')
    parser.add_argument('--anchor', action='store_true',
                        help='also run the anchor on its 1,000-resource '
                             'No-Op plan (about a minute; it may fail)')
    parser.add_argument('--anchor-lock', metavar='FILE',
                        help='hold an exclusive flock on FILE while the '
                             'anchor runs (when several runs share it)')


def plugin_path(directory):
    """A directory to put on PYTHONPATH: the plugin module and a
    distribution whose entry point names it."""
    dist = os.path.join(directory, 'karbor_bench_plugins-1.0.dist-info')
    os.makedirs(dist)
    with open(os.path.join(dist, 'METADATA'), 'w') as meta:
        meta.write('Metadata-Version: 2.1\nName: karbor-bench-plugins\n'
                   'Version: 1.0\n')
    with open(os.path.join(dist, 'entry_points.txt'), 'w') as entry:
        entry.write('[karbor.protections]\n%s = bench_hooks:'
                    'BenchHooksProtectionPlugin\n' % PLUGIN)
    return os.pathsep.join([directory, PLUGINS_DIR])


def write_provider(directory, bank_dir):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, 'bench-hooks.conf'), 'w') as conf:
        conf.write(textwrap.dedent("""\
            [provider]
            name = Benchmark hooks
            description = Four hooks, a bank write in each
            id = %s
            plugin = %s
            bank = karbor-fs-bank-plugin
            enabled = True

            [file_system_bank_plugin]
            file_system_bank_path = %s
            """ % (PROVIDER_ID, PLUGIN, bank_dir)))
    return directory


class PeakRss(object):
    """The peak RSS of some processes, sampled every 0.2 s."""

    def __init__(self, pids):
        self.pids = pids
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, sum(split.rss_mib(pid)
                                           for pid in self.pids()))

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self.peak


def measure(server, worker_pids, size, timeout, api_pids=None):
    """``(seconds, status, peak RSS MiB, CPU s)`` of one checkpoint; the
    status is ``protecting`` if it was not done within ``timeout`` seconds.
    CPU: seconds used meanwhile by the worker and, if apart, the API."""
    client = server.client(timeout=300)
    try:
        plan_id = client.create_plan(common.fake_volumes(size),
                                     provider_id=PROVIDER_ID, timeout=300)
        rss = PeakRss(worker_pids)
        cpu_pids = {'worker': worker_pids, 'API': api_pids or (lambda: [])}
        cpu = {name: split.cpu_seconds(pids()) for name, pids
               in cpu_pids.items()}
        start = time.perf_counter()
        checkpoint_id = client.create_checkpoint(plan_id, PROVIDER_ID,
                                                 timeout=300)
        try:
            status = client.wait_checkpoint(
                checkpoint_id, POLL_PER_RESOURCE * size, timeout,
                provider_id=PROVIDER_ID)
        except common.Timeout:
            status = 'protecting'
        seconds = time.perf_counter() - start
        cpu = {name: split.cpu_seconds(cpu_pids[name]()) - used
               for name, used in cpu.items()}
        return seconds, status, rss.stop(), cpu
    finally:
        client.close()


def run_shape(label, server, worker_pids, sizes, timeout, api_pids=None):
    ok = True
    for size in sizes:
        seconds, status, peak, cpu = measure(server, worker_pids, size,
                                             timeout, api_pids)
        print('%-40s %6d resources, 4 hooks each: %7.2f s, %s, worker '
              'peak RSS %.0f MiB, CPU s %s' % (
                  label, size, seconds, status, peak,
                  ', '.join('%s %.2f' % (name, used) for name, used
                            in cpu.items() if api_pids or name != 'API')),
              flush=True)
        target = TARGETS.get(size)
        if target is not None:
            ok &= common.verdict('%s %d resources <= %.0f s' % (
                label, size, target), status == 'available' and
                seconds <= target, '%.2f s' % seconds)
        if size >= 10000:
            ok &= common.verdict('%s worker RSS < 1 GB' % label,
                                 peak < RSS_LIMIT_MIB, '%.0f MiB' % peak)
    return ok


def embedded(env, sizes, timeout):
    server = common.OursServer()
    server.env = env
    write_provider(os.path.join(server.state_dir, 'providers.d'),
                   os.path.join(server.state_dir, 'bench-bank'))
    with server:
        return run_shape('embedded (karbor-all)', server,
                         lambda: [server.proc.pid], sizes, timeout)


def split_shape(env, sizes, directory, timeout):
    providers = write_provider(os.path.join(directory, 'providers.d'),
                               os.path.join(directory, 'bench-bank'))
    with split.SplitServer(2, providers_dir=providers, env=env) as server:
        return run_shape('split (MariaDB + RabbitMQ)', server,
                         lambda: server.pids()['karbor-protection'], sizes,
                         timeout, lambda: server.pids()['karbor-api'])


@contextlib.contextmanager
def locked(path):
    """An exclusive flock on ``path`` (nothing if None)."""
    if not path:
        yield
        return
    with open(path, 'a') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=1,
                             extra=add_options)
    directory = tempfile.mkdtemp(prefix='karbor-realflow-')
    env = dict(os.environ, PYTHONPATH=plugin_path(
        os.path.join(directory, 'site')))
    ok = True
    shapes = args.shapes.split(',')
    try:
        if 'embedded' in shapes:
            common.settle_disk()
            ok &= embedded(env, args.sizes, args.timeout)
        if 'split' in shapes:
            # The embedded server's state just went.
            common.settle_disk(min_wait=common.AFTER_DELETING
                               if 'embedded' in shapes else 0)
            ok &= split_shape(env, args.sizes, directory, args.timeout)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    if args.anchor and not args.no_anchor:
        with locked(args.anchor_lock), common.AnchorServer() as anchor:
            large_plan.measure_anchor(anchor, 1000, 1)
    common.finish(ok)


if __name__ == '__main__':
    main()
