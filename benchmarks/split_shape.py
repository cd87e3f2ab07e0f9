"""Ours in the split shape against the original Karbor, side by side.

Ours runs as operators run it (``split.SplitServer``: karbor-api with
``--api-processes`` worker processes, karbor-protection and
karbor-operationengine, on a MariaDB database and a RabbitMQ vhost of
their own); the anchor runs as ``karbor-anchor`` starts it (also MariaDB +
RabbitMQ). Measured, in alternating rounds where it matters:

- ``latency``: 1-volume checkpoint, POST until ``available``, median.
- ``concurrent``: 8 clients, each POSTing and waiting for 20 checkpoints
  of its own 1-volume plan: checkpoints per second, errors.
- ``reads``: ``wrk`` with 16 connections for ``--wrk-seconds`` on
  ``GET /providers``, ``GET /plans/{id}`` and ``GET .../checkpoints?
  limit=50`` with 2,000 present (both) and 100,000 present (ours; the
  anchor creates checkpoints at about 20/s, so its list is measured at
  2,000): requests/s, latency p50 and p99, non-2xx answers.
- ``memory``: RSS of each of our services idle, at the peak (the runs
  above and the first ``--warmup-minutes`` of the soak), and every minute
  of a steady load of 8 clients (each creating a checkpoint, waiting for
  it, listing and deleting it) for ``--soak-minutes``. Needs no anchor.

Targets: each figure at least 5x the anchor's; 0 errors; RSS after the
soak within 10% of the peak.
"""

import concurrent.futures
import contextlib
import os
import re
import shutil
import subprocess
import threading
import time

import checkpoint_latency
import checkpoint_list
import common
import split

TARGET = 5.0
SECTIONS = ('latency', 'concurrent', 'reads', 'memory')


def add_options(parser):
    parser.add_argument('--only', default=','.join(SECTIONS),
                        help='comma-separated sections (default all: %s)'
                             % ','.join(SECTIONS))
    parser.add_argument('--api-processes', type=int, default=2)
    parser.add_argument('--rounds', type=int, default=4)
    parser.add_argument('--clients', type=int, default=8)
    parser.add_argument('--per-client', type=int, default=20)
    parser.add_argument('--wrk-seconds', type=int, default=10)
    parser.add_argument('--small-count', type=int, default=2000)
    parser.add_argument('--large-count', type=int, default=100000)
    parser.add_argument('--anchor-large-count', type=int, default=0,
                        help="checkpoints written into the anchor's bank "
                             '(seed_anchor.py) for its "list 50 of large"; '
                             '0 (default): it lists its --small-count ones')
    parser.add_argument('--read-targets', default=','.join(READ_TARGETS),
                        help='comma-separated reads to measure (default '
                             '%s)' % ','.join(READ_TARGETS))
    parser.add_argument('--soak-minutes', type=float, default=10)
    parser.add_argument('--warmup-minutes', type=int, default=5,
                        help='soak minutes whose RSS counts in the peak '
                             '(default 5)')


class MemoryWatch(object):
    """Samples our services' RSS every second in a thread; keeps peaks."""

    def __init__(self, server):
        self.server = server
        self.peak = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self):
        rss = self.server.rss()
        for name, value in rss.items():
            self.peak[name] = max(self.peak.get(name, 0.0), value)
        return rss

    def _run(self):
        while not self._stop.wait(1.0):
            self.sample()

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()


def fmt_rss(rss):
    return ', '.join('%s %.0f MiB' % (name.replace('karbor-', ''), value)
                     for name, value in sorted(rss.items()))


# Latency


def latency(ours, anchor, args):
    subjects = [checkpoint_latency.Subject(ours, 0.002),
                checkpoint_latency.Subject(anchor, 0.002)]
    ours_median, anchor_median = checkpoint_latency.measure(
        subjects, args.runs, args.rounds)
    return report('1-volume checkpoint median', anchor_median / ours_median)


# Concurrent creation


def concurrent_round(server, clients, per_client):
    """``(checkpoints/s, errors)`` of ``clients`` threads in parallel."""
    plans = []
    for _ in range(clients):
        client = server.client()
        plans.append((client, client.create_plan(common.fake_volumes(1))))
    errors = []

    def work(item):
        client, plan_id = item
        for _ in range(per_client):
            try:
                _seconds, status = client.protect(plan_id, 0.005)
                if status != 'available':
                    errors.append(status)
            except common.BenchmarkError as err:
                errors.append(str(err))
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, plans))
    elapsed = time.perf_counter() - start
    for client, _plan in plans:
        client.close()
    return clients * per_client / elapsed, errors


