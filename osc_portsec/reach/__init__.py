"""Can A reach B: one packet judged at both ends, and its answer back.

Pure code but ``prepare``: ``flow`` is the packet from one end to the other
(and the reply), ``conntrack`` what connection tracking adds between two
ends (the replies), ``follow`` composes explain's per-port ``judge`` at the
source and at the destination, ``fix`` and ``trace`` say what would change
the verdict and how to confirm it, ``answer`` is the JSON contract of
``reach`` and ``matrix`` the same question for every ordered pair of a set
of ports. Everything one port decides is explain's evaluator's.
"""
