"""Which hash a protect checks an image's download with."""

import hashlib

from karbor.services.protection.protection_plugins.image import image_data

DATA = b'image bytes' * 1000


def image(**fields):
    return dict({'checksum': hashlib.md5(DATA).hexdigest()}, **fields)


def digest(verifier):
    algo, hasher, wanted = verifier
    hasher.update(DATA)
    return algo, hasher.hexdigest() == wanted


def test_the_images_own_hash_algorithm_is_preferred():
    saved = image(os_hash_algo='sha512',
                  os_hash_value=hashlib.sha512(DATA).hexdigest())
    assert digest(image_data._verifier(saved)) == ('sha512', True)


def test_md5_without_an_os_hash_or_with_an_unknown_algorithm():
    assert digest(image_data._verifier(image())) == ('MD5', True)
    unknown = image(os_hash_algo='no-such-hash', os_hash_value='00')
    assert digest(image_data._verifier(unknown)) == ('MD5', True)
