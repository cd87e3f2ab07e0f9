"""Protectable plugin for OS::Cinder::Volume.

A volume depends on (is a child of) the project owning it, the servers it
is attached to and the Kubernetes pods using it, directly or through a
PersistentVolumeClaim bound to a Cinder PersistentVolume.
"""

from cinderclient import exceptions as cinder_exc
from oslo_log import log as logging

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin
from karbor.services.protection.protectable_plugins import pod

LOG = logging.getLogger(__name__)

INVALID_VOLUME_STATUS = ('error', 'deleting', 'error_deleting')
TENANT_ATTR = 'os-vol-tenant-attr:tenant_id'


class VolumeProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Cinder volumes of the caller's project."""

    _SUPPORT_RESOURCE_TYPE = constants.VOLUME_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.SERVER_RESOURCE_TYPE,
                constants.PROJECT_RESOURCE_TYPE,
                constants.POD_RESOURCE_TYPE)

    def _failed(self, err):
        return exception.ListProtectableResourceFailed(
            type=self._SUPPORT_RESOURCE_TYPE, reason=err)

    def _volumes(self, context):
        try:
            volumes = factory.create('cinder', context).volumes.list(
                detailed=True)
        except Exception as err:
            raise self._failed(err)
        return [v for v in volumes if v.status not in INVALID_VOLUME_STATUS]

    def _to_resource(self, volume):
        return resource.Resource(
            type=self._SUPPORT_RESOURCE_TYPE, id=volume.id, name=volume.name,
            extra_info={'availability_zone': getattr(
                volume, 'availability_zone', None)})

    def list_resources(self, context, parameters=None):
        return [self._to_resource(v) for v in self._volumes(context)]

    def show_resource(self, context, resource_id, parameters=None):
        def not_found(reason):
            return exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE, reason=reason)

        try:
            volume = factory.create('cinder', context).volumes.get(
                resource_id)
        except cinder_exc.NotFound as err:
            raise not_found(err)
        except Exception as err:
            raise self._failed(err)
        if volume.status in INVALID_VOLUME_STATUS:
            raise not_found(_('the volume is in status %s') % volume.status)
        return self._to_resource(volume)

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type == constants.SERVER_RESOURCE_TYPE:
            return [self._to_resource(v) for v in self._volumes(context)
                    if any(a.get('server_id') == parent_resource.id
                           for a in v.attachments or ())]
        if parent_resource.type == constants.PROJECT_RESOURCE_TYPE:
            return [self._to_resource(v) for v in self._volumes(context)
                    if getattr(v, TENANT_ATTR, None) == parent_resource.id]
        if parent_resource.type == constants.POD_RESOURCE_TYPE:
            return self._pod_volumes(context, parent_resource)
        return []

    def _pod_volumes(self, context, pod_resource):
        try:
            volume_ids = pod.cinder_volume_ids(pod_resource, self._conf)
        except exception.ListProtectableResourceFailed:
            raise
        except Exception as err:
            raise self._failed(err)
        wanted = set(volume_ids)
        return [self._to_resource(v) for v in self._volumes(context)
                if v.id in wanted]
