"""Fuzzing a Karbor API from its own OpenAPI description.

schemathesis reads ``/v1/openapi.json`` from the target and runs its
examples, coverage and fuzzing phases on every operation, with valid
requests (by the schemas that validate requests) and invalid ones, as a
member and as an administrator, with path ids drawn half of the time from
real objects so that requests get past the not-found checks. Bad input must
never cost a 5xx: :func:`check_no_server_error` prints the figures (requests,
answers by status class and code, every 5xx with a command that reproduces
it and the exception the server logged) and asserts there is none.

``KARBOR_FUZZ_EXAMPLES`` sets the examples per operation of the fuzzing
phase (default 75: about two minutes on ``karbor-all``), ``KARBOR_FUZZ_SEED``
replays a run.
"""

import collections
import os
import random
import re
import time
import warnings

import requests
import schemathesis
from schemathesis import engine
from schemathesis.engine import events
import schemathesis.hooks

EXAMPLES = int(os.environ.get('KARBOR_FUZZ_EXAMPLES', '75'))
SEED = int(os.environ.get('KARBOR_FUZZ_SEED') or random.randrange(2 ** 32))
NOOP_PROVIDER = 'b766f37c-d011-4026-8228-28730d734a3f'
VOLUME = 'OS::Cinder::Volume'
PROJECT = 'OS::Keystone::Project'
REQUEST_TIMEOUT = 30
# The sandbox's member and administrator, by project.
SANDBOX_USERS = {'demo': 'demo', 'admin': 'admin'}
# The path parameters that real objects can fill, by kind of object.
ID_KINDS = {
    'provider_id': ('providers',),
    'checkpoint_id': ('checkpoints',),
    'protectable_type': ('protectable_types',),
    'protectable_id': ('instances',),
    'id': ('providers', 'plans', 'restores', 'projects', 'quota_classes',
           'protectable_types', 'services'),
}


class Caller(collections.namedtuple('Caller', 'name project_id headers')):
    """Who sends a request: its project (the URL's) and auth headers."""


class Target(object):
    """A Karbor API to fuzz.

    ``callers`` send the requests (the first is a member, the others may
    be administrators); ``log`` returns the server's log, read to name the
    cause of a 5xx, or None where it cannot be read.
    """

    def __init__(self, base_url, callers, log=None):
        self.base_url = base_url.rstrip('/')
        self.callers = callers
        self.log = log or (lambda: None)
        self.known = {}


def noauth_callers(project_id):
    """A member and the administrator of ``project_id`` (noauth tokens)."""
    return [Caller(user, project_id,
                   {'X-Auth-Token': '%s:%s' % (user, project_id)})
            for user in ('demo', 'admin')]


def keystone_callers(auth_url, users=SANDBOX_USERS, password='password'):
    """Callers with Keystone tokens; ``users`` maps user to project name
    (the first should be a member, not an administrator)."""
    from keystoneauth1.identity import v3
    from keystoneauth1 import session as ks_session
    callers = []
    for user, project in users.items():
        auth = v3.Password(auth_url=auth_url, username=user,
                           password=password, project_name=project,
                           user_domain_id='default',
                           project_domain_id='default')
        sess = ks_session.Session(auth=auth)
        callers.append(Caller(user, sess.get_project_id(),
                              {'X-Auth-Token': sess.get_token()}))
    return callers


def _call(target, caller, method, path, **kwargs):
    response = requests.request(
        method, '%s/v1/%s/%s' % (target.base_url, caller.project_id, path),
        headers=caller.headers, timeout=REQUEST_TIMEOUT, **kwargs)
    assert response.status_code == 200, (method, path, response.text)
    return response.json()


