"""One module (or package) per sandbox API; see ``service.SERVICE_MODULES``."""
