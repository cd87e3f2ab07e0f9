"""The sandbox cloud: fake-but-realistic OpenStack and Kubernetes APIs.

One process serves every API under a path prefix on one port. The real
Python clients talk to it over HTTP. See ``README.rst`` in this package.
"""
