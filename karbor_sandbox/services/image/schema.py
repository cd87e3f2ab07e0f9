"""The Glance v2 image JSON schemas (``GET /v2/schemas/image(s)``).

python-glanceclient builds its image model from these and validates
every image it receives against them, so they describe exactly the
documents :mod:`~karbor_sandbox.services.image.images` returns.
"""

DISK_FORMATS = ('ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2',
                'vdi', 'iso', 'ploop')
CONTAINER_FORMATS = ('ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker',
                     'compressed')
VISIBILITIES = ('public', 'private', 'shared', 'community')
STATUSES = ('queued', 'saving', 'active', 'killed', 'deleted', 'uploading',
            'importing', 'pending_delete', 'deactivated')
READ_ONLY = ('id', 'status', 'checksum', 'os_hash_algo', 'os_hash_value',
             'size', 'virtual_size', 'created_at', 'updated_at', 'self',
             'file', 'schema', 'direct_url', 'locations', 'stores')


def _nullable(kind, **extra):
    return dict(extra, type=[kind, 'null'])


def _ro(prop):
    return dict(prop, readOnly=True)


PROPERTIES = {
    'id': _ro({'type': 'string', 'description': 'An identifier for the '
               'image', 'pattern': '^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-'
               '([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$'}),
    'name': _nullable('string', maxLength=255),
    'status': _ro({'type': 'string', 'enum': list(STATUSES)}),
    'visibility': {'type': 'string', 'enum': list(VISIBILITIES)},
    'protected': {'type': 'boolean'},
    'os_hidden': {'type': 'boolean'},
    'checksum': _ro(_nullable('string', maxLength=32)),
    'os_hash_algo': _ro(_nullable('string', maxLength=64)),
    'os_hash_value': _ro(_nullable('string', maxLength=128)),
    'owner': _nullable('string', maxLength=255),
    'size': _ro(_nullable('integer')),
    'virtual_size': _ro(_nullable('integer')),
    'container_format': {'type': ['null', 'string'],
                         'enum': [None] + list(CONTAINER_FORMATS)},
    'disk_format': {'type': ['null', 'string'],
                    'enum': [None] + list(DISK_FORMATS)},
    'created_at': _ro({'type': 'string'}),
    'updated_at': _ro({'type': 'string'}),
    'tags': {'type': 'array', 'items': {'type': 'string',
                                        'maxLength': 255}},
    'direct_url': _ro({'type': 'string'}),
    'min_ram': {'type': 'integer'},
    'min_disk': {'type': 'integer'},
    'self': _ro({'type': 'string'}),
    'file': _ro({'type': 'string'}),
    'stores': _ro({'type': 'string'}),
    'schema': _ro({'type': 'string'}),
    'locations': {'type': 'array', 'items': {'type': 'object'}},
    # Common optional properties (not base: patched with "add").
    'kernel_id': _nullable('string', is_base=False),
    'ramdisk_id': _nullable('string', is_base=False),
    'instance_uuid': {'type': 'string', 'is_base': False},
    'architecture': {'type': 'string', 'is_base': False},
    'os_distro': {'type': 'string', 'is_base': False},
    'os_version': {'type': 'string', 'is_base': False},
}

LINKS = [{'rel': 'self', 'href': '{self}'},
         {'rel': 'enclosure', 'href': '{file}'},
         {'rel': 'describedby', 'href': '{schema}'}]


def image_schema():
    return {'name': 'image', 'properties': PROPERTIES,
            'additionalProperties': {'type': 'string'}, 'links': LINKS}


def images_schema():
    return {'name': 'images',
            'properties': {'images': {'type': 'array',
                                      'items': image_schema()},
                           'schema': {'type': 'string'},
                           'first': {'type': 'string'},
                           'next': {'type': 'string'}},
            'links': [{'rel': 'first', 'href': '{first}'},
                      {'rel': 'next', 'href': '{next}'},
                      {'rel': 'describedby', 'href': '{schema}'}]}


def member_schema():
    return {'name': 'member', 'properties': {
        'image_id': {'type': 'string'}, 'member_id': {'type': 'string'},
        'created_at': {'type': 'string'}, 'updated_at': {'type': 'string'},
        'status': {'type': 'string',
                   'enum': ['pending', 'accepted', 'rejected']},
        'schema': {'type': 'string', 'readOnly': True}}}


def members_schema():
    return {'name': 'members', 'properties': {
        'members': {'type': 'array', 'items': member_schema()},
        'schema': {'type': 'string'}},
        'links': [{'rel': 'describedby', 'href': '{schema}'}]}


SCHEMAS = {'image': image_schema, 'images': images_schema,
           'member': member_schema, 'members': members_schema}
