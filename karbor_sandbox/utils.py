"""Small helpers: identifiers and timestamps in OpenStack formats, caller
addresses."""

import datetime
import ipaddress
import time
import uuid


def new_uuid():
    """A dashed UUID, as Cinder, Nova and Glance use."""
    return str(uuid.uuid4())


def new_hex():
    """A hex UUID, as Keystone and Neutron tenant ids use."""
    return uuid.uuid4().hex


def isotime(ts=None, zulu=False, micro=True):
    """``2026-11-22T05:40:00.000000`` (optionally with ``Z``)."""
    dt = datetime.datetime.fromtimestamp(
        time.time() if ts is None else ts, datetime.timezone.utc)
    text = dt.strftime('%Y-%m-%dT%H:%M:%S.%f' if micro
                       else '%Y-%m-%dT%H:%M:%S')
    return text + ('Z' if zulu else '')


def as_bool(value):
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ('1', 'true', 'yes', 'on', 't', 'y')


def is_loopback(address):
    """True if ``address`` (a WSGI ``REMOTE_ADDR``) is a loopback one."""
    try:
        ip = ipaddress.ip_address((address or '').split('%')[0])
    except ValueError:
        return False
    return (getattr(ip, 'ipv4_mapped', None) or ip).is_loopback
