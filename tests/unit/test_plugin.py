"""Tests of osc_portsec.plugin: the hooks OSC calls, and its import cost."""

import configparser
import json
import os
import subprocess
import sys
from unittest import mock

from osc_lib.test import base

from osc_portsec import plugin


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
        self.assertEqual(['osc_portsec', 'osc_portsec.plugin',
                          'osc_portsec.v2', 'osc_portsec.v2.commands'],
                         probe['added'])
