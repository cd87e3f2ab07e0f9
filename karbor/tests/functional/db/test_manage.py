"""karbor-manage db / service commands against a real database."""

import datetime
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from karbor.db import migration
from karbor.db.sqlalchemy import models
from karbor.tests import dbfixtures


def _manage(config_file, *args):
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    return subprocess.run(
        [sys.executable, '-m', 'karbor.cmd.manage', '--config-file',
         config_file] + list(args), capture_output=True, text=True,
        timeout=120, env=env)


@pytest.fixture
def config_file(tmp_path):
    # One backend is enough here: the DB code is tested on all three.
    with dbfixtures.database_url('sqlite', str(tmp_path)) as url:
        path = tmp_path / 'karbor.conf'
        path.write_text('[DEFAULT]\nstate_path = %s\n[database]\n'
                        'connection = %s\n' % (tmp_path, url))
        yield str(path), url


def test_db_sync_version_purge_and_service_list(config_file):
    path, url = config_file
    result = _manage(path, 'db', 'sync')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == migration.head_version() + '.'
    assert _manage(path, 'db', 'version').stdout.split()[-1] == \
        migration.head_version()

    engine = sa.create_engine(url)
    long_ago = datetime.datetime(2000, 1, 1)
    with engine.begin() as conn:
        conn.execute(sa.insert(models.Service).values(
            host='node1', binary='karbor-protection',
            topic='karbor-protection', report_count=1, disabled=False,
            created_at=long_ago, deleted=False))
        conn.execute(sa.insert(models.Plan).values(
            id='p1', name='old', parameters={}, created_at=long_ago,
            deleted=True, deleted_at=long_ago))
    listing = _manage(path, 'service', 'list').stdout
    assert 'karbor-protection' in listing and 'node1' in listing
    assert 'XXX' in listing

    result = _manage(path, 'db', 'purge', '30')
    assert result.returncode == 0, result.stderr
    assert 'plans: 1 rows purged' in result.stdout
    with engine.connect() as conn:
        assert conn.exec_driver_sql(
            'SELECT count(*) FROM plans').scalar() == 0

    assert _manage(path, 'db', 'purge', '-1').returncode == 1
    result = _manage(path, 'db', 'sync', 'base')
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == 'None.'
    assert sa.inspect(engine).get_table_names() == ['alembic_version']
    engine.dispose()