def concurrent_creation(ours, anchor, args):
    rates = {'ours': [], 'anchor': []}
    errors = {'ours': [], 'anchor': []}
    for _ in range(max(1, args.rounds // 2)):
        for name, server in (('ours', ours), ('anchor', anchor)):
            rate, errs = concurrent_round(server, args.clients,
                                          args.per_client)
            rates[name].append(rate)
            errors[name] += errs
    for name in ('ours', 'anchor'):
        print('%-8s %d clients x %d checkpoints: %s checkpoints/s per '
              'round, %d errors%s' % (
                  name, args.clients, args.per_client,
                  ' '.join('%.1f' % r for r in rates[name]),
                  len(errors[name]),
                  (' (first: %s)' % errors[name][0][:200])
                  if errors[name] else ''), flush=True)
    ours_rate = sum(rates['ours']) / len(rates['ours'])
    anchor_rate = sum(rates['anchor']) / len(rates['anchor'])
    ok = report('concurrent checkpoints/s', ours_rate / anchor_rate)
    return ok & common.verdict('no errors (ours)', not errors['ours'],
                               '%d' % len(errors['ours']))


# API reads with wrk

# Seconds before wrk counts a request as timed out (its default is 2).
WRK_TIMEOUT = 30
WRK_RATE = re.compile(r'Requests/sec:\s+([\d.]+)')
WRK_NON2XX = re.compile(r'Non-2xx or 3xx responses:\s+(\d+)')
WRK_ERRORS = re.compile(r'Socket errors:.*')


def _wrk_ms(text, percent):
    match = re.search(r'^\s+%d%%\s+([\d.]+)(us|ms|s)\s*$' % percent, text,
                      re.M)
    if not match:
        return float('nan')
    value, unit = float(match.group(1)), match.group(2)
    return value * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]


def wrk(server, client, path, seconds, connections=16):
    """``(req/s, p50 ms, p99 ms, non-2xx)`` of wrk on one URL."""
    url = 'http://%s:%d%s%s' % (server.host, server.port, client.prefix,
                                path)
    out = subprocess.run(
        ['wrk', '-t2', '-c%d' % connections, '-d%ds' % seconds, '--latency',
         '--timeout', '%ds' % WRK_TIMEOUT,
         '-H', 'X-Auth-Token: %s' % client.headers['X-Auth-Token'], url],
        check=True, capture_output=True, text=True).stdout
    non2xx = WRK_NON2XX.search(out)
    bad = int(non2xx.group(1)) if non2xx else 0
    socket_errors = WRK_ERRORS.search(out)
    if socket_errors:
        print('  wrk %s' % socket_errors.group(0), flush=True)
    return (float(WRK_RATE.search(out).group(1)), _wrk_ms(out, 50),
            _wrk_ms(out, 99), bad)


def _list_path():
    return '/providers/%s/checkpoints?limit=%d' % (common.NOOP_PROVIDER,
                                                  checkpoint_list.PAGE)


READ_TARGETS = ('providers', 'plan', 'small', 'large')
READ_LABELS = {'providers': 'GET /providers', 'plan': 'GET /plans/{id}',
               'small': 'list 50 of small', 'large': 'list 50 of large'}


def read_targets(client, plan_id, large_client, wanted):
    paths = {'providers': (client, '/providers'),
             'plan': (client, '/plans/%s' % plan_id),
             'small': (client, _list_path()),
             'large': (large_client, _list_path())}
    return [(READ_LABELS[name],) + paths[name] for name in wanted
            if paths[name][0] is not None]


def seed_anchor_bank(anchor, count):
    """``count`` checkpoints of a new project written straight into the
    anchor's bank (``seed_anchor.py``); ``(client, project)``."""
    project = common.new_project()
    client = anchor.client(project)
    checkpoint_list.run_seeder(client, count, 'seed_anchor.py', '--bank',
                               os.path.join(common.ANCHOR_DIR, 'bank'))
    return client, project


def unseed_anchor_bank(project):
    """Remove what ``seed_anchor_bank`` wrote for ``project``."""
    root = os.path.join(common.ANCHOR_DIR, 'bank', 'karbor')
    listing = os.path.join(root, 'indices', 'by-provider',
                           common.NOOP_PROVIDER, project)
    for leaf in os.listdir(listing):
        shutil.rmtree(os.path.join(root, 'checkpoints',
                                   leaf.partition('@')[2]),
                      ignore_errors=True)
    for kind in ('by-provider', 'by-date', 'by-plan'):
        for top, dirs, _files in os.walk(os.path.join(root, 'indices',
                                                      kind)):
            if project in dirs:
                shutil.rmtree(os.path.join(top, project))
                dirs.remove(project)


def reads(ours, anchor, args):
    small, large = args.small_count, args.large_count
    anchor_large = args.anchor_large_count
    wanted = [t for t in args.read_targets.split(',') if t]
    if not small:
        wanted = [t for t in wanted if t != 'small']
    if not large:
        wanted = [t for t in wanted if t != 'large']
    print('seeding: ours %d + %d checkpoints (seed_checkpoints.py), anchor '
          '%d through its API and %d into its bank (seed_anchor.py)...' % (
              small, large, small, anchor_large), flush=True)
    ours_client = ours.client()
    ours_plans = checkpoint_list.seed_ours(ours, ours_client, small)
    large_client = None
    if large:
        large_client = ours.client()
        checkpoint_list.seed_ours(ours, large_client, large)
    project = common.new_project()
    anchor_plans = checkpoint_list.create_anchor(anchor, project, small, 4)
    anchor_client = anchor.client(project)
    anchor_large_client = anchor_project = None
    if anchor_large:
        start = time.perf_counter()
        anchor_large_client, anchor_project = seed_anchor_bank(
            anchor, anchor_large)
        print('anchor: %d checkpoints written into its bank in %.0f s' % (
            anchor_large, time.perf_counter() - start), flush=True)
    try:
        return _measure_reads(ours, anchor, args, wanted, ours_client,
                              ours_plans, large_client, anchor_client,
                              anchor_plans, anchor_large_client)
    finally:
        if anchor_project:
            unseed_anchor_bank(anchor_project)


def _measure_reads(ours, anchor, args, wanted, ours_client, ours_plans,
                   large_client, anchor_client, anchor_plans,
                   anchor_large_client):
    small, large = args.small_count, args.large_count
    subjects = {
        'ours': (ours, read_targets(ours_client, ours_plans[1],
                                    large_client, wanted)),
        'anchor': (anchor, read_targets(
            anchor_client, anchor_plans[1],
            anchor_large_client or (anchor_client if small else None),
            wanted)),
    }
    results = {}
    for round_ in range(max(1, args.rounds // 2)):
        for name, (server, targets) in subjects.items():
            for label, client, path in targets:
                # A short warm-up run first (caches, connections).
                wrk(server, client, path, 1)
                results.setdefault((name, label), []).append(
                    wrk(server, client, path, args.wrk_seconds))
    ok = True
    anchor_count = {'small': small,
                    'large': args.anchor_large_count or small}
    for target in wanted:
        label = READ_LABELS[target]
        if ('ours', label) not in results or \
                ('anchor', label) not in results:
            continue
        ours_rate = _print_reads('ours', label, results[('ours', label)],
                                 {'small': small, 'large': large})
        anchor_rate = _print_reads('anchor', label,
                                   results[('anchor', label)], anchor_count)
        name = label.replace('small', '%d' % small).replace('large', '%d' % (
            large))
        if target == 'large' and anchor_count['large'] != large:
            name += ' (anchor: of %d)' % anchor_count['large']
        ok &= report('%s req/s' % name, ours_rate / anchor_rate)
    return ok


def _print_reads(name, label, runs, counts):
    rate = sum(r[0] for r in runs) / len(runs)
    label = label.replace('small', '%d' % counts['small']).replace(
        'large', '%d' % counts['large'])
    print('%-8s %-22s %8.1f req/s (rounds: %s)  p50 %s ms  p99 %s ms  '
          'non-2xx %d' % (
              name, label, rate, ' '.join('%.0f' % r[0] for r in runs),
              '/'.join('%.1f' % r[1] for r in runs),
              '/'.join('%.1f' % r[2] for r in runs),
              sum(r[3] for r in runs)), flush=True)
    return rate


# Memory soak


def soak(ours, watch, args):
    """Steady load of ``--clients`` clients, each creating a checkpoint,
    waiting for it, listing and deleting it; RSS every minute.

    Returns ``(cycles, errors, warm-up peak)``: the peak RSS of each
    service over the sections before and the first ``--warmup-minutes``.
    """
    stop = threading.Event()
    errors = []
    done = [0]

    def work():
        client = ours.client()
        plan_id = client.create_plan(common.fake_volumes(1))
        while not stop.is_set():
            try:
                checkpoint_id = client.create_checkpoint(plan_id)
                client.wait_checkpoint(checkpoint_id, 0.005)
                client.get(_list_path())
                client.request('DELETE', '/providers/%s/checkpoints/%s' % (
                    common.NOOP_PROVIDER, checkpoint_id))
                done[0] += 1
            except common.BenchmarkError as err:
                errors.append(str(err))
        client.close()

    threads = [threading.Thread(target=work, daemon=True)
               for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    start = time.monotonic()
    deadline = start + args.soak_minutes * 60
    warmup_peak = None
    minute = 0
    while time.monotonic() < deadline:
        time.sleep(min(60, max(0, deadline - time.monotonic())))
        minute += 1
        rss = watch.sample()
        if warmup_peak is None and minute >= args.warmup_minutes:
            warmup_peak = dict(watch.peak)
        print('soak minute %d: %d cycles, %d errors, RSS %s (load average '
              '%s)' % (minute, done[0], len(errors), fmt_rss(rss),
                       load_average()), flush=True)
    stop.set()
    for thread in threads:
        thread.join(60)
    return done[0], errors, warmup_peak or dict(watch.peak)


def load_average():
    with open('/proc/loadavg') as loadavg:
        return ' '.join(loadavg.read().split()[:3])


def memory(ours, watch, idle, args):
    made, errors, peak = soak(ours, watch, args)
    after = watch.sample()
    print('memory: idle %s' % fmt_rss(idle))
    print('memory: peak (sections before and the first %d min of the '
          'soak) %s' % (args.warmup_minutes, fmt_rss(peak)))
    print('memory: highest during the soak %s' % fmt_rss(watch.peak))
    print('memory: after %.0f min of %d clients (%d create/list/delete '
          'cycles, %d errors): %s' % (args.soak_minutes, args.clients, made,
                                      len(errors), fmt_rss(after)),
          flush=True)
    ok = common.verdict('no errors in the soak', not errors,
                        '%d%s' % (len(errors), (' (first: %s)' % errors[0][
                            :200]) if errors else ''))
    for name, value in after.items():
        limit = max(peak.get(name, 0.0), idle[name]) * 1.10
        ok &= common.verdict('%s RSS after soak within 10%% of peak' % name,
                             value <= limit, '%.0f MiB, peak %.0f MiB' % (
                                 value, peak.get(name, 0.0)))
    return ok


def report(label, speedup):
    print('ratio ours/anchor %s = %.1fx' % (label, speedup), flush=True)
    return common.verdict('%s >= %.0fx' % (label, TARGET),
                          speedup >= TARGET, '%.1fx' % speedup)


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=100,
                             extra=add_options)
    sections = args.only.split(',')
    ok = True
    # The memory soak compares ours with itself: no anchor needed for it.
    need_anchor = not args.no_anchor and set(sections) - {'memory'}
    common.settle_disk()
    with split.SplitServer(args.api_processes) as ours, \
            (common.AnchorServer() if need_anchor
             else contextlib.nullcontext()) as anchor:
        time.sleep(5)
        idle = ours.rss()
        print('%s idle RSS: %s' % (ours.label, fmt_rss(idle)), flush=True)
        watch = MemoryWatch(ours).start()
        try:
            if 'latency' in sections:
                ok &= latency(ours, anchor, args)
            if 'concurrent' in sections:
                ok &= concurrent_creation(ours, anchor, args)
            if 'reads' in sections:
                ok &= reads(ours, anchor, args)
            print('peak RSS so far: %s' % fmt_rss(watch.peak), flush=True)
            if 'memory' in sections:
                ok &= memory(ours, watch, idle, args)
        finally:
            watch.stop()
    common.finish(ok)


if __name__ == '__main__':
    main()
