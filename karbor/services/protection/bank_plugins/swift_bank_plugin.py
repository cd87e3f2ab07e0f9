"""A bank in an OpenStack Swift container.

The plugin authenticates with the provider file's ``[swift_client]``
credentials (never the user's token). Object names are the normalised bank
keys. The lease is an object named after the plugin's owner id in the
``leases`` container, expired by Swift itself through ``X-Delete-After``.
"""

import io
import threading
import time
import urllib.parse

from oslo_config import cfg
from oslo_log import log as logging
from swiftclient import client as swift
from swiftclient import exceptions as swift_exc

from karbor import exception
from karbor.i18n import _
from karbor.services.protection import bank_plugin

LOG = logging.getLogger(__name__)

CLIENT_GROUP = 'swift_client'
GROUP = 'swift_bank_plugin'
LEASE_CONTAINER = 'leases'
# Swift answers at most this many names per listing request.
_PAGE = 10000

swift_client_opts = [
    cfg.StrOpt('swift_auth_url',
               help='Authentication URL: a Keystone URL, or a Swift '
                    'v1.0 auth URL (ending in /auth/v1.0).'),
    cfg.StrOpt('swift_tenant_name',
               help='Project (tenant) the bank container belongs to.'),
    cfg.StrOpt('swift_project_domain_name', default='Default',
               help='Domain name of the project (Keystone v3).'),
    cfg.StrOpt('swift_user_domain_name', default='Default',
               help='Domain name of the user (Keystone v3).'),
    cfg.StrOpt('swift_user',
               help='User name used to access Swift.'),
    cfg.StrOpt('swift_key', secret=True,
               help='Password (key) of the Swift user.'),
    cfg.IntOpt('swift_retry_attempts', default=3, min=0,
               help='Times a failed Swift request is retried.'),
    cfg.IntOpt('swift_retry_backoff', default=2, min=0,
               help='Seconds to wait before the first retry; doubled on '
                    'every further retry.'),
    cfg.StrOpt('swift_ca_cert_file',
               help='CA bundle used to verify the Swift and Keystone '
                    'certificates.'),
    cfg.BoolOpt('swift_auth_insecure', default=False,
                help='Do not verify TLS certificates.'),
]

swift_bank_plugin_opts = [
    cfg.StrOpt('bank_swift_object_container', default='karbor',
               help='Swift container holding the bank objects.'),
] + bank_plugin.lease_opts()


def list_opts():
    return [(CLIENT_GROUP, swift_client_opts),
            (GROUP, swift_bank_plugin_opts)]


def _auth_version(auth_url):
    path = urllib.parse.urlparse(auth_url).path.rstrip('/')
    if path.endswith('/v1.0'):
        return '1'
    if path.endswith('/v2.0'):
        return '2.0'
    return '3'


def _not_found(err):
    return isinstance(err, swift_exc.ClientException) and \
        err.http_status == 404


