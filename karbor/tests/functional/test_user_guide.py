"""The user guide's walkthrough ("A first protection, step by step") runs
as written against ``karbor-all``: the test reads the literal block from
doc/source/user/index.rst and runs it with bash, so the guide fails this
test when one of its commands stops working."""

import os
import subprocess

import pytest

from karbor.tests.functional import quickstart

GUIDE = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'doc',
                     'source', 'user', 'index.rst')
SECTION = 'A first protection, step by step'


def walkthrough(path=GUIDE):
    """The commands of the section's literal block, as a script."""
    with open(path) as guide:
        lines = guide.read().split(SECTION, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith('::'))
    block = []
    for line in lines[start + 1:]:
        if line and not line.startswith('    '):
            break
        block.append(line[4:])
    return '\n'.join(block).strip() + '\n'


@pytest.fixture(scope='module')
def karbor(tmp_path_factory):
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('guide'))
    setup.start()
    yield setup
    setup.stop()


def test_walkthrough_block_is_found():
    script = walkthrough()
    assert script.startswith('PROVIDER=')
    assert 'karbor restore-create' in script
    assert script.rstrip().endswith('karbor plan-delete $PLAN')


def test_walkthrough_runs_as_written(karbor):
    env = dict(karbor.env(), PATH=quickstart.BIN + os.pathsep +
               os.environ.get('PATH', ''))
    result = subprocess.run(['bash', '-e', '-u', '-x', '-c', walkthrough()],
                            env=env, capture_output=True, text=True,
                            timeout=240)
    assert result.returncode == 0, result.stderr[-4000:]
    assert 'plan-delete' in result.stderr
    # Everything it made is gone again.
    plans = karbor.karbor('plan-list').stdout
    assert 'My plan' not in plans
