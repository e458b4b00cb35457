"""Tests of osc_portsec.vip.report: rows of data, words rendered once."""

from osc_lib.test import base

from osc_portsec.vip import report


class TestRows(base.TestCase):

    def test_done_and_dry_run(self):
        change = report.port_change('create', 'p1', 'web-vip', '10.0.0.100')
        self.assertEqual(
            {'resource': 'vip_port', 'id': 'p1', 'name': 'web-vip',
             'result': 'created',
             'changes': ['created port web-vip holding 10.0.0.100']},
            report.row('vip_port', 'p1', 'web-vip', 'created', [change]))
        self.assertEqual(
            ['would create port web-vip holding 10.0.0.100'],
            report.row('vip_port', None, 'web-vip', 'dry-run', [change],
                       dry_run=True)['changes'])

    def test_rules(self):
        rule = 'ingress IPv4 vrrp from group db'
        self.assertEqual(
            ['skipped VRRP rule ingress IPv4 vrrp from group db: an '
             'equivalent rule is already in the group',
             'kept VRRP rule ingress IPv4 vrrp from group db: another VIP '
             'of the group uses it',
             'would delete VRRP rule ingress IPv4 vrrp from group db'],
            [report.row('vrrp_rule', 'r1', 'db', 'x', [c], dry)['changes'][0]
             for c, dry in (
                 (report.rule_change('skip', 'r1', rule, 'in_group'), False),
                 (report.rule_change('keep', 'r1', rule, 'shared'), False),
                 (report.rule_change('delete', 'r1', rule), True))])

    def test_member_from_its_update(self):
        values = {'id': 'p1', 'name': 'web-1', 'result': 'updated',
                  'changes': ['added allowed address pair 10.0.0.100'],
                  'changed': {}, 'revision_number': 4}
        self.assertEqual(
            {'resource': 'member', 'id': 'p1', 'name': 'web-1',
             'result': 'updated',
             'changes': ['added allowed address pair 10.0.0.100']},
            report.member(values))
