"""Latency of one checkpoint of a 1-volume plan: POST until ``available``.

Each run POSTs a checkpoint and polls ``GET .../checkpoints/<id>`` every
2 ms until it leaves ``protecting``. Target: ours at least 5x faster than
the original Karbor (median).

Both services run side by side and are measured in alternating rounds, so
that a machine whose speed drifts during the run slows both alike.
"""

import common

TARGET_SPEEDUP = 5.0
WARMUP = 3


class Subject(object):
    """One service under measurement: a client, a plan and its times."""

    def __init__(self, server, interval):
        self.label = server.label
        self.interval = interval
        self.client = server.client()
        self.plan_id = self.client.create_plan(common.fake_volumes(1))
        self.times = []
        for _ in range(WARMUP):
            self.client.protect(self.plan_id, interval)

    def run(self, count):
        for _ in range(count):
            seconds, status = self.client.protect(self.plan_id,
                                                  self.interval)
            if status != 'available':
                raise common.BenchmarkError('checkpoint ended %s' % status)
            self.times.append(seconds)

    def report(self, rounds):
        median, p90 = common.summary(self.times)
        print('%-45s checkpoint 1 volume: median %7.1f ms  p90 %7.1f ms  '
              '(%d runs in %d rounds)' % (self.label, common.ms(median),
                                          common.ms(p90), len(self.times),
                                          rounds), flush=True)
        return median

    def close(self):
        self.client.close()


def measure(subjects, runs, rounds):
    """Run ``runs`` checkpoints per subject, alternating in ``rounds``."""
    per_round = max(1, runs // rounds)
    try:
        for _ in range(rounds):
            for subject in subjects:
                subject.run(per_round)
        return [subject.report(rounds) for subject in subjects]
    finally:
        for subject in subjects:
            subject.close()


def main():
    def extra(parser):
        parser.add_argument('--interval-ms', type=float, default=2.0,
                            help='poll interval (default 2 ms)')
        parser.add_argument('--rounds', type=int, default=10,
                            help='alternating rounds (default 10)')
    args = common.parse_args(__doc__.splitlines()[0], runs=100, extra=extra)
    interval = args.interval_ms / 1000.0
    common.settle_disk()
    if args.no_anchor:
        with common.OursServer(args.ours_config) as ours:
            measure([Subject(ours, interval)], args.runs, args.rounds)
        common.finish(True)
    with common.OursServer(args.ours_config) as ours:
        with common.AnchorServer() as anchor:
            ours_median, anchor_median = measure(
                [Subject(ours, interval), Subject(anchor, interval)],
                args.runs, args.rounds)
    print(common.ratio_line(anchor_median, ours_median))
    speedup = anchor_median / ours_median
    common.finish(common.verdict(
        'ours >= %.0fx faster' % TARGET_SPEEDUP, speedup >= TARGET_SPEEDUP,
        '%.1fx' % speedup))


if __name__ == '__main__':
    main()
