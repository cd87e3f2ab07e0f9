"""Karbor: application data protection as a service for OpenStack."""

import warnings

# futurist imports eventlet when it is installed, which warns about eventlet's
# deprecation; Karbor never uses eventlet, so the warning is noise.
warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
