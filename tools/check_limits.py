#!/usr/bin/env python3
"""Check the size limits of the code: functions and modules.

No function (or method) over 50 lines and no module over 400, in the
package and in tools/ alike. A Python file is a ``*.py`` file or a file
whose first line names python. Prints each file over a limit and exits 1;
prints a one-line summary and exits 0 when all are within.

    tools/check_limits.py [PATH ...]     (default: osc_portsec tools)
"""

from __future__ import annotations

import argparse
import ast
import pathlib
import sys

FUNCTION_LINES = 50
MODULE_LINES = 400
ROOT = pathlib.Path(__file__).resolve().parents[1]


def is_python(path: pathlib.Path) -> bool:
    if path.suffix == '.py':
        return True
    if path.suffix or not path.is_file():
        return False
    with open(path, 'rb') as f:
        first = f.readline(200)
    return first.startswith(b'#!') and b'python' in first


def python_files(paths: list[pathlib.Path]) -> list[pathlib.Path]:
    found = []
    for path in paths:
        candidates = sorted(path.rglob('*')) if path.is_dir() else [path]
        found += [p for p in candidates if '__pycache__' not in p.parts and
                  is_python(p)]
    return found


def problems(path: pathlib.Path) -> list[str]:
    """What in one file is over a limit, one sentence each."""
    text = path.read_text()
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    said = []
    lines = len(text.splitlines())
    if lines > MODULE_LINES:
        said.append(f'{name}: {lines} lines (limit {MODULE_LINES})')
    for node in ast.walk(ast.parse(text, str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LINES:
                said.append(f'{name}:{node.lineno}: {node.name}() is '
                            f'{length} lines (limit {FUNCTION_LINES})')
    return said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('paths', nargs='*',
                        type=lambda p: pathlib.Path(p).resolve(),
                        default=[ROOT / 'osc_portsec', ROOT / 'tools'])
    args = parser.parse_args()
    files = python_files(args.paths)
    said = [line for path in files for line in problems(path)]
    for line in said:
        print(line)
    if said:
        return 1
    print(f'check_limits: {len(files)} Python files, no function over '
          f'{FUNCTION_LINES} lines, no module over {MODULE_LINES}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
