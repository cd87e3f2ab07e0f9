"""Kubernetes API clients built from a provider's ``[k8s_client]`` section."""

from oslo_config import cfg

k8s_client_opts = [
    cfg.StrOpt('k8s_host', help='The Kubernetes API server URL.'),
    cfg.StrOpt('k8s_ssl_ca_cert', help='CA bundle of the API server.'),
    cfg.StrOpt('k8s_cert_file', help='Client certificate file.'),
    cfg.StrOpt('k8s_key_file', help='Client key file.'),
    cfg.StrOpt('k8s_token', secret=True,
               help='Bearer token, if the cluster uses token auth.'),
    cfg.BoolOpt('k8s_insecure', default=False,
                help='Do not verify the API server\'s certificate (test '
                     'clusters only). Otherwise it is verified against '
                     'k8s_ssl_ca_cert, or the system\'s CAs when unset.'),
]

CONF = cfg.CONF
CONF.register_opts(k8s_client_opts, group='k8s_client')


def list_opts():
    return [('k8s_client', k8s_client_opts)]


def create(conf=None):
    """A kubernetes ``CoreV1Api`` configured from ``[k8s_client]``."""
    from kubernetes import client
    group = (conf or CONF).k8s_client
    configuration = client.Configuration()
    configuration.host = group.k8s_host
    configuration.ssl_ca_cert = group.k8s_ssl_ca_cert
    configuration.cert_file = group.k8s_cert_file
    configuration.key_file = group.k8s_key_file
    configuration.verify_ssl = not group.k8s_insecure
    if group.k8s_token:
        configuration.api_key = {'authorization': 'Bearer ' +
                                 group.k8s_token}
    return client.CoreV1Api(client.ApiClient(configuration))
