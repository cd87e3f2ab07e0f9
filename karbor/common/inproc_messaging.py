"""In-process oslo.messaging transport: ``transport_url = inproc://``.

For ``karbor-all``, where the API and the services share one process.
oslo.messaging's own in-memory ``fake://`` driver checks for messages every
50 ms, which adds up to 50 ms to every RPC call. This driver reuses its
queues but wakes listeners the moment a message arrives.
"""

import threading
import time

from oslo_messaging._drivers import base
from oslo_messaging._drivers import impl_fake
import oslo_messaging

_ARRIVED = threading.Condition()
# Upper bound of one wait, so that stopped listeners notice promptly.
_MAX_WAIT = 0.5


class _Exchange(impl_fake.FakeExchange):
    def deliver_message(self, *args, **kwargs):
        with _ARRIVED:
            super().deliver_message(*args, **kwargs)
            _ARRIVED.notify_all()


class _ExchangeManager(impl_fake.FakeExchangeManager):
    _exchanges_lock = threading.Lock()
    _exchanges = {}

    def get_exchange(self, name):
        if name is None:
            name = self._default_exchange
        with self._exchanges_lock:
            return self._exchanges.setdefault(name, _Exchange(name))


class _Listener(impl_fake.FakeListener):
    @base.batch_poll_helper
    def poll(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with _ARRIVED:
            while not self._stopped.is_set():
                message = self._next_message()
                if message is not None:
                    return message
                wait = _MAX_WAIT
                if deadline is not None:
                    wait = min(wait, deadline - time.monotonic())
                    if wait <= 0:
                        return None
                _ARRIVED.wait(wait)
        return None

    def _next_message(self):
        for target in self._targets:
            exchange = self._exchange_manager.get_exchange(target.exchange)
            ctxt, message, reply_q, requeue = exchange.poll(target,
                                                            self._pool)
            if message is not None:
                return impl_fake.FakeIncomingMessage(ctxt, message, reply_q,
                                                     requeue)
        return None


class InProcessDriver(impl_fake.FakeDriver):
    """Entry point ``inproc`` of ``oslo.messaging.drivers``."""

    def __init__(self, conf, url, default_exchange=None,
                 allowed_remote_exmods=None):
        super().__init__(conf, url, default_exchange,
                         allowed_remote_exmods=allowed_remote_exmods)
        self._exchange_manager = _ExchangeManager(default_exchange)

    def listen(self, target, batch_size, batch_timeout):
        exchange = target.exchange or self._default_exchange
        listener = _Listener(self._exchange_manager, [
            oslo_messaging.Target(topic=target.topic, server=target.server,
                                  exchange=exchange),
            oslo_messaging.Target(topic=target.topic, exchange=exchange)])
        return base.PollStyleListenerAdapter(listener, batch_size,
                                             batch_timeout)

    def cleanup(self):
        _ExchangeManager.cleanup()
