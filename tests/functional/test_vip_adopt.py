"""``vip adopt`` takes over a keepalived VIP made by hand, and nothing
that passes changes.

Two VMs run keepalived (the Debian package, VRRPv3, unicast peers) for an
address their ports got by hand as an allowed address pair, with a VRRP
rule made by hand; a third VM is the client. Once with a port made by hand
to hold the address, once without (adopt then creates it). What is
proven, with real packets through ML2/OVN:

- the same probes (pings to the VIP and to each member, a member sending
  from the VIP, the client and a member spoofing) pass or drop the same
  way before ``vip adopt``, after it, and after ``vip delete`` of the
  adopted VIP;
- keepalived fails over before adopt and after it (the client reaches
  the address on the backup);
- adopt changes no pair, group, rule or port-security flag; ``vip check``
  passes after it (and before it, where a port holds the address);
- ``vip delete`` of the adopted VIP keeps the port that held the address
  and every pair, and deletes a reservation adopt created.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any, Iterator

import pytest

from tests.functional import conftest
from tests.functional import keepalived
from tests.functional import packets

VIP = ('port', 'security', 'vip')
CIDR = '10.84.0.0/24'
ADDRESS = '10.84.0.200'   # outside the allocation pool
OTHER = '10.84.0.201'     # in no pair
FAILOVER_LIMIT = 5.0


@pytest.fixture(scope='module')
def ready(cli: conftest.Cli) -> None:
    keepalived.require()


@pytest.fixture(params=['reserved', 'unreserved'])
def lab(request: Any, sdk: Any, ready: None) -> Iterator[dict[str, Any]]:
    """A VIP made by hand: pairs, a VRRP rule, a holder or none; VMs."""
    made: dict[str, Any] = {'reserved': request.param == 'reserved'}
    with contextlib.ExitStack() as undo:
        net = sdk.network.create_network(name=conftest.unique('vipadopt'))
        undo.callback(sdk.network.delete_network, net.id)
        sdk.network.create_subnet(
            network_id=net.id, ip_version=4, cidr=CIDR, enable_dhcp=False,
            allocation_pools=[{'start': '10.84.0.10', 'end': '10.84.0.99'}],
            name=net.name)
        group = sdk.network.create_security_group(
            name=conftest.unique('vipadopt'))
        undo.callback(sdk.network.delete_security_group, group.id)
        undo.callback(_delete_ports, sdk, net.id)
        for protocol, extra in (('icmp', {}), ('udp', {
                'port_range_min': 5001, 'port_range_max': 5001})):
            sdk.network.create_security_group_rule(
                security_group_id=group.id, direction='ingress',
                ether_type='IPv4', protocol=protocol, remote_ip_prefix=CIDR,
                **extra)
        sdk.network.create_security_group_rule(
            security_group_id=group.id, direction='ingress',
            ether_type='IPv4', protocol='vrrp', remote_group_id=group.id)
        for role in ('a', 'b', 'client'):
            pairs = ([{'ip_address': ADDRESS}] if role != 'client' else [])
            port = sdk.network.create_port(
                network_id=net.id, name=conftest.unique(f'vipadopt-{role}'),
                security_group_ids=[group.id], allowed_address_pairs=pairs)
            vm = packets.create_vm(port.id)
            undo.callback(packets.delete_vm, vm)
            made[role] = vm
        if made['reserved']:
            made['holder'] = sdk.network.create_port(
                network_id=net.id, name=conftest.unique('vipadopt-vip'),
                fixed_ips=[{'ip_address': ADDRESS}])
        made.update(network=net, group=group)
        yield made


def _delete_ports(sdk: Any, network_id: str) -> None:
    for port in list(sdk.network.ports(network_id=network_id)):
        sdk.network.delete_port(port.id, ignore_missing=True)


def probes(lab: dict[str, Any], master: keepalived.Keepalived,
           backup: keepalived.Keepalived) -> dict[str, bool]:
    """What passes and what drops around the VIP, with real packets."""
    a, b, client = lab['a'], lab['b'], lab['client']
    return {
        'client pings the VIP': packets.ping(client, ADDRESS),
        'client pings a': packets.ping(client, a.ip),
        'client pings b': packets.ping(client, b.ip),
        'master sends from the VIP': packets.udp_arrives(
            master.vm, client, src_ip=ADDRESS),
        'backup sends from the VIP': packets.udp_arrives(
            backup.vm, client, src_ip=ADDRESS),
        'client spoofs the VIP': _short(packets.udp_arrives, client, a,
                                        src_ip=ADDRESS),
        'a sends from another address': _short(
            packets.udp_arrives, a, client, src_ip=OTHER),
        'one member holds the VIP': keepalived.wait_holder(
            [master, backup], 10) is not None,
    }


def _short(check: Any, *args: Any, **kwargs: Any) -> bool:
    """A probe expected to drop: time to settle, then a short window."""
    time.sleep(packets.SETTLE)
    return bool(check(*args, window=packets.DROP_WINDOW, **kwargs))


def fail_over(lab: dict[str, Any], master: keepalived.Keepalived,
              backup: keepalived.Keepalived) -> float:
    """Stop the master; the client reaches the VIP on the backup.

    Then the master comes back and takes the address again (it has the
    higher priority). The gap the client saw is returned.
    """
    pinger = keepalived.Pinger(lab['client'], ADDRESS, 30)
    try:
        assert pinger.reply_after(0, 10) is not None
        stopped = time.time()
        master.stop()
        answered = pinger.reply_after(stopped, FAILOVER_LIMIT + 5)
        assert answered is not None, _logs([master, backup])
        assert keepalived.wait_holder([master, backup], 5) is backup
    finally:
        pinger.close()
    master.start()
    end = time.monotonic() + 15
    while not (master.holds() and not backup.holds()):
        assert time.monotonic() < end, _logs([master, backup])
        time.sleep(0.2)
    return answered - stopped


def state(sdk: Any, lab: dict[str, Any]) -> dict[str, Any]:
    """What decides what passes.

    Every port's pairs, groups, flag and fixed IPs, and the group's rules
    (the VIP port's tags and name aside).
    """
    ports = {p.id: (sorted((x['ip_address'], x['mac_address'])
                           for x in p.allowed_address_pairs or []),
                    sorted(p.security_group_ids or []),
                    p.is_port_security_enabled, [ip['ip_address']
                                                 for ip in p.fixed_ips])
             for p in sdk.network.ports(network_id=lab['network'].id)}
    rules = sorted(r.id for r in sdk.network.security_group_rules(
        security_group_id=lab['group'].id))
    return {'ports': ports, 'rules': rules}


def check(cli: conftest.Cli, lab: dict[str, Any],
          cloud: str = 'demo') -> tuple[int, list[dict[str, Any]]]:
    result = cli.run(*VIP, 'check', ADDRESS, '--network',
                     lab['network'].id, '-f', 'json', cloud=cloud)
    assert result.returncode in (0, 2), result.stderr
    return result.returncode, result.data


def failed(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['check']} {r['subject']}: {r['detail']}" for r in rows
            if not r['ok']]


def test_adopt_changes_nothing_that_passes(cli, sdk, lab, tmp_path, capsys):
    a, b = lab['a'], lab['b']
    pairs = [keepalived.Keepalived(a, [b.ip], ADDRESS, 150, tmp_path),
             keepalived.Keepalived(b, [a.ip], ADDRESS, 100, tmp_path)]
    master, backup = pairs
    try:
        for k in pairs:
            k.start()
        assert keepalived.wait_holder(pairs, 15) is master, _logs(pairs)
        gaps = [fail_over(lab, master, backup)]
        before = probes(lab, master, backup)
        code, rows = check(cli, lab)
        if lab['reserved']:
            assert code == 0, failed(rows)
        else:
            assert [r['check'] for r in rows if not r['ok']] == [
                'address_reserved']
        cloud_before = state(sdk, lab)

        name = (lab['holder'].name if lab['reserved']
                else conftest.unique('vip'))
        rows = cli.ok(*VIP, 'adopt', name, '--network', lab['network'].id,
                      '--ip-address', ADDRESS)
        assert [r['result'] for r in rows] == [
            'adopted' if lab['reserved'] else 'created', 'unchanged',
            'unchanged']
        after_adopt = state(sdk, lab)
        vip_id = rows[0]['id']
        cloud_before['ports'].setdefault(vip_id, after_adopt['ports'][vip_id])
        assert after_adopt == cloud_before
        assert probes(lab, master, backup) == before
        code, rows = check(cli, lab)
        assert code == 0, failed(rows)
        gaps.append(fail_over(lab, master, backup))
        # OVN binds the virtual port when a member announces the address
        # (keepalived's gratuitous ARP): a reservation adopt made is shown
        # held once a member announced it again, here after the failover.
        held = [r for r in check(cli, lab, cloud='admin')[1]
                if r['check'] == 'held_by'][0]['detail']
        assert held.startswith(f'Neutron shows {ADDRESS} active on host'), (
            held)

        rows = cli.ok(*VIP, 'delete', name)
        assert rows[0]['result'] == ('untagged' if lab['reserved']
                                     else 'deleted')
        assert {r['result'] for r in rows[1:]} == {'unchanged'}
        left = state(sdk, lab)
        if not lab['reserved']:
            del after_adopt['ports'][vip_id]
        assert left == after_adopt
        assert probes(lab, master, backup) == before
        with capsys.disabled():
            print(f"\nvip adopt ({'with' if lab['reserved'] else 'without'}"
                  f" a holder): {sum(before.values())} of {len(before)} "
                  f"probes pass, the same before and after; failover "
                  f"{gaps[0]:.2f} s before adopt, {gaps[1]:.2f} s after")
    finally:
        for k in pairs:
            k.kill()


def _logs(pairs: list[keepalived.Keepalived]) -> str:
    return '\n'.join(f'--- {k.log}\n{k.log.read_text()[-2000:]}'
                     for k in pairs if k.log.exists())
