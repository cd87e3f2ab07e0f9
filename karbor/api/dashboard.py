"""The web console, served at ``/dashboard/`` on the API's port.

The console is static files (``dashboard_static``: HTML, CSS and
JavaScript modules, no build step) that talk only to the public v1 REST
API with the user's token, so the same files work against any Karbor
speaking that API. Besides the files this application answers:

- ``GET /dashboard/config.json``: how to log in (``auth_strategy`` and
  whether a Keystone is known);
- ``POST /dashboard/keystone/auth/tokens``: the body is sent on to the
  Keystone of ``[dashboard] keystone_url`` (default: ``[keystone_authtoken]
  www_authenticate_uri``) and its answer, with ``X-Subject-Token``, comes
  back. A browser cannot post to a Keystone on another origin that does
  not answer CORS; this relay reaches only that one Keystone URL, never
  another.

Off by default (``[dashboard] enabled``); ``karbor-all`` turns it on.
"""

import hashlib
import mimetypes
import os
import urllib.error
import urllib.request

from oslo_config import cfg
from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc

from karbor.api.middleware import fault
from karbor.i18n import _

CONF = cfg.CONF
LOG = logging.getLogger(__name__)

dashboard_opts = [
    cfg.BoolOpt('enabled', default=False,
                help='Serve the web console at /dashboard/ on the API\'s '
                     'port. karbor-all turns it on.'),
    cfg.StrOpt('keystone_url',
               help='Keystone v3 URL the console logs users in at (its '
                    'password login is relayed there). Default: '
                    '[keystone_authtoken] www_authenticate_uri.'),
]
CONF.register_opts(dashboard_opts, group='dashboard')


def enabled(conf):
    """Whether ``conf`` turns the console on (its options are registered
    on ``conf`` first: a private ``ConfigOpts`` may not have them)."""
    conf.register_opts(dashboard_opts, group='dashboard')
    return conf.dashboard.enabled


PREFIX = '/dashboard'
STATIC_DIR = os.path.join(os.path.dirname(__file__), 'dashboard_static')
TOKENS_PATH = '/keystone/auth/tokens'
MAX_LOGIN_BODY = 65536
KEYSTONE_TIMEOUT = 30
TYPES = {'.js': 'text/javascript', '.css': 'text/css',
         '.html': 'text/html', '.svg': 'image/svg+xml',
         '.png': 'image/png', '.json': 'application/json'}
SECURITY_HEADERS = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': (
        "default-src 'self'; connect-src 'self' http: https:; "
        "img-src 'self' data:; style-src 'self'; frame-ancestors 'none'"),
}


def is_dashboard_path(path):
    return path == PREFIX or path.startswith(PREFIX + '/')


def load_files(directory=STATIC_DIR):
    """``{url path: (bytes, content type, etag)}`` of the static files."""
    files = {}
    for root, _dirs, names in os.walk(directory):
        for name in names:
            full = os.path.join(root, name)
            rel = '/' + os.path.relpath(full, directory).replace(os.sep, '/')
            with open(full, 'rb') as handle:
                data = handle.read()
            ext = os.path.splitext(name)[1]
            ctype = TYPES.get(ext) or mimetypes.guess_type(name)[0] or \
                'application/octet-stream'
            files[rel] = (data, ctype, hashlib.sha256(data).hexdigest()[:32])
    return files


def keystone_url(conf=None):
    """The Keystone v3 URL of the console's login, or None."""
    conf = conf or CONF
    url = conf.dashboard.keystone_url
    if not url:
        try:
            conf.import_group('keystone_authtoken',
                              'keystonemiddleware.auth_token')
            url = conf.keystone_authtoken.www_authenticate_uri
        except (cfg.NoSuchOptError, cfg.NoSuchGroupError, ImportError):
            url = None
    if not url:
        return None
    url = url.rstrip('/')
    return url if url.endswith('/v3') else url + '/v3'


class Dashboard(object):
    """WSGI application of ``/dashboard`` and everything under it."""

    def __init__(self, conf=None, auth_strategy=None, directory=STATIC_DIR):
        self.conf = conf or CONF
        self.auth_strategy = auth_strategy or self.conf.auth_strategy
        self.files = load_files(directory)

    @webob.dec.wsgify
    def __call__(self, request):
        path = request.path_info[len(PREFIX):]
        if path == '':
            raise webob.exc.HTTPMovedPermanently(location=PREFIX + '/')
        if path == TOKENS_PATH:
            return self._secure(self.login(request))
        if path == '/config.json':
            return self._secure(self.config(request))
        if request.method not in ('GET', 'HEAD'):
            raise webob.exc.HTTPMethodNotAllowed()
        return self._secure(self.static(request, path))

    @staticmethod
    def _secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    def static(self, request, path):
        if path.endswith('/'):
            path += 'index.html'
        found = self.files.get(path)
        if found is None:
            return fault.fault_response(404, _('No such console file.'))
        data, ctype, etag = found
        response = webob.Response(content_type=ctype, body=data,
                                  cache_control='no-cache')
        if ctype.startswith('text/') or ctype.endswith('json'):
            response.charset = 'utf-8'
        response.etag = etag
        if etag in request.if_none_match:
            response = webob.Response(status=304)
            response.etag = etag
        return response

    def config(self, request):
        body = {'auth_strategy': self.auth_strategy,
                'keystone': bool(keystone_url(self.conf)),
                'api_path': '/v1'}
        return webob.Response(content_type='application/json',
                              charset='utf-8', cache_control='no-store',
                              text=jsonutils.dumps(body))

    def login(self, request):
        """Relay a password or token login to the configured Keystone."""
        if request.method != 'POST':
            raise webob.exc.HTTPMethodNotAllowed()
        url = keystone_url(self.conf)
        if not url:
            return fault.fault_response(
                404, _('This Karbor knows no Keystone to log in at.'))
        if request.content_length and \
                request.content_length > MAX_LOGIN_BODY:
            return fault.fault_response(413, _('Login body too large.'))
        body = request.body_file.read(MAX_LOGIN_BODY + 1)
        if len(body) > MAX_LOGIN_BODY:
            return fault.fault_response(413, _('Login body too large.'))
        upstream = urllib.request.Request(
            url + '/auth/tokens', data=body, method='POST',
            headers={'Content-Type': 'application/json',
                     'Accept': 'application/json'})
        try:
            with urllib.request.urlopen(upstream,
                                        timeout=KEYSTONE_TIMEOUT) as answer:
                return self._relayed(answer.status, answer.headers,
                                     answer.read())
        except urllib.error.HTTPError as err:
            return self._relayed(err.code, err.headers, err.read())
        except (urllib.error.URLError, OSError) as err:
            LOG.warning('Console login: Keystone at %(url)s is not '
                        'reachable: %(err)s', {'url': url, 'err': err})
            return fault.fault_response(
                503, _('Keystone is not reachable.'))

    @staticmethod
    def _relayed(status, headers, body):
        response = webob.Response(status=status, body=body,
                                  cache_control='no-store')
        response.content_type = headers.get('Content-Type',
                                            'application/json')
        token = headers.get('X-Subject-Token')
        if token:
            response.headers['X-Subject-Token'] = token
        return response
