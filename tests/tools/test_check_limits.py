"""``tools/check_limits.py`` on files made for the purpose."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHECK = str(ROOT / 'tools' / 'check_limits.py')


def function(name: str, lines: int) -> str:
    """A function of exactly ``lines`` lines."""
    return f'def {name}():\n' + '    x = 1\n' * (lines - 1)


class TestCheckLimits(unittest.TestCase):

    def setUp(self) -> None:
        work = tempfile.TemporaryDirectory()
        self.addCleanup(work.cleanup)
        self.dir = pathlib.Path(work.name)

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, CHECK, str(self.dir)],
                              capture_output=True, text=True, timeout=60)

    def test_within_the_limits(self) -> None:
        (self.dir / 'ok.py').write_text(function('fifty', 50))
        proc = self.check()
        self.assertEqual(0, proc.returncode, proc.stdout)
        self.assertIn('1 Python files', proc.stdout)

    def test_a_function_over_50_lines(self) -> None:
        (self.dir / 'long.py').write_text('x = 0\n' + function('big', 51))
        proc = self.check()
        self.assertEqual(1, proc.returncode)
        self.assertEqual(f'{self.dir}/long.py:2: big() is 51 lines '
                         f'(limit 50)\n', proc.stdout)

    def test_a_method_counts_too(self) -> None:
        body = function('big', 51).replace('\n', '\n    ')
        (self.dir / 'm.py').write_text('class A:\n    ' + body + '\n')
        proc = self.check()
        self.assertEqual(1, proc.returncode)
        self.assertIn('big() is 51 lines', proc.stdout)

    def test_a_module_over_400_lines(self) -> None:
        (self.dir / 'big.py').write_text('x = 1\n' * 401)
        proc = self.check()
        self.assertEqual(1, proc.returncode)
        self.assertEqual(f'{self.dir}/big.py: 401 lines (limit 400)\n',
                         proc.stdout)

    def test_a_script_without_suffix_is_python_by_its_shebang(self) -> None:
        (self.dir / 'tool').write_text('#!/usr/bin/env python3\n' +
                                       function('big', 60))
        (self.dir / 'shell').write_text('#!/bin/sh\n' + 'true\n' * 500)
        proc = self.check()
        self.assertEqual(1, proc.returncode)
        self.assertEqual(f'{self.dir}/tool:2: big() is 60 lines '
                         f'(limit 50)\n', proc.stdout)
