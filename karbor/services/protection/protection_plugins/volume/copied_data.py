"""A volume's data streamed into the bank of a checkpoint copy.

A copy must stay restorable after the source checkpoint and its Cinder
backup are deleted, so it keeps the volume's bytes, not the backup's id:

* copy: the backup is restored to a temporary volume, which Cinder uploads
  to a temporary Glance image (``os-volume_upload_image``, raw/bare); the
  image's bytes are streamed into the copy's bank section by
  :mod:`~karbor.services.protection.protection_plugins.image.image_data`;
  the temporary volume and image are then deleted. The copy's ``metadata``
  is the source's without ``backup_id``, plus ``volume_data`` (the saved
  image metadata) and ``size``.
* restore of such a copy: a temporary image is made from the bank, a new
  volume is created from it (``imageRef``), the image is deleted.
"""

from oslo_log import log as logging

from karbor.clients import factory
from karbor.common import constants
from karbor.i18n import _
from karbor.services.protection.protection_plugins.image import image_data
from karbor.services.protection.protection_plugins.volume import base
from karbor.services.protection.protection_plugins.volume import status

LOG = logging.getLogger(__name__)

DATA_KEY = 'volume_data'
# Keys of the source metadata that name Cinder objects of the source.
SOURCE_OBJECT_KEYS = ('backup_id', 'snapshot_id')
VOLUME_UPLOADING = ('uploading',)


def glance(context):
    return factory.create('glance', context)


def is_copied(metadata):
    """Whether a volume's saved metadata holds its data (a copy)."""
    return bool(metadata.get(DATA_KEY))


class CopyOperation(base.VolumeOperation):
    """Stream a saved volume's data into the copy's bank section.

    Subclasses make the temporary volume holding the saved data
    (:meth:`temporary_volume`).
    """

    kind = constants.OPERATION_COPY

    def temporary_volume(self, cinder, metadata, name):
        """Start a volume holding the saved data; return its id."""
        raise NotImplementedError

    def on_main(self, checkpoint, resource, context, parameters,
                checkpoint_copy=None, **kwargs):
        source = self.section(checkpoint, resource)
        target = checkpoint_copy.get_resource_bank_section(resource.id)
        metadata = self.get_metadata(source)
        self.set_status(target, constants.RESOURCE_STATUS_PROTECTING)
        cinder, images = self.cinder(context), glance(context)
        name = 'karbor-copy-%s' % checkpoint_copy.id
        with self.failing_as_karbor(resource):
            if is_copied(metadata):
                image_data.copy_data(source, target, metadata[DATA_KEY])
                saved = metadata[DATA_KEY]
            else:
                saved = self._stream(cinder, images, resource, metadata,
                                     target, name)
            self._drop_temporaries(cinder, images)
        copied = {k: v for k, v in metadata.items()
                  if k not in SOURCE_OBJECT_KEYS}
        copied[DATA_KEY] = saved
        target.update_object(base.METADATA_KEY, copied)
        self.set_status(target, constants.RESOURCE_STATUS_AVAILABLE)

    def _stream(self, cinder, images, resource, metadata, target, name):
        volume_id = self.temporary_volume(cinder, metadata, name)
        self.made['volume_id'] = volume_id
        self.wait(lambda: status.fetch_or_none(cinder.volumes, volume_id),
                  ('available',), ignore=base.VOLUME_RESTORING)
        # Karbor's Cinder client speaks 3.0: the image is private.
        _resp, body = cinder.volumes.upload_to_image(
            volume_id, False, name, 'bare', 'raw')
        image_id = body['os-volume_upload_image']['image_id']
        self.made['image_id'] = image_id
        self.wait(lambda: status.fetch_or_none(cinder.volumes, volume_id),
                  ('available',), ignore=VOLUME_UPLOADING)
        self.wait(lambda: images.images.get(image_id), ('active',),
                  ignore=image_data.IMAGE_SAVING)
        return image_data.save_image(images, image_id, target,
                                     self._options.copy_object_size)

    def _drop_temporaries(self, cinder, images):
        image_id = self.made.pop('image_id', None)
        if image_id:
            image_data.delete_image_quietly(images, image_id)
        volume_id = self.made.get('volume_id')
        if volume_id:
            self.delete_made(cinder.volumes, volume_id, 'volume')
            self.made.pop('volume_id')

    def on_revert(self, checkpoint, resource, context, parameters,
                  checkpoint_copy=None, **kwargs):
        try:
            self._drop_temporaries(self.cinder(context), glance(context))
        finally:
            if checkpoint_copy is not None:
                image_data.remove_data(
                    checkpoint_copy.get_resource_bank_section(resource.id))
                self.delete_metadata(
                    checkpoint_copy.get_resource_bank_section(resource.id))


def restore(operation, context, checkpoint, resource, metadata, parameters,
            restore_record, new_resources):
    """Restore a volume from a copy's data (see the module doc), as
    ``operation`` (a VolumeRestoreOperation) would."""
    if parameters.get('volume_id'):
        raise operation.failure(resource.id, _(
            'a copied checkpoint restores to a new volume only, not into '
            'volume_id'))
    section = operation.section(checkpoint, resource)
    cinder, images = operation.cinder(context), glance(context)
    image_id = image_data.restore_image(
        images, section, metadata[DATA_KEY],
        'karbor-restore-%s' % checkpoint.id,
        poll_interval=operation._options.poll_interval,
        timeout=operation._options.status_timeout)
    try:
        volume = cinder.volumes.create(
            metadata['size'], imageRef=image_id,
            name=(parameters.get('restore_name') or
                  base.default_volume_name(checkpoint, resource)))
        operation.made['volume_id'] = volume.id
        operation.finish_restore(cinder, checkpoint, resource, volume.id,
                                 restore_record, new_resources, parameters)
    finally:
        image_data.delete_image_quietly(images, image_id)


def missing_data(section, metadata):
    """Why a copy's data is not whole in the bank, or None."""
    keys = set(section.list_objects(prefix=image_data.DATA_PREFIX))
    chunks = metadata[DATA_KEY].get('chunks_num', 0)
    missing = [image_data.data_key(i) for i in range(1, chunks + 1)
               if image_data.data_key(i) not in keys]
    return (_('the bank has lost %s') % ', '.join(missing)) if missing \
        else None


def delete_data(section):
    """Remove a copy's data objects (with the checkpoint)."""
    image_data.remove_data(section)
