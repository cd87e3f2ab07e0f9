"""WSGI entry point of the Karbor API (``karbor-wsgi``).

Use with uwsgi (``--wsgi-file``/``--module karbor.wsgi.api:application``
after calling ``initialize_application``), gunicorn
(``'karbor.wsgi.api:initialize_application()'``) or mod_wsgi. The
configuration comes from the default locations
(``/etc/karbor/karbor.conf``...), or from the files named by the
``KARBOR_CONFIG_FILES`` environment variable (comma separated).
"""

import os

from karbor.cmd import launcher


def initialize_application():
    """Parse the configuration and return the API's WSGI application."""
    files = os.environ.get('KARBOR_CONFIG_FILES')
    launcher.prepare(
        argv=[], default_config_files=files.split(',') if files else None)
    from karbor.api import app
    return app.setup_app()
