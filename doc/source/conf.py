# Sphinx configuration of the Karbor documentation.
project = 'Karbor'
copyright = 'The Karbor developers'
# Generated configuration and policy references.
extensions = ['oslo_config.sphinxext', 'oslo_policy.sphinxext']
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
