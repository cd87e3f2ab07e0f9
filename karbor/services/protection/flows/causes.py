"""The true causes of failed operations, and riding out database outages.

An operation that fails records why: ``describe`` names the cause of an
exception in words an operator acts on ("bank: no space left on device
while writing <key>", "database unavailable: ..."). The database writes
that end an operation go through ``retrying_database``, so that a short
outage delays them instead of losing them.
"""

import time

from oslo_config import cfg
from oslo_log import log as logging

from karbor.db.sqlalchemy import engine as db_engine
from karbor import exception
from karbor.i18n import _

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

# Seconds between two attempts of a write while the database is away.
RETRY_INTERVAL = 1.0

_BANK_VERBS = (
    (exception.BankCreateObjectFailed, _('writing')),
    (exception.BankGetObjectFailed, _('reading')),
    (exception.BankDeleteObjectFailed, _('deleting')),
)
BANK_ERRORS = tuple(cls for cls, _verb in _BANK_VERBS) + (
    exception.BankListObjectsFailed,)


def is_bank_error(err):
    return isinstance(err, BANK_ERRORS)


def is_database_error(err):
    """True for a lost or refused database connection."""
    return db_engine.is_connection_error(err)


def describe(err):
    """The cause of ``err`` as an operation's reason shows it."""
    for cls, verb in _BANK_VERBS:
        if isinstance(err, cls):
            return _('bank: %(reason)s while %(verb)s %(key)s') % {
                'reason': err.kwargs.get('reason'), 'verb': verb,
                'key': err.kwargs.get('key')}
    if isinstance(err, exception.BankListObjectsFailed):
        return _('bank: %s while listing objects') % err.kwargs.get('reason')
    if is_database_error(err):
        return database_unavailable(err)
    return str(err) or type(err).__name__


# A driver's connection error, as a failure read back from the flow store
# names it (class paths only: the exception object is gone).
_CONNECTION_ERROR_TYPES = ('oslo_db.exception.DBConnectionError',
                           'sqlalchemy.exc.InterfaceError')
_DRIVER_ERROR_TYPE = 'sqlalchemy.exc.OperationalError'


def describe_failure(failure):
    """The cause of a taskflow ``Failure``, also one read back from the
    flow store after a restart or an outage (it has no exception)."""
    if failure.exception is not None:
        return describe(failure.exception)
    lost = failure.check(*_CONNECTION_ERROR_TYPES)
    if not lost and not (failure.exception_str or '').startswith('(sqlite3.'):
        lost = failure.check(_DRIVER_ERROR_TYPE)
    if lost:
        return _('database unavailable: connection lost or refused (%s)'
                 ) % lost.rsplit('.', 1)[-1]
    return failure.exception_str


def database_unavailable(err):
    return _('database unavailable: connection lost or refused (%s)') % (
        type(getattr(err, 'inner_exception', None) or
             getattr(err, 'cause', None) or err).__name__)


def retrying_database(function, *args, **kwargs):
    """Call ``function``; while the database is unreachable, call it again
    every second, for up to ``[protection] database_outage_timeout``
    seconds."""
    deadline = time.monotonic() + CONF.protection.database_outage_timeout
    while True:
        try:
            return function(*args, **kwargs)
        except Exception as err:
            if not is_database_error(err) or time.monotonic() >= deadline:
                raise
            LOG.warning('Database unavailable (%(err)s); trying again.',
                        {'err': type(err).__name__})
            time.sleep(RETRY_INTERVAL)
