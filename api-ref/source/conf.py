"""Sphinx configuration of the Karbor API reference (``tox -e api-ref``)."""

project = 'Karbor API Reference'
copyright = 'Karbor contributors'
extensions = ['os_api_ref']
master_doc = 'index'
html_theme = 'alabaster'
exclude_patterns = ['samples']
