"""The in-process RPC transport answers without polling delays."""

import threading
import time

from oslo_config import cfg
import oslo_messaging as messaging


class Echo(object):
    target = messaging.Target(version='1.0')

    def echo(self, ctxt, value):
        return value


def test_calls_are_answered_at_once_and_in_parallel():
    transport = messaging.get_rpc_transport(cfg.CONF, url='inproc://')
    target = messaging.Target(topic='inproc-test-%s' % time.time(),
                              server='host')
    server = messaging.get_rpc_server(transport, target, [Echo()],
                                      executor='threading')
    server.start()
    try:
        client = messaging.get_rpc_client(transport, messaging.Target(
            topic=target.topic))
        client.call({}, 'echo', value='warm-up')
        started = time.monotonic()
        for i in range(20):
            assert client.call({}, 'echo', value=i) == i
        per_call = (time.monotonic() - started) / 20
        # fake:// polls every 50 ms; inproc:// must be far below that.
        assert per_call < 0.01, per_call
        results = []
        threads = [threading.Thread(target=lambda v=v: results.append(
            client.call({}, 'echo', value=v))) for v in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(results) == list(range(8))
    finally:
        server.stop()
        server.wait()
        transport.cleanup()
