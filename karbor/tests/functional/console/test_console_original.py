"""The console against the original Karbor 1.6.0, where the API matches.

The console's files and a same-origin relay of ``/v1`` to a running
original Karbor (noauth; ``KARBOR_ORIGINAL_URL``, default the anchor's
``http://127.0.0.1:8899``) stand in for a console served next to it. The
original has no ``/v1/openapi.json`` and none of issue 17's calls: the
console learns so from their 404s and goes on without progress figures,
cancel or preview. Skipped when no original Karbor answers (start it with
``karbor-anchor start``).
"""

import os
import re
import urllib.error
import urllib.request
import uuid

import pytest
import requests
import webob
import webob.dec

from karbor.api import dashboard
from karbor.tests.functional.console import browser as chromium

ORIGINAL = os.environ.get('KARBOR_ORIGINAL_URL', 'http://127.0.0.1:8899')
NOOP = 'b766f37c-d011-4026-8228-28730d734a3f'
RELAYED_HEADERS = ('X-Auth-Token', 'Content-Type', 'Accept')


def original_answers():
    try:
        return requests.get(ORIGINAL + '/v1/admin/providers', timeout=5,
                            headers={'X-Auth-Token': 'admin:admin'}
                            ).status_code == 200
    except requests.RequestException:
        return False


pytestmark = [
    pytest.mark.skipif(chromium.missing() is not None,
                       reason=chromium.missing() or ''),
    pytest.mark.skipif(not original_answers(),
                       reason='no original Karbor answers on %s' % ORIGINAL),
]


class Relay(object):
    """``/dashboard`` from the console app, the rest from the original."""

    def __init__(self):
        self.console = dashboard.Dashboard(auth_strategy='noauth')

    @webob.dec.wsgify
    def __call__(self, request):
        if dashboard.is_dashboard_path(request.path_info):
            return self.console
        upstream = urllib.request.Request(
            ORIGINAL + request.path_qs, method=request.method,
            data=request.body or None,
            headers={k: request.headers[k] for k in RELAYED_HEADERS
                     if k in request.headers})
        try:
            with urllib.request.urlopen(upstream, timeout=60) as answer:
                status, headers, body = (answer.status, answer.headers,
                                         answer.read())
        except urllib.error.HTTPError as err:
            status, headers, body = err.code, err.headers, err.read()
        response = webob.Response(status=status, body=body)
        response.content_type = headers.get('Content-Type',
                                            'application/json')
        return response


@pytest.fixture(scope='module')
def url():
    with chromium.serve(Relay()) as base_url:
        yield base_url


@pytest.fixture(scope='module')
def page(url):
    instance = chromium.Browser()
    yield instance.page()
    assert instance.errors == []
    instance.stop()


def test_plan_checkpoint_and_restore_on_the_original(page, url):
    project = uuid.uuid4().hex
    headers = {'X-Auth-Token': 'demo:%s' % project}
    plan = requests.post(
        '%s/v1/%s/plans' % (ORIGINAL, project), headers=headers, timeout=60,
        json={'plan': {'name': 'original plan', 'provider_id': NOOP,
                       'parameters': {}, 'resources': [{
                           'id': str(uuid.uuid4()),
                           'type': 'OS::Cinder::Volume',
                           'name': 'vol-1'}]}}).json()['plan']
    page.goto(url + '/dashboard/')
    page.select_option('select[name=mode]', 'noauth')
    page.fill('input[name=project]', project)
    page.click('form.login button[type=submit]')
    try:
        page.wait_for_url('**#/plans')
    except Exception:
        raise AssertionError(page.inner_text('main'))
    page.click('a:text-is("original plan")')
    page.click('button:text-is("Protect now")')
    try:
        page.wait_for_url(re.compile(r'#/checkpoints/'))
        page.wait_for_selector('.live-state .badge:text-is("available")',
                               timeout=120000)
    except Exception:
        raise AssertionError(page.inner_text('main'))
    assert page.locator('svg.graph g.node').count() == 1
    # No cancel on the original, and it was never offered.
    assert page.locator('.page-head button:text-is("Cancel")').is_hidden()
    page.click('a:text-is("Restore…")')
    page.wait_for_selector('h1:has-text("Restore checkpoint")')
    page.click('form button[type=submit]:text-is("Restore…")')
    # The preview answered 404: straight to the confirm step, without it.
    page.wait_for_selector('section.confirm')
    assert page.locator('section.preview').count() == 0
    assert page.locator('button:text-is("Preview")').count() == 0
    page.click('button:text-is("Confirm restore")')
    page.wait_for_url(re.compile(r'#/restores/'))
    page.wait_for_selector('.live-state .badge:text-is("success")',
                           timeout=120000)
    page.goto('%s/dashboard/#/checkpoints?provider=%s&plan=%s' % (
        url, NOOP, plan['id']))
    page.wait_for_selector('tbody tr[data-id] .badge:text-is("available")')
    page.goto(url + '/dashboard/#/providers')
    page.wait_for_selector('a:text-is("No-Op Provider")')
