"""Worker process of test_sqlite_processes: writes to a shared database.

Usage: python -m karbor.tests.functional.db.sqlite_worker URL PROJECT N
Prints ``ok over errors`` counts of N reservations (each followed by a
plan creation and a commit).
"""

import sys

from oslo_config import cfg

from karbor import context
from karbor.db import api as db
from karbor import exception
from karbor import quota


def main(url, project_id, attempts):
    cfg.CONF([], project='karbor', default_config_files=[])
    cfg.CONF.set_override('connection', url, group='database')
    ctx = context.RequestContext(user_id='u', project_id=project_id,
                                 is_admin=False)
    counts = {'ok': 0, 'over': 0, 'errors': 0}
    for i in range(attempts):
        try:
            reservations = quota.QUOTAS.reserve(ctx, plans=1)
            db.plan_create(ctx, {'name': 'p%d' % i, 'project_id': project_id})
            quota.QUOTAS.commit(ctx, reservations)
            counts['ok'] += 1
        except exception.OverQuota:
            counts['over'] += 1
        except Exception as err:
            print(repr(err), file=sys.stderr)
            counts['errors'] += 1
    print(counts['ok'], counts['over'], counts['errors'])


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
