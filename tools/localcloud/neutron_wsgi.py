"""WSGI shim for the Neutron API under gunicorn (used by tools/devcloud).

oslo.config parses sys.argv, so gunicorn's own arguments must be hidden
before the application module is imported. Config comes from the
OS_NEUTRON_CONFIG_DIR / OS_NEUTRON_CONFIG_FILES environment variables set
by tools/devcloud.

DEVCLOUD_UNLOAD_EXTENSIONS (comma-separated aliases) names API extensions
that Neutron unloads once it has loaded them, as its extension manager
unloads a default extension that fails to load: Neutron then answers as a
server without them (``GET /v2.0/extensions`` omits them, and a request
using ``revision-if-match`` gets Neutron's own 400).
"""
import os
import sys

sys.argv = sys.argv[:1]

from neutron.wsgi.api import application  # noqa: E402,F401


def _unload_extensions():
    aliases = [a for a in os.environ.get(
        'DEVCLOUD_UNLOAD_EXTENSIONS', '').split(',') if a]
    if not aliases:
        return
    from neutron.api import extensions
    manager = extensions.PluginAwareExtensionManager.get_instance()
    for alias in aliases:
        manager.extensions.pop(alias, None)


_unload_extensions()
