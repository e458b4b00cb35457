"""``vip check`` and ``vip list --unmanaged`` on VIPs built by hand.

Every VIP here is made the way operators make them, straight through
Neutron's API (a port holding the address or none, pairs given to the
members, a VRRP rule or not); the commands under test run through the
installed ``openstack`` binary. Each check is shown passing and failing.
Where the data plane runs, what a check says about OVN is compared with
OVN's own northbound and southbound databases.
"""

from __future__ import annotations

import re
import subprocess
from typing import Any, Iterator

import pytest

from tests.functional.api import Api
from tests.functional import conftest
from tests.functional import packets

VIP = ('port', 'security', 'vip')
CIDR = '10.53.0.0/24'
VMAC = '00:00:5e:00:01:35'


@pytest.fixture(scope='module')
def net(api: Api, api_admin: Api) -> Iterator[dict[str, Any]]:
    """A network of the demo project with one subnet, gateway .1."""
    name = conftest.unique('vipcheck')
    made = api.create_network(name, CIDR, dhcp=False,
                              pool=('10.53.0.10', '10.53.0.99'))
    yield {'id': made['id'], 'name': name,
           'subnet_id': made['subnets'][0]['id']}
    api_admin.delete_network(made['id'])


@pytest.fixture
def port(api: Api, api_admin: Api,
         net: dict[str, Any]) -> Iterator[Any]:
    """Make ports on the network (``openstack port create`` options)."""
    made: list[tuple[Api, str]] = []

    def make(*options: str, cloud: Api | None = None) -> dict[str, Any]:
        owner = cloud or api
        created = owner.create_port(net['id'], conftest.unique('vc'),
                                    *options)
        made.append((owner, created['id']))
        return created
    yield make
    for owner, port_id in reversed(made):
        owner.delete_port(port_id)


def check(cli: conftest.Cli, *args: str) -> tuple[int, list[dict]]:
    """Run ``vip check``; its exit status and its rows."""
    result = cli.run(*VIP, 'check', *args, '-f', 'json')
    assert result.returncode in (0, 2), result.stderr
    assert 'Traceback' not in result.stderr
    return result.returncode, result.data


def rows_of(rows: list[dict], name: str) -> list[dict]:
    return [r for r in rows if r['check'] == name]


def verdict(rows: list[dict], name: str, subject: Any = None) -> bool:
    found = [r for r in rows_of(rows, name)
             if subject is None or r['subject'] == subject]
    assert len(found) == 1, (name, subject, rows)
    return bool(found[0]['ok'])


def detail(rows: list[dict], name: str, subject: Any = None) -> str:
    return next(r['detail'] for r in rows_of(rows, name)
                if subject is None or r['subject'] == subject)


def pair(address: str, mac: str | None = None) -> str:
    return f'--allowed-address=ip-address={address}' + (
        f',mac-address={mac}' if mac else '')


def ovn(db: str, *args: str) -> str:
    sock = packets.STATE / 'run' / 'ovn' / f'ovn{db}_db.sock'
    return subprocess.run([f'ovn-{db}ctl', f'--db=unix:{sock}', *args],
                          capture_output=True, text=True, check=True,
                          timeout=60).stdout


def dataplane() -> bool:
    return packets.unavailable() is None


def test_address_checks(cli, net, port):
    # A VIP outside the subnet, the gateway, a DHCP port's address.
    for address in ('10.99.0.5', '10.53.0.1'):
        port(pair(address))
        port(pair(address))
    port('--device-owner', 'network:dhcp',
         '--fixed-ip', 'ip-address=10.53.0.2')
    port(pair('10.53.0.2'))
    port(pair('10.53.0.2'))
    code, rows = check(cli, '10.99.0.5', '--network', net['name'])
    assert code == 2
    assert not verdict(rows, 'address_in_subnet')
    assert 'outside every subnet of network' in detail(
        rows, 'address_in_subnet')
    code, rows = check(cli, '10.53.0.1', '--network', net['id'])
    assert verdict(rows, 'address_in_subnet')
    assert not verdict(rows, 'address_not_reserved')
    assert detail(rows, 'address_not_reserved') == (
        f"10.53.0.1 is the gateway of {net['name']} ({CIDR}): the router "
        f"answers for it.")
    # A port holds it: found without --network.
    code, rows = check(cli, '10.53.0.2')
    assert not verdict(rows, 'address_not_reserved')
    assert "10.53.0.2 is the address of Neutron's DHCP port" in detail(
        rows, 'address_not_reserved')
    assert not verdict(rows, 'address_reserved')
    assert ("is Neutron's DHCP port, not a reservation" in
            detail(rows, 'address_reserved'))


