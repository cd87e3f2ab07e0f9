"""The plan of a restore: what it makes, where, how, in which order, and
what stands in its way.

The plan walks the checkpoint's resource graph children first (a
resource's dependencies are its children: they are restored before it),
and asks each resource's protection plugin, through its ``plan_restore``
hook, for the step of that resource: the name it gets, where it lands,
its parameters after defaults and its conflicts.

The restore preview answers the plan; the restore flow runs with the
plan's per-resource parameters (the names are in them), so the preview
cannot say something the restore does not do. Only a preview looks for
conflicts (cloud calls) and reads what the checkpoint saved (a bank read
per resource) for its details: names and parameters never depend on them,
and a restore of thousands of resources starts without those reads.
"""

import collections

from oslo_log import log as logging

from karbor import exception
from karbor.i18n import _
from karbor.services.protection import graph

LOG = logging.getLogger(__name__)

# Kinds of conflict (plugins may add their own).
NAME_IN_USE = 'name_in_use'
MISSING_NETWORK = 'missing_network'
QUOTA = 'quota'
NO_PLUGIN = 'no_plugin'
MISSING = 'missing'  # something else the restore needs is gone
UNCHECKED = 'unchecked'  # a check or plan that could not run

# The bank object of a resource's saved metadata (every plugin's).
METADATA_KEY = 'metadata'
# What a preview shows where the restore's id will be.
RESTORE_ID_PLACEHOLDER = '<restore id>'


class Step(collections.namedtuple(
        'Step', 'name target parameters conflicts details')):
    """One resource's part of the plan, as a plugin sees it.

    ``conflicts``: ``[(kind, message)]``; ``details``: plugin-specific
    facts for the reader (flavor, network mapping, ...), never used by the
    restore.
    """

    def __new__(cls, name, target, parameters, conflicts=(), details=None):
        return super().__new__(cls, name, target, dict(parameters),
                               list(conflicts), dict(details or {}))


class Planning(object):
    """What the ``plan_restore`` hooks of one plan share.

    :ivar context: the request context the restore runs as.
    :ivar checkpoint: the checkpoint restored.
    :ivar restore_id: the restore's id (None in a preview: the names
        that hold it show ``RESTORE_ID_PLACEHOLDER``).
    :ivar preview: whether this is a preview, which looks for conflicts
        and reads the saved metadata (see ``saved``).
    :ivar mapped: original id -> what the restore will use instead, set
        by the plugins planned before (the network plugin's networks:
        ``exists``, ``created`` or ``missing``; the volume plugins'
        volumes: ``created`` or the target volume id).
    """

    def __init__(self, context, checkpoint, restore_id=None, preview=True):
        self.context = context
        self.checkpoint = checkpoint
        self.restore_id = restore_id
        self.preview = preview
        self.mapped = {}
        self._claimed = {}
        self._remaining = {}

    @property
    def project(self):
        return 'project %s' % self.context.project_id

    @property
    def restore_ref(self):
        return self.restore_id or RESTORE_ID_PLACEHOLDER

    def saved(self, section):
        """The metadata the protect saved in ``section`` ({} if none), in
        a preview; {} in a restore (see the module doc)."""
        if not self.preview:
            return {}
        try:
            return section.get_object(METADATA_KEY) or {}
        except exception.BankObjectNotFound:
            return {}

    def claim(self, quota, amount, remaining):
        """Count ``amount`` of ``quota`` for this plan; a conflict message
        if the plan's total goes over what is left.

        ``remaining()`` answers what is left (None: unlimited); it is
        called once per quota and plan.
        """
        if quota not in self._remaining:
            self._remaining[quota] = remaining()
        self._claimed[quota] = self._claimed.get(quota, 0) + amount
        left = self._remaining[quota]
        if left is not None and self._claimed[quota] > left:
            return _('the restore needs %(need)s %(quota)s, %(left)s left '
                     'in the quota') % {'need': self._claimed[quota],
                                        'quota': quota, 'left': left}
        return None


def remaining(limit, used):
    """What a quota leaves (None when unlimited, i.e. a negative limit)."""
    if limit is None or limit < 0:
        return None
    return max(limit - (used or 0), 0)


