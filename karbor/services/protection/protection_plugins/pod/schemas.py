"""Schemas of the pod protection plugin (``provider-show``)."""

OPTIONS_SCHEMA = {
    "title": "Pod Protection Options",
    "type": "object",
    "properties": {},
    "required": []
}

RESTORE_SCHEMA = {
    "title": "Pod Protection Restore",
    "type": "object",
    "properties": {
        "restore_name": {
            "type": "string",
            "title": "Restore Name",
            "description": "The name of the restored pod (default "
                           "karbor-restored-pod-<restore id>); its claims "
                           "and persistent volumes are named "
                           "<restore name>-<claim name>.",
            "default": None
        }
    },
    "required": []
}

SAVED_INFO_SCHEMA = {
    "title": "Pod Protection Saved Info",
    "type": "object",
    "properties": {
        "namespace": {
            "type": "string",
            "title": "Namespace",
            "description": "The namespace of the pod."
        },
        "pod_metadata": {
            "type": "object",
            "title": "Pod Manifest",
            "description": "The saved manifest: apiVersion, kind, metadata "
                           "(labels, name, namespace) and spec "
                           "(containers, volumes, restartPolicy)."
        },
        "claims": {
            "type": "object",
            "title": "Claims",
            "description": "Per persistent volume claim of the pod: the "
                           "claim, its persistent volume and the Cinder "
                           "volume it maps to."
        }
    },
    "required": ["namespace", "pod_metadata"]
}
