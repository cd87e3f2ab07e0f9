"""The isolation probe of every v1 route, and their runner.

``ROUTE_PROBES`` maps each ``(method, path template)`` of the router's
``ROUTES`` to ``(params, kinds)``: ``params`` names the world objects that
fill the template's ``{...}`` segments (keys of ``World.ids``), ``kinds``
says how the route is probed. A route missing from the table fails the
coverage test, so a new route is probed from the day it is added.

Every route is also requested with B's project in the URL and A's token,
which must be refused. Every answer A gets must hold none of B's ids and
names (except those A itself sent), and B's objects, A's admin-only
targets and the shared settings must be unchanged after all probes.
"""

import collections
import json

import webob.exc

from karbor.api.v1 import router
from karbor.tests.isolation.deployment import answer_json
from karbor.tests.isolation import world as isolation_world

Probe = collections.namedtuple(
    'Probe', 'kind actor method path body project expect check')
Probe.__new__.__defaults__ = (None,)

REFUSED_URL = (400, 403)      # another project's URL (today: 400)
NOT_YOURS = (403, 404)        # another project's object by id
REFUSED_REFERENCE = (400, 403, 404)
ADMIN_ONLY = (403,)
UNSERVED = (404, 405)         # a verb no route serves
VERBS = ('GET', 'POST', 'PUT', 'DELETE', 'PATCH')
LIST_QUERIES = ('', 'all_tenants=1', 'all_tenants=true',
                'project_id={b_project}',
                'all_tenants=1&project_id={b_project}')

RESET = {'os-resetState': {'state': 'available'}}
QUOTA = {'quota': {'plans': 1, 'checkpoints': 1}}
QUOTA_CLASS = {'quota_class': {'plans': 1}}
PLAN_UPDATE = {'plan': {'name': 'taken-over', 'status': 'suspended'}}


def _fill(text, ids):
    return text.format(**ids)


def _body(body, ids):
    """``body`` with each ``'{name}'`` string replaced by a world id."""
    if isinstance(body, dict):
        return {key: _body(value, ids) for key, value in body.items()}
    if isinstance(body, str) and body[:1] == '{' and body[-1:] == '}':
        return ids[body[1:-1]]
    return body


class Kind(object):
    """One way of probing a route: by default one request by A's member,
    answered with a status in ``expect``."""

    name = None
    expect = ()

    def __init__(self, body=None, params=None):
        self.body = body
        self.params = params or {}

    def path(self, template, params, ids):
        values = {key: ids[name] for key, name in
                  dict(params, **self.params).items()}
        return template.format(**values)

    def probes(self, world, method, template, params):
        yield Probe(self.name, world.deployment.member_a, method,
                    self.path(template, params, world.ids),
                    _body(self.body, world.ids), None, self.expect)


class Others(Kind):
    """B's object by id, under A's own URL: as if it did not exist."""

    name = 'B object by id'
    expect = NOT_YOURS


class References(Kind):
    """A create under A's URL naming B's objects in its body."""

    name = 'B object in body'
    expect = REFUSED_REFERENCE


class AdminOnly(Kind):
    """An administrators' action tried by A's member on A's own target."""

    name = 'admin-only action'
    expect = ADMIN_ONLY


class Shared(Kind):
    """Data common to all projects (providers, protectable types, quota
    classes): served, with nothing of B in it."""

    name = 'shared data'
    expect = (200,)


class Cloud(Kind):
    """Served from the cloud with the caller's own credentials: whatever the
    answer, nothing of B in it."""

    name = 'cloud data'
    expect = (200, 400, 404, 503)


class Listing(Kind):
    """A list with the widening filters: never shows B's objects to A's
    member; ``key`` names the world object the administrator must see with
    ``all_tenants=1``, ``extra`` adds filters naming B's objects."""

    name = 'list filter'

    def __init__(self, collection, key=None, extra=(), params=None):
        super().__init__(params=params)
        self.collection = collection
        self.key = key
        self.extra = extra

    def probes(self, world, method, template, params):
        path = self.path(template, params, world.ids)
        d = world.deployment
        for query in LIST_QUERIES + tuple(self.extra):
            query = _fill(query, world.ids)
            yield Probe(self.name, d.member_a, method,
                        path + ('?' + query if query else ''), None, None,
                        (200, 400))
        if self.key and world.ids.get(self.key):
            yield Probe('admin all_tenants', d.admin, method,
                            path + '?all_tenants=1', None, None, (200,),
                        self._lists(world.ids[self.key]))

    def _lists(self, wanted):
        collection = self.collection

        def check(answer):
            items = (answer_json(answer) or {}).get(collection) or []
            if wanted not in {item.get('id') for item in items}:
                return 'the administrator does not see %s' % wanted
        return check


