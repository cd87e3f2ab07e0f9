"""Karbor API version 1."""
