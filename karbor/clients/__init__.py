"""OpenStack and Kubernetes clients made from a request context."""
