"""Time triggers: the properties of a ``time`` trigger and its fire times.

A trigger's ``format`` picks how ``pattern`` is read: ``crontab`` (a cron
expression, croniter) or ``calendar`` (an iCalendar VEVENT with an RRULE,
read with icalendar and expanded with dateutil). Patterns, ``start_time``
and ``end_time`` are wall-clock times of the trigger's IANA ``timezone``
(UTC by default); fire times are returned as naive UTC datetimes.

Across daylight-saving changes each intended local time fires once: a
repeated local time fires at its first occurrence, a local time that does
not exist fires at the same instant shifted by the gap.
"""

import datetime
import json
import zoneinfo

import croniter
from dateutil import rrule
import icalendar
from oslo_config import cfg

from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF

time_trigger_opts = [
    cfg.IntOpt('min_interval', default=3600, min=1,
               help='Fewest seconds between two fire times of a time '
                    'trigger; patterns that fire more often are refused.'),
    cfg.IntOpt('min_window_time', default=900, min=1,
               help='Smallest window (seconds after a fire time in which '
                    'a run may still start) a trigger may ask for; also '
                    'the window of triggers that name none.'),
    cfg.IntOpt('max_window_time', default=1800, min=1,
               help='Largest window a trigger may ask for.'),
]
CONF.register_opts(time_trigger_opts)

TYPE = 'time'
FORMATS = ('crontab', 'calendar')
TIME_FORMAT = '%Y-%m-%d %H:%M:%S'
# Gaps looked at when checking min_interval.
CHECKED_GAPS = 50
# Fire times skipped at most while converting to UTC (DST overlaps).
MAX_STEPS = 8


def list_opts():
    return [('DEFAULT', time_trigger_opts)]


def _invalid(field, reason):
    return exception.InvalidInput(
        reason=_('Invalid trigger property %(field)s: %(reason)s')
        % {'field': field, 'reason': reason})


def _parse_time(properties, field):
    value = properties.get(field)
    if value is None:
        return None
    try:
        return datetime.datetime.strptime(value, TIME_FORMAT)
    except (TypeError, ValueError):
        raise _invalid(field, _('the format must be YYYY-MM-DD HH:MM:SS'))


def _zone(name):
    if name is None:
        return datetime.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError, TypeError):
        raise _invalid('timezone', _('%r is not an IANA time zone') % name)


def _calendar_rule(pattern, start):
    """The dateutil rule of a VEVENT pattern, starting at ``start``."""
    if '\\' in pattern:
        try:
            pattern = json.loads('"%s"' % pattern.replace('"', '\\"'))
        except ValueError:
            raise _invalid('pattern', _('it has a bad escape sequence'))
    try:
        event = icalendar.Event.from_ical(pattern)
        recur = event.get('rrule')
    except Exception:
        raise _invalid('pattern', _('it is not an iCalendar VEVENT'))
    if event.name != 'VEVENT' or recur is None:
        raise _invalid('pattern', _('it needs a VEVENT with an RRULE'))
    if isinstance(recur, list):
        raise _invalid('pattern', _('it may have one RRULE only'))
    try:
        return rrule.rrulestr(recur.to_ical().decode(), dtstart=start,
                              ignoretz=True)
    except Exception:
        raise _invalid('pattern', _('the RRULE cannot be read'))


class _Sequence(object):
    """Naive local fire times of a pattern."""

    def __init__(self, fmt, pattern, start):
        self.start = start
        if fmt == 'crontab':
            if not croniter.croniter.is_valid(pattern):
                raise _invalid('pattern', _('it is not a crontab '
                                            'expression'))
            self._cron = pattern
            self._rule = None
        else:
            self._cron = None
            self._rule = _calendar_rule(pattern, start)

    def after(self, local):
        """The first fire time strictly after ``local`` (naive), or None."""
        if self._rule is not None:
            return self._rule.after(local)
        base = max(local, self.start - datetime.timedelta(seconds=1))
        try:
            return croniter.croniter(self._cron, base).get_next(
                datetime.datetime)
        except croniter.CroniterBadDateError:
            return None

    def at_or_before(self, local):
        """The last fire time at or before ``local``, or None."""
        if local < self.start:
            return None
        if self._rule is not None:
            return self._rule.before(local, inc=True)
        try:
            found = croniter.croniter(
                self._cron, local + datetime.timedelta(seconds=1)).get_prev(
                    datetime.datetime)
        except croniter.CroniterBadDateError:
            return None
        return found if found >= self.start else None


