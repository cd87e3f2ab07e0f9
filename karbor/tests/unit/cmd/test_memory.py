"""The allocator settings of the service processes (karbor.common.memory).

Each check runs in a fresh interpreter, so that it sees a process's real
allocator from its start and leaves this one's alone.
"""

import subprocess
import sys
import textwrap

import pytest

from karbor.common import memory

glibc = pytest.mark.skipif(memory._glibc() is None, reason='needs glibc')


def run(code, *args):
    result = subprocess.run(
        [sys.executable, '-c', textwrap.dedent(code)] + list(args),
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


SCRIPT = """
import sys, threading
from karbor.cmd import launcher
from karbor.common import memory

def rss_kib():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])

launcher.prepare(sys.argv[1:])
kept = []

def churn():
    # 1 KiB blocks (malloc's, not Python's small-object arenas); keep one
    # in 64, so most pages end up free between live blocks.
    blocks = [bytes(1024) for _ in range(60000)]
    kept.extend(blocks[::64])

threads = [threading.Thread(target=churn) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
before = rss_kib()
trimmed = memory.trim()
print(memory.configure(), trimmed, before, rss_kib())
"""


@glibc
def test_trim_gives_free_pages_back_and_arena_cap_applies(tmp_path):
    conf = tmp_path / 'karbor.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n' % tmp_path)
    applied, trimmed, before, after = run(SCRIPT, '--config-file',
                                          str(conf))
    assert applied == 'True'
    assert trimmed == 'True'
    # About 230 MiB was allocated, 1/64 of it is still alive.
    assert int(before) - int(after) > 50 * 1024, (before, after)


@glibc
def test_arena_cap_off(tmp_path):
    conf = tmp_path / 'karbor.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\nmalloc_arena_max = 0\n'
                    % tmp_path)
    out = run("""
        import sys
        from karbor.cmd import launcher
        from karbor.common import memory
        launcher.prepare(sys.argv[1:])
        print(memory.configure())
        """, '--config-file', str(conf))
    assert out == ['False']
