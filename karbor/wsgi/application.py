"""The API's WSGI application as a module attribute, for servers that take a
module path (uwsgi ``module = karbor.wsgi.application:application``).

Importing this module reads the configuration (see ``karbor.wsgi.api``).
"""

from karbor.wsgi import api

application = api.initialize_application()
