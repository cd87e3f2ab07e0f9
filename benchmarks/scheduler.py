"""Scheduled operations: due-time lag, duplicates and misses, idle cost.

Setups (No-Op provider, noauth): the embedded default (``karbor-all``, one
engine, SQLite, in-process messaging) and MariaDB + RabbitMQ with two
engines (``karbor-all``'s own and a separate ``karbor-operationengine``).

For each, ``--operations`` (1,000) scheduled operations on one
``* * * * *`` trigger fall due in the same minute. The lag of a run is
from its fire time to the engine's checkpoint request (the POST: the run
log's ``actual_start_time``, written as the request goes out); the lag to
the protection service starting on that checkpoint (its operation log) is
shown too. Duplicates are fire times with more than one checkpoint or log
for one operation, misses operations without a successful run for the
minute.

Then ``--idle-operations`` (10,000) operations on a yearly trigger are
registered and the separate engine process (MariaDB setup) idles for
``--idle-minutes`` (5): its RSS, and its CPU seconds extrapolated to an
hour.
"""

import concurrent.futures
import contextlib
import datetime
import json
import os
import subprocess
import tempfile
import sys
import time
import uuid

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from benchmarks import common  # noqa: E402
from karbor.tests import dbfixtures  # noqa: E402

RABBIT_URL = 'rabbit://guest:guest@127.0.0.1:5672/%s'
LIMITS = """
min_interval = 60
min_window_time = 20
max_window_time = 30
report_interval = 10
"""
CONFIG = """\
[DEFAULT]
state_path = {state}
transport_url = {rabbit}
control_exchange = karbor_sched_{tag}
protection_topic = karbor-protection-{tag}
operationengine_topic = karbor-operationengine-{tag}
auth_strategy = noauth
provider_config_dir = {providers}
osapi_karbor_listen = 127.0.0.1
osapi_karbor_listen_port = {port}
host = {host}
{limits}
[database]
connection = {db}

[oslo_concurrency]
lock_path = {state}/locks
"""
CREATE_THREADS = 8
TICKS_PER_SECOND = os.sysconf('SC_CLK_TCK')


def parse_args():
    def extra(parser):
        parser.add_argument('--operations', type=int, default=1000)
        parser.add_argument('--idle-operations', type=int, default=10000)
        parser.add_argument('--idle-minutes', type=float, default=5)
        parser.add_argument('--no-embedded', action='store_true')
        parser.add_argument('--no-maria', action='store_true')
    return common.parse_args(__doc__.splitlines()[0], 1, extra)


def _vhost(tag):
    return 'karbor-sched-%s' % tag


@contextlib.contextmanager
def rabbit_vhost(tag):
    """A RabbitMQ vhost of this run's own: deployments sharing one consume
    each other's calls."""
    def ctl(*args):
        subprocess.run(['rabbitmqctl', '-q'] + list(args), check=True,
                       stdout=subprocess.DEVNULL)
    ctl('add_vhost', _vhost(tag))
    try:
        ctl('set_permissions', '-p', _vhost(tag), 'guest', '.*', '.*', '.*')
        yield
    finally:
        ctl('delete_vhost', _vhost(tag))


def write_config(directory, db_url, port, tag, host):
    path = os.path.join(directory, 'karbor-%s.conf' % host)
    os.makedirs(os.path.join(directory, 'locks'), exist_ok=True)
    with open(path, 'w') as conf:
        conf.write(CONFIG.format(
            state=directory, rabbit=RABBIT_URL % _vhost(tag), tag=tag,
            providers=os.path.join(common.REPO, 'etc', 'providers.d'),
            port=port, host=host, limits=LIMITS, db=db_url))
    return path


