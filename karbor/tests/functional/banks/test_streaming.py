"""Large objects go through every bank in chunks, never whole in memory."""

import hashlib
import io
import tracemalloc

import pytest

from karbor import exception

from karbor.services.protection.bank_plugin import Bank
from karbor.services.protection.bank_plugin import BankReader

MIB = 1024 * 1024
SIZE = 64 * MIB
# Far below the object size: a plugin holding the object (or a large
# share of it) in memory fails.
MAX_PEAK = 24 * MIB


def _chunks(total, chunk_size, digest):
    """Distinct chunks (so misordering shows), hashed as they are made."""
    for index in range(total // chunk_size):
        chunk = index.to_bytes(4, 'big') * (chunk_size // 4)
        digest.update(chunk)
        yield chunk


def _traced_peak(func):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = func()
        return result, tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_64mib_object_streams_both_ways(bank_plugin):
    bank = Bank(bank_plugin)
    bank.update_object('/warm-up', b'')  # connections, containers, lease
    sent = hashlib.sha256()

    _none, write_peak = _traced_peak(lambda: bank.update_object(
        '/big/object', _chunks(SIZE, MIB, sent)))

    def read_back():
        received, size, chunks = hashlib.sha256(), 0, 0
        for chunk in bank.get_object_stream('/big/object'):
            received.update(chunk)
            size += len(chunk)
            chunks += 1
        return received.hexdigest(), size, chunks

    (digest, size, chunks), read_peak = _traced_peak(read_back)
    assert size == SIZE
    assert digest == sent.hexdigest()
    assert chunks > 1
    assert write_peak < MAX_PEAK, write_peak
    assert read_peak < MAX_PEAK, read_peak
    assert bank.list_objects('/big/') == ['/big/object']


def test_file_like_values(bank_plugin):
    bank = Bank(bank_plugin)
    data = bytes(range(256)) * 40000  # ~10 MiB, not a multiple of chunks
    bank.update_object('/file/raw', io.BytesIO(data))
    assert bank.get_object('/file/raw') == data
    # A reader over chunk objects, as used to re-upload stored chunks.
    bank.update_object('/file/copy',
                       BankReader(bank.get_object_stream('/file/raw')))
    assert b''.join(bank.get_object_stream('/file/copy')) == data


def test_empty_stream(bank_plugin):
    bank = Bank(bank_plugin)
    bank.update_object('/file/empty', iter([]))
    assert bank.get_object('/file/empty') == b''
    assert b''.join(bank.get_object_stream('/file/empty')) == b''


def test_failing_source_keeps_the_old_value(bank_plugin):
    bank = Bank(bank_plugin)
    bank.update_object('/file/obj', 'old')

    def broken():
        yield b'x' * MIB
        raise RuntimeError('source went away')

    with pytest.raises(exception.BankCreateObjectFailed):
        bank.update_object('/file/obj', broken())
    assert bank.get_object('/file/obj') == 'old'
    assert bank.list_objects('/file/') == ['/file/obj']
