"""Tests of osc_portsec.errors: Neutron's refusals as actionable sentences."""

from keystoneauth1 import exceptions as ks_exc
from openstack import exceptions as sdk_exc
from osc_lib import exceptions
from osc_lib.test import base

from osc_portsec import errors
from osc_portsec import failures
from tests.unit import fakes


# A change to port web-1, and a read of it.
CHANGE = errors.Subject('web-1', 'port security')
READ = errors.Subject('web-1')
NEUTRON = 'https://neutron.example.com:9696'

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
            failures.neutron_error(exc),
        )

    def test_not_neutron_body(self):
        exc = fakes.sdk_error(500, {'error': {'message': 'boom'}})
        err_type, message = failures.neutron_error(exc)
        self.assertIsNone(err_type)
        self.assertEqual('boom', message)

    def test_no_response(self):
        exc = ks_exc.ConnectFailure('Unable to establish connection')
        self.assertEqual(
            (None, 'Unable to establish connection'),
            failures.neutron_error(exc),
        )


class TestExplain(base.TestCase):

    def test_every_known_type(self):
        # The table above must cover every type the plugin explains.
        self.assertEqual(set(errors._BY_TYPE), set(NEUTRON_ERRORS))
        for err_type, (status, message) in NEUTRON_ERRORS.items():
            exc = fakes.neutron_error(status, err_type, message)
            text = errors.explain(exc, CHANGE)
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
            errors.explain(exc, CHANGE),
        )

    def test_pair_refusal_says_enable(self):
        status, message = NEUTRON_ERRORS['AddressPairAndPortSecurityRequired']
        exc = fakes.neutron_error(
            status, 'AddressPairAndPortSecurityRequired', message
        )
        self.assertIn(
            "run 'openstack port security enable web-1' first",
            errors.explain(exc, CHANGE),
        )

    def test_exhausted_names_limit(self):
        status, message = NEUTRON_ERRORS['AllowedAddressPairExhausted']
        exc = fakes.neutron_error(
            status, 'AllowedAddressPairExhausted', message
        )
        text = errors.explain(exc, CHANGE)
        self.assertIn('exceeds the maximum 10', text)
        self.assertIn('max_allowed_address_pair', text)

    def test_policy_403(self):
        exc = fakes.neutron_error(
            403, 'PolicyNotAuthorized',
            '(rule:update_port and rule:update_port:port_security_enabled) '
            'is disallowed by policy',
        )
        self.assertIsInstance(exc, sdk_exc.ForbiddenException)
        text = errors.explain(exc, errors.Subject('web-1', 'port security'))
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
        text = errors.explain(exc, CHANGE)
        self.assertEqual(
            "Port web-1 was not found (The resource could not be found); "
            "check the name or ID with 'openstack port list'.",
            text,
        )

    def test_412_without_type(self):
        exc = fakes.sdk_error(412, {'message': 'precondition failed'})
        self.assertIsInstance(exc, sdk_exc.PreconditionFailedException)
        text = errors.explain(exc, CHANGE)
        self.assertIn('Port web-1 was changed by someone else', text)
        self.assertIn('run the command again', text)

    def test_connect_failure(self):
        exc = ks_exc.ConnectFailure(
            'Unable to establish connection to https://neutron.example.com'
        )
        text = errors.explain(exc, CHANGE)
        self.assertEqual(
            'Cannot reach the cloud at https://neutron.example.com while '
            'handling port web-1 (connection failed); check that the service '
            'is running and reachable, then run the command again.', text)

    def test_other_client_exception(self):
        exc = ks_exc.EndpointNotFound('no network endpoint')
        text = errors.explain(exc, CHANGE)
        self.assertIn('Cannot talk to the cloud', text)
        self.assertIn('no network endpoint', text)

    def test_unknown_neutron_type(self):
        exc = fakes.neutron_error(409, 'IpAddressInUse', 'Address in use.')
        self.assertEqual(
            'Neutron refused the change to port web-1 (HTTP 409 '
            'IpAddressInUse: Address in use).',
            errors.explain(exc, CHANGE),
        )

    def test_unknown_error_without_body(self):
        exc = fakes.sdk_error(500, {})
        text = errors.explain(exc, CHANGE)
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
            errors.explain(exc, CHANGE),
        )

    def test_boundary(self):
        exc = fakes.neutron_error(403, 'PolicyNotAuthorized', 'disallowed')

        def fail():
            with errors.boundary(CHANGE):
                raise exc

        err = self.assertRaises(exceptions.CommandError, fail)
        self.assertIn('change port security on port web-1', str(err))
        self.assertIs(exc, err.__cause__)

    def test_boundary_passes_other_errors(self):
        def fail():
            with errors.boundary(CHANGE):
                raise ValueError('a bug')

        self.assertRaises(ValueError, fail)

    def test_boundary_turns_facts_into_sentences(self):
        for fact in (failures.NotApplied('timed out'),
                     failures.MaybeApplied('timed out', fakes.PORT_ID),
                     failures.TooManyConflicts(10),
                     failures.JournalUnwritable('/j', 'Not a directory')):
            def fail():
                with errors.boundary(CHANGE):
                    raise fact

            err = self.assertRaises(exceptions.CommandError, fail)
            self.assertIn('web-1', str(err), fact)
            self.assertIs(fact, err.__cause__)

    def test_handled(self):
        self.assertIsInstance(fakes.stale_revision(), errors.HANDLED)
        self.assertIsInstance(ks_exc.ConnectFailure('x'), errors.HANDLED)
        self.assertNotIsInstance(ValueError('x'), errors.HANDLED)


