"""Restore preview and restore of checkpoints of 10 and 1,000 volumes.

The preview (``POST /restores/preview``) has no counterpart in the
original Karbor: its figures are ours alone. The restore now plans before
it runs; the restore figure (POST until ``success``) is compared with the
anchor's where the anchor restores the same checkpoint size.
"""

import time

import common

SIZES = (10, 1000)
ANCHOR_SIZES = (10,)


def restore_body(checkpoint_id):
    return {'restore': {'provider_id': common.NOOP_PROVIDER,
                        'checkpoint_id': checkpoint_id, 'parameters': {}}}


def checkpoint_of(client, size):
    plan_id = client.create_plan(common.fake_volumes(size))
    checkpoint_id = client.create_checkpoint(plan_id)
    status = client.wait_checkpoint(checkpoint_id, timeout=300)
    if status != 'available':
        raise common.BenchmarkError('checkpoint ended %s' % status)
    return checkpoint_id


def timed_preview(client, checkpoint_id, size):
    start = time.perf_counter()
    answer = client.post('/restores/preview', restore_body(checkpoint_id))
    seconds = time.perf_counter() - start
    if len(answer['restore_preview']['order']) != size:
        raise common.BenchmarkError('the preview lists %d resources, not %d'
                                    % (len(answer['restore_preview'][
                                        'order']), size))
    return seconds


def timed_restore(client, checkpoint_id, timeout=300):
    start = time.perf_counter()
    restore_id = client.post('/restores', restore_body(checkpoint_id))[
        'restore']['id']
    while True:
        status = client.get('/restores/' + restore_id)['restore']['status']
        seconds = time.perf_counter() - start
        if status != 'in_progress':
            break
        if seconds > timeout:
            raise common.Timeout('restore %s still running' % restore_id)
        time.sleep(0.002 if seconds < 1 else 0.02)
    if status != 'success':
        raise common.BenchmarkError('restore ended %s' % status)
    return seconds


def measure(server, size, runs, preview=True):
    """``(preview median, restore median)`` seconds for ``size`` volumes
    (preview None when ``preview`` is false)."""
    client = server.client(timeout=300)
    try:
        checkpoint_id = checkpoint_of(client, size)
        figures = []
        for name, run in (('preview', timed_preview), ('restore', None)):
            if run is None:
                times = [timed_restore(client, checkpoint_id)
                         for _ in range(runs)]
            elif preview:
                timed_preview(client, checkpoint_id, size)  # warm-up
                times = [run(client, checkpoint_id, size)
                         for _ in range(runs)]
            else:
                figures.append(None)
                continue
            median, p90 = common.summary(times)
            print('%-45s %-7s %5d volumes: median %8.1f ms  p90 %8.1f ms  '
                  '(%d runs)' % (server.label, name, size, common.ms(median),
                                 common.ms(p90), runs), flush=True)
            figures.append(median)
    finally:
        client.close()
    return figures


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=5)
    ours = {}
    with common.OursServer(args.ours_config) as server:
        for size in SIZES:
            ours[size] = measure(server, size, args.runs)
    if args.no_anchor:
        common.finish(True)
    with common.AnchorServer() as anchor:
        for size in ANCHOR_SIZES:
            _none, anchor_restore = measure(anchor, size, args.runs,
                                            preview=False)
            print('restore %s (%d volumes)' % (common.ratio_line(
                anchor_restore, ours[size][1]), size))
    common.finish(True)


if __name__ == '__main__':
    main()