_CPS = 'providers/{provider_id}/checkpoints'
_CP = _CPS + '/{checkpoint_id}'
_NOOP = {'provider_id': 'noop'}
_B_CP = dict(_NOOP, checkpoint_id='b_checkpoint')
_PROJECT_TYPE = {'protectable_type': 'protectable_type'}
_PROTECT = {'checkpoint': {'plan_id': '{b_plan}'}}
_RUN = {'provider_id': '{noop}', 'checkpoint_id': '{b_checkpoint}',
        'parameters': {}}

ROUTE_PROBES = {
    ('GET', 'providers'): ({}, [Shared()]),
    ('GET', 'providers/{id}'): ({'id': 'noop'}, [Shared()]),
    ('GET', 'plans'): ({}, [Listing('plans', 'b_plan', (
        'name=isolation-b-{tag}', 'status=suspended'))]),
    ('POST', 'plans'): ({}, [References({'plan': {
        'name': 'x', 'provider_id': '{noop}', 'parameters': {},
        'project_id': '{b_project}'}})]),
    ('GET', 'plans/{id}'): ({'id': 'b_plan'}, [Others()]),
    ('PUT', 'plans/{id}'): ({'id': 'b_plan'}, [Others(PLAN_UPDATE)]),
    ('DELETE', 'plans/{id}'): ({'id': 'b_plan'}, [Others()]),
    ('GET', 'protectables'): ({}, [Shared()]),
    ('GET', 'protectables/{id}'): ({'id': 'protectable_type'}, [Shared()]),
    ('GET', 'protectables/{protectable_type}/instances'): (
        _PROJECT_TYPE, [Cloud()]),
    ('GET', 'protectables/{protectable_type}/instances/{protectable_id}'): (
        dict(_PROJECT_TYPE, protectable_id='b_project'), [Cloud()]),
    ('GET', 'os-services'): ({}, [AdminOnly()]),
    ('PUT', 'os-services/{id}'): ({'id': 'service'}, [
        AdminOnly({'status': 'disabled', 'disabled_reason': 'probe'})]),
    ('GET', 'quotas/{id}'): ({'id': 'b_project'}, [Others()]),
    ('PUT', 'quotas/{id}'): ({'id': 'b_project'}, [
        Others(QUOTA), AdminOnly(QUOTA, {'id': 'a_project'})]),
    ('DELETE', 'quotas/{id}'): ({'id': 'b_project'}, [
        Others(), AdminOnly(params={'id': 'a_project'})]),
    ('GET', 'quotas/{id}/defaults'): ({'id': 'b_project'}, [Others()]),
    ('GET', 'quotas/{id}/detail'): ({'id': 'b_project'}, [Others()]),
    ('GET', 'quota_classes/{id}'): ({'id': 'quota_class'}, [Shared()]),
    ('PUT', 'quota_classes/{id}'): ({'id': 'quota_class'}, [
        AdminOnly(QUOTA_CLASS)]),
    ('GET', _CPS): (_NOOP, [
        Listing('checkpoints', 'b_checkpoint', (
            'plan_id={b_plan}', 'start_date=2000-01-01')),
        Listing('checkpoints', 'b_copy', ('plan_id={b_copy_or_plan}',),
                params={'provider_id': 'copy_or_noop'})]),
    ('POST', _CPS): (_NOOP, [References(_PROTECT)]),
    ('POST', _CPS + '/action'): ({'provider_id': 'copy_or_noop'}, [
        References({'copy': {'plan_id': '{b_copy_or_plan}',
                             'parameters': {}}})]),
    ('GET', _CP): (_B_CP, [Others()]),
    ('PUT', _CP): (_B_CP, [Others(RESET), AdminOnly(RESET, {
        'checkpoint_id': 'a_checkpoint'})]),
    ('DELETE', _CP): (_B_CP, [Others()]),
    ('GET', _CP + '/progress'): (_B_CP, [Others()]),
    ('POST', _CP + '/cancel'): (_B_CP, [Others()]),
    ('GET', 'restores'): ({}, [Listing('restores', 'b_restore')]),
    ('POST', 'restores'): ({}, [References({'restore': _RUN})]),
    ('POST', 'restores/preview'): ({}, [References({'restore': _RUN})]),
    ('GET', 'restores/{id}'): ({'id': 'b_restore'}, [Others()]),
    ('GET', 'restores/{id}/progress'): ({'id': 'b_restore'}, [Others()]),
    ('POST', 'restores/{id}/cancel'): ({'id': 'b_restore'}, [Others()]),
    ('GET', 'verifications'): ({}, [Listing('verifications',
                                            'b_verification')]),
    ('POST', 'verifications'): ({}, [References({'verification': _RUN})]),
    ('GET', 'verifications/{id}'): ({'id': 'b_verification'}, [Others()]),
    ('GET', 'verifications/{id}/progress'): ({'id': 'b_verification'},
                                             [Others()]),
    ('POST', 'verifications/{id}/cancel'): ({'id': 'b_verification'},
                                            [Others()]),
    ('GET', 'operation_logs'): ({}, [Listing('operation_logs', 'b_log', (
        'checkpoint_id={b_checkpoint}', 'plan_id={b_plan}',
        'restore_id={b_restore}'))]),
    ('GET', 'operation_logs/{id}'): ({'id': 'b_log'}, [Others()]),
    ('GET', 'triggers'): ({}, [Listing('triggers', 'b_trigger', (
        'name=isolation-b-{tag}', 'type=time'))]),
    ('POST', 'triggers'): ({}, [References({'trigger_info': {
        'name': 'x', 'type': 'time', 'project_id': '{b_project}',
        'properties': {'format': 'crontab', 'pattern': '0 0 1 1 *'}}})]),
    ('GET', 'triggers/{id}'): ({'id': 'b_trigger'}, [Others()]),
    ('PUT', 'triggers/{id}'): ({'id': 'b_trigger'}, [
        Others({'trigger_info': {'name': 'taken-over'}})]),
    ('DELETE', 'triggers/{id}'): ({'id': 'b_trigger'}, [Others()]),
    ('GET', 'scheduled_operations'): ({}, [Listing(
        'operations', 'b_operation', ('trigger_id={b_trigger}',
                                      'name=isolation-b-{tag}'))]),
    ('POST', 'scheduled_operations'): ({}, [References({
        'scheduled_operation': {
            'name': 'x', 'operation_type': 'protect',
            'trigger_id': '{b_trigger}', 'operation_definition': {
                'plan_id': '{b_plan}', 'provider_id': '{noop}'}}})]),
    ('GET', 'scheduled_operations/{id}'): ({'id': 'b_operation'},
                                           [Others()]),
    ('PUT', 'scheduled_operations/{id}'): ({'id': 'b_operation'}, [
        Others({'scheduled_operation': {'enabled': False}})]),
    ('DELETE', 'scheduled_operations/{id}'): ({'id': 'b_operation'},
                                              [Others()]),
    ('GET', 'scheduled_operations/{id}/logs'): ({'id': 'b_operation'},
                                                [Others()]),
}