class TestReads(base.TestCase):
    """A read command is never told that a change was refused."""

    def test_unknown_type_on_read(self):
        exc = fakes.neutron_error(409, 'IpAddressInUse', 'Address in use.')
        text = errors.explain(exc, READ)
        self.assertEqual(
            'The cloud answered the request about port web-1 with HTTP 409 '
            'IpAddressInUse: Address in use.', text)

    def test_never_refused_the_change(self):
        for exc in (
            fakes.sdk_error(500, {}),
            fakes.neutron_error(409, 'IpAddressInUse', 'Address in use.'),
            fakes.neutron_error(400, 'HTTPBadRequest', 'bad filter'),
            sdk_exc.SDKException('something odd'),
        ):
            for subject in (READ, errors.Subject()):
                self.assertNotIn('refused the change',
                                 errors.explain(exc, subject))

    def test_without_port(self):
        exc = fakes.neutron_error(400, 'HTTPBadRequest', 'bad filter.')
        self.assertEqual(
            'The cloud answered the request with HTTP 400 HTTPBadRequest: '
            'bad filter.', errors.explain(exc))


class TestAuthentication(base.TestCase):

    def test_keystone_401(self):
        exc = ks_exc.Unauthorized('The request you have made requires '
                                  'authentication.')
        for subject in (CHANGE, READ, errors.Subject()):
            text = errors.explain(exc, subject)
            self.assertTrue(text.startswith(
                'Authentication failed (The request you have made requires '
                'authentication. (HTTP 401)): the token expired or was '
                'revoked, or the credentials are wrong;'), text)
            self.assertIn("'openstack token issue'", text)
            self.assertNotIn('refused', text)

    def test_neutron_401(self):
        exc = fakes.sdk_error(401, {'error': {'message': 'Unauthorized'}})
        for subject in (CHANGE, READ):
            text = errors.explain(exc, subject)
            self.assertTrue(text.startswith(
                'Authentication failed (Unauthorized): '), text)


