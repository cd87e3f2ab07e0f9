"""A bank in an S3 bucket (AWS S3, Ceph RGW, MinIO, moto...).

Object keys are the normalised bank keys. The lease is an object named
after the owner id in the lease bucket whose ``lease-expire-time``
metadata is pushed forward on renewal; S3 does not expire it, so a lease
found expired is deleted by whoever checks it.
"""

import collections
import itertools
import time

import boto3
from boto3.s3 import transfer as s3_transfer
from botocore import config as botocore_config
from botocore import exceptions as botocore_exc
from oslo_config import cfg
from oslo_log import log as logging

from karbor import exception
from karbor.i18n import _
from karbor.services.protection import bank_plugin

LOG = logging.getLogger(__name__)

CLIENT_GROUP = 's3_client'
GROUP = 's3_bank_plugin'
_META_PREFIX = 'x-object-meta-'
_LEASE_META = 'lease-expire-time'
_PAGE = 1000
# Parts of a streamed upload; S3 needs at least 5 MiB per part. Uploads
# run in the calling thread, so memory stays at about one part.
_PART_SIZE = 8 * 1024 * 1024
_RETRIABLE = (botocore_exc.EndpointConnectionError,
              botocore_exc.ConnectionClosedError,
              botocore_exc.ReadTimeoutError,
              botocore_exc.ConnectTimeoutError)

s3_client_opts = [
    cfg.StrOpt('s3_endpoint',
               help='URL of the S3 endpoint.'),
    cfg.StrOpt('s3_access_key',
               help='S3 access key.'),
    cfg.StrOpt('s3_secret_key', secret=True,
               help='S3 secret key.'),
    cfg.IntOpt('s3_retry_attempts', default=3, min=1,
               help='Attempts made for an S3 request that failed to '
                    'connect.'),
    cfg.IntOpt('s3_retry_backoff', default=2, min=0,
               help='Seconds to wait before the first retry; doubled on '
                    'every further retry.'),
]

s3_bank_plugin_opts = [
    cfg.StrOpt('bank_s3_object_bucket', default='karbor',
               help='S3 bucket holding the bank objects.'),
    cfg.StrOpt('bank_s3_lease_bucket', default='lease',
               help='S3 bucket holding the leases.'),
] + bank_plugin.lease_opts()


def list_opts():
    return [(CLIENT_GROUP, s3_client_opts), (GROUP, s3_bank_plugin_opts)]


def _error_code(err):
    if isinstance(err, botocore_exc.ClientError):
        return str(err.response.get('Error', {}).get('Code'))
    return None


def _not_found(err):
    return _error_code(err) in ('404', 'NoSuchKey', 'NotFound')