def create_operations(server, count, pattern):
    """A plan, a trigger and ``count`` operations on it: ``(plan id,
    project, trigger id, operation ids)``."""
    project = common.new_project()
    client = server.client(project)
    plan_id = client.create_plan(common.fake_volumes(1))
    trigger = client.post('/triggers', {'trigger_info': {
        'name': 'bench', 'type': 'time', 'properties': {
            'format': 'crontab', 'pattern': pattern, 'window': 30}}})
    body = {'scheduled_operation': {
        'name': 'bench', 'operation_type': 'protect',
        'trigger_id': trigger['trigger_info']['id'],
        'operation_definition': {'plan_id': plan_id,
                                 'provider_id': common.NOOP_PROVIDER}}}

    def create(chunk):
        own = server.client(project)
        made = [own.post('/scheduled_operations', body)[
            'scheduled_operation']['id'] for _i in range(chunk)]
        own.close()
        return made

    chunks = [count // CREATE_THREADS + (i < count % CREATE_THREADS)
              for i in range(CREATE_THREADS)]
    with concurrent.futures.ThreadPoolExecutor(CREATE_THREADS) as pool:
        operations = sum(pool.map(create, chunks), [])
    return plan_id, project, trigger['trigger_info']['id'], operations


def delete_operations(server, project, trigger_id, operations):
    """Delete the operations and their trigger."""
    def delete(chunk):
        own = server.client(project)
        for operation_id in chunk:
            own.request('DELETE', '/scheduled_operations/' + operation_id)
        own.close()

    chunks = [operations[i::CREATE_THREADS] for i in range(CREATE_THREADS)]
    with concurrent.futures.ThreadPoolExecutor(CREATE_THREADS) as pool:
        list(pool.map(delete, chunks))
    server.client(project).request('DELETE', '/triggers/' + trigger_id)


def _time(value):
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def _runs(engine, plan_id, minute):
    """``{operation: [(state, request lag s or None, checkpoint lag s or
    None), ...]}``: a run's request lag is from the fire time to the
    engine's checkpoint request (the run log's ``actual_start_time``,
    written as the request is sent), its checkpoint lag to the protection
    service starting on it (its protect operation log's ``started_at``)."""
    with engine.connect() as conn:
        logs = conn.execute(sa.text(
            'SELECT l.id, l.operation_id, l.state, l.expect_start_time, '
            'l.actual_start_time FROM scheduled_operation_logs l JOIN '
            'scheduled_operations o ON o.id = l.operation_id WHERE '
            'o.operation_definition LIKE :plan'),
            {'plan': '%' + plan_id + '%'}).all()
        checkpoints = conn.execute(sa.text(
            'SELECT ol.started_at, c.extra_info FROM operation_logs ol '
            'JOIN checkpoints c ON c.id = ol.checkpoint_id WHERE '
            "c.plan_id = :plan AND ol.operation_type = 'protect'"),
            {'plan': plan_id}).all()
    made = {}
    for started_at, extra_info in checkpoints:
        run = str(json.loads(extra_info).get('scheduled_operation_log_id'))
        made.setdefault(run, []).append(
            (_time(started_at) - minute).total_seconds())
    runs = {}
    for log_id, operation_id, state, expected, requested in logs:
        if _time(expected) != minute:
            continue
        request = (_time(requested) - minute).total_seconds() \
            if requested else None
        for lag in made.get(str(log_id)) or [None]:
            runs.setdefault(operation_id, []).append((state, request, lag))
    return runs


def _lags(label, lags):
    p50, p99 = common.percentile(lags, 0.5), common.percentile(lags, 0.99)
    print('  %s over %d runs: min %.0f ms, p50 %.0f ms, p99 %.0f ms, max '
          '%.0f ms' % (label, len(lags), common.ms(min(lags)),
                       common.ms(p50), common.ms(p99), common.ms(max(lags))),
          flush=True)
    return p99


