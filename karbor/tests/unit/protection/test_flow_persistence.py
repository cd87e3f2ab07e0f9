"""Tests of the flow persistence helpers."""

import uuid

from oslo_config import cfg
import pytest
import sqlalchemy as sa
from taskflow.persistence import models

from karbor.common import constants
from karbor.services.protection.flows import hook_records
from karbor.services.protection.flows import persistence
from karbor.services.protection.flows import protect
from karbor.services.protection.protection_plugins import (
    noop_protection_plugin)
from karbor.tests import dbfixtures
from karbor.tests.unit.protection import flow_fakes as ff

CONF = cfg.CONF


def test_connection_url_defaults(tmp_path):
    CONF.set_override('state_path', str(tmp_path))
    CONF.set_override('connection', None, group='database')
    assert persistence.connection_url() == (
        'sqlite:///%s/karbor-flows.sqlite' % tmp_path)
    CONF.set_override('connection', 'sqlite:////var/lib/k/karbor.sqlite',
                      group='database')
    assert persistence.connection_url() == (
        'sqlite:////var/lib/k/karbor-flows.sqlite')
    CONF.set_override('connection', 'mysql+pymysql://k:pw@db/karbor',
                      group='database')
    assert persistence.connection_url() == 'mysql+pymysql://k:pw@db/karbor'
    CONF.set_override('flow_persistence_connection', 'memory://',
                      group='protection')
    assert persistence.connection_url() == 'memory://'


def test_memory_backend_runs_flows(tmp_path, hook_recorder):
    backend = persistence.get_backend('memory://')
    roots, _res = ff.diamond()
    checkpoint = ff.Checkpoint(str(tmp_path))
    assert protect.protect(ff.make_context(), ff.recorder_plugins(),
                           checkpoint, ff.OperationLog(str(tmp_path)), roots,
                           {}, backend=backend)
    assert checkpoint.status == 'available'
    assert persistence.list_unfinished(backend, owner='*') == []


def test_discard_forgets_an_unfinished_flow(flow_backend):
    book = models.LogBook(persistence.BOOK_PREFIX + 'protect')
    book.meta = {'owner': CONF.host, 'operation_type': 'protect'}
    book.add(models.FlowDetail('protect_flow', 'a-flow-uuid'))
    foreign = models.LogBook('not-karbor')
    with persistence._connection(flow_backend) as conn:
        conn.save_logbook(book)
        conn.save_logbook(foreign)
    unfinished = persistence.list_unfinished(flow_backend)
    assert [u.meta['operation_type'] for u in unfinished] == ['protect']
    persistence.discard(unfinished[0], backend=flow_backend)
    assert persistence.list_unfinished(flow_backend) == []


def test_a_live_workers_flow_being_created_is_left_alone(flow_backend):
    # A logbook is saved before its flow detail; a take-over listing every
    # worker's flows in between must not destroy it.
    books = {}
    for host in ('live-host', 'dead-host'):
        books[host] = models.LogBook(persistence.BOOK_PREFIX + 'restore')
        books[host].meta = {'owner': host, 'operation_type': 'restore'}
        with persistence._connection(flow_backend) as conn:
            conn.save_logbook(books[host])
    assert persistence.list_unfinished(flow_backend, owner='*',
                                       live={'live-host'}) == []
    with persistence._connection(flow_backend) as conn:
        left = {book.uuid for book in conn.get_logbooks()}
    assert left == {books['live-host'].uuid}


@pytest.mark.parametrize('db', dbfixtures.BACKENDS)
def test_large_graph_flow_on_each_database(tmp_path, db):
    """A 1,000-resource graph fits in the flow store of every database."""
    if not dbfixtures.available(db):
        pytest.skip('%s is not running' % db)
    roots, _res = ff.independent(1000)
    plugin = noop_protection_plugin.NoopProtectionPlugin()
    plugins = {rtype: plugin for rtype in constants.RESOURCE_TYPES}
    checkpoint = ff.Checkpoint(str(tmp_path))
    with dbfixtures.database_url(db, directory=str(tmp_path)) as url:
        try:
            backend = persistence.get_backend(url)
            # Twice: the second start finds the tables in place.
            persistence.close_backends()
            backend = persistence.get_backend(url)
            assert protect.protect(ff.make_context(), plugins, checkpoint,
                                   ff.OperationLog(str(tmp_path)), roots, {},
                                   backend=backend)
        finally:
            persistence.close_backends()
    assert checkpoint.status == 'available'


