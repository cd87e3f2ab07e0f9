"""WSGI middleware of the Karbor API pipeline."""
