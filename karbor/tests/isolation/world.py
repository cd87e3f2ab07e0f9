"""Real objects in projects A and B, created through the API."""

import time
import uuid

from karbor.tests.isolation.deployment import answer_json

# Final statuses, and those a successful run ends in.
FINAL = {
    'checkpoint': ('available', 'finished', 'error'),
    'restore': ('success', 'fail'),
    'verification': ('success', 'fail'),
}
GOOD = {'checkpoint': ('available', 'finished'), 'restore': ('success',),
        'verification': ('success',)}
# Fields of an os-services entry that only a change of the service itself
# alters (heartbeats move ``updated_at`` and ``state``).
SERVICE_FIELDS = ('id', 'binary', 'host', 'status', 'disabled_reason')


class World(object):
    """B's plan, checkpoints, restore, verification, copy, operation logs
    and quota, A's own plan and checkpoint; ``ids`` maps names to ids and
    ``secrets`` holds every id and name of B that A must never see."""

    def __init__(self, deployment, timeout=60):
        self.deployment = deployment
        self.timeout = timeout
        self.ids = {}
        self.secrets = set()
        self.tag = uuid.uuid4().hex[:12]

    # Building

    def build(self):
        d = self.deployment
        self.ids.update(
            a_project=d.member_a.project_id, b_project=d.member_b.project_id,
            noop=d.noop_provider, copy_provider=d.copy_provider,
            quota_class='default', service='1')
        self.secrets.add(d.member_b.project_id)
        self._build_b()
        a_plan = self._plan(d.member_a, d.noop_provider, 'a')
        self.ids['a_plan'] = a_plan['id']
        self.ids['a_checkpoint'] = self._checkpoint(
            d.member_a, d.noop_provider, a_plan['id'])
        # An administrator may set another project's quota.
        self._ok(d.admin, 'PUT', 'quotas/%s' % d.member_b.project_id,
                 {'quota': {'plans': 41}})
        self._collect_logs()
        return self

    def _build_b(self):
        d, b = self.deployment, self.deployment.member_b
        plan = self._plan(b, d.noop_provider, 'b')
        self.ids['b_plan'] = plan['id']
        checkpoint = self._checkpoint(b, d.noop_provider, plan['id'])
        for kind in ('restore', 'verification'):
            created = self._ok(b, 'POST', kind + 's', {kind: {
                'provider_id': d.noop_provider, 'checkpoint_id': checkpoint,
                'parameters': {}}})[kind]
            self._settle(b, kind, kind + 's/' + created['id'])
            self._secret('b_' + kind, created['id'])
        if d.copy_provider:
            self._build_b_copy(b, d.copy_provider)
        self._build_b_schedule(b, plan['id'])

    def _build_b_schedule(self, b, plan_id):
        name = 'isolation-b-%s' % self.tag
        trigger = self._ok(b, 'POST', 'triggers', {'trigger_info': {
            'name': name, 'type': 'time', 'properties': {
                'format': 'crontab', 'pattern': '0 0 1 1 *'}}})
        self._secret('b_trigger', trigger['trigger_info']['id'])
        operation = self._ok(b, 'POST', 'scheduled_operations', {
            'scheduled_operation': {
                'name': name, 'operation_type': 'protect',
                'trigger_id': self.ids['b_trigger'],
                'operation_definition': {
                    'plan_id': plan_id,
                    'provider_id': self.deployment.noop_provider}}})
        self._secret('b_operation', operation['scheduled_operation']['id'])

    def _build_b_copy(self, b, provider_id):
        plan = self._plan(b, provider_id, 'b-copy')
        self.ids['b_copy_plan'] = plan['id']
        self._checkpoint(b, provider_id, plan['id'], 'b_copy_source')
        copied = self._ok(b, 'POST', 'providers/%s/checkpoints/action'
                          % provider_id,
                          {'copy': {'plan_id': plan['id'],
                                    'parameters': {}}})['copy']
        copy_id = copied['checkpoint_id'][0]['checkpoint_copy_id']
        self._secret('b_copy', copy_id)
        self._settle(b, 'checkpoint', 'providers/%s/checkpoints/%s' % (
            provider_id, copy_id))

    def _plan(self, actor, provider_id, label):
        d = self.deployment
        name = 'isolation-%s-%s' % (label, self.tag)
        resource = d.plan_resource(actor, name)
        plan = self._ok(actor, 'POST', 'plans', {'plan': {
            'name': name, 'description': 'secret of ' + name,
            'provider_id': provider_id, 'resources': [resource],
            'parameters': {}}})['plan']
        if actor is d.member_b:
            self.secrets.update((plan['id'], name, 'secret of ' + name,
                                 resource['id']))
        return plan

    def _checkpoint(self, actor, provider_id, plan_id, key=None):
        checkpoint = self._ok(
            actor, 'POST', 'providers/%s/checkpoints' % provider_id,
            {'checkpoint': {'plan_id': plan_id,
                            'extra_info': {'tag': '%s-%s' % (
                                actor.project_id, self.tag)}}}
        )['checkpoint']
        self._settle(actor, 'checkpoint', 'providers/%s/checkpoints/%s' % (
            provider_id, checkpoint['id']))
        if actor is self.deployment.member_b:
            self._secret(key or 'b_checkpoint', checkpoint['id'])
        return checkpoint['id']

    def _collect_logs(self):
        logs = self._ok(self.deployment.member_b, 'GET',
                        'operation_logs')['operation_logs']
        assert logs, 'B has no operation logs'
        for log in logs:
            self.secrets.add(log['id'])
        self.ids['b_log'] = logs[0]['id']

    def _secret(self, key, value):
        self.ids[key] = value
        self.secrets.add(value)

    # Requests

    def _ok(self, actor, method, path, body=None):
        answer = self.deployment.request(actor, method, path, body)
        assert answer.status == 200, (method, path, answer)
        return answer_json(answer)

    def _settle(self, actor, kind, path):
        """Poll ``path`` until the object ends; it must end well."""
        deadline = time.monotonic() + self.timeout
        while True:
            shown = self._ok(actor, 'GET', path)[kind]
            if shown['status'] in FINAL[kind]:
                assert shown['status'] in GOOD[kind], shown
                return shown
            assert time.monotonic() < deadline, shown
            time.sleep(0.05)

    # What must not change

    def snapshot(self):
        """Everything of B (as B sees it), A's reset-state target and quota,
        and the shared settings only administrators may change."""
        d, b, a = self.deployment, self.deployment.member_b, \
            self.deployment.member_a
        ids = self.ids
        reads = [(b, 'plans'), (b, 'plans/' + ids['b_plan']),
                 (b, 'restores'), (b, 'restores/' + ids['b_restore']),
                 (b, 'verifications'),
                 (b, 'verifications/' + ids['b_verification']),
                 (b, 'operation_logs'),
                 (b, 'triggers/' + ids['b_trigger']),
                 (b, 'scheduled_operations/' + ids['b_operation']),
                 (b, 'scheduled_operations/%s/logs' % ids['b_operation']),
                 (b, 'quotas/%s/detail' % ids['b_project']),
                 (b, 'providers/%s/checkpoints' % ids['noop']),
                 (b, 'providers/%s/checkpoints/%s' % (ids['noop'],
                                                      ids['b_checkpoint'])),
                 (a, 'providers/%s/checkpoints/%s' % (ids['noop'],
                                                      ids['a_checkpoint'])),
                 (a, 'quotas/' + ids['a_project']),
                 (d.admin, 'quota_classes/default')]
        if ids.get('copy_provider'):
            reads.append((b, 'providers/%s/checkpoints'
                          % ids['copy_provider']))
        state = {}
        for actor, path in reads:
            answer = d.request(actor, 'GET', path)
            state[(actor.name, path)] = (answer.status, answer_json(answer))
        services = self._ok(d.admin, 'GET', 'os-services')['services']
        state['services'] = [{key: service.get(key) for key in SERVICE_FIELDS}
                             for service in services]
        return state
