"""Notifications of what happens to Karbor's resources.

Events are ``karbor.<event>.start``, ``.end`` and ``.error`` (priority
ERROR), with the original Karbor's event names for API actions
(``plan_create``, ``checkpoint_delete``...) and ``operation_<type>`` for
the protection service's runs (``operation_protect``,
``operation_restore``, ``operation_verify``, ``operation_delete``,
``operation_copy``). The publisher is ``<service>.<host>``.

They go out only when oslo.messaging notifications are enabled
(``[oslo_messaging_notifications] driver`` set, and not only to
``noop``; unset by default); a broken notification bus never fails the
action.
"""

import contextlib
import functools

from oslo_config import cfg
from oslo_log import log as logging

from karbor import rpc

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

API = 'karbor-api'
PROTECTION = 'karbor-protection'


def _notifier(publisher):
    # oslo.messaging counts a notifier without any driver as enabled,
    # though it sends nowhere: no payload is built for it either.
    if not rpc.initialized() or not CONF.oslo_messaging_notifications.driver:
        return None
    notifier = rpc.get_notifier('%s.%s' % (publisher, CONF.host))
    return notifier if notifier.is_enabled() else None


def send(ctxt, event, phase, payload, publisher=API):
    """Send ``karbor.<event>.<phase>`` (``start``, ``end`` or ``error``)."""
    notifier = _notifier(publisher)
    if notifier is None:
        return
    event_type = 'karbor.%s.%s' % (event, phase)
    try:
        emit = notifier.error if phase == 'error' else notifier.info
        emit(ctxt, event_type, dict(payload))
    except Exception:
        LOG.exception('Failed to send notification %s', event_type)


@contextlib.contextmanager
def notify(ctxt, event, payload, publisher=API):
    """Send ``.start`` now and ``.end`` (or ``.error`` with the error)
    after the block; the block may add to ``payload`` (e.g. the new id)."""
    send(ctxt, event, 'start', payload, publisher)
    try:
        yield payload
    except Exception as error:
        send(ctxt, event, 'error', dict(payload, error=str(error)),
             publisher)
        raise
    send(ctxt, event, 'end', payload, publisher)


# What an API action's notification carries of the resource it answers.
_RESOURCE_FIELDS = ('id', 'name', 'status', 'plan_id', 'provider_id',
                    'checkpoint_id', 'trigger_id', 'type', 'operation_type')


def _resource(result):
    """The summary of the single resource of an API response body."""
    if not isinstance(result, dict) or len(result) != 1:
        return {}
    resource = next(iter(result.values()))
    if not isinstance(resource, dict):
        return {}
    return {k: resource[k] for k in _RESOURCE_FIELDS if k in resource}


def api_action(event):
    """Decorate an API controller method with ``karbor.<event>.*``; the
    payload holds the caller's project, the ids of the URL and a summary
    of the resource answered. ``{name}`` in ``event`` is the controller's
    ``name`` (restore or verification)."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            ctxt = self.context(request)
            name = event.format(name=getattr(self, 'name', None))
            payload = {'project_id': ctxt.project_id}
            payload.update((k, v) for k, v in kwargs.items() if k != 'body')
            with notify(ctxt, name, payload):
                result = method(self, request, *args, **kwargs)
                payload.update(_resource(result))
            return result
        return wrapper
    return decorate
