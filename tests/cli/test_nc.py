"""The ``tpsym nc`` subcommands, through tpsym.cli.main and once through the console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tpsym.cli import main
from tpsym.combinat import catalan


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["count", "16"], 35357670),  # OEIS A000108
        (["count", "0"], 1),
        (["count", "6", "--blocks", "3"], 50),  # OEIS A001263
        (["count", "5", "--type", "3,1,1"], 10),  # Kreweras: 5! / ((5 - 3 + 1)! · 1! · 2!)
        (["count", "6", "--type", "3,1,1"], 0),  # impossible shape
        (["count", "5", "--type", "3,1,1", "--blocks", "2"], 0),
        (["count", "4", "--blocks", "9"], 0),
    ],
)
def test_count(capsys, argv, expected):
    status, out, _ = run(capsys, "nc", *argv, "--json")
    assert status == 0 and json.loads(out) == {"count": expected}
    status, out, _ = run(capsys, "nc", *argv)
    assert status == 0 and out == f"{expected}\n"


def test_list(capsys):
    status, out, _ = run(capsys, "nc", "list", "3")
    assert status == 0 and out.splitlines() == ["1 2 3", "1 2|3", "1 3|2", "1|2 3", "1|2|3"]
    status, out, _ = run(capsys, "nc", "list", "4", "--blocks", "3", "--json")
    assert json.loads(out)["partitions"] == ["1 2|3|4", "1 3|2|4", "1|2 3|4", "1 4|2|3", "1|2 4|3", "1|2|3 4"]
    status, out, _ = run(capsys, "nc", "list", "6", "--type", "2,2,2", "--json")
    assert len(json.loads(out)["partitions"]) == catalan(3)
    status, out, _ = run(capsys, "nc", "list", "0", "--json")
    assert json.loads(out) == {"partitions": [""]}
    status, out, _ = run(capsys, "nc", "list", "3", "--blocks", "4", "--json")
    assert json.loads(out) == {"partitions": []}


def test_kreweras(capsys):
    status, out, _ = run(capsys, "nc", "kreweras", "1 2|3 4", "--json")
    assert status == 0 and json.loads(out) == {"kreweras": "1|2 4|3"}
    status, out, _ = run(capsys, "nc", "kreweras", "1|2 4|3", "--inverse")
    assert out == "1 2|3 4\n"
    status, out, _ = run(capsys, "nc", "kreweras", "1 3|2|4 5")
    assert out == "1 2|3 5|4\n"


def test_mobius(capsys):
    status, out, _ = run(capsys, "nc", "mobius", "1|2|3|4|5", "1 2 3 4 5", "--json")
    assert status == 0 and json.loads(out) == {"mobius": 14}
    status, out, _ = run(capsys, "nc", "mobius", "1|2|3|4", "1 2 3 4", "--lattice", "set")
    assert out == "-6\n"
    status, out, _ = run(capsys, "nc", "mobius", "1 2|3", "1|2 3")
    assert out == "0\n"


def test_table(capsys):
    status, out, _ = run(capsys, "nc", "table", "--max", "4")
    assert status == 0
    assert out.splitlines()[-1].split() == ["4", "14", "1", "6", "6", "1"]
    status, out, _ = run(capsys, "nc", "table", "--max", "2", "--json")
    assert json.loads(out)["table"][2] == {"n": 2, "count": 2, "narayana": [1, 1]}


def test_table_is_bounded(capsys):
    from tpsym.cli.nc import MAX_TABLE

    status, out, err = run(capsys, "nc", "table", "--max", str(MAX_TABLE + 1))
    assert status != 0 and out == "" and "MAX_TABLE" in err and "tpsym nc count" in err
    status, out, _ = run(capsys, "nc", "table", "--max", "60", "--json")  # large rows still print in full
    assert status == 0 and json.loads(out)["table"][60]["count"] == catalan(60)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["count", "-1"], "N must be a non-negative integer, got '-1'"),
        (["count", "2.5"], "N must be a non-negative integer, got '2.5'"),
        (["count", "x"], "got 'x'"),
        (["count", "4", "--blocks", "-2"], "--blocks must be a non-negative integer"),
        (["count", "4", "--type", "2,0,2"], "--type takes positive block sizes"),
        (["list", "4", "--type", "a"], "--type takes positive block sizes"),
        (["kreweras", "1 3|2 4"], r"blocks \{1, 3\} and \{2, 4\} cross"),
        (["kreweras", "1 2|2"], "element 2 is in two blocks"),
        (["kreweras", "1 3"], "element 2 of 1..3 is in no block"),
        (["mobius", "1|2", "1 2 3"], "different sets: n=2 and n=3"),
        (["count", "4", "--bogus"], "unrecognized arguments: --bogus"),
        (["count"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    status, out, err = run(capsys, "nc", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tpsym: error: ")
    assert __import__("re").search(message, err), err


def test_console_script():
    exe = shutil.which("tpsym")
    command = [exe] if exe else [sys.executable, "-m", "tpsym"]
    done = subprocess.run([*command, "nc", "count", "10", "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout) == {"count": 16796}
