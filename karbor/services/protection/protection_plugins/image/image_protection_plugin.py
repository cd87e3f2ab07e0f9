"""Protect Glance images by streaming their bytes into the bank.

``karbor-image-protection-plugin`` (OS::Glance::Image). Each image has a
bank section holding ``status`` (``protecting`` -> ``available`` |
``error``; ``deleting`` -> ``deleted``), ``metadata`` (``resource_id``,
``backup_name``, ``image_metadata`` and ``chunks_num``) and the data
objects of :mod:`image_data`. Restore creates a new image named
``restore_name`` (default ``karbor-restore-image``) from the bank and checks
its checksum. Copy streams the objects into the destination's bank.
"""

from oslo_config import cfg
from oslo_log import log as logging

from karbor.clients import factory
from karbor.common import constants
from karbor import exception
from karbor.i18n import _
from karbor.services.protection import protection_plugin
from karbor.services.protection import restore_plan
from karbor.services.protection.protection_plugins.image import image_data
from karbor.services.protection.protection_plugins import resource_data

LOG = logging.getLogger(__name__)

GROUP = 'image_backup_plugin'
IMAGE_TYPE = constants.IMAGE_RESOURCE_TYPE
STATUS_KEY = 'status'
METADATA_KEY = 'metadata'
DEFAULT_RESTORE_NAME = 'karbor-restore-image'
OBJECT_SIZE_UNIT = 65536

image_backup_opts = [
    cfg.IntOpt('backup_image_object_size', default=1024 * OBJECT_SIZE_UNIT,
               min=OBJECT_SIZE_UNIT,
               help='Bytes of image data per bank object (a positive '
                    'multiple of 65536). The data is streamed whatever this '
                    'size; larger objects mean fewer requests to the bank, '
                    'and must stay under the bank\'s object size limit '
                    '(5 GiB on Swift).'),
    cfg.FloatOpt('poll_interval', default=10, min=0,
                 help='Seconds between two status polls of a restored '
                      'image.'),
    cfg.FloatOpt('status_timeout', default=1800, min=0,
                 help='Seconds a restored image may stay in a saving '
                      'status before the restore fails; 0 waits forever.'),
]

OPTIONS_SCHEMA = {
    "title": "Image Protection Options",
    "type": "object",
    "properties": {
        "backup_name": {
            "type": "string",
            "title": "Backup Name",
            "description": "The name of the backup.",
            "default": None
        }
    },
    "required": []
}

RESTORE_SCHEMA = {
    "title": "Image Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Image Name",
            "description": "The name of the restore image",
        },
    },
    "required": ["backup_name"]
}

SAVED_INFO_SCHEMA = {
    "title": "Image Protection Saved Info",
    "type": "object",
    "properties": {
        "image_metadata": {
            "type": "image",
            "title": "Image Metadata",
            "description": "To save disk_format and container_format",
        }
    },
    "required": ["image_metadata"]
}

_FAILURES = {
    constants.OPERATION_PROTECT: exception.ProtectResourceFailed,
    constants.OPERATION_RESTORE: exception.RestoreResourceFailed,
    constants.OPERATION_VERIFY: exception.VerifyResourceFailed,
    constants.OPERATION_COPY: exception.CopyResourceFailed,
    constants.OPERATION_DELETE: exception.DeleteResourceFailed,
}


def list_opts():
    return [(GROUP, image_backup_opts)]


class ImageOperation(protection_plugin.Operation):
    """What the image operations share: client, bank, failures."""

    kind = None

    def __init__(self, options):
        self._options = options

    @staticmethod
    def glance(context):
        return factory.create('glance', context)

    def failure(self, resource, reason):
        return _FAILURES[self.kind](resource_id=resource.id,
                                    resource_type=IMAGE_TYPE, reason=reason)

    def run(self, resource, work):
        """Call ``work()``; any error becomes this operation's failure."""
        try:
            return work()
        except exception.KarborException:
            raise
        except image_data.ImageDataError as err:
            raise self.failure(resource, str(err))
        except Exception as err:
            LOG.warning('%(kind)s of image %(id)s failed: %(err)s',
                        {'kind': self.kind, 'id': resource.id, 'err': err})
            raise self.failure(resource, str(err) or type(err).__name__)


class ProtectOperation(ImageOperation):
    """Stream the image into the bank."""

    kind = constants.OPERATION_PROTECT

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        section.update_object(STATUS_KEY,
                              constants.RESOURCE_STATUS_PROTECTING)
        saved = self.run(resource, lambda: image_data.save_image(
            self.glance(context), resource.id, section,
            self._options.backup_image_object_size))
        section.update_object(METADATA_KEY, {
            'resource_id': resource.id,
            'backup_name': parameters.get('backup_name'),
            'image_metadata': saved, 'chunks_num': saved['chunks_num']})
        section.update_object(STATUS_KEY,
                              constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters, **kwargs):
        resource_data.purge(resource_data.section(checkpoint, resource))


