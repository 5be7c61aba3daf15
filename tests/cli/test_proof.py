"""``tpsym verify``, ``tpsym check`` and ``tpsym recheck`` through tpsym.cli.main
(and once through ``python -m tpsym``): output shapes, files written, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tpsym.cli import main
from tpsym.proof.certificate import UNBOUND_NOTE, _digest

ROOT = Path(__file__).resolve().parent.parent.parent
BAD = ROOT / "tests" / "proof" / "bad_files"
WRONG = ROOT / "tests" / "proof" / "wrong_claims.toml"

GOOD = '''
[[claim]]
id = "semicircle-catalan"
title = "Even semicircle moments are Catalan numbers"
source = "OEIS A000108"
statement = "moment(semicircle(), 2*k) == catalan(k)"
for = "k >= 1"
order = 6

[[claim]]
id = "mp_m4"
title = "m_4 of Marchenko-Pastur"
source = "OEIS A001263"
statement = "moment(mp(ratio=c), 4) == c**3 + 6*c**2 + 6*c + 1"

[[claim]]
id = "nc-narayana"
title = "Narayana numbers count NC(n) by blocks"
source = "OEIS A001263"
statement = "nc_count(n, k) == narayana(n, k)"
for = ["n = 1..5", "k = 1..n"]

[[claim]]
id = "fuss-catalan-law"
title = "MP x MP is Fuss-Catalan"
source = "arXiv 0710.5931"
same_law = ["boxtimes(mp(ratio=1), mp(ratio=1))", "fuss_catalan(2)"]
order = 6

[[claim]]
id = "universality"
title = "Rademacher Wigner matrices"
source = "arXiv 2011.11439"
numeric = { law = "semicircle()", entries = "rademacher", order = 4, sizes = [64, 128], trials = 8, seed = 1 }
'''
IDS = ["semicircle-catalan", "mp_m4", "nc-narayana", "fuss-catalan-law", "universality"]


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.toml"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_verify_text(capsys, good):
    status, out, err = run(capsys, "verify", good)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines[:5]] == [
        ["proved", "semicircle-catalan"], ["verified", "mp_m4"], ["verified", "nc-narayana"],
        ["proved", "fuss-catalan-law"], ["inconclusive", "universality"],
    ]
    # 8 trials cannot detect 2 %: inconclusive, counted apart, and not a failure (exit status 0)
    assert lines[5:] == [
        "", "verdict       claims", "------------  ------", "proved             2", "verified           2",
        "inconclusive       1", "total              5",
    ]


def test_verify_tolerance_flag(capsys, good, tmp_path):
    status, out, _ = run(capsys, "verify", good, "--tolerance", "0.5", "--json", "--certificates", tmp_path / "certs")
    doc = json.loads(out)
    (num,) = [c for c in doc["claims"] if c["id"] == "universality"]
    assert status == 0 and num["verdict"] == "confirmed" and num["numeric"]["tolerance"] == 0.5
    assert len(num["numeric"]["detectable"]) == 4
    # the tolerance is written into the claim of the certificate, so recheck binds it
    cert = tmp_path / "certs" / "universality.json"
    assert json.loads(cert.read_text())["claim"]["numeric"]["tolerance"] == 0.5
    status, out, _ = run(capsys, "recheck", cert, "--json")
    doc = json.loads(out)
    assert status == 0 and doc["ok"] and any("re-sampled from seed 1 and match exactly" in n for n in doc["certificates"][0]["notes"])
    status, out, _ = run(capsys, "recheck", cert, "--numeric", "none", "--json")
    assert status == 0 and any("not re-sampled" in n for n in json.loads(out)["certificates"][0]["notes"])
    for bad in ("0", "1.5", "two"):
        status, _, err = run(capsys, "verify", good, "--tolerance", bad)
        assert status == 2 and "--tolerance" in err


def test_verify_json(capsys, good):
    status, out, _ = run(capsys, "verify", good, "--json", "--no-numeric")
    doc = json.loads(out)
    assert status == 0 and set(doc) == {"claims", "summary", "ok"} and doc["ok"] is True
    assert doc["summary"] == {"proved": 2, "verified": 2, "skipped": 1}
    assert [c["id"] for c in doc["claims"]] == IDS
    first = doc["claims"][0]
    assert set(first) == {"id", "title", "source", "where", "verdict", "summary", "seconds", "failure", "proof", "numeric", "notes"}
    assert first["where"] == f"{good}:2" and first["proof"]["method"] == "hypergeometric term satisfies P-recurrence"


def test_verify_exit_status_on_failures(capsys):
    status, out, _ = run(capsys, "verify", WRONG, "--json")
    doc = json.loads(out)
    assert status == 1 and doc["ok"] is False and doc["summary"] == {"refuted": len(doc["claims"])}
    status, out, _ = run(capsys, "verify", BAD, "--json", "--no-numeric")
    doc = json.loads(out)
    assert status == 1 and doc["summary"]["error"] == len(list(BAD.glob("*.toml")))
    errors = [c for c in doc["claims"] if c["verdict"] == "error"]
    assert all(c["summary"].startswith(str(BAD)) for c in errors)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "no/such/path.toml"], "tpsym: error: no/such/path.toml: no such file or directory"),
        (["verify", "proofs", "--bogus"], "unrecognized arguments: --bogus"),
        (["check", "1 == 1", "--for", "all"], "--for all: which variable? the statement has none; write --for VAR=all"),
        (["check", "moment(mp(ratio=c), j) == c", "--for", "all"], "the statement has c, j; write --for VAR=all"),
        (["check", "1 == 1", "--for", "k in 1..3"], "a loop reads 'k = 1..12' or 'k >= 1'"),
        (["recheck", "no/such/cert.json"], "no/such/cert.json: cannot read the certificate"),
    ],
)
def test_bad_usage(capsys, argv, message):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("tpsym: error: ") and message in err
    assert "Traceback" not in err


def test_bad_usage_through_the_console_script(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tpsym", "verify", str(tmp_path / "nope")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"tpsym: error: {tmp_path / 'nope'}: no such file or directory\n"


def test_verify_latex(capsys, good, tmp_path):
    tex = tmp_path / "report.tex"
    status, _, _ = run(capsys, "verify", good, "--no-numeric", "--latex", tex)
    text = tex.read_text(encoding="utf-8")
    assert status == 0
    assert r"\begin{tabular}" in text and r"\toprule" in text and r"\end{tabular}" in text
    for cid in IDS:
        assert rf"\texttt{{{cid.replace('_', chr(92) + '_')}}}" in text, cid
    # the sum over NC(4) behind m_4 of Marchenko-Pastur, then its value
    assert (
        r"\[ m_{4}\left(\mathrm{MP}\left(c\right)\right) = \sum_{\pi \in NC(4)} \kappa_\pi = \kappa_{1}^{4} + 6 \kappa_{1}^{2} \kappa_{2}"
        r" + 4 \kappa_{1} \kappa_{3} + 2 \kappa_{2}^{2} + \kappa_{4} = c^{3} + 6 c^{2} + 6 c + 1 \]"
    ) in text
    assert r"\item All orders: hypergeometric term satisfies P-recurrence." in text


def test_certificates_and_recheck(capsys, good, tmp_path):
    certs = tmp_path / "certs"
    status, _, _ = run(capsys, "verify", good, "--certificates", certs, "--json")
    assert status == 0
    files = sorted(certs.glob("*.json"))
    assert sorted(f.stem for f in files) == sorted(IDS)
    status, out, _ = run(capsys, "recheck", *files)
    assert status == 0 and out.splitlines() == [f"{f.stem}: the certificate holds ({UNBOUND_NOTE})" for f in files]
    # with the proof file, the claims (title and source included) are bound to it
    status, out, _ = run(capsys, "recheck", *files, "--against", good)
    assert status == 0 and all(" holds (the claim is the one of " in line and str(good) in line for line in out.splitlines())
    forged = json.loads(files[0].read_text(encoding="utf-8"))
    forged["claim"]["title"] = "The Riemann hypothesis holds"
    forged["digest"] = _digest({k: v for k, v in forged.items() if k != "digest"})
    (tmp_path / "forged.json").write_text(json.dumps(forged), encoding="utf-8")
    status, out, _ = run(capsys, "recheck", tmp_path / "forged.json", "--against", good)
    assert status == 1 and "claim.title: recorded 'The Riemann hypothesis holds', the proof file" in out
    status, out, _ = run(capsys, "recheck", *files, "--json")
    doc = json.loads(out)
    assert status == 0 and doc["ok"] is True and [c["holds"] for c in doc["certificates"]] == [True] * len(files)
    # one changed number: exit 1
    cert = json.loads((certs / "nc-narayana.json").read_text(encoding="utf-8"))
    cert["steps"][4]["lhs"] = "4"
    (certs / "nc-narayana.json").write_text(json.dumps(cert), encoding="utf-8")
    status, out, _ = run(capsys, "recheck", certs / "nc-narayana.json")
    assert status == 1 and out.startswith("nc-narayana: the certificate does not hold: ")
    (certs / "junk.json").write_text("{not json", encoding="utf-8")
    status, _, err = run(capsys, "recheck", certs / "junk.json")
    assert status == 2 and "cannot read the certificate" in err
    (certs / "other.json").write_text('{"format": "x"}', encoding="utf-8")
    status, _, err = run(capsys, "recheck", certs / "other.json")
    assert status == 2 and "not a tpsym certificate" in err


def test_certificates_of_repeated_ids_do_not_overwrite(capsys, tmp_path):
    certs = tmp_path / "certs"
    status, _, _ = run(capsys, "verify", BAD / "duplicate_id.toml", BAD / "malformed.toml", "--certificates", certs, "--json")
    assert status == 1
    assert sorted(f.name for f in certs.glob("*.json")) == [
        "good-after-2.json", "good-after.json", "good-before-2.json", "good-before-3.json", "good-before.json", "malformed.json",
    ]


def test_check_json(capsys):
    status, out, _ = run(capsys, "check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..12", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["verdict"] == "verified" and doc["ok"] is True
    assert doc["summary"] == "verified for k <= 12 (12 exact checks, series and lattice routes)"


def test_check_all_orders(capsys):
    status, out, _ = run(capsys, "check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=all", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["verdict"] == "proved" and doc["proof"]["method"] == "hypergeometric term satisfies P-recurrence"
    status, out, _ = run(capsys, "check", "cumulant(mp(ratio=c), k) == c**(k - 1)", "--for", "k>=1", "--json")
    assert status == 0 and json.loads(out)["verdict"] == "proved"


@pytest.mark.parametrize(
    ("statement", "loop", "verdict", "status"),
    [
        ("moment(semicircle(), 2*k) == catalan(k + 1)", "k=1..12", "refuted", 1),
        ("moment(wigner(), 2) == 1", "k=1..2", "error", 2),  # a malformed command line is bad usage
        ("nc_count(n) == catalan(n)", "n=0..8", "verified", 0),
    ],
)
def test_check_verdicts(capsys, statement, loop, verdict, status):
    got, out, _ = run(capsys, "check", statement, "--for", loop, "--json")
    assert got == status and json.loads(out)["verdict"] == verdict


def test_check_refuted_text(capsys):
    status, out, _ = run(capsys, "check", "moment(mp(ratio=c), 4) == c**3 + 6*c**2 + 5*c + 1")
    assert status == 1
    assert "refuted: derived c**3 + 6*c**2 + 6*c + 1, claimed c**3 + 6*c**2 + 5*c + 1 (difference c)" in out.splitlines()[0]


def test_check_with_numeric_law(capsys):
    status, out, _ = run(capsys, "check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..2", "--order", "4", "--numeric-law", "semicircle()", "--json")
    doc = json.loads(out)
    # the default 4 trials cannot detect 2 %: the exact verdict stands, the cross-check says so
    assert status == 0 and doc["verdict"] == "verified" and doc["numeric"]["verdict"] == "inconclusive"
    assert "; inconclusive numerically: " in doc["summary"]


def test_check_names_one_route_when_no_function_has_two(capsys):
    # chi has a single computation: the summary must not claim a lattice witness
    status, out, _ = run(capsys, "check", "chi(relu, 2, 0) == 1", "--json")
    doc = json.loads(out)
    assert status == 0 and doc["verdict"] == "verified"
    assert doc["summary"] == "verified (1 exact check, one route)"


def test_check_for_all_finds_the_variable(capsys):
    status, out, _ = run(capsys, "check", "cumulant(mp(ratio=c), k) == c**(k - 1)", "--for", "all", "--json")
    assert status == 0 and json.loads(out)["verdict"] == "proved"


def test_verify_in_worker_processes_gives_the_serial_verdicts(capsys, good):
    # the numeric claim is started first in its own worker; the lines and the JSON keep file order
    def timeless(doc):
        # everything but the timings
        if isinstance(doc, dict):
            return {k: timeless(v) for k, v in doc.items() if k != "seconds"}
        return [timeless(v) for v in doc] if isinstance(doc, list) else doc

    _, serial, _ = run(capsys, "verify", good, "--json", "--jobs", "1")
    status, parallel, _ = run(capsys, "verify", good, "--json", "--jobs", "2")
    assert status == 0 and timeless(json.loads(parallel)) == timeless(json.loads(serial))
    status, out, _ = run(capsys, "verify", good, "--jobs", "2", "--no-numeric")
    assert status == 0 and [line.split()[1] for line in out.splitlines()[:5]] == IDS
    for bad in ("0", "-1", "many"):
        status, _, err = run(capsys, "verify", good, "--jobs", bad)
        assert status == 2 and "--jobs" in err
