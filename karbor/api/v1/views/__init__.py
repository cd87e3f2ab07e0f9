"""Response bodies of the v1 API."""
