"""What importing the plugin adds to an ``openstack`` run, as JSON.

OSC imports every plugin, and every command class of every plugin, as it
starts. This script does OSC's start-up imports with osc_portsec blocked,
then loads the plugin and every command entry point the installed package
declares (as stevedore does for cliff) and prints the modules they added
and the time they took. Used by the unit tests (which modules) and by
tools/benchmark.py (the time).
"""

import importlib.metadata
import json
import sys
import time


class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'osc_portsec':
            raise ImportError(name)


sys.meta_path.insert(0, Block())
import openstackclient.network.v2.port  # noqa: E402,F401
import openstackclient.shell  # noqa: E402,F401
del sys.meta_path[0]

entry_points = [
    ep for group in ('openstack.cli.extension', 'openstack.portsec.v2')
    for ep in importlib.metadata.entry_points(group=group)
    if ep.value.startswith('osc_portsec')
]
before = set(sys.modules)
start = time.perf_counter()
for ep in entry_points:
    ep.load()
elapsed = time.perf_counter() - start
print(json.dumps({
    'ms': elapsed * 1000,
    'entry_points': len(entry_points),
    'added': sorted(set(sys.modules) - before),
}))
