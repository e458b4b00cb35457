"""Can A reach B: one packet judged at both ends, and its answer back.

Pure code but ``prepare``: ``flow`` is the packet from one end to the other
(and the reply), ``conntrack`` what connection tracking adds at an end,
``follow`` composes explain's per-port ``judge`` at the source and at the
destination, ``fix`` and ``trace`` say what would change the verdict and
how to confirm it, ``answer`` is the JSON contract of ``reach`` and
``matrix`` the same question for every ordered pair of a set of ports.
``interim`` holds per-port behaviour measured on the data plane that
explain's evaluator does not have yet; it is kept apart so that it can go
when explain has it.
"""