def test_reservation(cli, api_admin, net, port):
    # No port holds .150; an unbound port holds .151; a port attached to
    # a server holds .152, bound to the chassis before the members got
    # their pairs (as Nova binds it).
    bound = port('--fixed-ip', 'ip-address=10.53.0.152', '--device-owner',
                 'compute:nova', '--device', conftest.unique('server'),
                 '--host', _hostname(), cloud=api_admin)
    for address in ('10.53.0.150', '10.53.0.151', '10.53.0.152'):
        port(pair(address))
        port(pair(address))
    held = port('--fixed-ip', 'ip-address=10.53.0.151')
    code, rows = check(cli, '10.53.0.150', '--network', net['id'])
    assert not verdict(rows, 'address_reserved')
    [row] = rows_of(rows, 'address_reserved')
    assert row['fix'] == [f"openstack port security vip adopt <name> "
                          f"--network {net['id']} --ip-address 10.53.0.150"]
    code, rows = check(cli, '10.53.0.151')
    assert verdict(rows, 'address_reserved', held['id'])
    code, rows = check(cli, '10.53.0.152')
    assert code == 2
    assert not verdict(rows, 'address_reserved', bound['id'])
    assert 'belongs to server' in detail(rows, 'address_reserved')
    if dataplane():
        # OVN agrees: the unbound holder is virtual, the bound one not.
        assert _lsp(held['id'])['type'] == 'virtual'
        assert _lsp(bound['id'])['type'] == '""'


def test_member_pairs(cli, net, port):
    address = '10.53.0.160'
    holder = port('--fixed-ip', f'ip-address={address}')
    single = port(pair(address))
    prefixed = port(pair(address + '/32'))
    cidr = port(pair('10.53.0.128/26'))
    vmac = port(pair(address, VMAC))
    code, rows = check(cli, address)
    assert code == 2
    said = {r['subject']: (r['ok'], r['detail'], r['fix'])
            for r in rows_of(rows, 'member_pair')}
    assert said[single['id']][0] is True
    assert said[prefixed['id']][0] is False
    assert 'only as 10.53.0.160/32' in said[prefixed['id']][1]
    assert said[prefixed['id']][2][0] == (
        f"openstack port set --allowed-address ip-address={address} "
        f"{prefixed['id']}")
    assert said[cidr['id']][0] is False
    assert 'only in the CIDR pair 10.53.0.128/26' in said[cidr['id']][1]
    assert said[vmac['id']][0] is False
    assert f'only with MAC {VMAC}' in said[vmac['id']][1]
    if dataplane():
        # OVN's virtual parents are exactly the ports whose pair stores
        # the address itself (any MAC): the single and the vmac ones.
        parents = _lsp(holder['id'])['options']
        assert sorted(re.findall(r'[0-9a-f-]{36}', parents)) == sorted(
            [single['id'], vmac['id']])
    # The fix, applied as printed, passes the check for that member.
    for command in said[prefixed['id']][2]:
        result = cli.run(*command.split()[1:])
        assert result.returncode == 0, (command, result.stderr)
    code, rows = check(cli, address)
    assert verdict(rows, 'member_pair', prefixed['id'])


