"""``tools/devcloud``'s command line, run as a user runs it.

Every case runs the real script with the system ``python3`` from another
directory, on a state dir of its own that is never provisioned, so no
cloud is started, stopped or touched.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEVCLOUD = str(ROOT / 'tools' / 'devcloud')
VM_USAGE = ('devcloud: ERROR: usage: vm create NAME --port PORT | '
            'vm delete NAME | vm list | vm exec NAME -- CMD...\n')


class TestDevcloudCommandLine(unittest.TestCase):

    def setUp(self) -> None:
        work = tempfile.TemporaryDirectory()
        self.addCleanup(work.cleanup)
        self.cwd = pathlib.Path(work.name)
        self.state = self.cwd / 'state'

    def devcloud(self, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, DEVCLOUD_DIR=str(self.state))
        return subprocess.run(['python3', DEVCLOUD, *args], cwd=self.cwd,
                              env=env, capture_output=True, text=True,
                              timeout=60)

    def test_usage_errors_print_the_usage_and_exit_2(self) -> None:
        for args in ((), ('bogus',), ('stop', 'foo'), ('reset', 'keystone'),
                     ('start', '--api-only', 'keystone'), ('env', 'x'),
                     ('start', '--api-only', '--profile', 'paged'),
                     ('start', '--profile')):
            with self.subTest(args=args):
                proc = self.devcloud(*args)
                self.assertEqual(2, proc.returncode)
                self.assertTrue(proc.stderr.startswith(
                    'devcloud: a real, local OpenStack cloud'), proc.stderr)
                self.assertIn('\ndevcloud: error: ', proc.stderr)
                self.assertEqual('', proc.stdout)

    def test_unknown_profile_is_one_error_line(self) -> None:
        proc = self.devcloud('start', '--profile', 'nope')
        self.assertEqual(1, proc.returncode)
        self.assertEqual(
            "devcloud: ERROR: unknown profile 'nope'; choose one of default, "
            'no-port-security, no-security-groups, paged, '
            'no-revision-if-match\n', proc.stderr)
        self.assertFalse(self.state.exists())

    def test_vm_usage_errors_exit_1(self) -> None:
        proc = self.devcloud('vm')
        self.assertEqual(1, proc.returncode)
        self.assertEqual('devcloud: ERROR: vm: give create, delete, list or '
                         'exec\n', proc.stderr)
        for args in (('vm', 'exec', 'a'), ('vm', 'create', 'a'),
                     ('vm', 'list', 'extra'), ('vm', 'delete'),
                     ('vm', 'create', 'a', '--port')):
            with self.subTest(args=args):
                proc = self.devcloud(*args)
                self.assertEqual(1, proc.returncode)
                self.assertEqual(VM_USAGE, proc.stderr)

    def test_vm_that_does_not_exist(self) -> None:
        proc = self.devcloud('vm', 'exec', 'nope', '--', 'true')
        self.assertEqual(1, proc.returncode)
        self.assertEqual("devcloud: ERROR: no VM 'nope' (see `tools/devcloud "
                         "vm list`)\n", proc.stderr)
        proc = self.devcloud('vm', 'list')
        self.assertEqual((0, ''), (proc.returncode, proc.stdout))

    def test_vm_needs_the_data_plane(self) -> None:
        proc = self.devcloud('vm', 'create', 'a', '--port', 'p')
        self.assertEqual(1, proc.returncode)
        self.assertEqual(f'devcloud: ERROR: VMs need the data-plane cloud; '
                         f'this one ({self.state}) is API only\n',
                         proc.stderr)

    def test_status_of_a_cloud_never_provisioned(self) -> None:
        proc = self.devcloud('status')
        self.assertEqual(1, proc.returncode)
        self.assertEqual('mode: not provisioned\n'
                         "profile: default (Neutron's defaults)\n"
                         'keystone: stopped\nneutron: stopped\n', proc.stdout)
        proc = self.devcloud('status', 'neutron')
        self.assertEqual((1, 'neutron: stopped\n'),
                         (proc.returncode, proc.stdout))

    def test_env_names_the_state_dirs_clouds_yaml(self) -> None:
        proc = self.devcloud('env')
        self.assertEqual(0, proc.returncode)
        self.assertEqual(f'export OS_CLIENT_CONFIG_FILE={self.state}/'
                         f"clouds.yaml\n# devcloud profile: default "
                         f"(Neutron's defaults)\n", proc.stdout)

    def test_stop_when_nothing_runs(self) -> None:
        proc = self.devcloud('stop')
        self.assertEqual(0, proc.returncode)
        self.assertEqual('devcloud: neutron not running\n'
                         'devcloud: keystone not running\n', proc.stdout)

    def test_help_names_every_verb(self) -> None:
        proc = self.devcloud('--help')
        self.assertEqual(0, proc.returncode)
        for verb in ('start', 'stop', 'status', 'reset', 'env', 'destroy',
                     'vm'):
            self.assertIn(f'    {verb} ', proc.stdout)
