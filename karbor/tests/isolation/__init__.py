"""Tenant isolation probes over every route of the v1 API.

``deployment`` says how to reach a Karbor (in-process or over HTTP) and who
the three callers are: a member of project A, a member of project B and an
administrator. ``world`` creates real objects in both projects through the
API. ``probes`` holds one entry per route of ``karbor.api.v1.router.ROUTES``
saying how that route is probed, and runs them all as A's member (and the
administrator), counting probes and leaks.

The same probes run against any deployment: the unit tier runs them on the
noauth pipeline in-process; a Keystone tier only has to build a
``Deployment`` from its base URL and its users' token headers.
"""