class S3BankPlugin(bank_plugin.LeasedBankPlugin):
    """Bank plugin on boto3."""

    def __init__(self, config=None):
        super().__init__(config)
        self._client_conf = self._register_opts(CLIENT_GROUP,
                                                s3_client_opts)
        self._conf = self._register_opts(GROUP, s3_bank_plugin_opts)
        if not self._client_conf.s3_endpoint:
            raise exception.InvalidInput(
                reason=_('[%s] s3_endpoint is required') % CLIENT_GROUP)
        self._bucket = self._conf.bank_s3_object_bucket
        self._lease_bucket = self._conf.bank_s3_lease_bucket
        # boto3 clients are thread safe; retries are ours (see _call).
        self._client = boto3.session.Session().client(
            's3', endpoint_url=self._client_conf.s3_endpoint,
            aws_access_key_id=self._client_conf.s3_access_key,
            aws_secret_access_key=self._client_conf.s3_secret_key,
            region_name='us-east-1',
            config=botocore_config.Config(
                retries={'total_max_attempts': 1},
                s3={'addressing_style': 'path'}))
        self._transfer_config = s3_transfer.TransferConfig(
            multipart_threshold=_PART_SIZE, multipart_chunksize=_PART_SIZE,
            use_threads=False)

    @property
    def _lease_conf(self):
        return self._conf

    def _call(self, method, **kwargs):
        """Call a client method, retrying connection failures."""
        attempts = self._client_conf.s3_retry_attempts
        for attempt in range(attempts):
            try:
                return getattr(self._client, method)(**kwargs)
            except _RETRIABLE:
                if attempt == attempts - 1:
                    raise
                time.sleep(self._client_conf.s3_retry_backoff * 2 ** attempt)

    # set-up and leases

    def _create_containers(self):
        for bucket in (self._bucket, self._lease_bucket):
            try:
                self._call('create_bucket', Bucket=bucket)
            except botocore_exc.ClientError as err:
                if _error_code(err) not in ('BucketAlreadyOwnedByYou',
                                            'BucketAlreadyExists'):
                    raise exception.BankCreateObjectFailed(
                        key='bucket %s' % bucket, reason=err)

    def acquire_lease(self):
        self._ensure_containers()
        expire_time = int(time.time() + self._conf.lease_expire_window)
        try:
            self._call('put_object', Bucket=self._lease_bucket,
                       Key=self._owner_id, Body=self._owner_id.encode(),
                       Metadata={_LEASE_META: str(expire_time)})
        except Exception as err:
            raise exception.AcquireLeaseFailed(reason=err)
        self.lease_expire_time = expire_time

    def renew_lease(self):
        self.acquire_lease()

    def check_lease_validity(self):
        try:
            head = self._call('head_object', Bucket=self._lease_bucket,
                              Key=self._owner_id)
        except botocore_exc.ClientError as err:
            if _not_found(err):
                return False
            raise
        expire_time = int(head['Metadata'].get(_LEASE_META, 0))
        if expire_time <= time.time():
            self._release_lease()
        return self._lease_still_valid(expire_time)

    def _release_lease(self):
        self._call('delete_object', Bucket=self._lease_bucket,
                   Key=self._owner_id)

    # objects

    def update_object(self, key, value, context=None, durable=True):
        self._ensure_ready()
        kind, payload = bank_plugin.encode_value(value)
        metadata = {_META_PREFIX + name: val for name, val in
                    bank_plugin.kind_to_metadata(kind).items()}
        try:
            if isinstance(payload, bytes):
                self._call('put_object', Bucket=self._bucket, Key=key,
                           Body=payload, Metadata=metadata)
            else:
                self._client.upload_fileobj(
                    bank_plugin.BankReader(payload), self._bucket, key,
                    ExtraArgs={'Metadata': metadata},
                    Config=self._transfer_config)
        except Exception as err:
            raise exception.BankCreateObjectFailed(key=key, reason=err)

    def _get(self, key):
        self._ensure_ready()
        try:
            return self._call('get_object', Bucket=self._bucket, Key=key)
        except Exception as err:
            if _not_found(err):
                raise exception.BankObjectNotFound(key=key)
            raise exception.BankGetObjectFailed(key=key, reason=err)

    def get_object(self, key, context=None):
        response = self._get(key)
        with response['Body'] as body:
            data = body.read()
        return bank_plugin.decode_value(
            bank_plugin.kind_from_metadata(response.get('Metadata')), data)

    def get_object_stream(self, key, context=None):
        body = self._get(key)['Body']
        return body.iter_chunks(bank_plugin.CHUNK_SIZE)

    def delete_object(self, key, context=None):
        self._ensure_ready()
        try:
            # S3 deletes missing keys silently; the bank contract does not.
            self._call('head_object', Bucket=self._bucket, Key=key)
            self._call('delete_object', Bucket=self._bucket, Key=key)
        except Exception as err:
            if _not_found(err):
                raise exception.BankObjectNotFound(key=key)
            raise exception.BankDeleteObjectFailed(key=key, reason=err)

    def _iter_keys(self, prefix, start_after=None):
        """Yield keys in ascending order, page by page."""
        kwargs = {'Bucket': self._bucket, 'Prefix': prefix or '',
                  'MaxKeys': _PAGE}
        if start_after:
            kwargs['StartAfter'] = start_after
        while True:
            try:
                page = self._call('list_objects_v2', **kwargs)
            except Exception as err:
                raise exception.BankListObjectsFailed(reason=err)
            for obj in page.get('Contents', ()):
                yield obj['Key']
            if not page.get('IsTruncated'):
                return
            kwargs['ContinuationToken'] = page['NextContinuationToken']
            kwargs.pop('StartAfter', None)

    def list_objects(self, prefix=None, limit=None, marker=None,
                     sort_dir=None, context=None):
        self._ensure_ready()
        if sort_dir != 'desc':
            return list(itertools.islice(
                self._iter_keys(prefix, start_after=marker), limit))
        # S3 only lists ascending: scan up to the marker keeping the last
        # ``limit`` keys, so memory stays bounded by the limit.
        tail = collections.deque(maxlen=limit)
        for key in self._iter_keys(prefix):
            if marker and key >= marker:
                break
            tail.append(key)
        return list(reversed(tail))
