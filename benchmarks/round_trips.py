"""Round trips and CPU time per 1-volume checkpoint in the split shape.

Starts ours split (``split.SplitServer``: karbor-api with
``--api-processes`` workers, karbor-protection, karbor-operationengine on
MariaDB and a RabbitMQ vhost of their own) with ``counting/`` on the
services' ``PYTHONPATH``, which counts each process's database round
trips through SQLAlchemy's events (see ``counting/sitecustomize.py``).
Then, after a warm-up:

- ``--runs`` checkpoints, each POSTed and polled until ``available``
  (every 2 ms, as ``checkpoint_latency.py``): per checkpoint, the
  statements, COMMITs, ROLLBACKs, check-outs (with their pings) of each
  service, the polls, and each service's CPU time (``/proc``);
- ``--runs`` shows of an available checkpoint: the same per show.

Unlike wall-clock figures these counts do not depend on the machine's
load (a heartbeat or periodic task falling into a run adds a fraction;
heartbeats are every 600 s here). No anchor.
"""

import collections
import glob
import json
import os
import shutil
import sys
import tempfile
import time

import common
import split

HERE = os.path.dirname(os.path.abspath(__file__))


def service_of(server, pid):
    for name, pids in server.pids().items():
        if pid in pids:
            return name
    return None


def snapshot(server, count_dir):
    """``{service: Counter}`` of round trips, plus ``cpu <service>``."""
    time.sleep(0.6)  # the processes write their counts every 0.25 s
    totals = collections.defaultdict(collections.Counter)
    for path in glob.glob(os.path.join(count_dir, '*.json')):
        pid = int(os.path.basename(path).split('.')[0])
        name = service_of(server, pid)
        if name is None:
            continue
        with open(path) as data:
            totals[name].update(json.load(data)['counts'])
    for name, pids in server.pids().items():
        totals[name]['cpu ms'] = split.cpu_seconds(pids) * 1000
    return totals


def report(title, before, after, runs):
    print('\n%s (per operation, %d operations)' % (title, runs))
    grand = 0.0
    for name in sorted(after):
        diff = {key: after[name][key] - before[name].get(key, 0)
                for key in after[name]}
        trips = sum(v for k, v in diff.items()
                    if k not in ('cpu ms', 'connect', 'checkout'))
        grand += trips
        print('  %-24s round trips %5.2f  cpu %6.2f ms' % (
            name, trips / runs, diff.get('cpu ms', 0) / runs))
        for key in sorted(diff):
            if key != 'cpu ms' and diff[key]:
                print('      %-28s %6.2f' % (key, diff[key] / runs))
    print('  total database round trips %.2f' % (grand / runs))


def main():
    def extra(parser):
        parser.add_argument('--api-processes', type=int, default=2)

    args = common.parse_args(__doc__.splitlines()[0], runs=100, extra=extra)
    count_dir = tempfile.mkdtemp(prefix='karbor-count-')
    try:
        measure(args, count_dir)
    finally:
        shutil.rmtree(count_dir, ignore_errors=True)
    sys.stdout.flush()


def measure(args, count_dir):
    env = {'KARBOR_COUNT_DIR': count_dir,
           'PYTHONPATH': os.pathsep.join(
               [os.path.join(HERE, 'counting')]
               + [p for p in os.environ.get('PYTHONPATH', '').split(
                   os.pathsep) if p])}
    server = split.SplitServer(api_processes=args.api_processes,
                               extra_config='report_interval = 600\n',
                               env=env)
    with server:
        client = server.client()
        plan_id = client.create_plan(common.fake_volumes(1))
        for _ in range(5):
            client.protect(plan_id)
        polls = [0]
        status = client.checkpoint_status

        def counted(*a, **kw):
            polls[0] += 1
            return status(*a, **kw)
        client.checkpoint_status = counted

        before = snapshot(server, count_dir)
        start = time.perf_counter()
        last = None
        for _ in range(args.runs):
            last = client.create_checkpoint(plan_id)
            if client.wait_checkpoint(last) != 'available':
                raise common.BenchmarkError('checkpoint not available')
        took = time.perf_counter() - start
        after = snapshot(server, count_dir)
        report('create + poll until available (%.2f polls each, %.1f ms '
               'each)' % (polls[0] / args.runs, took * 1000 / args.runs),
               before, after, args.runs)

        before = snapshot(server, count_dir)
        for _ in range(args.runs):
            client.checkpoint_status(last)
        after = snapshot(server, count_dir)
        report('show of an available checkpoint', before, after, args.runs)
        client.close()


if __name__ == '__main__':
    main()