class TimeTrigger(object):
    """A validated time trigger.

    :raises InvalidInput: naming the property at fault.
    """

    def __init__(self, properties):
        self.properties = properties
        fmt = properties.get('format')
        if fmt not in FORMATS:
            raise _invalid('format', _('it must be one of %s')
                           % ', '.join(FORMATS))
        pattern = properties.get('pattern')
        if not isinstance(pattern, str) or not pattern.strip():
            raise _invalid('pattern', _('it must be a non-empty string'))
        self.zone = _zone(properties.get('timezone'))
        self.start = _parse_time(properties, 'start_time')
        if self.start is None:
            raise _invalid('start_time', _('it is required'))
        self.end = _parse_time(properties, 'end_time')
        if self.end is not None and self.end <= self.start:
            raise _invalid('end_time', _('it must be after start_time'))
        self.window = self._window(properties.get('window'))
        self._sequence = _Sequence(fmt, pattern, self.start)
        self._check_interval()

    @staticmethod
    def _window(window):
        if window is None:
            return CONF.min_window_time
        if isinstance(window, str) and window.strip().isdigit():
            # The original Karbor stored every property as a string.
            window = int(window)
        if isinstance(window, bool) or not isinstance(window, int):
            raise _invalid('window', _('it must be an integer'))
        if not CONF.min_window_time <= window <= CONF.max_window_time:
            raise _invalid('window', _('it must be within %(min)d and '
                                       '%(max)d seconds')
                           % {'min': CONF.min_window_time,
                              'max': CONF.max_window_time})
        return window

    def _check_interval(self):
        times = []
        current = self.start - datetime.timedelta(seconds=1)
        for _i in range(CHECKED_GAPS + 1):
            current = self._sequence.after(current)
            if current is None or (self.end and current > self.end):
                break
            times.append(current)
        if not times:
            raise _invalid('pattern', _('it never fires between start_time '
                                        'and end_time'))
        for earlier, later in zip(times, times[1:]):
            if (later - earlier).total_seconds() < CONF.min_interval:
                raise _invalid('pattern', _('it fires more often than every '
                                            '%d seconds') % CONF.min_interval)

    def _to_utc(self, local):
        aware = local.replace(tzinfo=self.zone, fold=0)
        return aware.astimezone(datetime.timezone.utc).replace(tzinfo=None)

    def _to_local(self, utc):
        aware = utc.replace(tzinfo=datetime.timezone.utc)
        return aware.astimezone(self.zone).replace(tzinfo=None)

    def _within_end(self, local):
        return local is not None and (self.end is None or local <= self.end)

    def next_after(self, utc):
        """The first fire time (naive UTC) strictly after ``utc``, or None
        when the trigger has ended."""
        local = self._to_local(utc)
        for _i in range(MAX_STEPS):
            local = self._sequence.after(local)
            if not self._within_end(local):
                return None
            found = self._to_utc(local)
            if found > utc:
                return found
        return None

    def last_at_or_before(self, utc):
        """The latest fire time (naive UTC) at or before ``utc``, or None."""
        local = self._to_local(utc)
        for _i in range(MAX_STEPS):
            local = self._sequence.at_or_before(local)
            if local is None:
                return None
            if self.end is not None and local > self.end:
                local = self.end
                continue
            found = self._to_utc(local)
            if found <= utc:
                return found
            local -= datetime.timedelta(seconds=1)
        return None


def pattern_format(properties):
    """The format ``properties['pattern']`` is written in: the trigger's
    own ``format`` when the pattern reads in it, else the other format it
    reads in, else None."""
    pattern = properties.get('pattern')
    if not isinstance(pattern, str) or not pattern.strip():
        return None
    declared = properties.get('format')
    tried = sorted(FORMATS, key=lambda fmt: fmt != declared)
    for fmt in tried:
        try:
            _Sequence(fmt, pattern, datetime.datetime(2000, 1, 1))
        except exception.InvalidInput:
            continue
        return fmt
    return None


def default_start_time(properties, now):
    """``properties`` with ``start_time`` set to ``now`` (UTC, naive) in the
    trigger's zone when it has none."""
    if properties.get('start_time') is None:
        zone = _zone(properties.get('timezone'))
        local = now.replace(tzinfo=datetime.timezone.utc).astimezone(zone)
        properties = dict(properties, start_time=local.strftime(TIME_FORMAT))
    return properties
