"""Drive a bank plugin of the original Karbor through its plugin interface.

Run by the original's Python (``KARBOR_ANCHOR_VENV``), never ours::

    python bank_driver.py <plugin entry point> <provider file> \
        [<karbor.conf>]  < ops.json

The plugin is loaded by its ``karbor.protections`` entry point name and
built on the provider file's configuration, as the original's provider
registry does; ``karbor.conf`` gives the global options (the Swift and S3
plugins authenticate the ``[trustee]`` user with Keystone). stdin holds a
JSON list of operations, stdout gets one result per operation::

    {"op": "put", "key": k, "value": V}   -> null
    {"op": "get", "key": k}               -> V
    {"op": "list", "prefix": p}           -> [key, ...]
    {"op": "delete", "key": k}            -> null

or ``{"error": <exception class name>}`` when the call raised.

A value V is ``{"str": s}``, ``{"bytes": base64}`` or ``{"json": v}`` (any
other Python value), so that types survive the trip.
"""

import base64
import json
import os
import sys


def encode(value):
    if isinstance(value, str):
        return {'str': value}
    if isinstance(value, (bytes, bytearray)):
        return {'bytes': base64.b64encode(bytes(value)).decode('ascii')}
    return {'json': value}


def decode(value):
    if 'str' in value:
        return value['str']
    if 'bytes' in value:
        return base64.b64decode(value['bytes'])
    return value['json']


def load_plugin(name, provider_file, karbor_conf=None):
    from importlib import metadata

    # Registers the global options, as the original's services do.
    import karbor.common.config  # noqa: F401
    from oslo_config import cfg
    points = metadata.entry_points()
    if hasattr(points, 'select'):
        found = points.select(group='karbor.protections', name=name)
    else:
        found = [p for p in points.get('karbor.protections', ())
                 if p.name == name]
    plugin_class = next(iter(found)).load()
    if karbor_conf:
        cfg.CONF(['--config-file', karbor_conf], project='karbor')
    conf = cfg.ConfigOpts()
    conf([], project='karbor', default_config_files=[provider_file])
    return plugin_class(conf)


def call(plugin, op):
    if op['op'] == 'put':
        return plugin.update_object(op['key'], decode(op['value']))
    if op['op'] == 'get':
        return encode(plugin.get_object(op['key']))
    if op['op'] == 'list':
        return plugin.list_objects(prefix=op.get('prefix'))
    if op['op'] == 'delete':
        return plugin.delete_object(op['key'])
    raise ValueError('unknown operation %r' % op['op'])


def run(plugin, op):
    try:
        return call(plugin, op)
    except Exception as err:
        return {'error': type(err).__name__}


def main():
    plugin = load_plugin(*sys.argv[1:4])
    ops = json.load(sys.stdin)
    json.dump([run(plugin, op) for op in ops], sys.stdout)
    sys.stdout.flush()
    # The plugin's lease renewal loop would keep the process alive.
    os._exit(0)


if __name__ == '__main__':
    main()
