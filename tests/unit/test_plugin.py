"""Tests of osc_portsec (the package's module): what OSC loads and calls.

The plugin hooks, the command classes OSC loads on every run, and what
loading them costs.
"""

import argparse
import configparser
import importlib
import inspect
import json
import os
import subprocess
import sys
from unittest import mock

from osc_lib.test import base

import osc_portsec as plugin


# A fresh interpreter, so that what other tests imported does not hide a
# module the plugin would pull in on every 'openstack' run.
_PROBE = os.path.join(os.path.dirname(os.path.dirname(__file__)),
                      'startup_probe.py')
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def _commands():
    """setup.cfg's command entry points: [(name, 'module:Class')]."""
    config = configparser.ConfigParser()
    config.read(os.path.join(_ROOT, 'setup.cfg'))
    return [tuple(part.strip() for part in line.split('=', 1))
            for line in config['entry_points']['openstack.portsec.v2']
            .strip().splitlines()]


class TestPlugin(base.TestCase):

    def test_constants(self):
        self.assertEqual('portsec', plugin.API_NAME)
        self.assertEqual('2', plugin.DEFAULT_API_VERSION)
        self.assertIn(plugin.DEFAULT_API_VERSION, plugin.API_VERSIONS)
        self.assertEqual('os_portsec_api_version', plugin.API_VERSION_OPTION)

    def test_make_client(self):
        instance = mock.Mock()
        self.assertIs(instance.network, plugin.make_client(instance))

    def test_build_option_parser(self):
        parser = mock.Mock()
        self.assertIs(parser, plugin.build_option_parser(parser))
        self.assertEqual([], parser.mock_calls)

    def test_no_foreign_modules(self):
        result = subprocess.run(
            [sys.executable, _PROBE],
            capture_output=True, text=True, check=True, timeout=60,
        )
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        # The plugin and every command class, from one module: the modules
        # that do the work are imported when a command is built.
        self.assertEqual(1 + len(_commands()), probe['entry_points'])
        self.assertEqual(['osc_portsec'], probe['added'])


class TestDeferredCommands(base.TestCase):

    def test_every_entry_point_is_a_class_of_this_module(self):
        for name, target in _commands():
            module, _, cls = target.partition(':')
            self.assertEqual('osc_portsec', module, name)
            self.assertTrue(inspect.isclass(getattr(plugin, cls)), name)

    def test_cliff_passes_the_command_name(self):
        # cliff passes cmd_name only to a factory whose __init__ takes it.
        for _, target in _commands():
            shell = getattr(plugin, target.partition(':')[2])
            self.assertIn('cmd_name',
                          inspect.getfullargspec(shell.__init__).args)

    def test_built_as_the_namesake_in_the_module_that_does_the_work(self):
        app = mock.Mock()
        for name, target in _commands():
            shell = getattr(plugin, target.partition(':')[2])
            built = shell(app, None, cmd_name=name.replace('_', ' '))
            module = importlib.import_module(
                f'osc_portsec.v2.{shell._module}')
            self.assertIs(getattr(module, shell.__name__), type(built))
            self.assertIsInstance(built, shell)
            self.assertIs(app, built.app)
            self.assertEqual(name.replace('_', ' '), built.cmd_name)
            # The description is declared once, on the class OSC loads.
            self.assertTrue(shell._description)
            self.assertEqual(shell._description, built.get_description())
            self.assertIsInstance(
                built.get_parser(f'openstack {shell.__name__}'),
                argparse.ArgumentParser)

    def test_the_real_class_is_built_directly_too(self):
        from osc_portsec.v2 import pair

        app = mock.Mock()
        built = pair.AddPortSecurityPair(app, None)
        self.assertIs(pair.AddPortSecurityPair, type(built))
        self.assertIs(app, built.app)

    def test_init_runs_once(self):
        from osc_portsec.v2 import toggle

        with mock.patch.object(toggle.DisablePortSecurity, '__init__',
                               return_value=None) as init:
            plugin.DisablePortSecurity('app', None)
        init.assert_called_once_with('app', None)
