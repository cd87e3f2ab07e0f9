"""The Resource record: a protectable thing identified by type, id and name."""

import collections


class Resource(collections.namedtuple('Resource',
                                      ('type', 'id', 'name', 'extra_info'))):
    """An immutable resource reference.

    Identity (equality and hash) is ``(type, id, name)``; ``extra_info`` is
    descriptive only.
    """
    __slots__ = ()

    def __new__(cls, type, id, name, extra_info=None):
        return super().__new__(cls, type, id, name, extra_info)

    def _key(self):
        return (self.type, self.id, self.name)

    def __eq__(self, other):
        return isinstance(other, Resource) and self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._key())

    def to_dict(self):
        return {'type': self.type, 'id': self.id, 'name': self.name,
                'extra_info': self.extra_info}

    @classmethod
    def from_dict(cls, values):
        return cls(values['type'], values['id'], values.get('name'),
                   values.get('extra_info'))

    @property
    def key(self):
        """The ``Type#id`` string used in parameters and status maps."""
        return '%s#%s' % (self.type, self.id)
