"""Tenant isolation probes over every route of the v1 API.

``deployment`` says how to reach a Karbor (in-process or over HTTP) and who
the three callers are: a member of project A, a member of project B and an
administrator. ``world`` creates real objects in both projects through the
API. ``probes`` holds one entry per route of ``karbor.api.v1.router.ROUTES``
saying how that route is probed, and runs them all as A's member (and the
administrator), counting probes and leaks.

The same probes run against any deployment: the unit tier runs them on the
noauth pipeline in-process; a Keystone tier only has to build a
``Deployment`` from its base URL and its users' tokens::

    d = deployment.Deployment(
        deployment.HttpClient('http://127.0.0.1:8799'),
        deployment.token_actor('member of A', project_a, token_a),
        deployment.token_actor('member of B', project_b, token_b),
        deployment.token_actor('admin', admin_project, admin_token),
        noop_provider=NOOP_PROVIDER_ID, copy_provider=NOOP_PROVIDER_ID)
    report = probes.probe_deployment(d)
    assert report.leak_count() == 0, report.summary()
"""
