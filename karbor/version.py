"""Karbor's version, from the package metadata."""

import pbr.version

version_info = pbr.version.VersionInfo('karbor')


def version_string():
    try:
        return version_info.version_string()
    except Exception:
        return 'unknown'
