"""Tests of tpsym.proof.fileformat and tpsym.proof.claims: reading proof files.

The bad files of tests/proof/bad_files each hold one malformed claim between two good
ones: the bad claim gives an error naming file and line, the good ones are still read
(and checked: see test_bad_file_other_claims_still_checked).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tpsym.errors import ProofFileError
from tpsym.proof.claims import Claim, Loop, NumericSettings, parse_loop
from tpsym.proof.fileformat import CLAIM_KEYS, ClaimError, find_proof_files, load_claims, parse_claims
from tpsym.proof.verify import verify_claim

HERE = Path(__file__).resolve().parent
BAD = HERE / "bad_files"

GOOD = '''
[[claim]]
id = "cat"
title = "Catalan"
source = "OEIS A000108"
statement = "moment(semicircle(), 2*k) == catalan(k)"
for = "k >= 1"
order = 12

[[claim]]
id = "fc-law"
title = "MP ⊠ MP is Fuss–Catalan"
source = "arXiv 0710.5931"
same_law = ["boxtimes(mp(ratio=1), mp(ratio=1))", "fuss_catalan(2)"]

[[claim]]
id = "universality"
title = "Rademacher Wigner matrices"
source = "arXiv 2011.11439"
numeric = { law = "semicircle()", entries = "rademacher", order = 4, sizes = [64, 128], trials = 4, seed = 3 }

[[claim]]
id = "narayana"
title = "Narayana"
source = "OEIS A001263"
statement = "nc_count(n, k) == narayana(n, k)"
for = ["n = 1..4", "k = 1..n"]
assume = { c = ["positive", "real"], L = "integer" }
'''


def test_good_file_reads_every_kind():
    claims = parse_claims(GOOD, "good.toml")
    assert [type(c) for c in claims] == [Claim] * 4
    cat, law, num, nar = claims
    assert (cat.kind, cat.loops, cat.order, cat.all_orders) == ("identity", (Loop("k", "1", None),), 12, True)
    assert (cat.file, cat.line, cat.where()) == ("good.toml", 2, "good.toml:2")
    assert law.kind == "same_law" and law.laws == ("boxtimes(mp(ratio=1), mp(ratio=1))", "fuss_catalan(2)")
    assert law.order == 10 and law.line == 10
    assert num.kind == "numeric"
    assert num.numeric == NumericSettings(law="semicircle()", order=4, sizes=(64, 128), trials=4, seed=3, entries="rademacher")
    assert nar.loops == (Loop("n", "1", "4"), Loop("k", "1", "n")) and not nar.all_orders
    assert dict(nar.assumptions) == {"c": ("positive", "real"), "L": ("integer",)}
    c = nar.symbols()["c"]
    assert c.is_positive and c.is_real and nar.symbols()["L"].is_integer


def test_subtable_numeric_and_top_level_title():
    text = '''title = "a file"
description = "what it holds"

[[claim]]
id = "x"
title = "x"
source = "-"
statement = "moment(semicircle(), 2) == 1"

[claim.numeric]
law = "semicircle()"
sizes = [64, 128]
'''
    (claim,) = parse_claims(text, "f.toml")
    assert claim.numeric == NumericSettings(law="semicircle()", sizes=(64, 128))
    assert claim.line == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k = 1..12", Loop("k", "1", "12")),
        ("k >= 1", Loop("k", "1", None)),
        ("k >= -2", Loop("k", "-2", None)),
        ("k = 1..all", Loop("k", "1", None)),
        ("k = 0..oo", Loop("k", "0", None)),
        ("  n = 2*m .. m + 3 ", Loop("n", "2*m", "m + 3")),
    ],
)
def test_parse_loop(text, expected):
    assert parse_loop(text) == expected
    assert str(parse_loop(str(expected))) == str(expected)  # round trip through str


@pytest.mark.parametrize("text", ["k in 1..3", "k = 1", "1 = 1..3", "k >= n", "", 7, None])
def test_parse_loop_refuses(text):
    with pytest.raises(ProofFileError, match="a loop"):
        parse_loop(text)


def _one(body: str) -> ClaimError:
    (err,) = parse_claims(f'[[claim]]\nid = "x"\ntitle = "t"\nsource = "s"\n{body}\n', "f.toml")
    assert isinstance(err, ClaimError), err
    assert (err.id, err.file, err.line, err.where()) == ("x", "f.toml", 1, "f.toml:1")
    return err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('statement = "1 == 1"\nsame_law = ["a()", "b()"]', "one statement"),
        ('statement = "1"', "lhs == rhs"),
        ('statement = ""', "'statement' must be a non-empty string"),
        ("statement = 5", "'statement' must be a non-empty string"),
        ('statement = "1 == 1"\nfor = 3', "'for' must be a loop"),
        ('statement = "1 == 1"\nfor = "k in 1..3"', "a loop reads"),
        ('statement = "1 == 1"\nfor = ["k = 1..2", "k = 1..3"]', "loop variable is repeated"),
        ('statement = "1 == 1"\norder = 0', r"'order' must be an integer in \[1, 200\]"),
        ('statement = "1 == 1"\norder = 201', r"'order' must be an integer in \[1, 200\]"),
        ('statement = "1 == 1"\norder = true', "'order' must be an integer"),
        ('statement = "1 == 1"\nassume = { c = ["happy"] }', "unknown assumption 'happy' on 'c'"),
        ('statement = "1 == 1"\nassume = { c = ["positive", "negative"] }', "the assumptions on 'c' contradict each other: positive, negative"),
        ('statement = "1 == 1"\nassume = { "2c" = ["positive"] }', "not a parameter name"),
        ('statement = "1 == 1"\nassume = "positive"', "'assume' must be a table"),
        ('statement = "1 == 1"\nassume = { c = [1] }', "must be a list of words"),
        ('same_law = ["semicircle()"]', "at least two law specs"),
        ('same_law = "semicircle()"', "at least two law specs"),
        ('same_law = ["semicircle()", "mp(ratio=1)"]\nfor = "k = 1..3"', "'for' belongs to claims with a 'statement'"),
        ("numeric = { order = 4 }", "names its law"),
        ('numeric = { law = "semicircle()", trials = 1 }', r"'numeric.trials' must be an integer in \[2, 10000\]"),
        ('numeric = { law = "semicircle()", sizes = [] }', "non-empty list"),
        ('numeric = { law = "semicircle()", sizes = [4] }', r"'numeric.sizes' must be an integer in \[8, 16384\]"),
        ('numeric = { law = "semicircle()", order = 13 }', r"'numeric.order' must be an integer in \[1, 12\]"),
        ('numeric = { law = "semicircle()", alpha = 1.5 }', r"'numeric.alpha' must be a number in \(0, 1\)"),
        ('numeric = { law = "semicircle()", colour = "red" }', "unknown key 'colour' in 'numeric'"),
        ('numeric = "semicircle()"', "'numeric' must be a table"),
        ("", "the claim has no statement"),
        ('statement = "1 == 1"\nstatment = "1 == 1"', "unknown key 'statment'"),
        ('generating_function = "1/(1 - z)"', "'generating_function' must be a table"),
        ('generating_function = { law = "mp(ratio=1)" }', "missing key 'equals'"),
        ('generating_function = { law = "mp(ratio=1)", equals = "1", var = "z" }', "unknown key 'var' in 'generating_function'"),
        ('generating_function = { law = "", equals = "1" }', "'generating_function.law' must be a non-empty string"),
        ('generating_function = { law = "mp(ratio=1)", equals = "1" }\nsame_law = ["a()", "b()"]', "one statement"),
        ('generating_function = { law = "mp(ratio=1)", equals = "1" }\nfor = "k >= 1"', "'for' belongs"),
    ],
)
def test_malformed_claims(body, message):
    err = _one(body)
    assert re.search(message, err.message), err.message


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ('id = "two words"', "the id 'two words' must be letters"),
        ("id = 3", "'id' must be a non-empty string"),
        ("", "missing key 'id'"),
    ],
)
def test_malformed_ids(head, message):
    (err,) = parse_claims(f'[[claim]]\n{head}\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"\n', "f.toml")
    assert isinstance(err, ClaimError) and message in err.message and err.line == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no claims"),
        ('title = "only a title"', "no claims"),
        ("[claim]\nid = 'x'", "no claims"),
        ("claim = 3", "no claims"),
        ('colour = "red"\n[[claim]]\nid = "x"\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"', "unknown top-level key 'colour'"),
    ],
)
def test_file_level_errors(text, message):
    out = parse_claims(text, "f.toml")
    assert isinstance(out[0], ClaimError) and out[0].id == "<file>" and message in out[0].message


def test_inline_array_of_claims_has_no_header_line():
    text = 'claim = [{ id = "a", title = "t", source = "s", statement = "1 == 1" }, 3]'
    a, b = parse_claims(text, "f.toml")
    assert isinstance(a, Claim) and a.line is None and a.where() == "f.toml"
    assert isinstance(b, ClaimError) and b.id == "claim #2" and b.message == "a claim must be a table"


def test_malformed_toml_spoils_only_its_claim():
    good_a = '[[claim]]\nid = "a"\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"\n\n'
    broken = '[[claim]]\nid = "b"\ntitle = "unterminated\nsource = "s"\nstatement = "1 == 1"\n\n'
    good_c = '[[claim]]\nid = "c"\ntitle = "t"\nsource = "s"\nstatement = "2 == 2"\n'
    out = parse_claims(good_a + broken + good_c, "f.toml")
    assert [(type(c).__name__, c.id, c.line) for c in out] == [("Claim", "a", 1), ("ClaimError", "b", 9), ("Claim", "c", 13)]
    assert out[1].message.startswith("malformed TOML: ") and out[1].message.endswith("(column 22)")
    # a duplicate id is still caught across the pieces
    out = parse_claims(good_a + broken + good_a, "f.toml")
    assert isinstance(out[2], ClaimError) and "used twice" in out[2].message


def test_malformed_toml_in_the_preamble():
    out = parse_claims('title = \n[[claim]]\nid = "a"\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"\n', "f.toml")
    assert isinstance(out[0], ClaimError) and out[0].id == "<file>" and out[0].line == 1
    assert isinstance(out[1], Claim) and out[1].id == "a"


def test_not_text():
    (err,) = parse_claims(b"[[claim]]", "f.toml")  # type: ignore[arg-type]
    assert isinstance(err, ClaimError) and "not bytes" in err.message


# -- the bad files ---------------------------------------------------------------

#: bad file -> (id of the bad claim, its line, a piece of the message)
BAD_FILES = {
    "malformed.toml": ("malformed", 11, "malformed TOML: Illegal character"),
    "unknown_key.toml": ("unknown-key", 9, "unknown key 'statment'"),
    "unknown_law.toml": ("unknown-law", 9, "unknown law or function 'wigner'"),
    "unknown_function.toml": ("unknown-function", 9, "unknown law or function 'momnet'; did you mean 'moment'?"),
    "code_import.toml": ("code-import", 9, "attribute access is not allowed"),
    "code_attribute.toml": ("code-attribute", 9, "attribute access is not allowed"),
    "code_lambda.toml": ("code-lambda", 9, "lambdas are not allowed"),
    "code_string_index.toml": ("code-string-index", 9, "moment needs an integer index"),
    "no_statement.toml": ("no-statement", 9, "the claim has no statement"),
    "empty_range.toml": ("empty-range", 9, "the loops k = 5..1 are empty"),
    "duplicate_id.toml": ("good-before", 9, "the id 'good-before' is used twice"),
}


def test_every_bad_file_is_tabled():
    assert sorted(p.name for p in BAD.glob("*.toml")) == sorted(BAD_FILES)


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_other_claims_still_checked(name, tmp_path, monkeypatch):
    cid, line, message = BAD_FILES[name]
    path = str(BAD / name)
    monkeypatch.chdir(tmp_path)  # a claim that ran 'echo pwned' or wrote a file would show here
    items = load_claims([path])
    verdicts = []
    for item in items:
        if isinstance(item, ClaimError):
            verdicts.append(("error", item.id, f"{item.where()}: {item.message}"))
        else:
            v = verify_claim(item, numeric=False)
            verdicts.append((v.status, item.id, v.summary))
    statuses = {i: s for s, i, _ in verdicts if i != cid}
    assert statuses == {"good-before": "verified", "good-after": "verified"} or name == "duplicate_id.toml"
    errors = [v for v in verdicts if v[0] == "error"]
    assert len(errors) == 1, verdicts
    _, got_id, summary = errors[0]
    assert got_id == cid
    assert summary.startswith(f"{path}:{line}: "), summary
    assert message in summary
    assert "Traceback" not in summary and "\n" not in summary
    assert list(tmp_path.iterdir()) == []
    if name == "duplicate_id.toml":
        assert [v[0] for v in verdicts] == ["verified", "error", "verified"]


def test_load_claims_directory_and_missing_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.toml").write_text('[[claim]]\nid = "b"\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"\n')
    (tmp_path / "sub" / "a.toml").write_text('[[claim]]\nid = "a"\ntitle = "t"\nsource = "s"\nstatement = "1 == 1"\n')
    (tmp_path / "notes.txt").write_text("not a proof file")
    assert [p.name for p in find_proof_files([str(tmp_path)])] == ["b.toml", "a.toml"]
    assert [c.id for c in load_claims([str(tmp_path)])] == ["b", "a"]
    with pytest.raises(ProofFileError, match="no such file or directory"):
        find_proof_files([str(tmp_path / "nope.toml")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProofFileError, match="no proof files"):
        find_proof_files([str(tmp_path / "empty")])


def test_unreadable_file(tmp_path):
    f = tmp_path / "latin1.toml"
    f.write_bytes("title = 'caf\xe9'".encode("latin-1"))
    (err,) = load_claims([str(f)])
    assert isinstance(err, ClaimError) and err.message.startswith("cannot read:")


def test_claim_keys_are_documented():
    doc = (HERE.parent.parent / "docs" / "proofs.md").read_text(encoding="utf-8")
    for key in CLAIM_KEYS:
        assert f"`{key}`" in doc, key
