"""karbor-sandbox: serve the sandbox cloud (and optionally seed it)."""

import argparse
import logging
import os
import signal
import sys
import threading

DEFAULT_STATE_DIR = os.path.join(
    os.environ.get('XDG_STATE_HOME') or os.path.expanduser('~/.local/state'),
    'karbor-sandbox')


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='karbor-sandbox',
        description='Serve fake-but-realistic OpenStack and Kubernetes '
                    'APIs on one port for Karbor demos and tests.')
    parser.add_argument('--state-dir', default=DEFAULT_STATE_DIR,
                        help='Directory holding the SQLite state and the '
                             'stored bytes (default: %(default)s).')
    parser.add_argument('--host', default='127.0.0.1',
                        help='Address to listen on (default: %(default)s).')
    parser.add_argument('--port', type=int, default=0,
                        help='Port to listen on; 0 picks a free port.')
    parser.add_argument('--delay', type=float, default=1.0,
                        help='Seconds each asynchronous status transition '
                             'takes (default: %(default)s).')
    parser.add_argument('--token-ttl', type=int, default=None,
                        help='Seconds a Keystone token lives (default: '
                             'one hour).')
    parser.add_argument('--endpoint', action='append', default=[],
                        metavar='TYPE=URL',
                        help='Publish an external API in the Keystone '
                             'catalog, e.g. data-protect=http://127.0.0.1:'
                             '8799/v1/$(project_id)s (repeatable).')
    parser.add_argument('--seed', action='store_true',
                        help='Fill the demo project with a small estate '
                             'once the server is up.')
    parser.add_argument('--verbose', '-v', action='store_true',
                        help='Log at INFO level.')
    sub = parser.add_subparsers(dest='command')
    seed = sub.add_parser('seed', help='Seed an already running sandbox.')
    seed.add_argument('--url', required=True,
                      help='Base URL of the running sandbox.')
    return parser.parse_args(argv)


def _print_ready(server):
    print('karbor-sandbox serving at %s (state in %s)'
          % (server.base_url, server.cloud.state_dir))
    for name, url in sorted(server.cloud.endpoints().items()):
        print('  %-13s %s' % (name, url))
    print('# openrc (demo user; admin: OS_USERNAME=admin '
          'OS_PROJECT_NAME=admin):')
    print(server.openrc())
    sys.stdout.flush()


def serve(args):
    from karbor_sandbox import seed as seed_mod
    from karbor_sandbox import server as server_mod
    server = server_mod.SandboxServer(args.state_dir, host=args.host,
                                      port=args.port, delay=args.delay,
                                      token_ttl=args.token_ttl)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stopped.set())
    identity = server.cloud.service('identity')
    for spec in args.endpoint:
        stype, _sep, url = spec.partition('=')
        identity.register_endpoint(stype, url)
    server.start()
    _print_ready(server)
    try:
        if args.seed:
            seed_mod.run(seed_mod.Target(server.base_url))
            print('seed: done')
            sys.stdout.flush()
        stopped.wait()
    finally:
        server.stop()
    return 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if any('=' not in spec for spec in args.endpoint):
        print('--endpoint takes TYPE=URL', file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO if args.verbose
                        else logging.WARNING,
                        format='%(asctime)s %(levelname)s %(name)s '
                               '%(message)s')
    if args.command == 'seed':
        from karbor_sandbox import seed as seed_mod
        seed_mod.run(seed_mod.Target(args.url))
        return 0
    return serve(args)


if __name__ == '__main__':
    sys.exit(main())