def test_member_port_security_outsider_and_vrrp(cli, api, net, port):
    group = api.create_group(conftest.unique('vc-vrrp'))
    try:
        a, b = (port('--security-group', group['id']) for _ in range(2))
        outsider = port()
        name = conftest.unique('vip')
        cli.ok(*VIP, 'create', name, '--network', net['id'],
               '--ip-address', '10.53.0.170', '--member', a['id'],
               '--member', b['id'], '--security-group', group['id'])
        code, rows = check(cli, name)
        # Nothing is plugged into the members here: they are DOWN.
        assert {r['check'] for r in rows if not r['ok']} == {
            'member_port_security'}
        assert 'is DOWN: nothing is plugged into it' in detail(
            rows, 'member_port_security', a['id'])
        assert verdict(rows, 'vrrp_between_members', a['id'])
        assert verdict(rows, 'no_outsider')
        # An outsider's pair; the VRRP rule removed by hand; a member's
        # port security disabled by hand (pairs and groups go with it).
        api.update_port(outsider['id'], allowed_address_pairs=[
            {'ip_address': '10.53.0.170'}])
        [rule] = [r for r in api.group(group['id'])['security_group_rules']
                  if r['protocol'] == 'vrrp']
        api.delete(f"/security-group-rules/{rule['id']}")
        api.update_port(b['id'], port_security_enabled=False,
                        allowed_address_pairs=[], security_groups=[])
        code, rows = check(cli, name)
        assert code == 2
        assert not verdict(rows, 'no_outsider', outsider['id'])
        assert rows_of(rows, 'no_outsider')[0]['fix'] == [
            f"openstack port security pair remove {outsider['id']} "
            f"--allowed-address ip-address=10.53.0.170,mac-address="
            f"{outsider['mac_address']}"]
        assert not verdict(rows, 'member_port_security', b['id'])
        assert [r['fix'] for r in rows_of(rows, 'member_port_security')
                if r['subject'] == b['id']] == [
            [f"openstack port security enable {b['id']}"]]
        assert not verdict(rows, 'member_pair', b['id'])
        # b is unfiltered now (VRRP reaches it); a drops b's VRRP.
        assert not verdict(rows, 'vrrp_between_members', a['id'])
        assert verdict(rows, 'vrrp_between_members', b['id'])
        cli.ok(*VIP, 'delete', name)
    finally:
        for made in api.ports(network_id=net['id']):
            if group['id'] in made['security_groups']:
                api.delete_port(made['id'])
        api.delete_group(group['id'])


def test_vmac(cli, net, port):
    address = '10.53.0.180'
    port('--fixed-ip', f'ip-address={address}')
    a = port(pair(address), pair(address, VMAC))
    b = port(pair(address))
    code, rows = check(cli, address)
    assert not rows_of(rows, 'vmac_pair')
    code, rows = check(cli, address, '--vmac')
    assert verdict(rows, 'vmac_pair', a['id'])
    assert not verdict(rows, 'vmac_pair', b['id'])
    assert [r['fix'] for r in rows_of(rows, 'vmac_pair')
            if r['subject'] == b['id']] == [[
                f"openstack port security pair add {b['id']} "
                f"--allowed-address ip-address={address},mac-address={VMAC}"]]


def test_floating_ip(cli, api, api_admin, net, port):
    """A floating IP on the holder, through a router on 10.99.0.0/24.

    The external network is a geneve network of the local cloud with a
    private range and no uplink: nothing leaves the machine. Its router
    has no gateway chassis here, so no packet crosses it; what OVN makes
    of the floating IP is read in its databases instead.
    """
    ext = api_admin.create_network(conftest.unique('vc-ext'), '10.99.0.0/24',
                                   dhcp=False)
    api_admin.put(f"/networks/{ext['id']}",
                  {'network': {'router:external': True}})
    router = api.post('/routers', {'router': {
        'name': conftest.unique('vc-router'),
        'external_gateway_info': {'network_id': ext['id']}}})['router']
    fips = []
    try:
        api.put(f"/routers/{router['id']}/add_router_interface",
                {'subnet_id': net['subnet_id']})
        virtual = port('--fixed-ip', 'ip-address=10.53.0.190')
        port(pair('10.53.0.190'))
        port(pair('10.53.0.190'))
        bound = port('--fixed-ip', 'ip-address=10.53.0.191',
                     '--device-owner', 'compute:nova', '--device',
                     conftest.unique('server'), '--host', _hostname(),
                     cloud=api_admin)
        port(pair('10.53.0.191'))
        # Both in the demo project, which owns the network and runs the
        # check (the admin may associate its own port).
        for holder in (virtual, bound):
            fips.append(api_admin.post('/floatingips', {'floatingip': {
                'floating_network_id': ext['id'],
                'project_id': virtual['project_id'],
                'port_id': holder['id']}})['floatingip'])
        code, rows = check(cli, '10.53.0.190')
        [row] = rows_of(rows, 'floating_ip')
        assert (row['ok'], row['subject']) == (
            True, fips[0]['floating_ip_address'])
        assert 'the port is virtual' in row['detail']
        code, rows = check(cli, '10.53.0.191')
        [row] = rows_of(rows, 'floating_ip')
        assert row['ok'] is False
        assert (f"the router sends its traffic to the port's own MAC "
                f"{bound['mac_address']}") in row['detail']
        if dataplane():
            ovn('nb', '--wait=sb', 'sync')
            flows = ovn('sb', 'lflow-list', f"neutron-{router['id']}")
            # Virtual: resolved by ARP to the member holding it; bound:
            # the holder's own MAC, whoever holds the address.
            assert re.search(r'reg0 == 10\.53\.0\.190\), action=\(eth\.dst '
                             r'= 00:00:00:00:00:00', flows), flows
            assert re.search(r'reg0 == 10\.53\.0\.191\), action=\(eth\.dst '
                             r'= ' + bound['mac_address'], flows), flows
    finally:
        for fip in fips:
            api_admin.delete(f"/floatingips/{fip['id']}")
        api.put(f"/routers/{router['id']}/remove_router_interface",
                {'subnet_id': net['subnet_id']})
        api.delete(f"/routers/{router['id']}")
        api_admin.delete_network(ext['id'])


