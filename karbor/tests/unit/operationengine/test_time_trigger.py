"""Fire times of time triggers: formats, limits and daylight saving."""

import datetime

from oslo_config import cfg
import pytest

from karbor import exception
from karbor.services.operationengine import time_trigger

CONF = cfg.CONF
START = '2026-01-01 00:00:00'
DT = datetime.datetime


@pytest.fixture(autouse=True)
def limits():
    CONF([], project='karbor', default_config_files=[])
    CONF.set_override('min_interval', 60)
    CONF.set_override('min_window_time', 20)
    CONF.set_override('max_window_time', 30)
    yield
    CONF.clear_override('min_interval')
    CONF.clear_override('min_window_time')
    CONF.clear_override('max_window_time')


def trigger(pattern, fmt='crontab', **extra):
    return time_trigger.TimeTrigger(dict(
        {'format': fmt, 'pattern': pattern, 'start_time': START}, **extra))


def fire_times(trig, after, count):
    times = []
    for _i in range(count):
        after = trig.next_after(after)
        times.append(after)
    return times


def test_crontab_and_calendar_agree():
    cron = trigger('*/5 * * * *')
    calendar = trigger('BEGIN:VEVENT\\nRRULE:FREQ=MINUTELY;INTERVAL=5;\\n'
                       'END:VEVENT', 'calendar')
    now = DT(2026, 3, 1, 10, 2, 30)
    assert fire_times(cron, now, 3) == fire_times(calendar, now, 3) == [
        DT(2026, 3, 1, 10, 5), DT(2026, 3, 1, 10, 10), DT(2026, 3, 1, 10, 15)]
    assert cron.last_at_or_before(now) == DT(2026, 3, 1, 10, 0)
    assert calendar.last_at_or_before(now) == DT(2026, 3, 1, 10, 0)
    assert cron.window == 20


def test_window_as_the_original_stored_it():
    # The original Karbor kept every trigger property as a string.
    assert trigger('*/5 * * * *', window='25').window == 25


def test_calendar_with_real_line_breaks():
    trig = trigger('BEGIN:VEVENT\nRRULE:FREQ=HOURLY;INTERVAL=2\nEND:VEVENT',
                   'calendar')
    assert trig.next_after(DT(2026, 1, 1, 1)) == DT(2026, 1, 1, 2)


def test_start_and_end_bound_the_fire_times():
    trig = trigger('0 * * * *', start_time='2026-05-01 10:30:00',
                   end_time='2026-05-01 12:00:00')
    assert trig.next_after(DT(2026, 1, 1)) == DT(2026, 5, 1, 11)
    assert trig.next_after(DT(2026, 5, 1, 11)) == DT(2026, 5, 1, 12)
    assert trig.next_after(DT(2026, 5, 1, 12)) is None
    assert trig.last_at_or_before(DT(2026, 5, 1, 10, 59)) is None
    assert trig.last_at_or_before(DT(2027, 1, 1)) == DT(2026, 5, 1, 12)


def test_spring_forward_fires_each_local_time_once():
    # Europe/Berlin: 2026-03-29 02:00 CET becomes 03:00 CEST.
    trig = trigger('30 2 * * *', timezone='Europe/Berlin')
    times = fire_times(trig, DT(2026, 3, 27), 4)
    assert times == [DT(2026, 3, 27, 1, 30), DT(2026, 3, 28, 1, 30),
                     # 02:30 does not exist: 03:30 CEST, once.
                     DT(2026, 3, 29, 1, 30), DT(2026, 3, 30, 0, 30)]


def test_fall_back_fires_the_repeated_hour_once():
    # Europe/Berlin: 2026-10-25 03:00 CEST becomes 02:00 CET.
    trig = trigger('30 * * * *', timezone='Europe/Berlin')
    times = fire_times(trig, DT(2026, 10, 24, 23, 0), 4)
    # Local 01:30 CEST, 02:30 CEST (first of two), 03:30 CET, 04:30 CET.
    assert times == [DT(2026, 10, 24, 23, 30), DT(2026, 10, 25, 0, 30),
                     DT(2026, 10, 25, 2, 30), DT(2026, 10, 25, 3, 30)]
    # Woken inside the second 02:xx hour, it does not fire 02:30 again.
    assert trig.next_after(DT(2026, 10, 25, 1, 10)) == DT(2026, 10, 25, 2, 30)


def test_daily_local_time_in_a_zone():
    trig = trigger('0 9 * * *', timezone='America/New_York')
    assert trig.next_after(DT(2026, 7, 1)) == DT(2026, 7, 1, 13)
    assert trig.next_after(DT(2026, 12, 1)) == DT(2026, 12, 1, 14)


@pytest.mark.parametrize('properties,field', [
    ({'format': 'cron'}, 'format'),
    ({'pattern': '61 * * * *'}, 'pattern'),
    ({'pattern': '* * * * * * * *'}, 'pattern'),
    ({'pattern': '* * * * *', 'start_time': None}, 'start_time'),
    ({'timezone': 'Nowhere/City'}, 'timezone'),
    ({'start_time': '2026-02-30 00:00:00'}, 'start_time'),
    ({'end_time': '2025-12-31 00:00:00'}, 'end_time'),
    ({'window': 19}, 'window'),
    ({'window': 31}, 'window'),
    ({'window': True}, 'window'),
    ({'window': '19'}, 'window'),
    ({'window': '2x'}, 'window'),
    ({'format': 'calendar', 'pattern': 'BEGIN:VEVENT\nEND:VEVENT'},
     'pattern'),
    ({'format': 'calendar',
      'pattern': 'BEGIN:VEVENT\nRRULE:FREQ=SECONDLY\nEND:VEVENT'},
     'pattern'),
    ({'format': 'calendar',
      'pattern': 'BEGIN:VEVENT\nRRULE:FREQ=NEVERLY\nEND:VEVENT'},
     'pattern'),
    ({'format': 'calendar', 'pattern': 'BEGIN:VEVENT\\q'}, 'pattern'),
])
def test_invalid_properties_name_the_field(properties, field):
    values = dict({'format': 'crontab', 'pattern': '0 * * * *',
                   'start_time': START}, **properties)
    with pytest.raises(exception.InvalidInput) as raised:
        time_trigger.TimeTrigger(values)
    assert 'property %s:' % field in str(raised.value)


def test_min_interval_applies_to_every_gap():
    CONF.set_override('min_interval', 3600)
    with pytest.raises(exception.InvalidInput):
        trigger('0,30 * * * *')
    assert trigger('0 * * * *').next_after(DT(2026, 1, 1, 0, 1)) == DT(
        2026, 1, 1, 1)


@pytest.mark.parametrize('fmt, pattern, expected', [
    ('crontab', '0 * * * *', 'crontab'),
    ('calendar', 'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;\\nEND:VEVENT',
     'calendar'),
    # The original read every pattern in one configured format, whatever
    # the trigger's own format said.
    ('crontab', 'BEGIN:VEVENT\\nRRULE:FREQ=HOURLY;\\nEND:VEVENT',
     'calendar'),
    ('calendar', '0 * * * *', 'crontab'),
    ('ical', '0 * * * *', 'crontab'),
    ('crontab', 'every hour', None),
    ('crontab', '', None),
    ('crontab', 7, None),
])
def test_pattern_format(fmt, pattern, expected):
    assert time_trigger.pattern_format(
        {'format': fmt, 'pattern': pattern}) == expected
