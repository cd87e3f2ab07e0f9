# Sphinx configuration of the Karbor documentation.
project = 'Karbor'
copyright = 'The Karbor developers'
extensions = []
master_doc = 'index'
exclude_patterns = []
html_theme = 'alabaster'
