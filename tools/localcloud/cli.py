"""devcloud: a real, local OpenStack cloud (Keystone + Neutron) on 127.0.0.1.

Usage: tools/devcloud {start|stop|status|reset|env|destroy} [keystone|neutron]
       tools/devcloud start --api-only
       tools/devcloud start --profile PROFILE
       tools/devcloud vm {create NAME --port PORT|delete NAME|list|
                          exec NAME -- CMD...}

  start [SERVICE]   create the venv and provision on first run, start services
  stop [SERVICE]    stop services (SIGTERM, then SIGKILL); `stop` alone also
                    removes every VM namespace and interface it created
  status            per-service state; exit 0 only if all are healthy
  reset             stop, restore the pristine databases, start
  env               print the `export OS_CLIENT_CONFIG_FILE=...` line
  destroy           stop and remove the state dir (the venv is kept)
  vm ...            "VMs": network namespaces plugged into Neutron ports
                    (data-plane mode only)

Two modes, chosen when the state dir is provisioned:
  data plane (default where possible): Neutron with ML2/OVN on a MariaDB
      database, Open vSwitch (userspace datapath) and OVN from Debian's
      packages (installed with apt-get when missing), all private to the
      state dir; ports bound to the local chassis move real packets.
  API only (--api-only, DEVCLOUD_API_ONLY=1, or no root / no network
      namespaces): Keystone + Neutron API on SQLite, nothing behind it.

Profiles (start --profile NAME; plain `start` is `default`): the same cloud
with Neutron restarted under another configuration, one at a time:
  default               ML2 with port-security, security groups, all
                        extensions, no pagination limit
  no-port-security      [ml2] extension_drivers without port_security
  no-security-groups    [securitygroup] enable_security_group = false
                        (also removes allowed-address-pairs)
  paged                 [DEFAULT] pagination_max_limit = DEVCLOUD_PAGE_SIZE
                        (default 3)
  no-revision-if-match  the revision-if-match extension unloaded at start,
                        as Neutron unloads a default extension that fails
                        (no setting of Neutron 29 removes it)

Environment: DEVCLOUD_DIR (default <repo>/.devcloud),
DEVCLOUD_KEYSTONE_PORT (25000), DEVCLOUD_NEUTRON_PORT (29696),
DEVCLOUD_API_ONLY (1 = API-only mode), DEVCLOUD_PAGE_SIZE (3).

Python standard library only (the package tools/localcloud); the cloud
itself runs from $DEVCLOUD_DIR/venv, installed from
tools/devcloud-constraints.txt.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from localcloud import commands
from localcloud import config
from localcloud.config import DevcloudError
from localcloud import profiles
from localcloud import vms

VM_USAGE = ('usage: vm create NAME --port PORT | vm delete NAME '
            '| vm list | vm exec NAME -- CMD...')
HELP = {'start': 'create the venv and provision on first run, start',
        'stop': 'stop services (and, alone, the data plane and VMs)',
        'status': 'per-service state; exit 0 only if all are healthy',
        'reset': 'stop, restore the pristine databases, start',
        'env': 'print the `export OS_CLIENT_CONFIG_FILE=...` line',
        'destroy': 'stop and remove the state dir (the venv is kept)'}
VERBS = {'start': commands.cmd_start, 'stop': commands.cmd_stop,
         'status': commands.cmd_status, 'reset': commands.cmd_reset,
         'env': commands.cmd_env, 'destroy': commands.cmd_destroy}


class Parser(argparse.ArgumentParser):
    """Usage errors as before.

    The whole usage and exit 2, or, under ``vm``, one ERROR line and exit 1
    (``usage_error``).
    """

    def __init__(self, *args: Any, usage_error: str | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault('formatter_class',
                          argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.usage_error = usage_error

    def error(self, message: str) -> NoReturn:
        if self.usage_error:
            raise DevcloudError(self.usage_error)
        sys.stderr.write(__doc__)
        sys.stderr.write('devcloud: error: %s\n' % message)
        sys.exit(2)


def vm_parser(verbs: Any) -> None:
    vm = verbs.add_parser('vm', help='VMs: network namespaces on ports',
                          usage_error='vm: give create, delete, list or exec')
    sub = vm.add_subparsers(dest='vm_verb', required=True,
                            parser_class=Parser)
    create = sub.add_parser('create', usage_error=VM_USAGE,
                            help='plug a namespace into a port')
    create.add_argument('name', metavar='NAME')
    create.add_argument('--port', required=True, metavar='PORT',
                        help='a port ID or unique name')
    sub.add_parser('delete', usage_error=VM_USAGE,
                   help='remove a VM, unbind its port').add_argument(
                       'name', metavar='NAME')
    sub.add_parser('list', usage_error=VM_USAGE, help='one VM a line')
    sub.add_parser('exec', usage_error=VM_USAGE,
                   usage='tools/devcloud vm exec NAME -- CMD...',
                   help='run CMD... in the VM').add_argument(
                       'name', metavar='NAME')


def parser() -> Parser:
    top = Parser(prog='tools/devcloud', description=__doc__,
                 add_help=False)
    top.add_argument('-h', '--help', action='help',
                     help=argparse.SUPPRESS)
    verbs = top.add_subparsers(dest='verb', required=True,
                               parser_class=Parser)
    for verb, said in HELP.items():
        sub = verbs.add_parser(verb, help=said)
        if verb in ('start', 'stop', 'status'):
            sub.add_argument('service', nargs='?', choices=config.SERVICES,
                             metavar='SERVICE', help='keystone or neutron '
                             '(default: both)')
        if verb == 'start':
            sub.add_argument('--api-only', action='store_true',
                             help='provision without a data plane')
            sub.add_argument('--profile', metavar='PROFILE',
                             help='one of ' + ', '.join(profiles.PROFILES))
    vm_parser(verbs)
    return top


def split_exec(argv: list[str]) -> tuple[list[str], list[str] | None]:
    """``vm exec NAME -- CMD...``: the arguments before ``--``, and CMD."""
    if argv[:2] != ['vm', 'exec']:
        return argv, None
    if '--' not in argv:
        raise DevcloudError(VM_USAGE)
    at = argv.index('--')
    return argv[:at], argv[at + 1:]


def run_vm(args: argparse.Namespace, cmd: list[str] | None) -> int:
    if args.vm_verb == 'create':
        return vms.vm_create(args.name, args.port)
    if args.vm_verb == 'delete':
        return vms.vm_delete(args.name)
    if args.vm_verb == 'list':
        return vms.vm_list()
    return vms.vm_exec(args.name, cmd or [])


def dispatch(top: Parser, argv: list[str]) -> int:
    argv, cmd = split_exec(argv)
    args, extra = top.parse_known_args(argv)
    if extra:
        if args.verb == 'vm':
            raise DevcloudError(VM_USAGE)
        top.error('unrecognized arguments: %s' % ' '.join(extra))
    if args.verb == 'vm':
        return run_vm(args, cmd)
    if args.verb != 'start':
        return VERBS[args.verb](args.service
                                if args.verb in ('stop', 'status') else None)
    if args.service and (args.api_only or args.profile):
        top.error('start SERVICE takes no --api-only or --profile')
    if args.api_only and args.profile:
        top.error('start takes --api-only or --profile, not both')
    if args.profile is not None and args.profile not in profiles.PROFILES:
        raise DevcloudError('unknown profile %r; choose one of %s'
                            % (args.profile, ', '.join(profiles.PROFILES)))
    return commands.cmd_start(args.service, args.api_only,
                              args.profile or 'default')


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return dispatch(parser(), argv)
    except DevcloudError as e:
        sys.stderr.write('devcloud: ERROR: %s\n' % e)
        return 1
    except KeyboardInterrupt:
        return 130
