"""The api-ref samples (api-ref/source/samples) cannot drift: every request
sample validates against the JSON schema its route validates bodies with,
every response sample has the shape of a live ``karbor-all`` answer to the
same request, and the walk covers every v1 route."""

import os
import uuid

from oslo_utils import importutils
import pytest

from karbor.api.v1 import router
from karbor.api import validation
from karbor.tests.functional import api_ref_samples as samples
from karbor.tests.functional import test_cli_noop

# Routes the api-ref describes without a sample of their own.
UNSAMPLED = {('DELETE', 'quotas/{id}'), ('PUT', 'os-services/{id}')}


@pytest.fixture(scope='module')
def walked(tmp_path_factory):
    karbor = test_cli_noop.KarborAll(str(tmp_path_factory.mktemp('apiref')))
    try:
        karbor.wait_until_up()
        yield samples.walk(karbor.url, uuid.uuid4().hex)
    finally:
        karbor.stop()


def _route(method, path):
    segments = path.strip('/').split('/')
    key, action, _kwargs = router.find_route(method, segments)
    template = next(t for m, t, k, a in router.ROUTES
                    if (m, k, a) == (method, key, action))
    return key, action, template


def test_request_samples_match_the_schemas(walked):
    for name, (method, path, _body, _answer) in walked.exchanges.items():
        key, action, _template = _route(method, path)
        controller = importutils.import_class(router.CONTROLLERS[key])
        schema = validation.body_schema(controller, action)
        sample = samples.load(name, 'request')
        assert (sample is None) == (schema is None), name
        if schema is not None:
            validation.check(sample, schema)


def test_response_samples_have_the_live_shape(walked):
    for name, (_method, _path, _body, answer) in walked.exchanges.items():
        sample = samples.load(name, 'response')
        if answer is None:
            assert sample is None, name
            continue
        assert samples.shape(sample) == samples.shape(answer), name


def test_the_walk_covers_every_route(walked):
    covered = {(method, _route(method, path)[2])
               for method, path, _body, _answer in walked.exchanges.values()}
    routes = {(method, template) for method, template, _k, _a in
              router.ROUTES}
    assert routes - covered == UNSAMPLED


def test_every_sample_is_in_the_api_ref(walked):
    with open(os.path.join(samples.SAMPLES, '..', 'index.rst')) as index:
        text = index.read()
    for name in os.listdir(samples.SAMPLES):
        assert 'samples/' + name in text, name
