"""Write many ``available`` checkpoints straight into a Karbor deployment.

Used by ``checkpoint_list.py`` to build a large catalog quickly: for each
checkpoint it writes, through ``CheckpointStore.create``, the bank payload
(``index.json``), the SQL catalog row and the quota usage, exactly what a
finished protect leaves behind, without running the protect flow. For
speed the catalog rows are written in batches of 500 per transaction, and
the bank files are synced to disk once at the end rather than one by one.
Run it with the configuration of the target deployment, while that
deployment is idle::

    seed_checkpoints.py --config-file STATE/karbor.conf --provider ID \\
        --project P --plans PLANS.json

``PLANS.json`` is a list of ``{"id", "name", "resources", "count"}``.
Checkpoint timestamps are one second apart and end now, so every
checkpoint has its own creation time, as in a real history.
"""

import argparse
import json
import os
import sys
import time

BATCH = 500
RESOURCE_GRAPH = '[{"0x0": ["%s", "%s", "%s", null]}, []]'


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config-file', required=True)
    parser.add_argument('--provider', required=True)
    parser.add_argument('--project', required=True)
    parser.add_argument('--plans', required=True,
                        help='JSON file: [{"id", "name", "resources", '
                             '"count"}]')
    return parser.parse_args(argv)


def seed(context, store, provider_id, plans):
    """Create the checkpoints; return how many were written."""
    from karbor.common import constants

    from karbor.db.sqlalchemy import engine

    total = sum(plan['count'] for plan in plans)
    timestamp = int(time.time()) - total
    for plan in plans:
        plan = dict(plan, provider_id=provider_id)
        first = plan['resources'][0]
        graph = RESOURCE_GRAPH % (first['type'], first['id'], first['name'])
        count = plan.pop('count')
        for batch in range(0, count, BATCH):
            # One SQL transaction per batch: the rows join it.
            with engine.writer(context):
                for _ in range(min(BATCH, count - batch)):
                    timestamp += 1
                    store.create(
                        context, dict(plan, project_id=context.project_id),
                        constants.CHECKPOINT_STATUS_AVAILABLE,
                        {'created_by': constants.MANUAL}, graph, timestamp)
    return total


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from karbor.cmd import launcher
    from karbor import context as karbor_context
    from karbor.services.protection import provider

    launcher.prepare(['--config-file', args.config_file])
    with open(args.plans) as plans_file:
        plans = json.load(plans_file)
    provider_ = provider.ProviderRegistry().show_provider(args.provider)
    context = karbor_context.RequestContext(
        user_id='bench', project_id=args.project, is_admin=False)
    # The file-system bank syncs every object it writes (a few ms each
    # here); seed data needs no per-object durability: sync once at the
    # end instead.
    os.fsync = lambda fd: None
    start = time.perf_counter()
    count = seed(context, provider_.checkpoint_store, provider_.id, plans)
    provider_.bank.close()
    os.sync()
    print('seeded %d checkpoints in %.1f s'
          % (count, time.perf_counter() - start), flush=True)


if __name__ == '__main__':
    main()
