"""``port security vip``: a keepalived/VRRP virtual IP and its members.

The VIP is an unbound Neutron port holding the address, tagged so that the
tool finds exactly the VIPs it made; each member carries the address as a
single-IP allowed address pair with its own MAC. VIPs made by hand are
found (:mod:`~osc_portsec.vip.unmanaged`), checked against the whole VRRP
contract (:mod:`~osc_portsec.vip.check`) and adopted without a change to
what passes (:mod:`~osc_portsec.vip.adopt`).
"""
