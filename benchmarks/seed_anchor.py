"""Write many ``available`` checkpoints straight into the anchor's bank.

The original Karbor lists checkpoints from its bank (the
``/indices/by-provider/<provider>/<project>/`` objects), not from its
database, and its file-system bank has the layout ours reads and writes
(``checkpoint.CheckpointCollection``). So the anchor's history is seeded
the way it would look after that many protects of its No-Op provider:
for each checkpoint its ``index.json`` and its three index objects, with
timestamps one second apart ending now. The files are synced once at the
end, not one by one. Run it while the anchor is idle::

    seed_anchor.py --bank /tmp/karbor-anchor/bank --provider ID \\
        --project P --plans PLANS.json

``PLANS.json`` is a list of ``{"id", "name", "resources", "count"}`` (plans
made through the anchor's API).
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid

RESOURCE_GRAPH = '[{"0x0": ["%s", "%s", "%s", null]}, []]'
PROVIDER = """\
[provider]
name = Seed target
id = {provider}
plugin = karbor-noop-protection-plugin
bank = karbor-fs-bank-plugin
enabled = True
[file_system_bank_plugin]
file_system_bank_path = {bank}
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--bank', required=True,
                        help="the anchor's file_system_bank_path")
    parser.add_argument('--provider', required=True)
    parser.add_argument('--project', required=True)
    parser.add_argument('--plans', required=True)
    return parser.parse_args(argv)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def seed(payloads, root, provider_id, project_id, plans):
    """Write the checkpoints; return how many.

    The first checkpoint of each plan goes through
    ``CheckpointCollection.create``; the others are copies of its files
    with their own id and time, written directly (5x faster).
    """
    from karbor.common import constants
    from karbor.services.protection import checkpoint as payload_mod

    total = sum(plan['count'] for plan in plans)
    timestamp = int(time.time()) - total
    for plan in plans:
        plan = dict(plan, provider_id=provider_id, project_id=project_id)
        first = plan['resources'][0]
        graph = RESOURCE_GRAPH % (first['type'], first['id'], first['name'])
        count = plan.pop('count')
        timestamp += 1
        template = payloads.create(plan, {
            'status': constants.CHECKPOINT_STATUS_AVAILABLE,
            'extra_info': {'created_by': constants.MANUAL},
            'resource_graph': graph, 'timestamp': timestamp}).metadata
        for _ in range(count - 1):
            timestamp += 1
            md = dict(template, id=str(uuid.uuid4()), timestamp=timestamp,
                      created_at=payload_mod._utc_date(timestamp))
            _write(os.path.join(root, 'checkpoints', md['id'],
                                payload_mod.INDEX_FILE), json.dumps(md))
            for key in payload_mod.Checkpoint(_NoBank, md).index_keys():
                _write(root + key, md['id'])
    return total


class _NoBank(object):
    """Enough of a bank for ``Checkpoint.index_keys``."""

    @staticmethod
    def get_sub_section(prefix):
        return None


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from karbor.cmd import launcher
    from karbor.services.protection import provider

    with open(args.plans) as plans_file:
        plans = json.load(plans_file)
    with tempfile.TemporaryDirectory(prefix='seed-anchor-') as state:
        providers = os.path.join(state, 'providers.d')
        os.mkdir(providers)
        with open(os.path.join(providers, 'seed.conf'), 'w') as conf:
            conf.write(PROVIDER.format(provider=args.provider,
                                       bank=args.bank))
        with open(os.path.join(state, 'karbor.conf'), 'w') as conf:
            conf.write('[DEFAULT]\nstate_path = %s\nprovider_config_dir = '
                       '%s\n' % (state, providers))
        launcher.prepare(['--config-file',
                          os.path.join(state, 'karbor.conf')])
        provider_ = provider.ProviderRegistry().show_provider(args.provider)
        start = time.perf_counter()
        count = seed(provider_.checkpoint_store.payloads,
                     os.path.join(args.bank, 'karbor'), provider_.id,
                     args.project, plans)
        provider_.bank.close()
        os.sync()
    print('seeded %d checkpoints into the anchor bank in %.1f s'
          % (count, time.perf_counter() - start), flush=True)


if __name__ == '__main__':
    main()
