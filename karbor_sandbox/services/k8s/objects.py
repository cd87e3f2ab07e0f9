"""Generic Kubernetes object storage: metadata, selectors, patches.

Objects are stored under service ``k8s`` with the resource plural as kind,
keyed ``<namespace>/<name>`` (or ``<name>`` when cluster scoped).
"""

import copy
import datetime

import jsonpatch

from karbor_sandbox import utils
from karbor_sandbox import wsgi

S = 'k8s'
# plural -> (Kind, namespaced)
KINDS = {'namespaces': ('Namespace', False), 'pods': ('Pod', True),
         'persistentvolumeclaims': ('PersistentVolumeClaim', True),
         'persistentvolumes': ('PersistentVolume', False)}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def key(namespace, name):
    return '%s/%s' % (namespace, name) if namespace else name


def not_found(plural, name):
    return wsgi.HTTPError(404, '%s "%s" not found' % (plural, name),
                          reason='NotFound',
                          details={'name': name, 'kind': plural})


def next_version(store):
    """A cluster-wide, increasing resourceVersion."""
    with store.transaction():
        doc = store.get(S, 'meta', 'rv') or {'id': 'rv', 'value': 0}
        doc['value'] += 1
        store.put(S, 'meta', doc)
    return str(doc['value'])


def load(store, plural, namespace, name):
    doc = store.get(S, plural, key(namespace, name))
    if doc is None:
        raise not_found(plural, name)
    return doc['object']


def save(store, plural, obj):
    """Store an object (bumping its resourceVersion)."""
    meta = obj['metadata']
    meta['resourceVersion'] = next_version(store)
    store.put(S, plural, {'id': key(meta.get('namespace'), meta['name']),
                          'object': obj}, parent=meta.get('namespace'))
    return obj


def remove(store, plural, obj):
    meta = obj['metadata']
    store.delete(S, plural, key(meta.get('namespace'), meta['name']))


def new(store, plural, namespace, body):
    """Validate a created object and fill the server-set metadata."""
    kind, namespaced = KINDS[plural]
    obj = copy.deepcopy(body)
    meta = obj.setdefault('metadata', {})
    if not meta.get('name') and meta.get('generateName'):
        meta['name'] = meta['generateName'] + utils.new_hex()[:5]
    if not meta.get('name'):
        raise wsgi.HTTPError(422, '%s "" is invalid: metadata.name: '
                             'Required value: name or generateName is '
                             'required' % kind, reason='Invalid')
    if store.get(S, plural, key(namespace, meta['name'])):
        raise wsgi.HTTPError(409, '%s "%s" already exists'
                             % (plural, meta['name']),
                             reason='AlreadyExists',
                             details={'name': meta['name'], 'kind': plural})
    if plural == 'pods' and not (obj.get('spec') or {}).get('containers'):
        raise wsgi.HTTPError(422, 'Pod "%s" is invalid: spec.containers: '
                             'Required value' % meta['name'],
                             reason='Invalid',
                             details={'name': meta['name'], 'kind': 'Pod',
                                      'causes': [{
                                          'reason': 'FieldValueRequired',
                                          'message': 'Required value',
                                          'field': 'spec.containers'}]})
    obj.update(kind=kind, apiVersion='v1')
    if namespaced:
        meta['namespace'] = namespace
    meta.update(uid=utils.new_uuid(), creationTimestamp=now(),
                generation=1)
    meta.setdefault('labels', {})
    return obj


def _label_match(labels, term):
    term = term.strip()
    if not term:
        return True
    if '!=' in term:
        k, v = term.split('!=', 1)
        return labels.get(k.strip()) != v.strip()
    if '=' in term:
        k, v = term.replace('==', '=').split('=', 1)
        return labels.get(k.strip()) == v.strip()
    if term.startswith('!'):
        return term[1:] not in labels
    return term in labels


def _field(obj, path):
    for part in path.split('.'):
        obj = (obj or {}).get(part) if isinstance(obj, dict) else None
    return obj


def select(objs, label_selector=None, field_selector=None):
    """Filter by equality-based label and field selectors."""
    out = []
    for obj in objs:
        labels = obj['metadata'].get('labels') or {}
        if label_selector and not all(_label_match(labels, t)
                                      for t in label_selector.split(',')):
            continue
        if field_selector and not all(_field_match(obj, t)
                                      for t in field_selector.split(',')):
            continue
        out.append(obj)
    return out


def _field_match(obj, term):
    neg = '!=' in term
    path, value = term.replace('!=', '=').replace('==', '=').split('=', 1)
    return (str(_field(obj, path.strip())) == value.strip()) != neg


def patch(obj, body, content_type):
    """Apply a JSON patch (a list) or a merge patch (a dict)."""
    if isinstance(body, list) or 'json-patch' in (content_type or ''):
        try:
            return jsonpatch.apply_patch(obj, body)
        except (jsonpatch.JsonPatchException,
                jsonpatch.JsonPointerException) as exc:
            raise wsgi.HTTPError(422, str(exc), reason='Invalid')
    return _merge(obj, body)


def _merge(target, changes):
    if not isinstance(changes, dict):
        return changes
    result = dict(target) if isinstance(target, dict) else {}
    for k, v in changes.items():
        if v is None:
            result.pop(k, None)
        else:
            result[k] = _merge(result.get(k), v)
    return result
