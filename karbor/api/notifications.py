"""Notifications of API actions: ``karbor.<event>.start|end|error``.

They go out only when oslo.messaging notifications are enabled
(``[oslo_messaging_notifications] driver``); the publisher is
``karbor-api.<host>``.
"""

import contextlib

from oslo_config import cfg
from oslo_log import log as logging

from karbor import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

PUBLISHER = 'karbor-api'


def _notifier():
    if not rpc.initialized():
        return None
    notifier = rpc.get_notifier('%s.%s' % (PUBLISHER, CONF.host))
    return notifier if notifier.is_enabled() else None


def _send(notifier, ctxt, event_type, payload, error=False):
    try:
        send = notifier.error if error else notifier.info
        send(ctxt, event_type, payload)
    except Exception:
        # A broken notification bus must not fail the user's request.
        LOG.exception('Failed to send notification %s', event_type)


@contextlib.contextmanager
def notify(ctxt, event, payload):
    """Emit ``karbor.<event>.start`` now and ``.end`` (or ``.error``) after
    the block; the block may add to ``payload`` (e.g. the new id)."""
    notifier = _notifier()
    if notifier is None:
        yield payload
        return
    event_type = 'karbor.%s' % event
    _send(notifier, ctxt, event_type + '.start', dict(payload))
    try:
        yield payload
    except Exception as error:
        failed = dict(payload, error=str(error))
        _send(notifier, ctxt, event_type + '.error', failed, error=True)
        raise
    _send(notifier, ctxt, event_type + '.end', dict(payload))
