"""The progress endpoint under load: 16 connections while 8 checkpoints run.

Eight checkpoints of ``--resources`` resources each run on the benchmark
hooks plugin (``benchmarks/plugins/bench_hooks.py``: four hooks per
resource, each sleeping ``--hook-sleep`` seconds and writing to a
file-system bank), so that their flows keep the protection worker busy and
rewrite their progress rows while ``wrk`` (16 connections, 2 threads,
``--seconds``) polls ``GET .../checkpoints/<id>/progress`` of one of them.
Then the same for ``GET .../checkpoints/<id>`` (the show view, which
embeds the progress), for comparison. Printed: requests/s, p50 and p99
latency, non-2xx answers, and whether the 8 checkpoints were still running
at the end (else the figure is not "while 8 run" and the run fails).

Shapes: ``karbor-all`` embedded (SQLite, in-process messaging) and the
split shape (MariaDB + RabbitMQ, 2 API processes). The original Karbor
has no progress endpoint: no ratio. Targets: 0 non-2xx; the progress
endpoint serves at least as many requests per second as the show view
(one row read, no call to the protection service).
"""

import os
import shutil
import tempfile

import common
import real_flow
import split
import split_shape

CHECKPOINTS = 8


def add_options(parser):
    parser.add_argument('--shapes', default='embedded,split')
    parser.add_argument('--resources', type=int, default=100)
    parser.add_argument('--hook-sleep', type=float, default=0.2)
    parser.add_argument('--seconds', type=int, default=10)


def start_checkpoints(client, resources):
    """Eight checkpoints of a plan of ``resources``: their ids."""
    plan_id = client.create_plan(common.fake_volumes(resources),
                                 provider_id=real_flow.PROVIDER_ID,
                                 timeout=120)
    return [client.create_checkpoint(plan_id, real_flow.PROVIDER_ID,
                                     timeout=120)
            for _ in range(CHECKPOINTS)]


def progress_of(client, checkpoint_id):
    return client.get('/providers/%s/checkpoints/%s/progress' % (
        real_flow.PROVIDER_ID, checkpoint_id))['progress']


def run_shape(label, server, args):
    client = server.client(timeout=120)
    try:
        ids = start_checkpoints(client, args.resources)
        path = '/providers/%s/checkpoints/%s' % (real_flow.PROVIDER_ID,
                                                  ids[0])
        before = progress_of(client, ids[0])
        ok = True
        rates = {}
        for name, url in (('progress', path + '/progress'),
                          ('show', path)):
            rate, p50, p99, bad = split_shape.wrk(server, client, url,
                                                  args.seconds)
            rates[name] = rate
            print('%-32s GET %-8s 16 connections: %8.0f req/s  p50 %6.1f '
                  'ms  p99 %6.1f ms  non-2xx %d' % (
                      label, name, rate, p50, p99, bad), flush=True)
            ok &= common.verdict('%s %s no errors' % (label, name),
                                 bad == 0, '%d non-2xx' % bad)
        ok &= common.verdict(
            '%s progress req/s >= show req/s' % label,
            rates['progress'] >= rates['show'], 'ratio %.1fx' % (
                rates['progress'] / rates['show']))
        after = [progress_of(client, i) for i in ids]
        running = [p for p in after if p['status'] == 'protecting']
        print('%-32s progress of the first: %.1f%% -> %.1f%% (ETA %s s); '
              '%d of %d checkpoints still running at the end' % (
                  label, before['percent'], after[0]['percent'],
                  after[0]['eta_seconds'], len(running), CHECKPOINTS),
              flush=True)
        ok &= common.verdict('%s measured while 8 checkpoints run' % label,
                             len(running) == CHECKPOINTS,
                             '%d running' % len(running))
        return ok
    finally:
        client.close()


def embedded(env, args):
    server = common.OursServer()
    server.env = env
    real_flow.write_provider(os.path.join(server.state_dir, 'providers.d'),
                             os.path.join(server.state_dir, 'bench-bank'))
    with server:
        return run_shape('embedded (karbor-all)', server, args)


def split_run(env, directory, args):
    providers = real_flow.write_provider(
        os.path.join(directory, 'providers.d'),
        os.path.join(directory, 'bench-bank'))
    with split.SplitServer(2, providers_dir=providers, env=env) as server:
        return run_shape('split (MariaDB + RabbitMQ)', server, args)


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=1,
                             extra=add_options)
    directory = tempfile.mkdtemp(prefix='karbor-progress-')
    env = dict(os.environ, KARBOR_BENCH_HOOK_SLEEP=str(args.hook_sleep),
               PYTHONPATH=real_flow.plugin_path(
                   os.path.join(directory, 'site')))
    ok = True
    shapes = args.shapes.split(',')
    try:
        if 'embedded' in shapes:
            ok &= embedded(env, args)
        if 'split' in shapes:
            ok &= split_run(env, directory, args)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    common.finish(ok)


if __name__ == '__main__':
    main()
