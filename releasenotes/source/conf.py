# Sphinx configuration of the Karbor release notes.
project = 'Karbor Release Notes'
extensions = ['reno.sphinxext']
master_doc = 'index'
