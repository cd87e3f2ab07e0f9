"""Where the 1-volume checkpoint's latency goes, in the split shape.

Starts ours split (``split.SplitServer``: karbor-api with
``--api-processes`` workers, karbor-protection and karbor-operationengine
on MariaDB and a RabbitMQ vhost of their own) and measures, each as the
median of ``--runs`` requests after a warm-up, one after the other:

- ``GET /providers``: the API's HTTP floor (no database, no RPC);
- ``GET /plans/{id}`` and ``GET .../checkpoints/{id}``: one database
  read each;
- ``POST .../checkpoints``: the plan read, the RPC call and the
  protection service's work, until the answer;
- POST until ``available``, polled every 2 ms (what
  ``checkpoint_latency.py`` and ``split_shape.py --only latency``
  measure);
- a bare oslo.messaging RPC call (a no-op method of a server in another
  process) on the same RabbitMQ, with the same library: the messaging
  floor;
- the CPU time per checkpoint of each service, of MariaDB and of
  RabbitMQ (``/proc``), over the POST-until-available runs.

It has no target and no anchor: it says how far each part is above its
floor. The anchor's figure for the same checkpoint comes from
``split_shape.py --only latency``.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import common
import split

TOPIC = 'karbor-latency-probe'


def probe_server(url):
    """Serve a no-op RPC method until killed (run in a child process)."""
    from oslo_config import cfg
    import oslo_messaging as messaging

    class Endpoint(object):
        def ping(self, ctxt, value):
            return value

    cfg.CONF([], project='karbor-latency-probe')
    transport = messaging.get_rpc_transport(cfg.CONF, url=url)
    server = messaging.get_rpc_server(
        transport, messaging.Target(topic=TOPIC, server='probe'),
        [Endpoint()])
    server.start()
    print('ready', flush=True)
    while True:
        time.sleep(3600)


def rpc_call_median(url, runs):
    """Median seconds of a bare RPC call to a server in a child process."""
    from oslo_config import cfg
    import oslo_messaging as messaging
    child = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), '--probe-server', url],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if child.stdout.readline().strip() != 'ready':
            raise common.BenchmarkError('the RPC probe server did not start')
        cfg.CONF([], project='karbor-latency-probe')
        transport = messaging.get_rpc_transport(cfg.CONF, url=url)
        try:
            client = messaging.get_rpc_client(transport,
                                              messaging.Target(topic=TOPIC))
            return median_of(lambda: client.call({}, 'ping', value=1), runs)
        finally:
            transport.cleanup()
    finally:
        child.kill()
        child.wait()


def median_of(action, runs, warmup=10):
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pid_of(*pattern):
    found = subprocess.run(['pgrep'] + list(pattern), capture_output=True,
                           text=True).stdout.split()
    return [int(found[0])] if found else []


def cpu_per_checkpoint(server, client, plan_id, runs):
    """``(median POST-until-available seconds, {process: CPU ms per
    checkpoint})``."""
    pids = dict(server.pids(), mariadb=pid_of('-x', 'mariadbd'),
                rabbitmq=pid_of('-f', 'beam.smp'))
    before = {name: split.cpu_seconds(p) for name, p in pids.items()}
    times = [client.protect(plan_id, 0.002)[0] for _ in range(runs)]
    cpu = {name: (split.cpu_seconds(p) - before[name]) * 1000.0 / runs
           for name, p in pids.items()}
    return statistics.median(times), cpu


def measure(server, runs):
    client = server.client()
    plan_id = client.create_plan(common.fake_volumes(1))
    checkpoint_id = client.create_checkpoint(plan_id)
    client.wait_checkpoint(checkpoint_id)
    show = '/providers/%s/checkpoints/%s' % (common.NOOP_PROVIDER,
                                             checkpoint_id)
    rows = [
        ('GET /providers (HTTP floor)',
         median_of(lambda: client.get('/providers'), runs)),
        ('GET /plans/{id}',
         median_of(lambda: client.get('/plans/' + plan_id), runs)),
        ('GET checkpoint (1 volume)', median_of(lambda: client.get(show),
                                                runs)),
        ('POST checkpoint (until the answer)',
         median_of(lambda: client.create_checkpoint(plan_id), runs)),
    ]
    for _ in range(5):
        client.protect(plan_id, 0.002)
    until_available, cpu = cpu_per_checkpoint(server, client, plan_id, runs)
    rows.append(('POST until available (2 ms polls)', until_available))
    rows.append(('bare oslo.messaging RPC call (floor)',
                 rpc_call_median(split.RABBIT_URL % server.vhost, runs)))
    client.close()
    return rows, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=200)
    parser.add_argument('--api-processes', type=int, default=2)
    parser.add_argument('--probe-server', metavar='URL',
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_server:
        probe_server(args.probe_server)
        return
    common.settle_disk()
    with split.SplitServer(args.api_processes) as server:
        rows, cpu = measure(server, args.runs)
    for label, seconds in rows:
        print('%-45s median %6.2f ms' % (label, common.ms(seconds)),
              flush=True)
    print('CPU per checkpoint (POST until available): %s' % ', '.join(
        '%s %.1f ms' % (name.replace('karbor-', ''), value)
        for name, value in sorted(cpu.items())), flush=True)


if __name__ == '__main__':
    main()
