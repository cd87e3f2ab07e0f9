"""Latency of one checkpoint of a 1-volume plan: POST until ``available``.

Each run POSTs a checkpoint and polls ``GET .../checkpoints/<id>`` every
2 ms until it leaves ``protecting``. Target: ours at least 5x faster than
the original Karbor (median).
"""

import common

TARGET_SPEEDUP = 5.0
WARMUP = 3


def measure(server, runs, interval):
    """Median and p90 (seconds) of ``runs`` checkpoints on ``server``."""
    client = server.client()
    try:
        plan_id = client.create_plan(common.fake_volumes(1))
        for _ in range(WARMUP):
            client.protect(plan_id, interval)
        times = []
        for _ in range(runs):
            seconds, status = client.protect(plan_id, interval)
            if status != 'available':
                raise common.BenchmarkError('checkpoint ended %s' % status)
            times.append(seconds)
    finally:
        client.close()
    median, p90 = common.summary(times)
    print('%-45s checkpoint 1 volume: median %7.1f ms  p90 %7.1f ms  '
          '(%d runs)' % (server.label, common.ms(median), common.ms(p90),
                         runs), flush=True)
    return median


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=50,
                             extra=lambda p: p.add_argument(
                                 '--interval-ms', type=float, default=2.0,
                                 help='poll interval (default 2 ms)'))
    interval = args.interval_ms / 1000.0
    with common.OursServer(args.ours_config) as ours:
        ours_median = measure(ours, args.runs, interval)
    if args.no_anchor:
        common.finish(True)
    with common.AnchorServer() as anchor:
        anchor_median = measure(anchor, args.runs, interval)
    print(common.ratio_line(anchor_median, ours_median))
    speedup = anchor_median / ours_median
    common.finish(common.verdict(
        'ours >= %.0fx faster' % TARGET_SPEEDUP, speedup >= TARGET_SPEEDUP,
        '%.1fx' % speedup))


if __name__ == '__main__':
    main()