def _wait_checkpoint(target, caller, provider_id, checkpoint_id):
    path = 'providers/%s/checkpoints/%s' % (provider_id, checkpoint_id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = _call(target, caller, 'GET', path)['checkpoint']['status']
        if status != 'protecting':
            return status
        time.sleep(0.2)
    raise AssertionError('checkpoint %s still protecting' % checkpoint_id)


def seed_objects(target):
    """Real objects whose ids the fuzzer uses: providers, protectable types
    and instances, a plan, a checkpoint and a restore."""
    member = target.callers[0]
    known = target.known
    known['projects'] = sorted({c.project_id for c in target.callers})
    known['quota_classes'] = ['default']
    known['services'] = ['1']
    known['providers'] = [p['id'] for p in _call(
        target, member, 'GET', 'providers')['providers']]
    known['protectable_types'] = _call(
        target, member, 'GET', 'protectables')['protectable_type']
    volumes = _call(target, member, 'GET',
                    'protectables/%s/instances' % VOLUME)['instances']
    known['instances'] = [v['id'] for v in volumes]
    resources = [{'id': member.project_id, 'type': PROJECT,
                  'name': 'fuzz'}]
    plan = _call(target, member, 'POST', 'plans', json={'plan': {
        'name': 'fuzz', 'provider_id': NOOP_PROVIDER, 'parameters': {},
        'resources': resources}})['plan']
    known['plans'] = [plan['id']]
    checkpoint = _call(target, member, 'POST',
                       'providers/%s/checkpoints' % NOOP_PROVIDER,
                       json={'checkpoint': {'plan_id': plan['id']}})
    checkpoint_id = checkpoint['checkpoint']['id']
    known['checkpoints'] = [checkpoint_id]
    assert _wait_checkpoint(target, member, NOOP_PROVIDER,
                            checkpoint_id) == 'available'
    restore = _call(target, member, 'POST', 'restores', json={'restore': {
        'provider_id': NOOP_PROVIDER, 'checkpoint_id': checkpoint_id,
        'parameters': {}}})['restore']
    known['restores'] = [restore['id']]


class Report(object):
    """Answers by status class and code, the 5xx with how to reproduce
    them, and the engine's errors."""

    def __init__(self):
        # Every class is shown, 5xx 0 included.
        self.classes = collections.Counter(
            {'%dxx' % n: 0 for n in range(1, 6)})
        self.codes = collections.Counter()
        self.errors = []

    @property
    def requests(self):
        return sum(self.classes.values())

    def add(self, case, response):
        self.classes['%dxx' % (response.status_code // 100)] += 1
        self.codes[response.status_code] += 1
        if response.status_code >= 500:
            request_id = response.headers.get('x-openstack-request-id')
            self.errors.append({
                'operation': case.operation.label,
                'status': response.status_code,
                'request_id': request_id[0] if request_id else None,
                'curl': case.as_curl_command(),
                'body': response.text[:300]})

    def add_event(self, event):
        """Count the engine's errors: requests left without an answer
        (timeouts, dropped connections) or a description it cannot use."""
        if isinstance(event, events.NonFatalError):
            self._add_error(event.label, event.value)
        elif isinstance(event, events.FatalError):
            self._add_error(None, event.exception)

    def _add_error(self, operation, error):
        self.classes['no answer'] += 1
        self.errors.append({'operation': operation, 'status': None,
                            'request_id': None, 'curl': None,
                            'body': repr(error)[:300]})

    def summary(self, log=None):
        lines = ['%d requests fuzzed; answers by class: %s (%s)' % (
            self.requests, _counts(self.classes), _counts(self.codes))]
        found = causes(log, self.errors)
        for error in self.errors:
            lines.append('%s %s: %s\n    -> %s\n    cause: %s' % (
                error['status'], error['operation'], error['curl'],
                error['body'], found.get(error['request_id'])))
        return '\n'.join(lines)


def _counts(counter):
    return ', '.join('%s %d' % item for item in sorted(counter.items()))


def causes(log, errors):
    """The exception each 5xx raised, from the server log by request id."""
    found = {}
    for error in errors:
        at = log.find(error['request_id']) if (
            log and error['request_id']) else -1
        match = re.search(r'\s(\w+(?:\.\w+)*(?:Error|Exception|Warning)'
                          r'\b[^\n]*)', log[at:]) if at >= 0 else None
        if match:
            found[error['request_id']] = match.group(1)[:200]
    return found


def prepare(case, target):
    """Set the caller's project and token, and real ids in about half of
    the path ids.

    The choices derive from the case itself, so that a replayed case is
    sent the same way."""
    rng = random.Random(repr((case.operation.label, case.path_parameters,
                              case.query, case.body)))
    caller = rng.choice(target.callers)
    path = case.path_parameters or {}
    for name in path:
        pool = [value for kind in ID_KINDS.get(name, ())
                for value in target.known.get(kind, ())]
        if pool and rng.random() < 0.5:
            path[name] = rng.choice(pool)
    if 'project_id' in path:
        path['project_id'] = caller.project_id
    case.headers = dict(case.headers or {}, **caller.headers)


def load_schema(target, examples):
    """The target's description, set up for a bounded run in every phase
    that needs no links between operations."""
    schema = schemathesis.openapi.from_url(
        target.base_url + '/v1/openapi.json', timeout=REQUEST_TIMEOUT)
    schema.config.update(base_url=target.base_url, workers=1,
                         continue_on_failure=True,
                         request_timeout=REQUEST_TIMEOUT)
    schema.config.generation.update(
        modes=list(schemathesis.GenerationMode), max_examples=examples)
    schema.config.checks.update(included_check_names=['not_a_server_error'])
    schema.config.phases.update(phases=['examples', 'coverage', 'fuzzing'])
    schema.config.seed = SEED
    return schema


def fuzz(target, examples):
    """Run schemathesis on ``target``; a Report of what it sent."""
    report = Report()

    def before_call(context, case, kwargs):
        prepare(case, target)

    def after_call(context, case, response):
        report.add(case, response)

    schemathesis.hook(before_call)
    schemathesis.hook(after_call)
    try:
        schema = load_schema(target, examples)
        for event in engine.from_schema(schema).execute():
            report.add_event(event)
    finally:
        schemathesis.hooks.unregister(before_call)
        schemathesis.hooks.unregister(after_call)
    return report


class FuzzFigures(UserWarning):
    """The figures of a fuzzing run (a warning, so that CI logs show it)."""


def check_no_server_error(target, examples=EXAMPLES):
    """Fuzz ``target``: print the figures and assert that no request
    answered 5xx (nor went unanswered)."""
    seed_objects(target)
    started = time.monotonic()
    report = fuzz(target, examples)
    summary = '%s\nseed %d, %d examples per operation, %.0f s' % (
        report.summary(target.log()), SEED, examples,
        time.monotonic() - started)
    print('\n' + summary)
    warnings.warn(FuzzFigures(summary))
    # The requests reach the API's logic: they get past authentication,
    # and some succeed.
    assert report.requests >= examples * 20, summary
    assert report.codes[401] * 10 < report.requests, summary
    assert report.classes['2xx'] > 0, summary
    assert not report.errors, summary
