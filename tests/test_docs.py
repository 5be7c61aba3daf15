"""The shell examples of README.md and docs/*.md run and print what they show.

Python examples in those files (``>>>`` lines) run as doctests through
pytest's ``--doctest-glob``. This module runs the shell examples: in a
``console`` code block, a line ``$ tpsym ARGS`` is run through
:func:`tpsym.cli.main` and its output must equal the lines that follow it, up
to the next ``$`` line or the end of the block, compared as a doctest
compares (``...`` matches anything, whitespace is normalised), so that
timings can be elided. A block whose opening fence reads
```` ```console skip ```` is shown but not run (long jobs).
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

from tpsym.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```console[ \t]*\n(.*?)^```", re.M | re.S)


def _examples():
    for path in DOC_FILES:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for block in _BLOCK.finditer(text):
            line_no = text[: block.start()].count("\n") + 1
            command, expected = None, []
            for line in block.group(1).splitlines():
                if line.startswith("$ "):
                    if command is not None:
                        yield pytest.param(command, expected, id=f"{path.name}:{line_no}")
                    command, expected = line[2:], []
                elif command is not None:
                    expected.append(line)
            if command is not None:
                yield pytest.param(command, expected, id=f"{path.name}:{line_no}")


@pytest.mark.parametrize(("command", "expected"), list(_examples()))
def test_console_example(command, expected, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)
    assert argv[0] == "tpsym", f"console examples run tpsym only, not {argv[0]!r}"
    status = main(argv[1:])
    out = capsys.readouterr().out
    want = "\n".join(expected).rstrip() + "\n"
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert checker.check_output(want, out, flags), checker.output_difference(doctest.Example(command, want), out, flags)
    assert status in (0, 1)
