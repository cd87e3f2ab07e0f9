"""Karbor: application data protection as a service for OpenStack."""
