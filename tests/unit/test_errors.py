"""Tests of osc_portsec.errors: Neutron's refusals as actionable sentences."""

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import errors
from tests.unit import fakes


# What Neutron 29 answers for each refusal the plugin names.
NEUTRON_ERRORS = {
    'PortSecurityPortHasSecurityGroup': (
        409,
        'Port has security group associated. Cannot disable port security '
        'or IP address until security group is removed.',
    ),
    'AddressPairAndPortSecurityRequired': (
        409,
        'Port Security must be enabled in order to have allowed address '
        'pairs on a port.',
    ),
    'PortSecurityAndIPRequiredForSecurityGroups': (
        400,
        'Port security must be enabled and port must have an IP address in '
        'order to use security groups.',
    ),
    'AllowedAddressPairExhausted': (
        400, 'The number of allowed address pair exceeds the maximum 10.',
    ),
    'DuplicateAddressPairInRequest': (
        400,
        'Request contains duplicate address pair: mac_address '
        'fa:16:3e:11:22:33 ip_address 10.0.0.9.',
    ),
    'RevisionNumberConstraintFailed': (
        412, 'Constrained to 6, but current revision is 7',
    ),
    'PortNotFound': (
        404, f'Port {fakes.PORT_ID} could not be found.',
    ),
}


class TestNeutronError(base.TestCase):

    def test_neutron_body(self):
        exc = fakes.neutron_error(
            409, 'AddressPairAndPortSecurityRequired', ' Pairs need it. '
        )
        self.assertIsInstance(exc, sdk_exc.ConflictException)
        self.assertEqual(
            ('AddressPairAndPortSecurityRequired', 'Pairs need it.'),
            errors.neutron_error(exc),
        )

    def test_not_neutron_body(self):
        exc = fakes.sdk_error(500, {'error': {'message': 'boom'}})
        err_type, message = errors.neutron_error(exc)
        self.assertIsNone(err_type)
        self.assertEqual('boom', message)

    def test_no_response(self):
        exc = ks_exc.ConnectFailure('Unable to establish connection')
        self.assertEqual(
            (None, 'Unable to establish connection'),
            errors.neutron_error(exc),
        )


class TestExplain(base.TestCase):

    def test_every_known_type(self):
        # The table above must cover every type the plugin explains.
        self.assertEqual(set(errors._BY_TYPE), set(NEUTRON_ERRORS))
        for err_type, (status, message) in NEUTRON_ERRORS.items():
            exc = fakes.neutron_error(status, err_type, message)
            text = errors.explain(exc, 'web-1')
            expected = errors._BY_TYPE[err_type].format(
                port='web-1', detail=message.rstrip('.')
            )
            self.assertEqual(expected, text, err_type)
            self.assertIn('web-1', text, err_type)
            self.assertNotIn('{', text, err_type)

    def test_security_group_refusal(self):
        status, message = NEUTRON_ERRORS['PortSecurityPortHasSecurityGroup']
        exc = fakes.neutron_error(
            status, 'PortSecurityPortHasSecurityGroup', message
        )
        self.assertIn(
            "'openstack port security disable web-1'",
            errors.explain(exc, 'web-1'),
        )

    def test_pair_refusal_says_enable(self):
        status, message = NEUTRON_ERRORS['AddressPairAndPortSecurityRequired']
        exc = fakes.neutron_error(
            status, 'AddressPairAndPortSecurityRequired', message
        )
        self.assertIn(
            "run 'openstack port security enable web-1' first",
            errors.explain(exc, 'web-1'),
        )

    def test_exhausted_names_limit(self):
        status, message = NEUTRON_ERRORS['AllowedAddressPairExhausted']
        exc = fakes.neutron_error(
            status, 'AllowedAddressPairExhausted', message
        )
        text = errors.explain(exc, 'web-1')
        self.assertIn('exceeds the maximum 10', text)
        self.assertIn('max_allowed_address_pair', text)

    def test_policy_403(self):
        exc = fakes.neutron_error(
            403, 'PolicyNotAuthorized',
            '(rule:update_port and rule:update_port:port_security_enabled) '
            'is disallowed by policy',
        )
        self.assertIsInstance(exc, sdk_exc.ForbiddenException)
        text = errors.explain(exc, 'web-1', 'port security')
        self.assertIn('You are not allowed to change port security on port '
                      'web-1', text)
        self.assertIn('rule:update_port:port_security_enabled', text)
        self.assertIn('admin', text)
        self.assertIn("project that owns the port's network", text)

    def test_404_without_type(self):
        exc = fakes.sdk_error(
            404, {'NeutronError': {'message': 'The resource could not be '
                                              'found.'}},
        )
        text = errors.explain(exc, 'web-1')
        self.assertEqual(
            "Port web-1 was not found (The resource could not be found); "
            "check the name or ID with 'openstack port list'.",
            text,
        )

    def test_412_without_type(self):
        exc = fakes.sdk_error(412, {'message': 'precondition failed'})
        self.assertIsInstance(exc, sdk_exc.PreconditionFailedException)
        text = errors.explain(exc, 'web-1')
        self.assertIn('Port web-1 was changed by someone else', text)
        self.assertIn('run the command again', text)

    def test_connect_failure(self):
        exc = ks_exc.ConnectFailure(
            'Unable to establish connection to https://neutron.example.com'
        )
        text = errors.explain(exc, 'web-1')
        self.assertIn('Cannot reach the network service', text)
        self.assertIn('port web-1', text)
        self.assertIn('https://neutron.example.com', text)

    def test_other_client_exception(self):
        exc = ks_exc.EndpointNotFound('no network endpoint')
        text = errors.explain(exc, 'web-1')
        self.assertIn('Cannot talk to the cloud', text)
        self.assertIn('no network endpoint', text)

    def test_unknown_neutron_type(self):
        exc = fakes.neutron_error(409, 'IpAddressInUse', 'Address in use.')
        self.assertEqual(
            'Neutron refused the change to port web-1 (HTTP 409 '
            'IpAddressInUse: Address in use).',
            errors.explain(exc, 'web-1'),
        )

    def test_unknown_error_without_body(self):
        exc = fakes.sdk_error(500, {})
        text = errors.explain(exc, 'web-1')
        self.assertTrue(
            text.startswith(
                'Neutron refused the change to port web-1 (HTTP 500: '),
            text,
        )

    def test_unknown_sdk_exception(self):
        exc = sdk_exc.SDKException('something odd')
        self.assertEqual(
            'Neutron refused the change to port web-1 (SDKException: '
            'something odd).',
            errors.explain(exc, 'web-1'),
        )

    def test_to_command_error(self):
        exc = fakes.neutron_error(403, 'PolicyNotAuthorized', 'disallowed')
        err = errors.to_command_error(exc, 'web-1')
        self.assertIsInstance(err, exceptions.CommandError)
        self.assertIn('change port security on port web-1', str(err))

    def test_handled(self):
        self.assertIsInstance(fakes.stale_revision(), errors.HANDLED)
        self.assertIsInstance(ks_exc.ConnectFailure('x'), errors.HANDLED)
        self.assertNotIsInstance(ValueError('x'), errors.HANDLED)