class SwiftBankPlugin(bank_plugin.LeasedBankPlugin):
    """Bank plugin on python-swiftclient."""

    def __init__(self, config=None):
        super().__init__(config)
        self._client_conf = self._register_opts(CLIENT_GROUP,
                                                swift_client_opts)
        self._conf = self._register_opts(GROUP, swift_bank_plugin_opts)
        if not self._client_conf.swift_auth_url:
            raise exception.InvalidInput(
                reason=_('[%s] swift_auth_url is required') % CLIENT_GROUP)
        self._container = self._conf.bank_swift_object_container
        # swiftclient connections are not thread safe: one per thread.
        self._local = threading.local()

    @property
    def _lease_conf(self):
        return self._conf

    def _make_connection(self):
        conf = self._client_conf
        version = _auth_version(conf.swift_auth_url)
        user = conf.swift_user
        if version == '1' and conf.swift_tenant_name and user and \
                ':' not in user:
            user = '%s:%s' % (conf.swift_tenant_name, user)
        os_options = {
            'project_name': conf.swift_tenant_name,
            'project_domain_name': conf.swift_project_domain_name,
            'user_domain_name': conf.swift_user_domain_name,
        }
        return swift.Connection(
            authurl=conf.swift_auth_url, user=user, key=conf.swift_key,
            tenant_name=conf.swift_tenant_name, os_options=os_options,
            auth_version=version, retries=conf.swift_retry_attempts,
            starting_backoff=conf.swift_retry_backoff,
            cacert=conf.swift_ca_cert_file,
            insecure=conf.swift_auth_insecure)

    @property
    def connection(self):
        conn = getattr(self._local, 'conn', None)
        if conn is None:
            conn = self._local.conn = self._make_connection()
        return conn

    # set-up and leases

    def _create_containers(self):
        for container in (self._container, LEASE_CONTAINER):
            try:
                self.connection.put_container(container)
            except Exception as err:
                raise exception.BankCreateObjectFailed(
                    key='container %s' % container, reason=err)

    def _lease_headers(self):
        return {'X-Delete-After': str(self._conf.lease_expire_window)}

    def acquire_lease(self):
        self._ensure_containers()
        expire_time = time.time() + self._conf.lease_expire_window
        try:
            self.connection.put_object(LEASE_CONTAINER, self._owner_id,
                                       self._owner_id,
                                       headers=self._lease_headers())
        except Exception as err:
            raise exception.AcquireLeaseFailed(reason=err)
        self.lease_expire_time = expire_time

    def renew_lease(self):
        expire_time = time.time() + self._conf.lease_expire_window
        try:
            self.connection.post_object(LEASE_CONTAINER, self._owner_id,
                                        headers=self._lease_headers())
        except swift_exc.ClientException as err:
            if not _not_found(err):
                raise
            LOG.warning('Bank lease %s had expired; acquiring it again',
                        self._owner_id)
            self.acquire_lease()
            return
        self.lease_expire_time = expire_time

    def check_lease_validity(self):
        try:
            headers = self.connection.head_object(LEASE_CONTAINER,
                                                  self._owner_id)
        except swift_exc.ClientException as err:
            if _not_found(err):
                return False
            raise
        delete_at = headers.get('x-delete-at')
        return self._lease_still_valid(int(delete_at) if delete_at
                                       else None)

    def _release_lease(self):
        self.connection.delete_object(LEASE_CONTAINER, self._owner_id)

    # objects

    def update_object(self, key, value, context=None, durable=True):
        self._ensure_ready()
        kind, payload = bank_plugin.encode_value(value)
        headers = {'X-Object-Meta-%s' % name: val for name, val in
                   bank_plugin.kind_to_metadata(kind).items()}
        length = None
        if isinstance(payload, bytes):
            # A seekable body lets swiftclient send it again after it
            # re-authenticates (an expired token answers 401).
            payload, length = io.BytesIO(payload), len(payload)
        try:
            self.connection.put_object(self._container, key, payload,
                                       content_length=length,
                                       headers=headers)
        except Exception as err:
            raise exception.BankCreateObjectFailed(key=key, reason=err)

    def _get(self, key, chunk_size=None):
        self._ensure_ready()
        try:
            return self.connection.get_object(self._container, key,
                                              resp_chunk_size=chunk_size)
        except Exception as err:
            if _not_found(err):
                raise exception.BankObjectNotFound(key=key)
            raise exception.BankGetObjectFailed(key=key, reason=err)

    def get_object(self, key, context=None):
        headers, body = self._get(key)
        return bank_plugin.decode_value(
            bank_plugin.kind_from_metadata(headers), body)

    def get_object_stream(self, key, context=None):
        _headers, body = self._get(key, chunk_size=bank_plugin.CHUNK_SIZE)
        return iter(body)

    def delete_object(self, key, context=None):
        self._ensure_ready()
        try:
            self.connection.delete_object(self._container, key)
        except Exception as err:
            if _not_found(err):
                raise exception.BankObjectNotFound(key=key)
            raise exception.BankDeleteObjectFailed(key=key, reason=err)

    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        self._ensure_ready()
        # Swift lists in reverse natively; its marker then bounds the
        # listing from above, which is exactly the descending contract.
        query = 'reverse=on' if sort_dir == 'desc' else None
        keys = []
        while limit is None or len(keys) < limit:
            page = _PAGE if limit is None else min(_PAGE, limit - len(keys))
            try:
                _headers, objects = self.connection.get_container(
                    self._container, prefix=prefix, marker=marker,
                    limit=page, query_string=query)
            except Exception as err:
                raise exception.BankListObjectsFailed(reason=err)
            keys.extend(obj['name'] for obj in objects)
            if len(objects) < page:
                break
            marker = keys[-1]
        return keys
