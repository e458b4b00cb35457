"""``openstack port security explain``: would this packet pass the port?

Imported when the command is built (see :mod:`osc_portsec`);
the evaluator is imported when the command runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from osc_lib.command import command

import osc_portsec
from osc_portsec.v2 import common

_EPILOG = """examples:
  would 10.0.0.9 reach SSH on web-1?
    openstack port security explain web-1 --ingress --protocol tcp \\
        --port 22 --remote-ip 10.0.0.9
  may the router VM send from 192.168.5.7 (not its own address)?
    openstack port security explain fw-1 --egress --local-ip 192.168.5.7 \\
        --remote-ip 10.0.0.1
  do the VRRP peers hear each other? (fails with exit 2 when not)
    openstack port security explain lb-1 --ingress --protocol vrrp \\
        --remote-ip 10.0.0.11 --expect pass
"""


class ExplainPortSecurity(osc_portsec.ExplainPortSecurity, common.Command,
                          command.ShowOne):

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = _EPILOG
        parser.add_argument(
            'port', metavar='<port>',
            help='Port (name, ID or fixed IP address)')
        direction = parser.add_mutually_exclusive_group(required=True)
        direction.add_argument(
            '--ingress', dest='direction', action='store_const',
            const='ingress', help='The packet comes in to the port')
        direction.add_argument(
            '--egress', dest='direction', action='store_const',
            const='egress', help='The packet goes out of the port')
        _packet_arguments(parser)
        parser.add_argument(
            '--backend', choices=common.BACKENDS,
            help='Apply this back end\'s semantics (default: the one the '
                 'port\'s binding shows, else ovn)')
        parser.add_argument(
            '--network', metavar='<network>',
            help='Look up port names and fixed IPs on this network only '
                 '(name or ID)')
        common.add_expect(parser)
        parser.add_argument(
            '--long', action='store_true',
            help='Also list every rule considered and why it did or did not '
                 'match')
        return parser

    subject = common.port_subject

    def act(self, parsed_args: argparse.Namespace) -> tuple:
        from osc_portsec import columns
        from osc_portsec.explain import packet as _packet
        from osc_portsec.explain import prepare
        from osc_portsec.explain import verdict
        from osc_portsec import lookup
        from osc_portsec import port_state

        wanted = _packet.parse(
            parsed_args.direction, parsed_args.protocol,
            parsed_args.dst_port, parsed_args.icmp_type,
            parsed_args.icmp_code, parsed_args.remote_ip,
            parsed_args.local_ip, parsed_args.local_mac,
            parsed_args.ethertype)
        client = common.network(self.app)
        net_id = lookup.network_id(client, parsed_args.network)
        port = lookup.find_port(client, parsed_args.port, net_id)
        # Without security groups nothing this command models filters
        # the port; a verdict from an empty group list would be false.
        port_state.require(port, 'security_groups', parsed_args.port,
                           'there are no security groups to explain')
        facts = prepare.prepare(client, port, wanted)
        packet = _packet.complete(wanted, list(facts.port.fixed_ips),
                                  facts.port.mac_address)
        answer = verdict.explain(facts, packet, parsed_args.backend,
                                 parsed_args.long)
        self.not_as_expected = _disagreement(parsed_args.expect, answer)
        return columns.show(answer.to_dict(), columns.EXPLAIN, parsed_args)


def _packet_arguments(parser: argparse.ArgumentParser) -> None:
    """The packet: protocol, port, ICMP type and code, addresses."""
    common.add_packet_arguments(parser)
    parser.add_argument(
        '--remote-ip', metavar='<ip-address>',
        help='The other end: the source of ingress, the destination of '
             'egress')
    parser.add_argument(
        '--local-ip', metavar='<ip-address>',
        help='The VM\'s side: the destination of ingress, the source of '
             'egress (default: the port\'s first fixed IP of the '
             'packet\'s IP version)')
    parser.add_argument(
        '--local-mac', metavar='<mac-address>',
        help='The VM\'s MAC: the source of egress, the destination of '
             'ingress (default: the port\'s MAC; for ingress to a '
             'broadcast or multicast address, its group MAC)')
    common.add_ethertype(parser)


def _disagreement(expect: str | None, answer: Any) -> str | None:
    if expect is None or answer.verdict == expect:
        return None
    return (f'Expected {expect}, but the verdict is {answer.verdict} '
            f'({answer.decided_by}): {answer.reason}')
