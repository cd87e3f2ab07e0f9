"""Salted password hashes (passwords are never stored or returned)."""

import hashlib
import hmac
import os


def hash_password(password, salt=None):
    salt = salt or os.urandom(8).hex()
    digest = hashlib.pbkdf2_hmac('sha256', password.encode('utf-8'),
                                 salt.encode('ascii'), 1000).hex()
    return '%s$%s' % (salt, digest)


def check_password(password, hashed):
    salt = hashed.split('$', 1)[0]
    return hmac.compare_digest(hash_password(password or '', salt), hashed)