def route_keys():
    """``(method, template)`` of every route the API serves."""
    return {(method, template) for method, template, _key, _action
            in router.ROUTES}


def unclassified_routes():
    """Routes without an entry, and entries without a route."""
    served, probed = route_keys(), set(ROUTE_PROBES)
    return sorted(served - probed), sorted(probed - served)


# ``leaks``: what A saw or did that it must not; ``surprises``: other
# answers than expected (a wrong refusal code, say), which fail too.
Result = collections.namedtuple('Result', 'probe answer leaks surprises')


class Report(object):
    """Every probe with its answer, and the objects that changed."""

    def __init__(self):
        self.results = []
        self.changed = []
        self.checked = 0

    def leak_count(self):
        """Probes that leaked, and objects that changed."""
        return (sum(1 for r in self.results if r.leaks) +
                len(self.changed))

    def surprise_count(self):
        return sum(1 for r in self.results if r.surprises and not r.leaks)

    def summary(self):
        lines = ['isolation: %d probes over %d routes, %d leaks, %d '
                 'unexpected answers; %d objects checked unchanged' % (
                     len(self.results), len(router.ROUTES),
                     self.leak_count(), self.surprise_count(),
                     self.checked)]
        for result in self.results:
            if result.leaks or result.surprises:
                probe = result.probe
                lines.append('  %s %s: %s %s as %s: %s (%s %s)' % (
                    'LEAK' if result.leaks else 'UNEXPECTED', probe.kind,
                    probe.method, '/v1/%s/%s' % (
                        probe.project or probe.actor.project_id, probe.path),
                    probe.actor.name,
                    '; '.join(result.leaks + result.surprises),
                    result.answer.status, result.answer.text[:200]))
        lines.extend('  CHANGED %s' % change for change in self.changed)
        return '\n'.join(lines)


