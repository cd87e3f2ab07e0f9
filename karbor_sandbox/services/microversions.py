"""OpenStack microversion negotiation for the sandbox's services.

A :class:`MicroversionService` reads ``OpenStack-API-Version: <type> X.Y``
(or its legacy header), rejects versions out of range with 406, stores
the version in the WSGI environ and echoes it in the response headers.
"""

from karbor_sandbox import service
from karbor_sandbox import wsgi

ENVIRON_KEY = 'sandbox.microversion'


def parse(text):
    """``'2.60'`` -> ``(2, 60)``; 400 on malformed strings."""
    major, _sep, minor = str(text).partition('.')
    try:
        return int(major), int(minor)
    except ValueError:
        raise wsgi.BadRequest('Invalid API version request string %s'
                              % text)


def at_least(req, text):
    """Is the request's microversion ``text`` or later?"""
    return parse(req.environ.get(ENVIRON_KEY, '0.0')) >= parse(text)


class MicroversionService(service.Service):
    """Subclasses set ``api_type`` (``compute``, ``share``...),
    ``legacy_header`` (or None), ``min_version``, ``max_version`` and
    ``version_roots`` (paths of discovery documents besides ``/``)."""

    api_type = None
    legacy_header = None
    min_version = None
    max_version = None
    version_roots = ()

    def handle(self, req, path):
        try:
            version = self._microversion(req)
        except wsgi.HTTPError as err:
            if self._is_version_root(path):
                # Discovery documents answer whatever version is asked.
                version = self.max_version
            else:
                return self.error(err)
        req.environ[ENVIRON_KEY] = version
        resp = super().handle(req, path)
        resp.headers['OpenStack-API-Version'] = '%s %s' % (self.api_type,
                                                           version)
        vary = ['OpenStack-API-Version']
        if self.legacy_header:
            resp.headers[self.legacy_header] = version
            vary.append(self.legacy_header)
        resp.headers['Vary'] = ', '.join(vary)
        return resp

    def _is_version_root(self, path):
        return path.strip('/') in ('',) + self.version_roots

    def _microversion(self, req):
        parts = req.headers.get('OpenStack-API-Version', '').split()
        wanted = None
        if len(parts) == 2 and parts[0] == self.api_type:
            wanted = parts[1]
        elif self.legacy_header:
            wanted = req.headers.get(self.legacy_header)
        if not wanted:
            return self.min_version
        if wanted == 'latest':
            return self.max_version
        if not (parse(self.min_version) <= parse(wanted) <=
                parse(self.max_version)):
            raise wsgi.HTTPError(
                406, 'Version %s is not supported by the API. Minimum is '
                '%s and maximum is %s.' % (wanted, self.min_version,
                                           self.max_version))
        return wanted
