"""karbor-status upgrade check on a good and a broken deployment."""

import json
import shutil
import subprocess
import sys

import pytest

from karbor.tests.unit import test_devstack_plugin

REPO = test_devstack_plugin.REPO


def write_deployment(root, policy='"plan:get": ""\n'):
    providers = root / 'providers.d'
    providers.mkdir()
    shutil.copy(REPO / 'etc/providers.d/noop.conf', providers)
    (root / 'policy.yaml').write_text(policy)
    conf = root / 'karbor.conf'
    conf.write_text('[DEFAULT]\nstate_path = %s\n[database]\n'
                    'connection = sqlite:///%s/karbor.sqlite\n' % (root, root))
    return conf


def check(conf):
    """(exit status, {check name: (code, details)})."""
    result = subprocess.run(
        [sys.executable, '-m', 'karbor.cmd.status', '--config-file',
         str(conf), 'upgrade', 'check', '--json'],
        capture_output=True, text=True, timeout=60)
    checks = json.loads(result.stdout)['checks']
    return result.returncode, {c['check']: (c['result'], c['details'])
                               for c in checks}


def db_sync(conf):
    subprocess.run([sys.executable, '-m', 'karbor.cmd.manage',
                    '--config-file', str(conf), 'db', 'sync'],
                   check=True, capture_output=True, timeout=60)


def test_good_deployment(tmp_path):
    conf = write_deployment(tmp_path)
    db_sync(conf)
    status, checks = check(conf)
    assert status == 0, checks
    assert checks['Database migrations'][0] == 0
    assert 'policy.yaml: 1 rules' in checks['Policy file'][1]
    assert checks['Provider files'] == (0, 'Providers: No-Op Provider.')
    assert checks['Banks'] == (0, 'Banks reached: No-Op Provider.')
    assert (tmp_path / 'banks/noop').is_dir()


@pytest.fixture
def broken(tmp_path):
    """No schema, a policy file that is not YAML, a provider naming an
    unknown bank plugin and a bank path below a regular file."""
    conf = write_deployment(tmp_path, policy='{"plan:get": \n')
    providers = tmp_path / 'providers.d'
    (providers / 'typo.conf').write_text(
        '[provider]\nname = Typo\nid = 1\nbank = no-such-bank-plugin\n'
        'enabled = True\n')
    (tmp_path / 'a-file').write_text('')
    noop = providers / 'noop.conf'
    noop.write_text(noop.read_text().replace(
        'banks/noop', str(tmp_path / 'a-file/noop')))
    return conf


def test_broken_deployment(broken):
    status, checks = check(broken)
    assert status == 2
    code, details = checks['Database migrations']
    assert code == 2 and 'karbor-manage db sync' in details
    code, details = checks['Policy file']
    assert code == 2 and 'policy.yaml is not readable' in details
    code, details = checks['Provider files']
    assert code == 2 and 'typo.conf' in details
    assert 'no-such-bank-plugin' in details
    code, details = checks['Banks']
    assert code == 2
    assert 'Bank of provider No-Op Provider is unreachable' in details
