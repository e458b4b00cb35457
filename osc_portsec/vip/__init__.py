"""``port security vip``: a keepalived/VRRP virtual IP and its members.

The VIP is an unbound Neutron port holding the address, tagged so that the
tool finds exactly the VIPs it made; each member carries the address as a
single-IP allowed address pair with its own MAC.
"""
