"""How the command fails: one line on stderr, status 2 for bad input, never a traceback.

Each case here once ended in a traceback, a hang or status 1 or 3.
"""

from __future__ import annotations

import json

import pytest

from tpsym.cli import main
from tpsym.combinat import catalan


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(err: str) -> bool:
    return err.startswith("tpsym: error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["moments", "semicircle()", "--order", "100000000"], "--order must be at most 5000, got 100000000"),
        (["meanfield", "--activation", "relu", "--sigma-w2", "1e100000000"], "the exponent is beyond"),
        (["meanfield", "--activation", "relu", "--sigma-w2", "3/0"], "divides by zero"),
        (["meanfield", "--activation", "relu", "--moments", "100000"], "--moments must be at most 200"),
        (["check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..3", "--for", "k=all"], "k is given twice"),
        (["check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..3", "--order", "100000"], "--order must be at most 200"),
        (["density", "semicircle(variance=exp(10000))", "--grid", "-1:1:5"], "beyond double precision"),
    ],
)
def test_bounded_inputs(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert one_line_error(err) and message in err, err


def test_long_exact_answers_print(capsys):
    # |NC(10000)| has 6015 digits, beyond Python's default limit of 4300 for str(int)
    status, out, _ = run(capsys, "nc", "count", "10000")
    digits = out.strip()
    assert status == 0 and len(digits) == 6015
    assert int(digits[-30:]) == catalan(10000) % 10**30 and int(digits[:30]) == catalan(10000) // 10**5985


def test_unwritable_output_file(capsys, tmp_path):
    target = tmp_path / "missing" / "report.tex"
    status, _, err = run(capsys, "check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..3", "--latex", str(target))
    assert status == 2
    assert one_line_error(err) and "No such file or directory" in err and str(target) in err


def test_certificate_that_is_not_text(capsys, tmp_path):
    path = tmp_path / "cert.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    status, _, err = run(capsys, "recheck", str(path))
    assert status == 2 and one_line_error(err) and str(path) in err and "cannot read the certificate" in err


def test_deeply_nested_proof_file_spoils_only_itself(capsys, tmp_path):
    (tmp_path / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "good.toml").write_text(
        '[[claim]]\nid = "cat"\ntitle = "t"\nsource = "s"\n'
        'statement = "moment(semicircle(), 2*k) == catalan(k)"\nfor = "k = 1..4"\n',
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "verify", str(tmp_path), "--json", "--no-numeric")
    assert status == 1
    verdicts = {c["id"]: c for c in json.loads(out)["claims"]}
    assert verdicts["cat"]["verdict"] == "verified"
    assert verdicts["<file>"]["verdict"] == "error" and "nested too deeply" in verdicts["<file>"]["summary"]


def test_malformed_check_is_bad_usage_with_its_verdict(capsys):
    status, out, _ = run(capsys, "check", "moment(semicircle(), 2*k) == catalan(k", "--for", "k=1..3", "--json")
    assert status == 2 and json.loads(out)["verdict"] == "error"


@pytest.mark.parametrize(
    ("exc", "message", "status"),
    [
        (MemoryError(), "out of memory", 2),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply", 2),
        (PermissionError(13, "Permission denied", "/root/x"), "Permission denied: /root/x", 2),
        (KeyError("bug"), "internal error (KeyError", 3),
    ],
)
def test_exceptions_map_to_statuses(capsys, monkeypatch, exc, message, status):
    import tpsym.cli.nc as nc

    def boom(args):
        raise exc

    monkeypatch.setattr(nc, "_count", boom)
    got, _, err = run(capsys, "nc", "count", "3")
    assert got == status and message in err and err.count("\n") == 1


def test_command_table_matches_the_registrations():
    import argparse

    from tpsym.cli import COMMANDS, build_parser

    full = build_parser()
    sub = next(a for a in full._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS)
    for command, module in COMMANDS.items():
        one = build_parser(command)
        only = next(a for a in one._actions if isinstance(a, argparse._SubParsersAction))
        assert command in only.choices, (command, module)


def test_light_commands_do_not_load_scipy():
    import subprocess
    import sys

    code = "import sys; from tpsym.cli import main; main(['nc', 'count', '4']); print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["14", "False"]
