"""The v1 API of karbor-all, fuzzed: no request may answer 5xx.

See ``karbor.tests.functional.fuzzing``. The figures are printed; run with
``-s`` to see them:

    .venv/bin/pytest -n 0 -s karbor/tests/functional/test_api_fuzz.py

``KARBOR_FUZZ_URL`` fuzzes a running Karbor instead (see running_target).
"""

import os

import pytest

from karbor.tests.functional import fuzzing
from karbor.tests.functional import quickstart


def quickstart_callers(setup):
    """Callers of the quick start, whichever auth it runs."""
    env = setup.env()
    if env.get('OS_NO_CLIENT_AUTH'):
        return fuzzing.noauth_callers(setup.project_id)
    return fuzzing.keystone_callers(env['OS_AUTH_URL'])


def running_target():
    """The running Karbor named by ``KARBOR_FUZZ_URL``, or None.

    With ``KARBOR_FUZZ_PROJECT`` it takes noauth tokens of that project,
    with ``KARBOR_FUZZ_AUTH_URL`` Keystone tokens of the sandbox's users
    (demo and admin). ``KARBOR_FUZZ_LOG`` names the server's log file.
    """
    url = os.environ.get('KARBOR_FUZZ_URL')
    if not url:
        return None
    if os.environ.get('KARBOR_FUZZ_AUTH_URL'):
        callers = fuzzing.keystone_callers(
            os.environ['KARBOR_FUZZ_AUTH_URL'])
    else:
        callers = fuzzing.noauth_callers(os.environ['KARBOR_FUZZ_PROJECT'])
    log_path = os.environ.get('KARBOR_FUZZ_LOG')
    return fuzzing.Target(url, callers, log=log_path and (
        lambda: open(log_path, errors='replace').read()))


@pytest.fixture(scope='module')
def fuzz_target(tmp_path_factory):
    running = running_target()
    if running is not None:
        yield running
        return
    setup = quickstart.QuickStart(tmp_path_factory.mktemp('fuzz'))
    setup.start()
    try:
        yield fuzzing.Target('http://127.0.0.1:%d' % setup.port,
                             quickstart_callers(setup), log=setup.log)
    finally:
        setup.stop()


# About two minutes alone; more beside other tests on a loaded machine.
@pytest.mark.timeout(900)
def test_fuzz_v1_api(fuzz_target):
    fuzzing.check_no_server_error(fuzz_target)
