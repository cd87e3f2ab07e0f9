"""Protection flows: protect, restore, verify, copy and delete.

Each operation module offers one blocking call that runs the operation to
its end and returns True on success (``protect.protect``,
``restore.restore``, ``verify.verify``, ``copy.copy``, ``delete.delete``).
Flows are persisted while they run; at start a worker calls
``persistence.list_unfinished()`` and, for each interrupted flow, rebuilds a
``runtime.FlowRuntime`` from its ``meta`` and calls ``persistence.resume``
(or ``persistence.discard``).
"""