def world_ids(world):
    """The names route params refer to, with the probing defaults."""
    ids = dict(world.ids)
    ids.setdefault('protectable_type', 'OS::Keystone::Project')
    ids['tag'] = world.tag
    ids['copy_or_noop'] = ids.get('copy_provider') or ids['noop']
    ids['b_copy_or_plan'] = ids.get('b_copy_plan') or ids['b_plan']
    return ids


def _served(method, path):
    """Whether some route serves ``method`` on ``path``."""
    try:
        router.find_route(method, path.split('/'))
        return True
    except webob.exc.HTTPException:
        return False


def all_probes(world):
    """Every probe of every route: B's URL with A's token, the route's own
    kinds, and the verbs no route serves on its path."""
    world.ids = world_ids(world)
    member_a = world.deployment.member_a
    b_project = world.deployment.member_b.project_id
    templates = set()
    for method, template, _key, _action in router.ROUTES:
        params, kinds = ROUTE_PROBES[(method, template)]
        path = Kind().path(template, params, world.ids)
        body = next((k.body for k in kinds if k.body is not None), None)
        if body is None and method in router.BODY_METHODS:
            body = {}
        yield Probe('B URL, A token', member_a, method, path,
                    _body(body, world.ids), b_project, REFUSED_URL)
        for kind in kinds:
            yield from kind.probes(world, method, template, params)
        if template not in templates:
            templates.add(template)
            for verb in VERBS:
                if not _served(verb, path):
                    yield Probe('unserved verb', member_a, verb, path,
                                {} if verb in router.BODY_METHODS else None,
                                None, UNSERVED)


def _judge(probe, answer, world):
    """``(leaks, surprises)`` of one answer; the administrator may see
    B's objects."""
    leaks, surprises = [], []
    if answer.status not in probe.expect:
        refused = 200 not in probe.expect
        (leaks if refused and answer.status < 300 else surprises).append(
            'answered %d, expected %s' % (answer.status, probe.expect))
    if probe.actor is not world.deployment.admin:
        sent = probe.path + json.dumps(probe.body) + (probe.project or '')
        seen = [s for s in world.secrets if s and s not in sent and
                s in answer.text]
        if seen:
            leaks.append("B's %s in the answer" % ', '.join(sorted(seen)))
    if probe.check and answer.status == 200:
        problem = probe.check(answer)
        if problem:
            surprises.append(problem)
    return leaks, surprises


def run(world):
    """Run every probe against a built ``world``; returns the Report."""
    report = Report()
    before = world.snapshot()
    for probe in all_probes(world):
        answer = world.deployment.request(probe.actor, probe.method,
                                          probe.path, probe.body,
                                          probe.project)
        report.results.append(
            Result(probe, answer, *_judge(probe, answer, world)))
    after = world.snapshot()
    report.checked = len(before)
    report.changed = sorted(str(key) for key in set(before) | set(after)
                            if before.get(key) != after.get(key))
    return report


def probe_deployment(deployment, timeout=60):
    """Build the world on ``deployment`` and run every probe (a Report)."""
    return run(isolation_world.World(deployment, timeout).build())
