"""The public API of tpsym.proof: importable from the package, documented, and free of private names."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

import tpsym.proof
from tpsym.proof import Claim, load_claims, recheck, verify_claim

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ("verify_claim", "load_claims", "Claim", "recheck", "Verdict", "verify_files", "certificate", "parse_claims")


def test_public_names_are_exported_and_documented():
    for name in PUBLIC:
        assert name in tpsym.proof.__all__
        obj = getattr(tpsym.proof, name)
        assert inspect.getdoc(obj), f"{name} has no docstring"
    for name in tpsym.proof.__all__:
        assert not name.startswith("_")
        assert hasattr(tpsym.proof, name), name


def test_round_trip_through_the_public_api(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(
        '[[claim]]\nid = "cat"\ntitle = "Catalan"\nsource = "OEIS A000108"\n'
        'statement = "moment(semicircle(), 2*k) == catalan(k)"\nfor = "k = 1..5"\n'
        '[[claim]]\nid = "off"\ntitle = "off by one"\nsource = "-"\n'
        'statement = "moment(semicircle(), 2*k) == catalan(k + 1)"\nfor = "k = 1..5"\n',
        encoding="utf-8",
    )
    claims = load_claims([str(path)])
    assert all(isinstance(c, Claim) for c in claims)
    verdicts = [verify_claim(c) for c in claims]
    assert [v.status for v in verdicts] == ["verified", "refuted"]  # a wrong formula is rejected
    assert [v.status for v in tpsym.proof.verify_files([str(tmp_path)], numeric=False)] == ["verified", "refuted"]
    cert = tpsym.proof.certificate(verdicts[0])
    assert recheck(cert).holds
    cert["steps"][0]["lhs"] = "7"
    assert not recheck(cert).holds
    cert["digest"] = tpsym.proof.digest(cert)
    assert not recheck(cert).holds  # a forged digest does not help


@pytest.mark.parametrize("module", ["algebraic", "equation", "hypergeometric", "radical", "record", "failures"])
def test_all_order_modules_import_on_their_own(module):
    mod = importlib.import_module(f"tpsym.proof.{module}")
    assert mod.__all__ and all(hasattr(mod, n) for n in mod.__all__)


def test_allorders_does_not_import_verify():
    text = (ROOT / "tpsym" / "proof" / "allorders.py").read_text(encoding="utf-8")
    assert "tpsym.proof.verify" not in text


def test_docs_import_no_private_names():
    pattern = re.compile(r"from tpsym[\w.]* import [^\n]*\b_[A-Za-z]")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        hits = pattern.findall(path.read_text(encoding="utf-8"))
        assert not hits, f"{path.name}: {hits}"
