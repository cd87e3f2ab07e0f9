"""The console: time to first render of the checkpoint list, in the browser.

``karbor-all`` (embedded, noauth) gets 10,000 ``available`` checkpoints
written straight into its bank and catalog (``seed_checkpoints.py``, as
``checkpoint_list.py`` does). Headless Chromium (the distribution's
``/usr/bin/chromium``, driven by Playwright) then opens
``/dashboard/#/checkpoints?provider=<No-Op>`` already logged in, and the
figure is the time from the navigation's start to the first animation
frame in which the list shows its rows (a page of 20; the list pages with
limit/marker), read from the page's own clock (``performance.now()``).

- cold: a new tab with the browser's cache cleared, so the HTML, CSS and
  every JavaScript module are fetched, as on a first visit;
- warm: a reload of an open console (files revalidated by ETag: 304).

The original Karbor has no console of its own (its Horizon plugin is a
separate, Django-based project), so there is no anchor ratio.
Target: cold median under 1 s.
"""

import json
import os
import sys

import common
import checkpoint_list

sys.path.insert(0, common.REPO)
from karbor.tests.functional.console import browser as chromium  # noqa: E402

TARGET_MS = 1000.0
SESSION_KEY = 'karbor-console-session'
FIRST_ROWS = '''() => {
  if (!document.querySelector('tbody tr[data-id]')) return false;
  window.__firstRender = window.__firstRender || performance.now();
  return window.__firstRender; }'''


def login_script(project):
    session = {'token': 'bench:%s' % project, 'project': project,
               'user': 'bench', 'roles': ['member'], 'apiBase': '/v1'}
    return 'sessionStorage.setItem(%s, %s);' % (
        json.dumps(SESSION_KEY), json.dumps(json.dumps(session)))


def first_render_ms(page, url):
    page.goto(url)
    handle = page.wait_for_function(FIRST_ROWS, polling='raf',
                                    timeout=30000)
    rows = page.locator('tbody tr[data-id]').count()
    if rows != 20:
        raise common.BenchmarkError('the list showed %d rows' % rows)
    return handle.json_value()


def measure(browser, url, project, runs):
    """(cold, warm) lists of milliseconds."""
    browser.context.add_init_script(login_script(project))
    cold, warm = [], []
    for i in range(runs + 1):
        page = browser.context.new_page()
        cdp = browser.context.new_cdp_session(page)
        cdp.send('Network.clearBrowserCache')
        value = first_render_ms(page, url)
        page.reload()
        warm_value = page.wait_for_function(FIRST_ROWS, polling='raf',
                                            timeout=30000).json_value()
        page.close()
        if i:  # the first run starts the browser's own caches
            cold.append(value)
            warm.append(warm_value)
    return cold, warm


def add_options(parser):
    parser.add_argument('--count', type=int, default=10000,
                        help='checkpoints written (default 10000)')


def main():
    args = common.parse_args(__doc__.splitlines()[0], runs=20,
                             extra=add_options)
    reason = chromium.missing()
    if reason:
        raise SystemExit(reason)
    with common.OursServer(args.ours_config) as ours:
        client = ours.client()
        project = client.prefix.rsplit('/', 1)[1]
        checkpoint_list.seed_ours(ours, client, args.count)
        listed = client.get('/providers/%s/checkpoints?limit=1' %
                            common.NOOP_PROVIDER)['checkpoints']
        client.close()
        if not listed:
            raise common.BenchmarkError('no checkpoint was written')
        url = 'http://%s:%s/dashboard/#/checkpoints?provider=%s' % (
            ours.host, ours.port, common.NOOP_PROVIDER)
        browser = chromium.Browser()
        try:
            cold, warm = measure(browser, url, project, args.runs)
        finally:
            browser.stop()
    for label, values in (('cold (cache cleared)', cold),
                          ('warm (reload)', warm)):
        median, p90 = common.summary(values)
        print('%-45s console first render of the checkpoint list '
              '(%d checkpoints), %s: median %6.1f ms  p90 %6.1f ms  '
              '(%d runs)' % (ours.label, args.count, label, median, p90,
                             len(values)), flush=True)
    median = common.summary(cold)[0]
    ok = common.verdict('console first render < %.0f ms' % TARGET_MS,
                        median < TARGET_MS, 'cold median %.1f ms' % median)
    print('anchor: no console to compare (the original has none of its '
          'own)', flush=True)
    common.finish(ok)


if __name__ == '__main__':
    os.chdir(common.REPO)
    main()
