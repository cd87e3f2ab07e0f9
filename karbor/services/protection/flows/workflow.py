"""The workflow engine: taskflow's parallel engine on a bounded pool.

All flows of the process share one ``futurist.ThreadPoolExecutor``; its
size bounds how many plugin hooks run at the same time.
"""

import threading

import futurist
from oslo_config import cfg
from taskflow import engines

CONF = cfg.CONF

workflow_opts = [
    cfg.IntOpt('flow_thread_pool_size',
               default=16, min=1,
               help='Number of threads running the plugin hooks of all '
                    'protection flows of this process; bounds how many '
                    'resources are protected, restored or deleted at the '
                    'same time.'),
]
CONF.register_opts(workflow_opts)

ENGINE = 'parallel'

_executor = None
_executor_lock = threading.Lock()


def get_executor():
    """The process-wide thread pool of the flows, created on first use."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = futurist.ThreadPoolExecutor(
                max_workers=CONF.flow_thread_pool_size)
        return _executor


def shutdown_executor(wait=True):
    """Stop the thread pool (the next flow creates a new one)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=wait)


def load_from_factory(flow_factory, factory_kwargs, book, backend):
    """An engine for a new flow made by ``flow_factory``."""
    return engines.load_from_factory(
        flow_factory, factory_kwargs=factory_kwargs, book=book,
        backend=backend, engine=ENGINE, executor=get_executor())


def load_from_detail(flow_detail, backend):
    """A parallel engine continuing the flow saved in ``flow_detail``."""
    return engines.load_from_detail(flow_detail, backend=backend,
                                    engine=ENGINE, executor=get_executor())


def run(engine, transient_store):
    """Run ``engine`` with in-memory (never persisted) inputs.

    Re-raises the failure after the flow was reverted.
    """
    engine.storage.inject(transient_store, transient=True)
    engine.run()


def list_opts():
    return [('DEFAULT', workflow_opts)]
