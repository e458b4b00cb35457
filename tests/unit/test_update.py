"""Tests of osc_portsec.update: conditional updates, retry and settle."""

from unittest import mock

from keystoneauth1 import exceptions as ks_exc
from openstack.network.v2 import _proxy
from openstack.network.v2 import extension as _extension
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import changes
from osc_portsec import errors
from osc_portsec import failures
from osc_portsec import journal
from osc_portsec import pairs
from osc_portsec import plans
from osc_portsec import update
from tests.unit import fakes


PAIR_A = {'ip_address': '10.0.0.9', 'mac_address': fakes.PORT_MAC}
PAIR_B = {'ip_address': '10.0.0.10', 'mac_address': fakes.PORT_MAC}
KEYSTONE = 'https://neutron.example.com:9696'
# What keystoneauth says when the reply to a request was lost.
LOST = (
    f"Unable to establish connection to {KEYSTONE}/v2.0/ports/"
    f"{fakes.PORT_ID}: ('Connection aborted.', RemoteDisconnected("
    f"'Remote end closed connection without response'))"
)
REFUSED = (
    f"Unable to establish connection to {KEYSTONE}/v2.0/ports/"
    f"{fakes.PORT_ID}: HTTPSConnectionPool(host='neutron.example.com', "
    f"port=9696): Max retries exceeded with url: /v2.0/ports/"
    f"{fakes.PORT_ID} (Caused by NewConnectionError('<urllib3.connection."
    f"HTTPSConnection object at 0x7f>: Failed to establish a new "
    f"connection: [Errno 111] Connection refused'))"
)


def no_sleep(seconds):
    pass


def if_match_error():
    return fakes.neutron_error(
        400, 'HTTPBadRequest',
        'Bad if-match request: revision_number=3 is not supported',
    )


