"""Karbor's database layer."""
