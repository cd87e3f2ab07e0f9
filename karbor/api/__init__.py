"""The Karbor REST API (``karbor-api``)."""
