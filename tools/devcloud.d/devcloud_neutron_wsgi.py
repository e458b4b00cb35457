"""WSGI shim for the Neutron API under gunicorn (used by tools/devcloud).

oslo.config parses sys.argv, so gunicorn's own arguments must be hidden
before the application module is imported. Config comes from the
OS_NEUTRON_CONFIG_DIR / OS_NEUTRON_CONFIG_FILES environment variables set
by tools/devcloud.
"""
import sys

sys.argv = sys.argv[:1]

from neutron.wsgi.api import application  # noqa: E402,F401
