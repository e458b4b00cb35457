"""Tests of osc_portsec.update: conditional updates, re-read and retry."""

import types
from unittest import mock

from openstack.network.v2 import _proxy
from openstack.network.v2 import extension as _extension
from openstack.network.v2 import port as _port
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import pairs
from osc_portsec import plans
from osc_portsec import update
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}


def no_sleep(seconds):
    pass


def if_match_error():
    return fakes.neutron_error(
        400, 'HTTPBadRequest',
        'Bad if-match request: revision_number=3 is not supported',
    )


class TestHasPortSecurity(base.TestCase):

    def test_key_present(self):
        self.assertTrue(update.has_port_security(fakes.make_port()))

    def test_key_present_false(self):
        port = fakes.make_port(port_security_enabled=False)
        self.assertTrue(update.has_port_security(port))
        self.assertFalse(port.is_port_security_enabled)

    def test_key_absent(self):
        port = fakes.make_port(port_security_enabled=None)
        # The SDK reports False here; only the body tells the truth.
        self.assertFalse(port.is_port_security_enabled)
        self.assertFalse(update.has_port_security(port))

    def test_object_without_body(self):
        self.assertTrue(update.has_port_security(
            types.SimpleNamespace(is_port_security_enabled=False)))
        self.assertFalse(update.has_port_security(
            types.SimpleNamespace(is_port_security_enabled=None)))

    def test_require(self):
        update.require_port_security(fakes.make_port(), 'web-1')
        exc = self.assertRaises(
            exceptions.CommandError, update.require_port_security,
            fakes.make_port(port_security_enabled=None), 'web-1',
        )
        self.assertIn('Port web-1', str(exc))
        self.assertIn('port-security extension', str(exc))


