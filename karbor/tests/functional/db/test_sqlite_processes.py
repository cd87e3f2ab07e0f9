"""Several processes sharing the embedded SQLite database."""

import os
import subprocess
import sys

from karbor import context
from karbor import quota

PROCESSES = 3
ATTEMPTS = 8
LIMIT = 10


def test_processes_share_sqlite_without_errors_or_quota_races(sqlite_db):
    admin = context.get_admin_context()
    quota.QUOTAS.set_project_quota(admin, 'shared', 'plans', LIMIT)
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    workers = [subprocess.Popen(
        [sys.executable, '-m', 'karbor.tests.functional.db.sqlite_worker',
         sqlite_db, 'shared', str(ATTEMPTS)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _i in range(PROCESSES)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append([int(n) for n in out.split()[-3:]])
    ok, over, errors = (sum(column) for column in zip(*results))
    assert errors == 0
    assert (ok, over) == (LIMIT, PROCESSES * ATTEMPTS - LIMIT)
    usage = quota.QUOTAS.get_project_quotas(admin, 'shared')['plans']
    assert usage == {'limit': LIMIT, 'in_use': LIMIT, 'reserved': 0}
