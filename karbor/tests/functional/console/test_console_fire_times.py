"""The console's next fire times (``js/cron.js``, run in Chromium) are the
operation engine's (``TimeTrigger.next_after``) for crontab and calendar
patterns, in time zones and across a DST change; rules the console cannot
draw give no times rather than wrong ones."""

import datetime

from oslo_config import cfg
import pytest

from karbor.api import dashboard
from karbor.services.operationengine import time_trigger
from karbor.tests.functional.console import browser as chromium

pytestmark = pytest.mark.skipif(chromium.missing() is not None,
                                reason=chromium.missing() or '')

# Half a minute before the United States leave winter time (07:00 UTC).
NOW = datetime.datetime(2027, 3, 14, 6, 59, 30)
START = '2026-01-01 00:00:00'
VEVENT = 'BEGIN:VEVENT\nRRULE:%s\nEND:VEVENT'
DRAWN = [
    {'format': 'crontab', 'pattern': '*/15 * * * *'},
    {'format': 'crontab', 'pattern': '0 9 * * 1-5',
     'timezone': 'America/New_York'},
    {'format': 'crontab', 'pattern': '30 2 1,15 * *',
     'timezone': 'Europe/Berlin'},
    {'format': 'crontab', 'pattern': '0 0 * * sun'},
    {'format': 'crontab', 'pattern': '0 12 13 * 5'},
    {'format': 'crontab', 'pattern': '45 23 * * *',
     'timezone': 'Asia/Kolkata'},
    {'format': 'calendar', 'pattern': VEVENT % 'FREQ=HOURLY;INTERVAL=3;',
     'start_time': '2026-12-01 00:10:00'},
    {'format': 'calendar', 'pattern': VEVENT % 'FREQ=DAILY',
     'timezone': 'America/New_York', 'start_time': '2027-03-10 06:30:00'},
    {'format': 'calendar', 'pattern': VEVENT % 'FREQ=WEEKLY;INTERVAL=2',
     'start_time': '2027-04-01 12:00:00'},
    {'format': 'calendar', 'pattern': VEVENT % 'FREQ=DAILY;COUNT=100',
     'start_time': '2027-03-12 05:00:00'},
    # As the original Karbor stored it: escaped newlines.
    {'format': 'calendar',
     'pattern': 'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;INTERVAL=6;\\nEND:VEVENT',
     'start_time': '2027-03-01 01:00:00'},
]
NOT_DRAWN = [
    {'format': 'calendar',
     'pattern': VEVENT % 'FREQ=DAILY;BYHOUR=3,15;BYMINUTE=0'},
    {'format': 'crontab', 'pattern': '0 0 L * *'},
]
CONSOLE_TIMES = '''async ([cases, now]) => {
  const cron = await import('/dashboard/js/cron.js');
  return cases.map((props) => {
    try {
      return cron.nextFires(props, 5, now).map((d) => d.toISOString());
    } catch (err) { return null; }
  });
}'''


@pytest.fixture(autouse=True)
def every_minute_allowed():
    """Patterns firing every 15 minutes, as karbor-all allows."""
    cfg.CONF.set_override('min_interval', 60)
    yield
    cfg.CONF.clear_override('min_interval')


@pytest.fixture(scope='module')
def console_url():
    """The console's files on a local WSGI server of their own."""
    with chromium.serve(dashboard.Dashboard()) as base_url:
        yield base_url


@pytest.fixture(scope='module')
def page(console_url):
    instance = chromium.Browser()
    page = instance.page()
    page.goto(console_url + '/dashboard/js/cron.js')
    yield page
    instance.stop()


def engine_times(properties, count=5):
    trigger = time_trigger.TimeTrigger(properties)
    times, current = [], NOW
    for _ in range(count):
        current = trigger.next_after(current)
        if current is None:
            break
        times.append(current)
    return times


def console_times(page, cases):
    now_ms = (NOW - datetime.datetime(1970, 1, 1)).total_seconds() * 1000
    found = page.evaluate(CONSOLE_TIMES, [cases, now_ms])
    return [None if times is None else [
        datetime.datetime.fromisoformat(t.replace('Z', '+00:00')).replace(
            tzinfo=None) for t in times] for times in found]


def with_start(case):
    return dict({'start_time': START}, **case)


def test_console_fire_times_are_the_engine_s(page):
    cases = [with_start(case) for case in DRAWN]
    for case, shown in zip(cases, console_times(page, cases)):
        assert shown == engine_times(case), case


def test_rules_the_console_cannot_draw_show_no_times(page):
    cases = [with_start(case) for case in NOT_DRAWN]
    assert console_times(page, cases) == [None] * len(cases)