class RestoreOperation(ImageOperation):
    """A new image from the bank; its revert deletes it."""

    kind = constants.OPERATION_RESTORE

    def __init__(self, options):
        super().__init__(options)
        self.made = None

    def on_main(self, checkpoint, resource, context, parameters,
                restore=None, new_resources=None, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        saved = resource_data.get_metadata(section).get('image_metadata')
        if not saved:
            raise self.failure(resource, _('the checkpoint holds no data '
                                           'of this image'))
        name = parameters.get('restore_name') or DEFAULT_RESTORE_NAME
        self.made = self.run(resource, lambda: image_data.restore_image(
            self.glance(context), section, saved, name,
            poll_interval=self._options.poll_interval,
            timeout=self._options.status_timeout))
        if new_resources is not None:
            new_resources[resource.id] = self.made
        if restore is not None:
            restore.update_resource_status(
                IMAGE_TYPE, self.made, constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters,
                  restore=None, new_resources=None, **kwargs):
        if not self.made:
            return
        self.run(resource, lambda: image_data.delete_image_quietly(
            self.glance(context), self.made))
        (new_resources or {}).pop(resource.id, None)
        if restore is not None:
            restore.update_resource_status(
                IMAGE_TYPE, self.made, constants.RESOURCE_STATUS_DELETED,
                _('deleted: the restore failed'))
        self.made = None


class VerifyOperation(ImageOperation):
    """The section must be ``available`` with all its data objects."""

    kind = constants.OPERATION_VERIFY

    def on_main(self, checkpoint, resource, context, parameters,
                verify=None, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        reason = self._problem(section)
        status = (constants.RESOURCE_STATUS_ERROR if reason
                  else constants.RESOURCE_STATUS_AVAILABLE)
        if verify is not None:
            verify.update_resource_status(IMAGE_TYPE, resource.id, status,
                                          reason)
        if reason:
            raise self.failure(resource, reason)

    @staticmethod
    def _problem(section):
        keys = set(section.list_objects())
        if STATUS_KEY not in keys or section.get_object(STATUS_KEY) != \
                constants.RESOURCE_STATUS_AVAILABLE:
            return _('the image data is not available in the bank')
        chunks = resource_data.get_metadata(section).get('chunks_num', 0)
        missing = [image_data.data_key(i) for i in range(1, chunks + 1)
                   if image_data.data_key(i) not in keys]
        if missing:
            return _('the bank has lost %s') % ', '.join(missing)
        return None


class CopyOperation(ImageOperation):
    """Stream the section into the copy's bank section."""

    kind = constants.OPERATION_COPY

    def on_main(self, checkpoint, resource, context, parameters,
                checkpoint_copy=None, **kwargs):
        source = checkpoint.get_resource_bank_section(resource.id)
        target = checkpoint_copy.get_resource_bank_section(resource.id)
        metadata = resource_data.get_metadata(source)
        if not metadata.get('image_metadata'):
            raise self.failure(resource, _('the checkpoint holds no data '
                                           'of this image'))
        target.update_object(STATUS_KEY,
                             constants.RESOURCE_STATUS_PROTECTING)
        self.run(resource, lambda: image_data.copy_data(
            source, target, metadata['image_metadata']))
        target.update_object(METADATA_KEY, metadata)
        target.update_object(STATUS_KEY,
                             constants.RESOURCE_STATUS_AVAILABLE)

    def on_revert(self, checkpoint, resource, context, parameters,
                  checkpoint_copy=None, **kwargs):
        if checkpoint_copy is not None:
            resource_data.purge(resource_data.section(checkpoint_copy,
                                                      resource))


class DeleteOperation(ImageOperation):
    """Remove everything but ``status``, which ends ``deleted``."""

    kind = constants.OPERATION_DELETE

    def on_main(self, checkpoint, resource, context, parameters, **kwargs):
        section = checkpoint.get_resource_bank_section(resource.id)
        section.update_object(STATUS_KEY, constants.RESOURCE_STATUS_DELETING)
        for key in section.list_objects():
            if key != STATUS_KEY:
                try:
                    section.delete_object(key)
                except exception.BankObjectNotFound:
                    pass
        section.update_object(STATUS_KEY, constants.RESOURCE_STATUS_DELETED)


class GlanceProtectionPlugin(protection_plugin.TableProtectionPlugin):
    """``karbor-image-protection-plugin``: image bytes in the bank."""

    group = GROUP
    opts = image_backup_opts
    resource_type = IMAGE_TYPE
    options_schema = OPTIONS_SCHEMA
    restore_schema = RESTORE_SCHEMA
    saved_info_schema = SAVED_INFO_SCHEMA
    operations = {constants.OPERATION_PROTECT: ProtectOperation,
                  constants.OPERATION_RESTORE: RestoreOperation,
                  constants.OPERATION_VERIFY: VerifyOperation,
                  constants.OPERATION_COPY: CopyOperation,
                  constants.OPERATION_DELETE: DeleteOperation}

    def __init__(self, config=None):
        super().__init__(config)
        if self._options.backup_image_object_size % OBJECT_SIZE_UNIT:
            raise exception.InvalidInput(reason=_(
                '[%(group)s] backup_image_object_size must be a multiple '
                'of %(unit)d') % {'group': GROUP, 'unit': OBJECT_SIZE_UNIT})

    @classmethod
    def get_saved_info(cls, metadata_store, resource):
        saved = resource_data.get_metadata(metadata_store).get(
            'image_metadata')
        return {'image_metadata': saved} if saved else None

    def plan_restore(self, planning, resource, parameters, section):
        """An image named ``restore_name`` (default
        ``DEFAULT_RESTORE_NAME``) from the saved bytes. Conflicts: the
        name in use, no saved bytes."""
        saved = planning.saved(section).get('image_metadata')
        name = parameters.get('restore_name') or DEFAULT_RESTORE_NAME
        conflicts = restore_plan.checked(planning, lambda: _conflicts(
            planning, name, saved))
        return restore_plan.Step(
            name, planning.project, dict(parameters, restore_name=name),
            conflicts, {'size': (saved or {}).get('size'),
                        'disk_format': (saved or {}).get('disk_format')})


def _conflicts(planning, name, saved):
    if not saved:
        yield restore_plan.MISSING, _('the checkpoint holds no data of '
                                      'this image')
    glance = ImageOperation.glance(planning.context)
    if any(True for _image in glance.images.list(filters={'name': name})):
        yield restore_plan.NAME_IN_USE, _('an image named %s exists') % name
