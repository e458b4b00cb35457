"""Would this packet pass a port, what decides it, and what would change it.

Pure code, no I/O: ``packet`` models and normalises the packet,
``facts`` holds what was read from Neutron, ``backend`` picks the
data-plane semantics, ``evaluate`` gives the verdict. ``prepare`` is the
one place that reads from Neutron.
"""