def quota_conflicts(planning, absolute_limits, claims):
    """The quota conflicts of ``claims`` (``[(quota, amount, limit name,
    used name)]``) against ``absolute_limits()`` (a client's
    ``limits.get().absolute``, read at most once)."""
    absolute = {}

    def left(limit, used):
        if not absolute:
            absolute.update((item.name, item.value)
                            for item in absolute_limits())
        return remaining(absolute.get(limit), absolute.get(used))

    for quota, amount, limit, used in claims:
        message = planning.claim(quota, amount, lambda: left(limit, used))
        if message:
            yield QUOTA, message


def defaults(schema):
    """The non-null defaults of a restore schema's properties."""
    properties = (schema or {}).get('properties') or {}
    return {key: spec['default'] for key, spec in properties.items()
            if isinstance(spec, dict) and spec.get('default') is not None}


def resource_parameters(plugin, resource, parameters):
    """Schema defaults < ``parameters[Type]`` < ``parameters["Type#id"]``."""
    merged = defaults(plugin.get_restore_schema(resource.type))
    merged.update(parameters.get(resource.type) or {})
    merged.update(parameters.get(resource.key) or {})
    return merged


def _conflict(resource, kind, message):
    return {'type': resource.type, 'original_id': resource.id,
            'kind': kind, 'message': message}


def _step(planning, plugin, resource, parameters):
    """The plugin's step; in a preview, a plugin that fails to plan is a
    conflict (the restore would fail on it), not an error."""
    section = planning.checkpoint.get_resource_bank_section(resource.id)
    params = resource_parameters(plugin, resource, parameters)
    try:
        return plugin.plan_restore(planning, resource, params, section)
    except Exception as err:
        if not planning.preview:
            raise
        LOG.warning('Planning the restore of %(key)s failed: %(err)s',
                    {'key': resource.key, 'err': err})
        return Step(resource.name, planning.project, params, [(
            UNCHECKED, _('could not plan: %s') % (str(err) or
                                                  type(err).__name__))])


def build(context, plugins, checkpoint, parameters, restore_id=None,
          preview=True):
    """The plan of restoring ``checkpoint`` with ``parameters``.

    :param plugins: resource type -> protection plugin.
    :param preview: a preview looks for conflicts; a restore does not,
        and a resource type without plugin raises
        ``ProtectionPluginNotFound`` instead of being a conflict.
    :returns: ``{"resources": [...], "conflicts": [...], "order": [...]}``
        (see the API's restore preview).
    """
    planning = Planning(context, checkpoint, restore_id, preview)
    roots = (graph.deserialize_resource_graph(checkpoint.resource_graph)
             if checkpoint.resource_graph else [])
    resources, conflicts, order = [], [], []
    for node in graph.iter_post_order(roots):
        resource = node.value
        plugin = plugins.get(resource.type)
        if plugin is None:
            if not preview:
                raise exception.ProtectionPluginNotFound(type=resource.type)
            conflicts.append(_conflict(resource, NO_PLUGIN, _(
                'the provider has no plugin restoring %s') % resource.type))
            continue
        step = _step(planning, plugin, resource, parameters or {})
        order.append(resource.key)
        resources.append({
            'order': len(order), 'type': resource.type,
            'original_id': resource.id, 'original_name': resource.name,
            'name': step.name, 'target': step.target,
            'parameters': step.parameters, 'details': step.details,
            'depends_on': sorted({child.value.key
                                  for child in node.child_nodes})})
        conflicts.extend(_conflict(resource, kind, message)
                         for kind, message in step.conflicts)
    return {'resources': resources, 'conflicts': conflicts, 'order': order}


def flow_parameters(plan, parameters):
    """The restore flow's parameters, from which the flow gives each
    resource its planned ones (it merges ``Type`` < ``Type#id``, see
    ``resource_flow.resource_parameters``): the user's ``parameters``,
    plus a ``Type#id`` entry for each resource whose planned parameters
    differ from that merge. The flow's persisted arguments thus grow only
    with what the plugins computed (names, defaults), not with the size of
    the plan.
    """
    flow = dict(parameters)
    for step in plan['resources']:
        key = '%s#%s' % (step['type'], step['original_id'])
        merged = dict(parameters.get(step['type']) or {})
        merged.update(parameters.get(key) or {})
        if step['parameters'] != merged:
            flow[key] = step['parameters']
    return flow


def checked(planning, look):
    """``look()`` (conflicts) in a preview, [] in a restore; a look that
    fails is a conflict itself (after those it found), not an error of the
    preview."""
    found = []
    if not planning.preview:
        return found
    try:
        found.extend(look())
    except Exception as err:
        found.append((UNCHECKED, _('could not check: %s') % (
            str(err) or type(err).__name__)))
    return found