class TestConnectionProblem(base.TestCase):

    def test_refused(self):
        exc = ks_exc.ConnectFailure(
            f"Unable to establish connection to {NEUTRON}/v2.0/ports: "
            f"HTTPSConnectionPool(host='neutron.example.com', port=9696): "
            f"Max retries exceeded with url: /v2.0/ports (Caused by "
            f"NewConnectionError('<urllib3.connection.HTTPSConnection "
            f"object at 0x7f>: Failed to establish a new connection: "
            f"[Errno 111] Connection refused'))")
        self.assertEqual((NEUTRON, 'connection refused'),
                         failures.connection_problem(exc))
        self.assertTrue(failures.never_sent(exc))
        text = errors.explain(exc, READ)
        self.assertEqual(
            f'Cannot reach the cloud at {NEUTRON} while handling port web-1 '
            f'(connection refused); check that the service is running and '
            f'reachable, then run the command again.', text)
        for noise in ('urllib3', 'NewConnectionError', 'Errno', '0x7f'):
            self.assertNotIn(noise, text)

    def test_name_not_known(self):
        exc = ks_exc.ConnectFailure(
            f"Unable to establish connection to {NEUTRON}/v2.0/ports: "
            f"(Caused by NameResolutionError(\"<urllib3.connection."
            f"HTTPSConnection object>: Failed to resolve "
            f"'neutron.example.com' ([Errno -2] Name or service not "
            f"known)\"))")
        self.assertEqual((NEUTRON, 'name or service not known'),
                         failures.connection_problem(exc))
        self.assertTrue(failures.never_sent(exc))

    def test_lost_reply(self):
        exc = ks_exc.ConnectFailure(
            f"Unable to establish connection to {NEUTRON}/v2.0/ports/x: "
            f"('Connection aborted.', RemoteDisconnected('Remote end closed "
            f"connection without response'))")
        self.assertEqual((NEUTRON, 'the connection closed without a reply'),
                         failures.connection_problem(exc))
        self.assertFalse(failures.never_sent(exc))

    def test_timeout(self):
        exc = ks_exc.ConnectTimeout(
            f'Request to {NEUTRON}/v2.0/ports timed out')
        self.assertEqual((NEUTRON, 'timed out'),
                         failures.connection_problem(exc))
        self.assertIn('(timed out)', errors.explain(exc, CHANGE))

    def test_reset(self):
        exc = ks_exc.ConnectFailure(
            f"Unable to establish connection to {NEUTRON}: ('Connection "
            f"aborted.', ConnectionResetError('Connection reset by peer'))")
        self.assertEqual((NEUTRON, 'connection reset'),
                         failures.connection_problem(exc))

    def test_no_url(self):
        self.assertEqual(('the endpoint', 'connection failed'),
                         failures.connection_problem(ks_exc.ConnectFailure()))


class TestFacts(base.TestCase):

    def test_not_applied(self):
        self.assertEqual(
            'The connection to Neutron failed during the update of port '
            'web-1 (timed out); a re-read shows the change was not applied; '
            'run the command again.',
            errors.explain(failures.NotApplied('timed out'), CHANGE))
        self.assertIn(
            '(another client changed the port meanwhile)',
            errors.explain(failures.NotApplied('timed out', True), CHANGE))

    def test_maybe_applied(self):
        self.assertEqual(
            f"The reply to the update of port web-1 was lost (timed out) and "
            f"the port cannot be re-read, so the change may have been "
            f"applied; check with 'openstack port security show "
            f"{fakes.PORT_ID}' once Neutron answers.",
            errors.explain(failures.MaybeApplied('timed out', fakes.PORT_ID),
                           CHANGE))

    def test_too_many_conflicts(self):
        self.assertEqual(
            'Port web-1 changed 10 times while this command was updating '
            'it, so nothing was applied; run the command again.',
            errors.explain(failures.TooManyConflicts(10), CHANGE))

    def test_journal_unwritable_before(self):
        self.assertEqual(
            'The journal /s/journal.jsonl cannot be written (Not a '
            'directory), and this change to port web-1 removes something '
            'that only the journal could put back, so nothing was sent; fix '
            'the directory or set XDG_STATE_HOME to a writable one.',
            errors.explain(failures.JournalUnwritable(
                '/s/journal.jsonl', 'Not a directory'), CHANGE))

    def test_journal_unwritable_after(self):
        after = fakes.make_port(revision_number=8)
        self.assertEqual(
            'Port web-1 was changed (revision 8), but the journal '
            '/s/journal.jsonl could not be written (Is a directory), so '
            "--restore cannot undo this change; fix the journal's "
            'directory.',
            errors.explain(failures.JournalUnwritable(
                '/s/journal.jsonl', 'Is a directory', applied=after),
                CHANGE))
