"""Glance v2 (image service): images, data, tags, members, schemas."""

from karbor_sandbox import service
from karbor_sandbox.services.image import api


@service.register
class ImageService(service.Service):
    name = 'image'
    prefix = '/image'
    catalog = (('image', 'glance'),)
    endpoint = '/image'
    error_style = 'plain'
    root_controllers = (api.VersionController, api.SchemaController,
                        api.ImageController, api.DataController,
                        api.MemberController)
