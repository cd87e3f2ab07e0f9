"""Listing 50 checkpoints out of many: ``GET .../checkpoints?limit=50``.

Ours gets 10,000 ``available`` checkpoints written straight into its bank
and catalog by ``seed_checkpoints.py`` (what finished protects leave
behind; the protect flow itself is what ``checkpoint_latency.py``
measures). The original Karbor gets fewer (1,000 by default) through its
API, as it creates them slowly. In both, 10% of the checkpoints belong to
a second, older plan, used by the ``plan_id`` filter. Target: ours lists
50 checkpoints in at most 10 ms (median), in every variant.
"""

import concurrent.futures
import json
import os
import subprocess
import tempfile
import time

import common

TARGET_MS = 10.0
PAGE = 50
WARMUP = 3
HERE = os.path.dirname(os.path.abspath(__file__))


def split(count):
    """(checkpoints of the filtered older plan, of the main plan)."""
    return count // 10, count - count // 10


def seed_ours(server, client, count):
    """Write ``count`` checkpoints for the client's project; plan ids."""
    return run_seeder(client, count, 'seed_checkpoints.py',
                      '--config-file', server.config_path)


def run_seeder(client, count, script, *args):
    """Make the older and the main plan through ``client`` and have
    ``script`` (of this directory) write their ``count`` checkpoints for
    the client's project; plan ids."""
    older, main = split(count)
    plans = []
    for name, number in (('older-plan', older), ('main-plan', main)):
        resources = common.fake_volumes(1)
        plan_id = client.create_plan(resources, name=name)
        plans.append({'id': plan_id, 'name': name, 'resources': resources,
                      'count': number})
    with tempfile.NamedTemporaryFile('w', suffix='.json') as plans_file:
        json.dump(plans, plans_file)
        plans_file.flush()
        subprocess.run(
            [os.path.join(common.VENV_BIN, 'python'),
             os.path.join(HERE, script)] + list(args) + [
                '--provider', common.NOOP_PROVIDER,
                '--project', client.prefix.rsplit('/', 1)[1],
                '--plans', plans_file.name], check=True, cwd=common.REPO)
    return [plan['id'] for plan in plans]


def create_anchor(server, project, count, concurrency):
    """Create ``count`` checkpoints through the API; plan ids."""
    older, main = split(count)
    client = server.client(project)
    plan_ids = [client.create_plan(common.fake_volumes(1), name=name)
                for name in ('older-plan', 'main-plan')]
    client.close()
    start = time.perf_counter()

    def protect(plan_id):
        worker = server.client(project)
        try:
            checkpoint_id = worker.create_checkpoint(plan_id)
            for attempt in range(5):
                try:
                    return worker.wait_checkpoint(checkpoint_id, 0.02, 120)
                except common.Timeout:
                    raise
                except common.BenchmarkError:
                    # The anchor sometimes fails (500) to read a checkpoint
                    # while its bank objects are being written.
                    time.sleep(0.1)
            raise common.BenchmarkError('cannot read %s' % checkpoint_id)
        finally:
            worker.close()

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        for plan_id, number in zip(plan_ids, (older, main)):
            list(pool.map(protect, [plan_id] * number))
    print('anchor: created %d checkpoints through the API in %.0f s '
          '(%d at a time)' % (count, time.perf_counter() - start,
                              concurrency), flush=True)
    return plan_ids


def deep_marker(client, depth):
    """Id of the ``depth``-th checkpoint of the listing."""
    marker, seen = None, 0
    while seen < depth:
        path = '/providers/%s/checkpoints?limit=%d' % (
            common.NOOP_PROVIDER, min(depth - seen, PAGE * 10))
        if marker:
            path += '&marker=%s' % marker
        items = client.get(path)['checkpoints']
        if not items:
            raise common.BenchmarkError('only %d checkpoints listed' % seen)
        seen += len(items)
        marker = items[-1]['id']
    return marker


def time_list(client, query, runs):
    """Median and p90 seconds of one listing ``query``."""
    path = '/providers/%s/checkpoints?%s' % (common.NOOP_PROVIDER, query)
    times = []
    for i in range(WARMUP + runs):
        start = time.perf_counter()
        items = client.get(path)['checkpoints']
        elapsed = time.perf_counter() - start
        if len(items) != PAGE:
            raise common.BenchmarkError('%s returned %d checkpoints'
                                        % (query, len(items)))
        if i >= WARMUP:
            times.append(elapsed)
    return common.summary(times)


def variants(client, plan_ids, total):
    """(label, query) of every measured listing."""
    marker = deep_marker(client, PAGE)
    deep = deep_marker(client, total // 2)
    return [
        ('limit=50', 'limit=%d' % PAGE),
        ('limit=50 plan_id=<older plan>',
         'limit=%d&plan_id=%s' % (PAGE, plan_ids[0])),
        ('limit=50 marker=<50th>', 'limit=%d&marker=%s' % (PAGE, marker)),
        ('limit=50 marker=<%dth>' % (total // 2),
         'limit=%d&marker=%s' % (PAGE, deep)),
    ]


def measure(server, client, plan_ids, total, runs):
    """Print and return ``{label: median seconds}``."""
    results = {}
    for label, query in variants(client, plan_ids, total):
        median, p90 = time_list(client, query, runs)
        results[label] = median
        print('%-45s list %-30s of %6d: median %7.2f ms  p90 %7.2f ms  '
              '(%d runs)' % (server.label, label, total, common.ms(median),
                             common.ms(p90), runs), flush=True)
    return results


def add_options(parser):
    parser.add_argument('--count', type=int, default=10000,
                        help='checkpoints written for ours (default 10000)')
    parser.add_argument('--anchor-count', type=int, default=1000,
                        help='checkpoints created on the anchor (default '
                             '1000)')
    parser.add_argument('--anchor-concurrency', type=int, default=4)


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=50,
                             extra=add_options)
    with common.OursServer(args.ours_config) as ours:
        client = ours.client()
        plan_ids = seed_ours(ours, client, args.count)
        ours_results = measure(ours, client, plan_ids, args.count, args.runs)
        client.close()
    ok = True
    for label, median in ours_results.items():
        ok &= common.verdict('list %s <= %.0f ms' % (label, TARGET_MS),
                             common.ms(median) <= TARGET_MS,
                             '%.2f ms' % common.ms(median))
    if args.no_anchor:
        common.finish(ok)
    with common.AnchorServer() as anchor:
        project = common.new_project()
        plan_ids = create_anchor(anchor, project, args.anchor_count,
                                 args.anchor_concurrency)
        client = anchor.client(project, timeout=300)
        anchor_results = measure(anchor, client, plan_ids,
                                 args.anchor_count, args.runs)
        client.close()
    for (label, ours_median), anchor_median in zip(
            ours_results.items(), anchor_results.values()):
        print('%s (list %s; anchor %d checkpoints, ours %d)' % (
            common.ratio_line(anchor_median, ours_median), label,
            args.anchor_count, args.count))
    common.finish(ok)


if __name__ == '__main__':
    main()
