"""What importing the plugin adds to an ``openstack`` run, as JSON.

OSC imports every plugin, and every command module of every plugin, as it
starts. This script does OSC's start-up imports with osc_portsec blocked,
then imports the plugin and its command module on their own and prints
the modules they added and the time they took. Used by the unit tests
(no foreign modules) and by tools/benchmark.py (the time).
"""

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

before = set(sys.modules)
start = time.perf_counter()
import osc_portsec.plugin  # noqa: E402,F401
import osc_portsec.v2.explain  # noqa: E402,F401
import osc_portsec.v2.pair  # noqa: E402,F401
import osc_portsec.v2.port_security  # noqa: E402,F401
import osc_portsec.v2.toggle  # noqa: E402,F401
import osc_portsec.v2.vip  # noqa: E402,F401
elapsed = time.perf_counter() - start
print(json.dumps({
    'ms': elapsed * 1000,
    'added': sorted(set(sys.modules) - before),
}))