def due_minute(label, server, db_url, count):
    """Measure one minute of ``count`` due operations; True if on target."""
    plan_id, project, trigger_id, operations = create_operations(
        server, count, '* * * * *')
    now = datetime.datetime.utcnow()
    minute = (now + datetime.timedelta(minutes=1)).replace(second=0,
                                                           microsecond=0)
    print('%s: %d operations created; due at %s UTC' % (label, count,
                                                         minute), flush=True)
    time.sleep(max((minute - datetime.datetime.utcnow()).total_seconds(), 0))
    engine = sa.create_engine(db_url)
    deadline = time.monotonic() + 120
    try:
        while True:
            runs = _runs(engine, plan_id, minute)
            done = sum(1 for r in runs.values()
                       if r and r[0][0] != 'in_progress')
            if done >= count or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        engine.dispose()
        delete_operations(server, project, trigger_id, operations)
    requests = [lag for r in runs.values() for _s, lag, _c in r
                if lag is not None]
    made = [lag for r in runs.values() for _s, _r, lag in r
            if lag is not None]
    duplicates = sum(len(r) - 1 for r in runs.values())
    missed = count - sum(1 for r in runs.values()
                         if any(s == 'success' for s, _r, _c in r))
    print('%s: duplicates %d, missed %d' % (label, duplicates, missed))
    p99 = _lags('lag from due time to checkpoint request (POST)', requests)
    _lags('lag from due time to the protection service starting the '
          'checkpoint', made)
    return common.verdict('%s p99 <= 1 s, no duplicate, none missed'
                          % label, p99 <= 1 and duplicates == 0 and
                          missed == 0, 'p99 %.0f ms' % common.ms(p99))


def _cpu_seconds(pid, task=None):
    path = '/proc/%d/stat' % pid if task is None else \
        '/proc/%d/task/%d/stat' % (pid, task)
    with open(path) as stat:
        fields = stat.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def _threads_cpu(pid):
    """``{thread id: CPU seconds}`` of the process's threads."""
    used = {}
    for task in os.listdir('/proc/%d/task' % pid):
        with contextlib.suppress(OSError):
            used[int(task)] = _cpu_seconds(pid, int(task))
    return used


def _rss_mib(pid):
    with open('/proc/%d/status' % pid) as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def idle_cost(server, engine_proc, count, minutes):
    create_operations(server, count, '0 0 1 1 *')
    time.sleep(15)
    start_cpu = _cpu_seconds(engine_proc.pid)
    start_threads = _threads_cpu(engine_proc.pid)
    time.sleep(minutes * 60)
    used = _cpu_seconds(engine_proc.pid) - start_cpu
    threads = _threads_cpu(engine_proc.pid)
    per_hour = used * 60 / minutes
    print('engine idle with %d registered operations: RSS %.0f MiB, CPU '
          '%.2f s in %.0f min = %.2f s per hour; %d threads (%d before)' % (
              count, _rss_mib(engine_proc.pid), used, minutes, per_hour,
              len(threads), len(start_threads)), flush=True)
    busiest = sorted(((cpu - start_threads.get(tid, 0), tid)
                      for tid, cpu in threads.items()), reverse=True)[:3]
    print('  busiest threads (CPU s): %s' % ', '.join(
        '%d: %.2f' % (tid, cpu) for cpu, tid in busiest), flush=True)
    return common.verdict('idle engine < 1 CPU s per hour', per_hour < 1,
                          '%.2f s' % per_hour)


def embedded(args):
    with common.OursServer() as server:
        db_url = 'sqlite:///%s' % os.path.join(server.state_dir,
                                               'karbor.sqlite')
        return due_minute('embedded', server, db_url, args.operations)


def maria(args):
    ok = True
    directory = tempfile.mkdtemp(prefix="karbor-sched-")
    tag = uuid.uuid4().hex[:8]
    with dbfixtures.database_url('mysql') as db_url, rabbit_vhost(tag):
        port = common.free_port()
        conf = write_config(directory, db_url, port, tag, 'engine-1')
        second = write_config(directory, db_url, port, tag, 'engine-2')
        with common.OursServer(conf) as server:
            log = open(os.path.join(directory, 'engine-2.log'), 'ab')
            engine_proc = subprocess.Popen(
                [os.path.join(common.VENV_BIN, 'karbor-operationengine'),
                 '--config-file', second], stdout=log, stderr=log)
            try:
                time.sleep(5)
                ok &= due_minute('MariaDB + RabbitMQ, 2 engines', server,
                                 db_url, args.operations)
                if args.idle_minutes > 0:
                    ok &= idle_cost(server, engine_proc,
                                    args.idle_operations, args.idle_minutes)
            finally:
                engine_proc.terminate()
                engine_proc.wait(30)
                log.close()
    return ok


def main():
    args = parse_args()
    ok = True
    if not args.no_embedded:
        ok &= embedded(args)
    if not args.no_maria:
        ok &= maria(args)
    common.finish(ok)


if __name__ == '__main__':
    main()