def test_bad_input(cli, net):
    for args, text in (
            (['no-such-vip'], "No VIP named or with ID 'no-such-vip'"),
            (['10.53.0.250'], 'No port holds 10.53.0.250 as a fixed IP'),
            (['10.53.0.0/24'], "'10.53.0.0/24' is a CIDR"),
            (['x', '--network', 'no-such-net'],
             "Network 'no-such-net' was not found")):
        result = cli.run(*VIP, 'check', *args)
        assert result.returncode == 1, (args, result.stdout)
        assert text in result.stderr
        assert 'Traceback' not in result.stderr


def neutron_requests(cli: conftest.Cli, *args: str) -> list[str]:
    result = cli.run(*args, '--debug')
    assert result.returncode in (0, 2), result.stderr[-2000:]
    return re.findall(r'REQ: curl -g -i -X (\w+ \S+/v2\.0/\S+)',
                      result.stderr)


def test_requests_whatever_the_members(cli, net, port):
    address = '10.53.0.200'
    port('--fixed-ip', f'ip-address={address}')
    for _ in range(8):
        port(pair(address))
    for args in ([address], [address, '--network', net['name']]):
        sent = neutron_requests(cli, *VIP, 'check', *args)
        assert 2 <= len(sent) <= 6, sent
    sent = neutron_requests(cli, *VIP, 'list', '--unmanaged', '--network',
                            net['name'])
    assert 1 <= len(sent) <= 3, sent


def test_unmanaged(cli, api, api_admin):
    """Two VIPs made by hand and one by the tool, on one network."""
    made = api.create_network(conftest.unique('vc-unmanaged'),
                              '10.54.0.0/24', dhcp=False)
    try:
        def port(*options: str) -> dict[str, Any]:
            return api.create_port(made['id'], conftest.unique('vc'),
                                   *options)
        reserved = port('--fixed-ip', 'ip-address=10.54.0.231')
        a = port(pair('10.54.0.230'), pair('10.54.0.231'))
        b = port(pair('10.54.0.230'))
        c, d = port(), port()
        cli.ok(*VIP, 'create', conftest.unique('vip'), '--network',
               made['id'], '--ip-address', '10.54.0.232', '--member',
               c['id'], '--member', d['id'])
        listed = cli.ok(*VIP, 'list', '--unmanaged', '--network',
                        made['name'])
        assert [r['ip_address'] for r in listed] == ['10.54.0.230',
                                                     '10.54.0.231']
        assert sorted(m['id'] for m in listed[0]['members']) == sorted(
            [a['id'], b['id']])
        assert listed[0]['reserved_by'] is None
        assert [m['id'] for m in listed[1]['members']] == [a['id']]
        assert listed[1]['reserved_by'] == reserved['id']
        assert {r['network'] for r in listed} == {made['id']}
        everywhere = cli.ok(*VIP, 'list', '--unmanaged')
        assert [r['ip_address'] for r in everywhere
                if r['network'] == made['id']] == ['10.54.0.230',
                                                   '10.54.0.231']
    finally:
        api_admin.delete_network(made['id'])


def _hostname() -> str:
    """The local chassis' hostname: ports bound to it are bound."""
    out = subprocess.run(
        ['ovs-vsctl', f"--db=unix:{packets.STATE / 'run' / 'ovs' / 'db.sock'}",
         'get', 'open', '.', 'external_ids:hostname'],
        capture_output=True, text=True, timeout=30)
    return out.stdout.strip().strip('"') or 'devcloud-host'


def _lsp(port_id: str) -> dict[str, str]:
    out = ovn('nb', '--columns=type,options', 'find', 'Logical_Switch_Port',
              f'name={port_id}')
    return {k.strip(): v.strip() for k, v in (
        line.split(':', 1) for line in out.splitlines() if ':' in line)}
