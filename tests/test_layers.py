"""The layering of docs/design.md, checked on the source: each layer imports only the layers above it.

Imports inside functions count too: an import moved into a function to
dodge a cycle is still a cycle. The one exception is a display hook for
Jupyter (``_repr_html_``), which formats through :mod:`tpsym.render`.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

import tpsym

ROOT = pathlib.Path(tpsym.__file__).parent

#: From the bottom up, as in docs/design.md.
LAYERS = (
    "errors", "utils", "combinat", "series", "free", "certified", "language", "laws", "nets", "numeric",
    "spec", "proof", "render", "cli", "strategies",
)  # fmt: skip

#: (module, function) pairs allowed to import a lower layer, each with its reason.
ALLOWED = {("tpsym.proof.verify", "_repr_html_"): "Jupyter display of a verdict through tpsym.render"}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "tpsym" or len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def _imports(tree: ast.AST):
    """(imported module, enclosing function or None) for every import of a tpsym module."""

    def walk(node: ast.AST, function: str | None):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                if child.module == "tpsym":
                    for alias in child.names:
                        yield f"tpsym.{alias.name}", function
                else:
                    yield child.module, function
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    yield alias.name, function
            yield from walk(child, inner)

    yield from walk(tree, None)


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        yield ".".join(p for p in rel.parts if p != "__init__"), path


def test_every_subpackage_is_a_layer():
    tops = {p.stem if p.is_file() else p.name for p in ROOT.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert tops - {"__init__", "__main__", "proofs"} <= set(LAYERS)


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_only_layers_above(module, path):
    me = _layer(module)
    if me is None:
        return
    bad = []
    for imported, function in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        target = _layer(imported)
        if target is not None and target > me and (module, function) not in ALLOWED:
            bad.append(f"{imported} (in {function or 'the module'})")
    assert not bad, f"{module} ({LAYERS[me]}) imports a lower layer: {', '.join(bad)}"


def test_the_check_catches_an_upward_import(tmp_path):
    source = "def f():\n    from tpsym.spec import parse_spec\n"
    found = [(m, f) for m, f in _imports(ast.parse(source)) if _layer(m) is not None and _layer(m) > LAYERS.index("laws")]
    assert found == [("tpsym.spec", "f")]


@pytest.mark.parametrize("module,path", list(_modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_no_private_name_crosses_a_package(module, path):
    # names that start with an underscore are internal to their package (docs/design.md)
    parts = module.split(".")
    if len(parts) < 2:
        return
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tpsym.") and node.level == 0:
            if node.module.split(".")[1] != parts[1]:
                bad += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert not bad, f"{module} imports private names of another package: {', '.join(bad)}"
