"""Every subcommand's --help teaches: a description, examples that run, the exit statuses."""

from __future__ import annotations

import json
import shlex

import pytest

from tpsym.cli import COMMANDS, build_parser, main
from tpsym.cli._help import HELP

#: examples that need files or take long: parsed, not run
_NOT_RUN = ("tpsym plot", "tpsym recheck", "tpsym verify proofs/", "tpsym verify my-claims")
EXAMPLES = [e for h in HELP.values() for e in h.examples]


def test_every_command_has_help_with_examples_and_statuses(capsys):
    assert set(HELP) == set(COMMANDS)
    for command in COMMANDS:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert "examples:\n  tpsym " + command in text
        assert "exit status: 0 " in text and "; 2 bad input" in text
        for action in build_parser(command)._subparsers._group_actions[0].choices[command]._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{command} {action.option_strings[0]} has no help"


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_parse_and_the_fast_ones_run(example, tmp_path, monkeypatch, capsys):
    argv = shlex.split(example)
    assert argv[0] == "tpsym"
    build_parser(argv[1]).parse_args(argv[1:])  # a SystemExit here is a stale example
    if example.startswith(_NOT_RUN):
        return
    monkeypatch.chdir(tmp_path)
    assert main(argv[1:]) == 0, capsys.readouterr().err


def test_commands_that_can_refute_say_what_status_1_means(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "1 the claim is refuted or contradicted" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["moments", "--help"])
    text = capsys.readouterr().out
    assert "; 1 " not in text and "tpsym laws" in text


def test_bare_tpsym_prints_the_commands(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: tpsym") and "laws" in out and "verify" in out


def test_laws_lists_every_spec_name_with_its_parameters(capsys):
    from tpsym.spec import LAW_CONSTRUCTORS

    assert main(["laws", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)["laws"]
    assert [r["name"] for r in records] == sorted(LAW_CONSTRUCTORS)
    semicircle = next(r for r in records if r["name"] == "semicircle")
    assert semicircle["signature"] == "semicircle(variance=1, mean=0)"
    assert semicircle["parameters"] == [{"name": "variance", "default": "1"}, {"name": "mean", "default": "0"}]
    assert next(r for r in records if r["name"] == "boxplus")["signature"] == "boxplus(*laws)"


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("moment(semicircle(), 2) = 1", "a claim compares with '==', not '='"),
        ("moment(wigner(), 2) == 1", "unknown law or function 'wigner'"),
    ],
)
def test_a_bad_claim_is_one_line_on_stderr(statement, message, capsys):
    assert main(["check", statement]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("tpsym: error: ") and message in captured.err