class TestState(base.TestCase):

    def test_state(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        result = update.state(port)
        self.assertEqual(
            {
                'port_security_enabled': True,
                'security_group_ids': [fakes.SG_ID],
                'allowed_address_pairs': [PAIR_A],
                'revision_number': 3,
            },
            result,
        )
        result['allowed_address_pairs'][0]['ip_address'] = '192.0.2.1'
        result['security_group_ids'].append('x')
        self.assertEqual([PAIR_A], port.allowed_address_pairs)
        self.assertEqual([fakes.SG_ID], port.security_group_ids)

    def test_state_without_extension(self):
        port = fakes.make_port(port_security_enabled=None)
        self.assertIsNone(update.state(port)['port_security_enabled'])


class TestPredicted(base.TestCase):

    def test_applies_attrs_and_port_mac(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = update.predicted(port, {
            'allowed_address_pairs': [
                PAIR_A,
                {'ip_address': '10.0.0.10'},
                {'ip_address': '10.0.0.11',
                 'mac_address': 'fa:16:3e:aa:bb:cc'},
            ],
        })
        self.assertIsInstance(after, _port.Port)
        self.assertEqual(
            [PAIR_A, PAIR_B,
             {'ip_address': '10.0.0.11', 'mac_address': 'fa:16:3e:aa:bb:cc'}],
            after.allowed_address_pairs,
        )
        self.assertEqual(3, after.revision_number)
        self.assertEqual(fakes.PORT_ID, after.id)
        self.assertEqual([PAIR_A], port.allowed_address_pairs)

    def test_disable(self):
        port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        after = update.predicted(port, {
            'is_port_security_enabled': False,
            'security_group_ids': [],
            'allowed_address_pairs': [],
        })
        self.assertEqual(
            {'port_security_enabled': False, 'security_group_ids': [],
             'allowed_address_pairs': [], 'revision_number': 3},
            update.state(after),
        )

    def test_keeps_missing_extension(self):
        # A dry run on a cloud without the port-security extension must not
        # start claiming that port security is off.
        port = fakes.make_port(port_security_enabled=None,
                               allowed_address_pairs=[PAIR_A])
        after = update.predicted(port, {'allowed_address_pairs': []})
        self.assertFalse(update.has_port_security(after))
        self.assertIsNone(update.state(after)['port_security_enabled'])


class TestApply(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.requested = [pairs.Pair('10.0.0.10')]

    def plan_for(self, port):
        return plans.pair_add(port, self.requested, 'web-1')

    def test_unchanged(self):
        self.requested = [pairs.Pair('10.0.0.9')]
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', sleep=no_sleep
        )
        self.assertEqual('unchanged', outcome.result)
        self.assertIs(self.port, outcome.before)
        self.assertIs(self.port, outcome.after)
        self.assertEqual(1, outcome.attempts)
        self.client.update_port.assert_not_called()

    def test_dry_run(self):
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', dry_run=True,
            sleep=no_sleep,
        )
        self.assertEqual('dry-run', outcome.result)
        self.assertIs(self.port, outcome.before)
        self.assertEqual([PAIR_A, PAIR_B], outcome.after.allowed_address_pairs)
        self.assertEqual(
            ['added allowed address pair 10.0.0.10'], outcome.plan.changes
        )
        self.client.update_port.assert_not_called()
        self.client.get_port.assert_not_called()

    def test_success(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4
        )
        self.client.update_port.return_value = after
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', sleep=no_sleep
        )
        self.client.update_port.assert_called_once_with(
            fakes.PORT_ID, if_revision=3,
            allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'}],
        )
        self.assertEqual('updated', outcome.result)
        self.assertIs(after, outcome.after)
        self.assertIs(self.port, outcome.before)
        self.assertEqual(1, outcome.attempts)

    def test_412_then_success_replans_from_fresh_port(self):
        fresh = fakes.make_port(
            allowed_address_pairs=[
                PAIR_A, {'ip_address': '10.0.0.50',
                         'mac_address': fakes.PORT_MAC},
            ],
            revision_number=7,
        )
        after = fakes.make_port(revision_number=8)
        self.client.update_port.side_effect = [
            fakes.stale_revision(7), after,
        ]
        self.client.get_port.return_value = fresh
        sleep = mock.Mock()
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', sleep=sleep
        )
        self.client.get_port.assert_called_once_with(fakes.PORT_ID)
        self.assertEqual(
            [
                mock.call(
                    fakes.PORT_ID, if_revision=3,
                    allowed_address_pairs=[
                        PAIR_A, {'ip_address': '10.0.0.10'},
                    ],
                ),
                mock.call(
                    fakes.PORT_ID, if_revision=7,
                    allowed_address_pairs=[
                        PAIR_A,
                        {'ip_address': '10.0.0.50',
                         'mac_address': fakes.PORT_MAC},
                        {'ip_address': '10.0.0.10'},
                    ],
                ),
            ],
            self.client.update_port.call_args_list,
        )
        self.assertEqual('updated', outcome.result)
        self.assertIs(fresh, outcome.before)
        self.assertIs(after, outcome.after)
        self.assertEqual(2, outcome.attempts)
        sleep.assert_called_once()
        self.assertLessEqual(sleep.call_args[0][0], update._BACKOFF_CAP)

    def test_412_then_nothing_to_do(self):
        # Someone else added the same pair meanwhile.
        fresh = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4
        )
        self.client.update_port.side_effect = [fakes.stale_revision(4)]
        self.client.get_port.return_value = fresh
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', sleep=no_sleep
        )
        self.assertEqual('unchanged', outcome.result)
        self.assertIs(fresh, outcome.after)
        self.assertEqual(1, self.client.update_port.call_count)

    def test_412_every_time(self):
        self.client.update_port.side_effect = fakes.stale_revision()
        self.client.get_port.return_value = self.port
        exc = self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.assertEqual(update.MAX_ATTEMPTS,
                         self.client.update_port.call_count)
        self.assertIn('Port web-1 changed 10 times', str(exc))
        self.assertIn('nothing was applied', str(exc))

    def test_if_match_unsupported_falls_back(self):
        after = fakes.make_port(revision_number=4)
        self.client.update_port.side_effect = [if_match_error(), after]
        self.client.find_extension.return_value = None
        outcome = update.apply(
            self.client, self.port, self.plan_for, 'web-1', sleep=no_sleep
        )
        attrs = {'allowed_address_pairs': [
            PAIR_A, {'ip_address': '10.0.0.10'},
        ]}
        self.assertEqual(
            [mock.call(fakes.PORT_ID, if_revision=3, **attrs),
             mock.call(fakes.PORT_ID, if_revision=None, **attrs)],
            self.client.update_port.call_args_list,
        )
        self.client.find_extension.assert_called_once_with(
            'revision-if-match'
        )
        self.client.get_port.assert_not_called()
        self.assertEqual('updated', outcome.result)

    def test_if_match_error_with_extension(self):
        self.client.update_port.side_effect = [if_match_error()]
        self.client.find_extension.return_value = _extension.Extension(
            alias='revision-if-match', name='If-Match constraints based on '
            'revision_number', _synchronized=True,
        )
        exc = self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.assertEqual(1, self.client.update_port.call_count)
        self.assertIn('port web-1', str(exc))
        self.assertIn('Bad if-match request', str(exc))

    def test_if_match_extension_lookup_fails(self):
        self.client.update_port.side_effect = [if_match_error()]
        self.client.find_extension.side_effect = fakes.neutron_error(
            403, 'PolicyNotAuthorized', 'disallowed by policy'
        )
        self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.assertEqual(1, self.client.update_port.call_count)

    def test_other_400_not_retried(self):
        self.client.update_port.side_effect = [fakes.neutron_error(
            400, 'AllowedAddressPairExhausted',
            'The number of allowed address pair exceeds the maximum 10.',
        )]
        exc = self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.client.find_extension.assert_not_called()
        self.assertIn('max_allowed_address_pair', str(exc))

    def test_policy_refusal(self):
        self.client.update_port.side_effect = [fakes.neutron_error(
            403, 'PolicyNotAuthorized',
            '(rule:update_port and rule:update_port:port_security_enabled) '
            'is disallowed by policy',
        )]
        exc = self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.assertIn('You are not allowed', str(exc))

    def test_reread_fails(self):
        self.client.update_port.side_effect = [fakes.stale_revision()]
        self.client.get_port.side_effect = fakes.neutron_error(
            404, 'PortNotFound', f'Port {fakes.PORT_ID} could not be found.'
        )
        exc = self.assertRaises(
            exceptions.CommandError, update.apply, self.client, self.port,
            self.plan_for, 'web-1', sleep=no_sleep,
        )
        self.assertIn('Port web-1 no longer exists', str(exc))
