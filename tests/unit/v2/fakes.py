"""The command tests' base: a fake OSC app around a spec'd network proxy."""

import types
from unittest import mock

import fixtures
from keystoneauth1 import access
from keystoneauth1 import fixture as ks_fixture
from openstack.compute.v2 import _proxy as compute_proxy
from openstack.identity.v3 import _proxy as identity_proxy
from openstack.network.v2 import _proxy as network_proxy
from osc_lib.test import base

from tests.unit import fakes


PROJECT_ID = '30c3da2961f54b7b8eb23d18287428c7'
PROJECT_NAME = 'web-team'
PASSWORD = 'n0t-in-the-journal'


def auth_ref(**scope):
    """The AccessInfo keystoneauth builds from a Keystone v3 token body.

    ``project_id``/``project_name`` scope it to a project,
    ``domain_id``/``domain_name`` to a domain.
    """
    return access.create(body=ks_fixture.V3Token(**scope), auth_token='tok')


class TestPortSecurityCommand(base.TestCommand):

    def setUp(self):
        super().setUp()
        self.network = mock.Mock(spec=network_proxy.Proxy)
        self.app.client_manager.network = self.network
        self.app.client_manager.auth_ref = auth_ref(
            project_id=PROJECT_ID, project_name=PROJECT_NAME)
        self.identity = mock.Mock(spec=identity_proxy.Proxy)
        self.compute = mock.Mock(spec=compute_proxy.Proxy)
        self.app.client_manager.sdk_connection = mock.Mock(
            spec=['identity', 'compute'],
            identity=self.identity, compute=self.compute,
        )
        # What osc-lib's shell sets: the cloud's name and its config.
        self.app.cloud = types.SimpleNamespace(
            name='prod',
            config={'auth': {'auth_url': fakes.AUTH_URL,
                             'username': 'alice', 'password': PASSWORD}},
        )
        self.state_home = self.useFixture(fixtures.TempDir()).path
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', self.state_home))
        self.network.security_groups.side_effect = self._groups
        self.groups = {fakes.SG_ID: 'web', fakes.SG2_ID: 'db'}

    def _groups(self, id=(), fields=None):
        # Neutron's answer to GET /security-groups?id=..: the visible ones.
        return iter([fakes.make_group(sg, self.groups[sg])
                     for sg in id if sg in self.groups])

    def find_ports(self, *ports):
        """Make the port lookups answer each port by name, ID or fixed IP."""
        self.port_list = fakes.PortList(list(ports))
        self.network.ports.side_effect = self.port_list
