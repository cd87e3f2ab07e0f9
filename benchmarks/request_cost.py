"""Processor cost of a checkpoint create and show, in instructions.

Wall-clock figures on a shared VM drift by a factor of two within an hour;
instruction counts do not. This script runs the three Karbor services in
one process on the embedded defaults (no HTTP server: requests go straight
to the WSGI application), and counts the instructions of ``--requests``
checkpoint creates (``POST``, a 1-volume plan, No-Op provider) and as many
shows (``GET``) under valgrind's callgrind, which it starts itself. It
reports instructions per request; compare builds by running it on each.

    .venv/bin/python benchmarks/request_cost.py [--requests 40]

Kernel time (file creation, fsync) is not counted; see
``checkpoint_latency.py`` for the wall-clock figure against the anchor.
"""

import argparse
import glob
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile

NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
PROJECT = 'cost'
HEADERS = {'X-Auth-Token': 'bench:%s' % PROJECT,
           'Content-Type': 'application/json'}
WARMUP = 20
OUT_PREFIX = 'callgrind.request_cost'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--requests', type=int, default=40,
                        help='requests counted per figure (default 40)')
    parser.add_argument('--measure', metavar='DIR',
                        help=argparse.SUPPRESS)  # the run under valgrind
    return parser.parse_args()


def main():
    args = parse_args()
    if args.measure:
        measure(args.measure, args.requests)
        return
    if shutil.which('valgrind') is None:
        sys.exit('valgrind is needed (it is on every machine of this kind)')
    work = tempfile.mkdtemp(prefix='karbor-cost-')
    try:
        subprocess.run(
            ['valgrind', '--tool=callgrind', '--instr-atstart=no',
             '--callgrind-out-file=%s/%s.%%p' % (work, OUT_PREFIX),
             sys.executable, os.path.abspath(__file__), '--measure', work,
             '--requests', str(args.requests)],
            check=True, stdout=sys.stdout, stderr=subprocess.DEVNULL)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class InProcessKarbor(object):
    """karbor-all's services and WSGI app, without the HTTP server."""

    def __init__(self, state_dir):
        from karbor.api import app as api_app
        from karbor.cmd import all as karbor_all
        from karbor.cmd import launcher
        config = karbor_all.write_embedded_config(state_dir, auth='noauth')
        launcher.prepare([], default_config_files=[config])
        logging.getLogger().setLevel(logging.WARNING)
        self.karbor = karbor_all.AllInOne()
        self.karbor.start_services()
        self.app = api_app.setup_app()

    def request(self, method, path, body=None):
        import webob
        req = webob.Request.blank(
            '/v1/%s%s' % (PROJECT, path), method=method, headers=HEADERS,
            body=json.dumps(body).encode() if body is not None else b'')
        resp = req.get_response(self.app)
        if resp.status_int >= 400:
            raise RuntimeError('%s %s: %s' % (method, path, resp.body))
        return resp.json

    def stop(self):
        self.karbor.stop()


def measure(work, count):
    karbor = InProcessKarbor(os.path.join(work, 'state'))
    try:
        plan = karbor.request('POST', '/plans', {'plan': {
            'name': 'cost', 'provider_id': NOOP, 'parameters': {},
            'resources': [{'id': '0f3d9a52-6b1e-4c7a-9d3e-2a4b5c6d7e8f',
                           'type': 'OS::Cinder::Volume', 'name': 'v'}]}})
        plan_id = plan['plan']['id']
        checkpoints = '/providers/%s/checkpoints' % NOOP

        def create():
            return karbor.request('POST', checkpoints, {
                'checkpoint': {'plan_id': plan_id}})['checkpoint']['id']

        shown = create()

        def show():
            karbor.request('GET', '%s/%s' % (checkpoints, shown))

        for _ in range(WARMUP):
            create()
            show()
        for name, func in (('checkpoint create (POST)', create),
                           ('checkpoint show (GET)', show)):
            instructions = _count(work, func, count)
            print('%-26s %6.2f M instructions per request (%d requests)'
                  % (name, instructions / count / 1e6, count), flush=True)
    finally:
        karbor.stop()


def _count(work, func, count):
    """Instructions of ``count`` calls of ``func`` in this process."""
    def control(*options):
        subprocess.run(['callgrind_control'] + list(options) +
                       [str(os.getpid())], check=True,
                       stdout=subprocess.DEVNULL)

    control('--zero')
    control('--instr=on')
    for _ in range(count):
        func()
    control('--instr=off')
    control('--dump')
    newest = max(glob.glob(os.path.join(work, OUT_PREFIX + '.*')),
                 key=os.path.getmtime)
    with open(newest) as dump:
        for line in dump:
            if line.startswith('totals:'):
                return int(line.split()[1])
    raise RuntimeError('no totals in %s' % newest)


if __name__ == '__main__':
    main()
