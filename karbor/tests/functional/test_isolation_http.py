"""Tenant isolation over every route, over HTTP, on ``karbor-all``.

The same probes as the in-process test, sent by a real HTTP client to a
``karbor-all`` subprocess in noauth mode: what a Keystone tier reuses with
its own base URL and token headers.
"""

from karbor.tests.functional.test_cli_noop import karbor  # noqa: F401
from karbor.tests.functional.test_cli_noop import NOOP
from karbor.tests.isolation import deployment
from karbor.tests.isolation import probes


def test_no_tenant_sees_or_touches_another_over_http(karbor):  # noqa: F811
    report = probes.probe_deployment(deployment.noauth_deployment(
        deployment.HttpClient(karbor.url), NOOP, copy_provider=NOOP))
    print(report.summary())
    assert report.leak_count() == 0, report.summary()
    assert report.surprise_count() == 0, report.summary()
