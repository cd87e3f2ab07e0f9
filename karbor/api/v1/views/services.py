"""os-services views."""

from oslo_config import cfg
from oslo_utils import timeutils

CONF = cfg.CONF


def _state(service):
    heartbeat = service.updated_at or service.created_at
    if heartbeat is None:
        return 'down'
    if heartbeat.tzinfo is not None:
        heartbeat = heartbeat.replace(tzinfo=None)
    elapsed = timeutils.delta_seconds(heartbeat, timeutils.utcnow())
    return 'up' if abs(elapsed) <= CONF.service_down_time else 'down'


def summary(service):
    updated_at = service.updated_at or service.created_at
    return {
        'id': service.id,
        'binary': service.binary,
        'host': service.host,
        'status': 'disabled' if service.disabled else 'enabled',
        'state': _state(service),
        'updated_at': updated_at.isoformat() if updated_at else None,
        'disabled_reason': service.disabled_reason,
    }
