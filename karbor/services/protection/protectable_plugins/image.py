"""Protectable plugin for OS::Glance::Image.

Images depend on the project owning them; a server depends on the image
it was booted from (servers booted from a volume have none).
"""

from glanceclient import exc as glance_exc
from novaclient import exceptions as nova_exc

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor import resource
from karbor.services.protection import protectable_plugin

INVALID_IMAGE_STATUS = ('killed', 'deleted', 'pending_delete', 'deactivated')


class ImageProtectablePlugin(protectable_plugin.ProtectablePlugin):
    """Glance images visible to the caller."""

    _SUPPORT_RESOURCE_TYPE = constants.IMAGE_RESOURCE_TYPE

    def get_resource_type(self):
        return self._SUPPORT_RESOURCE_TYPE

    def get_parent_resource_types(self):
        return (constants.SERVER_RESOURCE_TYPE,
                constants.PROJECT_RESOURCE_TYPE)

    def _failed(self, err):
        return exception.ListProtectableResourceFailed(
            type=self._SUPPORT_RESOURCE_TYPE, reason=err)

    def _to_resource(self, image, extra_info=None):
        return resource.Resource(type=self._SUPPORT_RESOURCE_TYPE,
                                 id=image.id, name=image.name,
                                 extra_info=extra_info)

    def _images(self, context, filters=None):
        try:
            images = list(factory.create('glance', context).images.list(
                filters=filters or {}))
        except Exception as err:
            raise self._failed(err)
        return [i for i in images if i.status not in INVALID_IMAGE_STATUS]

    def list_resources(self, context, parameters=None):
        return [self._to_resource(i) for i in self._images(context)]

    def _get(self, context, image_id):
        """The image, or None if Glance does not know it."""
        try:
            return factory.create('glance', context).images.get(image_id)
        except glance_exc.HTTPNotFound:
            return None
        except Exception as err:
            raise self._failed(err)

    def show_resource(self, context, resource_id, parameters=None):
        image = self._get(context, resource_id)
        reason = None
        if image is None:
            reason = _('no such image')
        elif image.status in INVALID_IMAGE_STATUS:
            reason = _('the image is in status %s') % image.status
        if reason:
            raise exception.ProtectableResourceNotFound(
                resource_id=resource_id,
                resource_type=self._SUPPORT_RESOURCE_TYPE, reason=reason)
        return self._to_resource(image)

    def get_dependent_resources(self, context, parent_resource):
        if parent_resource.type == constants.PROJECT_RESOURCE_TYPE:
            return [self._to_resource(i) for i in self._images(
                context, {'owner': parent_resource.id})
                if i.owner == parent_resource.id]
        if parent_resource.type == constants.SERVER_RESOURCE_TYPE:
            return self._boot_image(context, parent_resource)
        return []

    def _boot_image(self, context, server_resource):
        try:
            server = factory.create('nova', context).servers.get(
                server_resource.id)
        except nova_exc.NotFound:
            return []
        except Exception as err:
            raise self._failed(err)
        # '' when the server was booted from a volume
        image_id = (server.image.get('id')
                    if isinstance(server.image, dict) else None)
        if not image_id:
            return []
        image = self._get(context, image_id)
        if image is None or image.status in INVALID_IMAGE_STATUS:
            return []
        return [self._to_resource(image,
                                  extra_info={'server_id': server.id})]
