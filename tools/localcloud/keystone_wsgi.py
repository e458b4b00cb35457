"""WSGI shim for Keystone under gunicorn (used by tools/devcloud).

oslo.config parses sys.argv, so gunicorn's own arguments must be hidden
before the application module is imported. Config comes from the
OS_KEYSTONE_CONFIG_DIR environment variable set by tools/devcloud.
"""
import sys

sys.argv = sys.argv[:1]

from keystone.wsgi.api import application  # noqa: E402,F401