def test_taskflow_connections_hold_no_state(tmp_path):
    """SharedConnectionBackend hands one connection to every caller; that
    is sound only while taskflow's connections keep no state between
    calls and ``close`` leaves them usable. This fails if taskflow
    changes that."""
    url = 'sqlite:///%s/flows.sqlite' % tmp_path
    backend = persistence.get_backend(url)
    try:
        assert isinstance(backend, persistence.SharedConnectionBackend)
        first = backend.get_connection()
        assert backend.get_connection() is first
        book = models.LogBook('shared')
        first.save_logbook(book)
        first.close()
        # A plain taskflow connection: closing it keeps it usable, and
        # another one sees what the first one wrote.
        plain = super(persistence.SharedConnectionBackend,
                      backend).get_connection()
        plain.close()
        assert plain.get_logbook(book.uuid).name == 'shared'
        plain.destroy_logbook(book.uuid)
        assert list(first.get_logbooks()) == []
        assert vars(plain).keys() <= {'_backend', '_upgrade_lock', '_engine',
                                      '_metadata', '_tables', '_converter'}
    finally:
        persistence.close_backends()


@pytest.mark.parametrize('db', dbfixtures.BACKENDS)
def test_hook_records_on_each_database(tmp_path, db):
    """A batch of 2,000 records (about 150 KB of JSON) is one row, read
    back whole by a restarted worker, and gone once dropped."""
    if not dbfixtures.available(db):
        pytest.skip('%s is not running' % db)
    keys = ['OS::Cinder::Volume#%s' % uuid.uuid4() for _ in range(1000)]
    wanted = {(key, hook) for key in keys
              for hook in ('on_prepare_begin', 'on_main')}
    with dbfixtures.database_url(db, directory=str(tmp_path)) as url:
        try:
            backend = persistence.get_backend(url)
            records = hook_records.HookRecords(backend, 'book-db')
            with records._cond:  # one batch: queued before the writer runs
                tickets = [records.add(key, hook) for key, hook in wanted]
            records.wait(max(tickets))
            other = hook_records.HookRecords(backend, 'book-other')
            other.wait(other.add(keys[0], 'on_main'))
            assert batch_count(backend) <= 3
            resumed = hook_records.HookRecords(backend, 'book-db').load(())
            assert all(resumed.is_done(*item) for item in wanted)
            assert not resumed.is_done(keys[0], 'on_complete')
            resumed.drop()
            assert hook_records.recorded_hooks(backend.engine) == {
                (keys[0], 'on_main')}
            other.drop()
        finally:
            persistence.close_backends()


def batch_count(backend):
    with backend.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(
            hook_records.HOOK_BATCHES_TABLE)).scalar()


def test_hook_rows_of_an_earlier_release_are_resumed_and_dropped(tmp_path):
    """A flow interrupted before the upgrade to batch rows resumes from
    the rows it wrote one per hook; ending it drops them."""
    url = 'sqlite:///%s' % (tmp_path / 'flows.db')
    engine = sa.create_engine(url)
    hook_records.LEGACY_HOOKS_TABLE.create(engine)
    with engine.begin() as conn:
        conn.execute(hook_records.LEGACY_HOOKS_TABLE.insert(), [
            {'book_uuid': 'book-old', 'resource': 'OS::Cinder::Volume#v1',
             'hook': 'on_main'},
            {'book_uuid': 'book-kept', 'resource': 'OS::Cinder::Volume#v2',
             'hook': 'on_main'}])
    engine.dispose()
    try:
        backend = persistence.get_backend(url)
        records = hook_records.HookRecords(backend, 'book-old').load(())
        assert records.is_done('OS::Cinder::Volume#v1', 'on_main')
        records.wait(records.add('OS::Cinder::Volume#v1', 'on_complete'))
        assert hook_records.recorded_hooks(backend.engine) == {
            ('OS::Cinder::Volume#v1', 'on_complete')}
        records.drop()
        assert hook_records.recorded_hooks(backend.engine,
                                           legacy=True) == {
            ('OS::Cinder::Volume#v2', 'on_main')}
    finally:
        persistence.close_backends()


def test_a_new_database_has_no_table_of_hook_rows(flow_backend):
    assert not getattr(flow_backend, 'legacy_hooks')
    assert not sa.inspect(flow_backend.engine).has_table(
        hook_records.LEGACY_HOOKS_TABLE.name)
