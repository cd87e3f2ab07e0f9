"""JSON schemas of the Karbor v1 request bodies."""