class TestApply(base.TestCase):

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.requested = [pairs.Pair('10.0.0.10')]

        self.recorder = mock.Mock(spec=journal.Recorder)

    def plan_for(self, port):
        return plans.pair_add(port, self.requested, 'web-1')

    def apply(self):
        with errors.boundary(errors.Subject('web-1',
                                            'allowed address pairs')):
            return update.apply(self.client, self.port, self.plan_for,
                                self.recorder, sleep=no_sleep)

    def test_unchanged(self):
        self.requested = [pairs.Pair('10.0.0.9')]
        outcome = update.apply(
            self.client, self.port, self.plan_for, self.recorder,
            sleep=no_sleep
        )
        self.assertEqual('unchanged', outcome.result)
        self.assertIs(self.port, outcome.before)
        self.assertIs(self.port, outcome.after)
        self.assertEqual(1, outcome.attempts)
        self.client.update_port.assert_not_called()

    def test_dry_run(self):
        outcome = update.apply(
            self.client, self.port, self.plan_for, self.recorder, dry_run=True,
            sleep=no_sleep,
        )
        self.assertEqual('dry-run', outcome.result)
        self.assertIs(self.port, outcome.before)
        self.assertEqual([PAIR_A, PAIR_B], outcome.after.allowed_address_pairs)
        self.assertEqual(
            [changes.pair('add', '10.0.0.10', None)],
            list(outcome.plan.changes)
        )
        self.recorder.intend.assert_not_called()
        self.client.update_port.assert_not_called()
        self.client.get_port.assert_not_called()

    def test_success(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4
        )
        self.client.update_port.return_value = after
        outcome = update.apply(
            self.client, self.port, self.plan_for, self.recorder,
            sleep=no_sleep
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
            self.client, self.port, self.plan_for, self.recorder, sleep=sleep
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
            self.client, self.port, self.plan_for, self.recorder,
            sleep=no_sleep
        )
        self.assertEqual('unchanged', outcome.result)
        self.assertIs(fresh, outcome.after)
        self.assertEqual(1, self.client.update_port.call_count)

    def test_412_every_time(self):
        self.client.update_port.side_effect = fakes.stale_revision()
        self.client.get_port.return_value = self.port
        exc = self.assertRaises(
            exceptions.CommandError, self.apply,
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
            self.client, self.port, self.plan_for, self.recorder,
            sleep=no_sleep
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

    def test_if_match_unsupported_said_once_and_remembered(self):
        after = fakes.make_port(revision_number=4)
        self.client.update_port.side_effect = [if_match_error(), after,
                                               after]
        self.client.find_extension.return_value = None
        with self.assertLogs('osc_portsec.update', 'INFO') as logs:
            update.apply(self.client, self.port, self.plan_for,
                         self.recorder, sleep=no_sleep)
            # The next port of the same command: no If-Match, no 400.
            update.apply(self.client, self.port, self.plan_for,
                         self.recorder, sleep=no_sleep)
        self.assertEqual([f'INFO:osc_portsec.update:{update.NO_IF_MATCH}'],
                         logs.output)
        self.assertEqual(
            [3, None, None],
            [c.kwargs['if_revision']
             for c in self.client.update_port.call_args_list])
        self.client.find_extension.assert_called_once_with(
            'revision-if-match')

    def test_if_match_error_with_extension(self):
        self.client.update_port.side_effect = [if_match_error()]
        self.client.find_extension.return_value = _extension.Extension(
            alias='revision-if-match', name='If-Match constraints based on '
            'revision_number', _synchronized=True,
        )
        exc = self.assertRaises(
            exceptions.CommandError, self.apply,
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
            exceptions.CommandError, self.apply,
        )
        self.assertEqual(1, self.client.update_port.call_count)

    def test_other_400_not_retried(self):
        self.client.update_port.side_effect = [fakes.neutron_error(
            400, 'AllowedAddressPairExhausted',
            'The number of allowed address pair exceeds the maximum 10.',
        )]
        exc = self.assertRaises(
            exceptions.CommandError, self.apply,
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
            exceptions.CommandError, self.apply,
        )
        self.assertIn('You are not allowed', str(exc))

    def test_reread_fails(self):
        self.client.update_port.side_effect = [fakes.stale_revision()]
        self.client.get_port.side_effect = fakes.neutron_error(
            404, 'PortNotFound', f'Port {fakes.PORT_ID} could not be found.'
        )
        exc = self.assertRaises(
            exceptions.CommandError, self.apply,
        )
        self.assertIn('Port web-1 no longer exists', str(exc))

    def test_intent_before_put_applied_after(self):
        after = fakes.make_port(
            allowed_address_pairs=[PAIR_A, PAIR_B], revision_number=4
        )
        calls = mock.Mock()
        calls.attach_mock(self.recorder, 'recorder')
        calls.attach_mock(self.client.update_port, 'update_port')
        self.client.update_port.return_value = after
        outcome = self.apply()
        self.assertEqual(
            [mock.call.recorder.intend(self.port, outcome.plan),
             mock.call.update_port(
                 fakes.PORT_ID, if_revision=3,
                 allowed_address_pairs=[PAIR_A, {'ip_address': '10.0.0.10'}]),
             mock.call.recorder.applied(self.port, after)],
            calls.mock_calls,
        )

    def test_unchanged_records_nothing(self):
        self.requested = [pairs.Pair('10.0.0.9')]
        self.apply()
        self.assertEqual([], self.recorder.mock_calls)

    def test_intent_refused_sends_nothing(self):
        self.recorder.intend.side_effect = failures.JournalUnwritable(
            '/x/journal.jsonl', 'Permission denied')
        exc = self.assertRaises(exceptions.CommandError, self.apply)
        self.client.update_port.assert_not_called()
        self.assertIn('The journal /x/journal.jsonl cannot be written '
                      '(Permission denied)', str(exc))
        self.assertIn('nothing was sent', str(exc))

    def test_412_writes_one_intent_per_attempt(self):
        after = fakes.make_port(revision_number=5)
        self.client.update_port.side_effect = [fakes.stale_revision(4),
                                               after]
        fresh = fakes.make_port(allowed_address_pairs=[PAIR_A],
                                revision_number=4)
        self.client.get_port.return_value = fresh
        self.apply()
        self.assertEqual(2, self.recorder.intend.call_count)
        self.recorder.applied.assert_called_once_with(fresh, after)


class TestLostReply(base.TestCase):
    """The connection fails after the PUT: the port is read again."""

    def setUp(self):
        super().setUp()
        self.client = mock.Mock(spec=_proxy.Proxy)
        self.port = fakes.make_port(allowed_address_pairs=[PAIR_A])
        self.recorder = mock.Mock(spec=journal.Recorder)
        self.sleep = mock.Mock()

    def plan_for(self, port):
        return plans.pair_add(port, [pairs.Pair('10.0.0.10')], 'web-1')

    def apply(self):
        with errors.boundary(errors.Subject('web-1',
                                            'allowed address pairs')):
            return update.apply(self.client, self.port, self.plan_for,
                                self.recorder, sleep=self.sleep)

    def test_reread_shows_applied(self):
        applied = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B],
                                  revision_number=4)
        self.client.update_port.side_effect = ks_exc.ConnectFailure(LOST)
        self.client.get_port.return_value = applied
        outcome = self.apply()
        self.client.get_port.assert_called_once_with(fakes.PORT_ID)
        self.assertEqual('updated', outcome.result)
        self.assertIs(applied, outcome.after)
        self.assertEqual(
            [changes.Change('note', 'reply', {
                'cause': 'the connection closed without a reply'})],
            list(outcome.notes))
        self.assertEqual(
            'the reply to the update was lost (the connection closed '
            'without a reply); a re-read shows the change was applied',
            changes.words(outcome.notes[0]))
        self.recorder.applied.assert_called_once_with(self.port, applied)

    def test_reread_shows_unchanged(self):
        self.client.update_port.side_effect = ks_exc.ConnectTimeout(LOST)
        self.client.get_port.return_value = self.port
        exc = self.assertRaises(exceptions.CommandError, self.apply)
        self.assertEqual(
            'The connection to Neutron failed during the update of port '
            'web-1 (timed out); a re-read shows the change was not applied; '
            'run the command again.', str(exc))
        self.recorder.applied.assert_not_called()

    def test_reread_shows_other_change(self):
        self.client.update_port.side_effect = ks_exc.ConnectFailure(LOST)
        self.client.get_port.return_value = fakes.make_port(
            allowed_address_pairs=[], revision_number=4)
        exc = self.assertRaises(exceptions.CommandError, self.apply)
        self.assertIn('was not applied (another client changed the port '
                      'meanwhile)', str(exc))

    def test_reread_fails(self):
        self.client.update_port.side_effect = ks_exc.ConnectFailure(LOST)
        self.client.get_port.side_effect = ks_exc.ConnectFailure(LOST)
        exc = self.assertRaises(exceptions.CommandError, self.apply)
        self.assertEqual(update.SETTLE_READS,
                         self.client.get_port.call_count)
        self.assertEqual(update.SETTLE_READS, self.sleep.call_count)
        self.assertEqual(
            f'The reply to the update of port web-1 was lost (the connection '
            f'closed without a reply) and the port cannot be re-read, so the '
            f'change may have been applied; check with \'openstack port '
            f'security show {fakes.PORT_ID}\' once Neutron answers.',
            str(exc))
        self.recorder.applied.assert_not_called()

    def test_reread_fails_then_answers(self):
        applied = fakes.make_port(allowed_address_pairs=[PAIR_A, PAIR_B],
                                  revision_number=4)
        self.client.update_port.side_effect = ks_exc.ConnectFailure(LOST)
        self.client.get_port.side_effect = [ks_exc.ConnectFailure(LOST),
                                            applied]
        self.assertEqual('updated', self.apply().result)
        self.assertEqual(2, self.client.get_port.call_count)

    def test_connection_refused_is_not_applied_without_reread(self):
        self.client.update_port.side_effect = ks_exc.ConnectFailure(REFUSED)
        exc = self.assertRaises(exceptions.CommandError, self.apply)
        self.client.get_port.assert_not_called()
        self.assertIn('The update of port web-1 never reached Neutron '
                      '(connection refused), so nothing was changed',
                      str(exc))
        self.assertNotIn('urllib3', str(exc))
        self.assertNotIn('NewConnectionError', str(exc))
