"""Waiting for servers, images and volumes to settle, with the plugin's
poll interval and status timeout."""

from cinderclient import exceptions as cinder_exc
from glanceclient import exc as glance_exc
from novaclient import exceptions as nova_exc

from karbor.services.protection.protection_plugins.volume import status

NOT_FOUND = status.NOT_FOUND
StatusError = status.StatusError


def server_or_none(nova, server_id):
    try:
        return nova.servers.get(server_id)
    except nova_exc.NotFound:
        return None


def image_or_none(glance, image_id):
    try:
        return glance.images.get(image_id)
    except glance_exc.HTTPNotFound:
        return None


def volume_or_none(cinder, volume_id):
    try:
        return cinder.volumes.get(volume_id)
    except cinder_exc.NotFound:
        return None


class Waiter(object):
    """``status.wait_for`` with the options' poll interval and timeout."""

    def __init__(self, options):
        self.options = options

    def wait(self, fetch, success, failure=(), ignore=()):
        return status.wait_for(fetch, self.options.poll_interval, success,
                               failure, ignore,
                               timeout=self.options.status_timeout)

    def server(self, nova, server_id, success, ignore=('BUILD',)):
        return self.wait(lambda: server_or_none(nova, server_id), success,
                         ignore=ignore)

    def image(self, glance, image_id, success=('active',),
              ignore=('queued', 'saving', 'importing', 'uploading')):
        return self.wait(lambda: image_or_none(glance, image_id), success,
                         ignore=ignore)

    def volume(self, cinder, volume_id, success, ignore):
        return self.wait(lambda: volume_or_none(cinder, volume_id), success,
                         ignore=ignore)
