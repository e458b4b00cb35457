"""Tests of osc_portsec.v2.commands: the classes OSC loads at start-up."""

import argparse
import importlib
from unittest import mock

from osc_lib.test import base

from osc_portsec.v2 import commands
from tests.unit import test_plugin


class TestDeferredCommands(base.TestCase):

    def test_every_entry_point_is_a_class_of_this_module(self):
        for name, target in test_plugin._commands():
            module, _, cls = target.partition(':')
            self.assertEqual('osc_portsec.v2.commands', module, name)
            self.assertTrue(hasattr(commands, cls), name)

    def test_built_as_the_namesake_in_the_module_that_does_the_work(self):
        app = mock.Mock()
        for _, target in test_plugin._commands():
            shell = getattr(commands, target.partition(':')[2])
            built = shell(app, None)
            module = importlib.import_module(
                f'osc_portsec.v2.{shell._module}')
            self.assertIs(getattr(module, shell.__name__), type(built))
            self.assertIsInstance(built, shell)
            self.assertIs(app, built.app)
            # The description is declared once, on the class OSC loads.
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
            commands.DisablePortSecurity('app', None)
        init.assert_called_once_with('app', None)
