"""The journal is written ahead: no undo record, no removal."""

from __future__ import annotations

import pathlib

import pytest

from tests.functional import conftest

PS = ('port', 'security')


class BrokenJournalCli(conftest.Cli):
    """XDG_STATE_HOME is a file, so the journal's directory cannot exist."""

    def env(self) -> dict[str, str]:
        env = super().env()
        env['XDG_STATE_HOME'] = str(self.state_home / 'not-a-directory')
        return env


@pytest.fixture
def broken(cli: conftest.Cli, tmp_path: pathlib.Path) -> BrokenJournalCli:
    (tmp_path / 'not-a-directory').write_text('a file, not a directory\n')
    return BrokenJournalCli(tmp_path, cli.workdir)


def test_removal_is_not_sent_without_its_undo_record(cli, api, broken,
                                                     make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.8.10')
    stderr = broken.fails(*PS, 'disable', port['id'])
    assert 'not-a-directory/osc-portsec/journal.jsonl cannot be written' \
        in stderr
    assert 'nothing was sent' in stderr
    assert len(stderr.strip().splitlines()) <= 2, stderr
    after = api.port(port['id'])
    assert after['revision_number'] == port['revision_number']
    assert after['port_security_enabled'] is True


def test_an_addition_goes_ahead_with_a_warning(cli, broken, make_port):
    port = make_port()
    result = broken.run(*PS, 'pair', 'add', port['id'], '--allowed-address',
                        'ip-address=10.50.8.20', '-f', 'json')
    assert result.returncode == 0, result.stderr
    assert 'cannot be written' in result.stderr
    assert result.data['result'] == 'updated'


def test_restore_says_when_the_port_moved_on(cli, make_port):
    port = make_port('--allowed-address', 'ip-address=10.50.8.30')
    cli.ok(*PS, 'pair', 'clear', port['id'])
    # Someone else changes the port after the recorded clear.
    renamed = cli.run('port', 'set', '--name', conftest.unique('renamed'),
                      port['id'])
    assert renamed.returncode == 0, renamed.stderr
    row = cli.ok(*PS, 'pair', 'add', port['id'], '--restore')
    assert row['result'] == 'updated'
    assert any('port changed since the recorded pair clear' in c
               for c in row['changes']), row['changes']
    assert row['changed']['restored']['allowed_address_pairs'][0][
        'ip_address'] == '10.50.8.30'
