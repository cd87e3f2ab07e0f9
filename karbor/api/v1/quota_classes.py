"""Quota classes: ``/v1/{project_id}/quota_classes/{class_name}``.

A class name is 1 to 255 letters, digits and ``_ - . :``, starting with a
letter or digit; other names are refused with 400. The ``default`` class
always exists; another class exists once one of its limits is set, and
reading a class that does not exist answers 404.
"""

import re

from karbor.api.schemas import quotas as schemas
from karbor.api.v1 import base
from karbor.api.v1 import quotas
from karbor.api import validation
from karbor import exception
from karbor.i18n import _

QUOTAS = quotas.QUOTAS
CLASS_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$')


def check_class_name(name):
    if not CLASS_NAME.match(name):
        raise exception.InvalidInput(
            reason=_('Invalid quota class name provided: %r (letters, '
                     'digits and _.:- up to 255 characters).') % name)


class QuotaClassesController(base.Controller):
    """Default limits shared by the projects of a quota class."""

    def show(self, request, id):
        ctxt = self.context(request)
        base.authorize(ctxt, 'quota_class:get')
        check_class_name(id)
        values = dict(QUOTAS.get_class_quotas(ctxt, id))
        values['id'] = id
        return {'quota_class': values}

    @validation.schema(schemas.update_class)
    def update(self, request, id, body):
        ctxt = self.context(request)
        base.authorize(ctxt, 'quota_class:update')
        check_class_name(id)
        limits = quotas.limits_to_update(body['quota_class'] or {})
        for resource, limit in limits.items():
            QUOTAS.set_class_quota(ctxt, id, resource, limit)
        return {'quota_class': dict(QUOTAS.get_class_quotas(ctxt, id))}
