"""Profiles: the same cloud with Neutron under another configuration.

Each profile is a real Neutron configuration: options written to
etc/neutron/profile.conf (read after neutron.conf and ml2_conf.ini, so they
win), and API extensions Neutron unloads at start.
"""

from __future__ import annotations

import os

from localcloud import conffiles
from localcloud import config

PROFILES: dict[str, tuple[str, tuple[str, ...]]] = {
    'default': ('', ()),
    'no-port-security': ('[ml2]\nextension_drivers =\n', ()),
    'no-security-groups': (
        '[securitygroup]\nenable_security_group = false\n', ()),
    'paged': ('[DEFAULT]\npagination_max_limit = %d\n' % config.PAGE_SIZE,
              ()),
    # The revisions service plugin, which carries revision-if-match, is
    # loaded by default with ML2 and no option turns it off; the extension is
    # unloaded the way Neutron unloads a default extension that fails to
    # load, so Neutron itself answers If-Match with its own 400.
    'no-revision-if-match': ('', ('revision-if-match',)),
}


def profile() -> str:
    """The profile Neutron runs (or last ran) with; 'default' before any."""
    try:
        with open(config.PROFILE_FILE) as f:
            name = f.read().strip()
    except OSError:
        return 'default'
    return name if name in PROFILES else 'default'


def unloaded_extensions() -> tuple[str, ...]:
    """The API extensions Neutron unloads under the current profile."""
    return PROFILES[profile()][1]


def profile_conf() -> str:
    return os.path.join(config.ETC, 'neutron', config.PROFILE_CONF)


def write_profile(name: str) -> None:
    """Write the profile's Neutron options; Neutron reads them at start."""
    conffiles.write(profile_conf(),
                    '# Written by tools/devcloud: profile %s\n%s'
                    % (name, PROFILES[name][0]))
    conffiles.write(config.PROFILE_FILE, name + '\n')


def describe_profile(name: str) -> str:
    options, unloaded = PROFILES[name]
    if name == profile():
        # What Neutron was started with (DEVCLOUD_PAGE_SIZE may differ in
        # the environment asking now).
        try:
            with open(profile_conf()) as f:
                options = f.read()
        except OSError:
            pass
    said = [line for line in options.splitlines()
            if line and not line.startswith(('[', '#'))]
    said += ['extension %s unloaded' % e for e in unloaded]
    return '%s (%s)' % (name, '; '.join(said) or "Neutron's defaults")
