"""Read and write a sandbox share's files (its admin API), as a client
that mounted the share would."""

import requests


def _url(base_url, share_id, path=None):
    url = '%s/sandbox/shares/%s/files' % (base_url, share_id)
    return url + '/' + path if path else url


def write(base_url, share_id, files):
    """Write ``files`` (path -> bytes) into the share."""
    for path, data in files.items():
        resp = requests.put(_url(base_url, share_id, path), data=data,
                            timeout=10)
        resp.raise_for_status()


def delete(base_url, share_id, path):
    requests.delete(_url(base_url, share_id, path),
                    timeout=10).raise_for_status()


def read(base_url, share_id):
    """Every file of the share: path -> bytes."""
    resp = requests.get(_url(base_url, share_id), timeout=10)
    resp.raise_for_status()
    found = {}
    for path in resp.json()['files']:
        got = requests.get(_url(base_url, share_id, path), timeout=10)
        got.raise_for_status()
        found[path] = got.content
    return found
