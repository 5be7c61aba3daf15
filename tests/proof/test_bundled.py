"""The bundled library of claims ships with the package and is found from any directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tpsym.cli import main
from tpsym.errors import InputError
from tpsym.proof.library import bundled_library, library_names

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_library_is_the_checkouts_proofs_folder():
    assert library_names() == sorted(p.stem for p in (ROOT / "proofs").glob("*.toml"))
    assert bundled_library().resolve() == (ROOT / "proofs").resolve()
    with pytest.raises(InputError, match="no bundled proof file 'nope'; the library has .*networks"):
        bundled_library("nope")


def test_verify_by_name_from_another_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "combinatorics", "--no-numeric", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and sum(out["summary"].values()) >= 7
    assert main(["verify", "combinatorix"]) == 2
    assert "nor a bundled proof file" in capsys.readouterr().err


def test_verify_without_a_path_takes_the_whole_library(monkeypatch):
    from tpsym.cli import proof

    seen = {}
    monkeypatch.setattr("tpsym.proof.fileformat.load_claims", lambda paths: seen.setdefault("paths", paths) and [])
    monkeypatch.setattr(proof, "_finish", lambda verdicts, args: 0)
    assert main(["verify"]) == 0
    assert [Path(p).resolve() for p in seen["paths"]] == [(ROOT / "proofs").resolve()]


def test_the_wheel_carries_the_proof_files_and_the_type_marker(tmp_path):
    # built from a copy: an in-tree build would leave build/ and *.egg-info in the checkout
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("tpsym", "proofs"):
        shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("tpsym-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"tpsym/proofs/{p.name}" for p in (ROOT / "proofs").glob("*.toml")} <= names
    assert "tpsym/py.typed" in names


def test_importing_the_combinatorics_loads_no_graph_or_plot_library():
    code = "import sys, tpsym.combinat, tpsym.laws; print(sorted(m for m in ('networkx', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
