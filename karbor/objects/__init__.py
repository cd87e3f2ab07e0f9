"""Karbor's versioned objects.

Call ``register_all()`` once; the classes then appear as attributes of this
package (``objects.Plan``, ``objects.PlanList``, ...).
"""


def register_all():
    """Import every object module so that the classes register."""
    __import__('karbor.objects.checkpoint_record')
    __import__('karbor.objects.operation_log')
    __import__('karbor.objects.plan')
    __import__('karbor.objects.restore')
    __import__('karbor.objects.scheduled_operation')
    __import__('karbor.objects.service')
    __import__('karbor.objects.trigger')
