"""RPC plumbing on oslo.messaging.

The transport comes from ``[DEFAULT] transport_url``; ``inproc://`` is the
in-process transport used by the embedded default (``karbor-all``).
Exceptions from ``karbor.exception`` raised on the server are re-raised as
the same classes on the client side.
"""

import threading

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging.rpc import dispatcher

import karbor.context
import karbor.exception

CONF = cfg.CONF

ALLOWED_EXMODS = [karbor.exception.__name__]

rpc_opts = [
    cfg.IntOpt('rpc_send_retries',
               default=3, min=-1,
               help='How many times an RPC call or cast tries to reach '
                    'the message queue again before it fails (the API '
                    'then answers 503 with Retry-After); -1 retries '
                    'forever.'),
]
CONF.register_opts(rpc_opts)


def list_opts():
    return [('DEFAULT', rpc_opts)]

_TRANSPORT = None
_NOTIFICATION_TRANSPORT = None
_NOTIFIER = None
_LOCK = threading.Lock()


def init(conf):
    """Create the RPC and notification transports (idempotent)."""
    global _TRANSPORT, _NOTIFICATION_TRANSPORT, _NOTIFIER
    with _LOCK:
        if _TRANSPORT is not None:
            return
        _TRANSPORT = messaging.get_rpc_transport(
            conf, allowed_remote_exmods=ALLOWED_EXMODS)
        _NOTIFICATION_TRANSPORT = messaging.get_notification_transport(
            conf, allowed_remote_exmods=ALLOWED_EXMODS)
        _NOTIFIER = messaging.Notifier(_NOTIFICATION_TRANSPORT,
                                       serializer=RequestContextSerializer(
                                           JsonPayloadSerializer()))


def initialized():
    return _TRANSPORT is not None


def cleanup():
    """Tear the transports down (tests and service shutdown)."""
    global _TRANSPORT, _NOTIFICATION_TRANSPORT, _NOTIFIER
    with _LOCK:
        for transport in (_TRANSPORT, _NOTIFICATION_TRANSPORT):
            if transport is not None:
                transport.cleanup()
        _TRANSPORT = _NOTIFICATION_TRANSPORT = _NOTIFIER = None


class JsonPayloadSerializer(messaging.NoOpSerializer):
    @staticmethod
    def serialize_entity(context, entity):
        from oslo_serialization import jsonutils
        return jsonutils.to_primitive(entity, convert_instances=True)


class RequestContextSerializer(messaging.Serializer):
    """Carries the RequestContext across RPC and wraps an entity serializer."""

    def __init__(self, base=None):
        self._base = base

    def serialize_entity(self, context, entity):
        if not self._base:
            return entity
        return self._base.serialize_entity(context, entity)

    def deserialize_entity(self, context, entity):
        if not self._base:
            return entity
        return self._base.deserialize_entity(context, entity)

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return karbor.context.RequestContext.from_dict(context)


def _object_serializer():
    from karbor.objects import base as objects_base
    return objects_base.KarborObjectSerializer()


def get_client(target, version_cap=None, serializer=None):
    """An RPC client for ``target`` that speaks RequestContexts."""
    assert _TRANSPORT is not None, 'karbor.rpc.init() was not called'
    serializer = RequestContextSerializer(serializer or _object_serializer())
    return messaging.get_rpc_client(_TRANSPORT, target,
                                    version_cap=version_cap,
                                    serializer=serializer,
                                    retry=CONF.rpc_send_retries)


def get_server(target, endpoints, serializer=None):
    """A threaded RPC server for ``target`` dispatching to ``endpoints``."""
    assert _TRANSPORT is not None, 'karbor.rpc.init() was not called'
    serializer = RequestContextSerializer(serializer or _object_serializer())
    access_policy = dispatcher.DefaultRPCAccessPolicy
    return messaging.get_rpc_server(_TRANSPORT, target, endpoints,
                                    executor='threading',
                                    serializer=serializer,
                                    access_policy=access_policy)


def get_notifier(publisher_id):
    assert _NOTIFIER is not None, 'karbor.rpc.init() was not called'
    return _NOTIFIER.prepare(publisher_id=publisher_id)
