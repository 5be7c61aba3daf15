"""Proof files: TOML documents of claims, read with :mod:`tomllib`.

A proof file is untrusted data. Its strings only ever reach the whitelisting
parser of :mod:`tpsym.spec`; nothing in it can run code. The format::

    [[claim]]
    id = "semicircle-catalan"                  # unique in the file
    title = "Even moments of the semicircle law are Catalan numbers"
    source = "Nica–Speicher, Lecture 2; arXiv 2009.10685, Sec. 2"
    statement = "moment(semicircle(), 2*k) == catalan(k)"
    for = "k >= 1"                             # or "k = 1..12", or a list of loops
    order = 12                                 # terms checked exactly (default 10)
    assume = { c = ["positive"] }              # optional assumptions on parameters

    [[claim]]
    id = "fuss-catalan-law"
    title = "MP ⊠ MP is the Fuss–Catalan law of order 2"
    source = "OEIS A001764"
    same_law = ["boxtimes(mp(ratio=1), mp(ratio=1))", "fuss_catalan(2)"]

    [[claim]]
    id = "universality"
    title = "Wigner matrices with Rademacher entries have semicircle moments"
    source = "Pastur & Slavin, arXiv 2011.11439"
    numeric = { law = "semicircle()", entries = "rademacher", order = 4 }

Exactly one of ``statement``, ``same_law`` and (alone) ``numeric`` states the
claim; a ``numeric`` table next to a statement adds a cross-check.

:func:`load_claims` returns one :class:`Claim` per well-formed claim and one
:class:`ClaimError` (file, line and problem) per malformed one, so a bad
claim never stops the others from being checked.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy
from sympy.core.facts import InconsistentAssumptions

from tpsym.errors import ProofFileError, TpsymError
from tpsym.proof.claims import ASSUMPTION_WORDS, Claim, NumericSettings, parse_loop

__all__ = [
    "ClaimError", "load_claims", "parse_claims", "claim_from_table", "find_proof_files", "CLAIM_KEYS", "NUMERIC_KEYS", "GENERATING_FUNCTION_KEYS",
    "MAX_ORDER",
]

CLAIM_KEYS = frozenset(
    {"id", "title", "source", "statement", "for", "order", "assume", "same_law", "generating_function", "numeric", "notes"}
)
GENERATING_FUNCTION_KEYS = frozenset({"law", "equals"})
NUMERIC_KEYS = frozenset({"law", "kernel", "order", "sizes", "trials", "seed", "entries", "alpha", "mixed", "tolerance"})
MAX_ORDER = 200


@dataclass(frozen=True)
class ClaimError:
    """A claim (or a whole file) that could not be read."""

    id: str
    file: str
    line: int | None
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def _header_indices(lines: list[str]) -> list[int]:
    """0-based indices of the lines that are real ``[[claim]]`` table headers.

    A line that starts inside a multi-line (triple-quoted) string is string
    content, never a header: a scan of the TOML string and comment syntax
    tracks where multi-line strings open and close.
    """
    out: list[int] = []
    inside: str | None = None  # the delimiter of the multi-line string open at the line start
    for index, line in enumerate(lines):
        if inside is None and re.match(r"^\s*\[\[\s*claim\s*\]\]", line):
            out.append(index)
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if inside is not None:
                if inside == '"""' and ch == "\\":
                    i += 2
                    continue
                if line.startswith(inside, i):
                    run = len(line) - len(line[i:].lstrip(inside[0]))
                    i += min(run, 5)  # up to two quotes of the content may precede the closing three
                    inside = None
                    continue
                i += 1
                continue
            if ch == "#":
                break  # a comment runs to the end of the line
            if line.startswith('"""', i) or line.startswith("'''", i):
                inside, i = line[i : i + 3], i + 3
                continue
            if ch in "\"'":
                # a one-line string: skip to its closing quote (escapes only in basic strings)
                j = i + 1
                while j < n and line[j] != ch:
                    j += 2 if ch == '"' and line[j] == "\\" else 1
                i = j + 1
                continue
            i += 1
    return out


def _claim_lines(text: str) -> list[int]:
    """1-based line numbers of the ``[[claim]]`` headers."""
    return [i + 1 for i in _header_indices(text.splitlines(keepends=True))]


def _str(table: dict[str, Any], key: str, *, required: bool = True) -> str:
    v = table.get(key)
    if v is None:
        if required:
            raise ProofFileError(f"missing key {key!r}")
        return ""
    if not isinstance(v, str) or not v.strip():
        raise ProofFileError(f"{key!r} must be a non-empty string")
    return v.strip()


def _int(v: Any, key: str, lo: int, hi: int) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ProofFileError(f"{key!r} must be an integer in [{lo}, {hi}], got {v!r}")
    return v


def _numeric(table: Any) -> NumericSettings:
    if not isinstance(table, dict):
        raise ProofFileError("'numeric' must be a table")
    unknown = sorted(set(table) - NUMERIC_KEYS)
    if unknown:
        raise ProofFileError(f"unknown key {unknown[0]!r} in 'numeric' (known: {', '.join(sorted(NUMERIC_KEYS))})")
    kw: dict[str, Any] = {}
    if "law" in table:
        kw["law"] = _str(table, "law")
    if "kernel" in table:
        kw["kernel"] = _str(table, "kernel")
        if "law" in table or "mixed" in table or "order" in table or "entries" in table:
            raise ProofFileError("'numeric.kernel' samples one kernel: it takes no 'law', 'mixed', 'order' or 'entries'")
    if "order" in table:
        kw["order"] = _int(table["order"], "numeric.order", 1, 12)
    if "sizes" in table:
        sizes = table["sizes"]
        if not isinstance(sizes, list) or not sizes:
            raise ProofFileError("'numeric.sizes' must be a non-empty list of integers")
        kw["sizes"] = tuple(_int(s, "numeric.sizes", 8, 16384) for s in sizes)
    if "trials" in table:
        kw["trials"] = _int(table["trials"], "numeric.trials", 2, 10000)
    if "seed" in table:
        kw["seed"] = _int(table["seed"], "numeric.seed", 0, 2**63 - 1)
    if "entries" in table:
        kw["entries"] = _str(table, "entries")
    if "mixed" in table:
        if not isinstance(table["mixed"], bool):
            raise ProofFileError(f"'numeric.mixed' must be true or false, got {table['mixed']!r}")
        kw["mixed"] = table["mixed"]
    if "alpha" in table:
        a = table["alpha"]
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a < 1:
            raise ProofFileError(f"'numeric.alpha' must be a number in (0, 1), got {a!r}")
        kw["alpha"] = float(a)
    if "tolerance" in table:
        a = table["tolerance"]
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a < 1:
            raise ProofFileError(f"'numeric.tolerance' must be a relative error in (0, 1), got {a!r}")
        kw["tolerance"] = float(a)
    settings = NumericSettings(**kw)
    from tpsym.proof.limits import check_numeric_work

    try:
        check_numeric_work(settings.sizes, settings.trials)
    except TpsymError as exc:
        raise ProofFileError(f"'numeric': {exc}") from None
    return settings


def claim_from_table(table: Any, file: str = "<table>", line: int | None = None) -> Claim:
    """The :class:`Claim` of one ``[[claim]]`` table (a dict, as ``tomllib`` reads it).

    The checks of a proof file apply; ``file`` and ``line`` say where the
    table came from.

    Raises
    ------
    ProofFileError
        The table is not a valid claim (the message names the key).

    Examples
    --------
    >>> claim_from_table({"id": "c", "title": "Catalan", "source": "OEIS A000108",
    ...                   "statement": "moment(semicircle(), 2*k) == catalan(k)", "for": "k = 1..5"}).loops
    (Loop(var='k', start='1', stop='5'),)
    >>> claim_from_table({"id": "c", "title": "t", "source": "s", "statment": "1 == 1"})
    Traceback (most recent call last):
    ...
    tpsym.errors.ProofFileError: unknown key 'statment' (known: ...)
    """
    if not isinstance(table, dict):
        raise ProofFileError("a claim must be a table")
    unknown = sorted(set(table) - CLAIM_KEYS)
    if unknown:
        raise ProofFileError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(CLAIM_KEYS))})")
    cid = _str(table, "id")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]*", cid):
        raise ProofFileError(f"the id {cid!r} must be letters, digits, '-', '_' or '.'")
    title = _str(table, "title")
    source = _str(table, "source")
    kinds = [k for k in ("statement", "same_law", "generating_function") if k in table]
    if len(kinds) > 1:
        raise ProofFileError(f"a claim has one statement: give one of 'statement', 'same_law', 'generating_function', not {' and '.join(map(repr, kinds))}")
    numeric = _numeric(table["numeric"]) if "numeric" in table else None
    if not kinds and numeric is None:
        raise ProofFileError("the claim has no statement: give 'statement', 'same_law', 'generating_function' or 'numeric'")
    order = _int(table.get("order", 10), "order", 1, MAX_ORDER)
    assumptions = []
    assume = table.get("assume", {})
    if not isinstance(assume, dict):
        raise ProofFileError("'assume' must be a table such as { c = [\"positive\"] }")
    for name, words in assume.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise ProofFileError(f"cannot assume anything of {name!r}: not a parameter name")
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ProofFileError(f"the assumptions on {name!r} must be a list of words")
        for w in words:
            if w not in ASSUMPTION_WORDS:
                raise ProofFileError(f"unknown assumption {w!r} on {name!r} (known: {', '.join(ASSUMPTION_WORDS)})")
        try:
            sympy.Symbol(name, **{k: v for w in words for k, v in ASSUMPTION_WORDS[w].items()})
        except InconsistentAssumptions:
            raise ProofFileError(f"the assumptions on {name!r} contradict each other: {', '.join(words)}") from None
        assumptions.append((name, tuple(words)))
    common: dict[str, Any] = dict(id=cid, title=title, source=source, order=order, assumptions=tuple(assumptions),
                  numeric=numeric, file=file, line=line)
    if "statement" in table:
        statement = _str(table, "statement")
        if "==" not in statement:
            raise ProofFileError("a statement reads 'lhs == rhs'")
        loops_raw = table.get("for", [])
        if isinstance(loops_raw, str):
            loops_raw = [loops_raw]
        if not isinstance(loops_raw, list):
            raise ProofFileError("'for' must be a loop such as 'k = 1..12' or a list of loops")
        loops = tuple(parse_loop(s) for s in loops_raw)
        names = [lp.var for lp in loops]
        if len(set(names)) != len(names):
            raise ProofFileError(f"a loop variable is repeated in {names}")
        return Claim(kind="identity", statement=statement, loops=loops, **common)
    if "for" in table:
        raise ProofFileError("'for' belongs to claims with a 'statement'")
    if "same_law" in table:
        laws = table["same_law"]
        if not isinstance(laws, list) or len(laws) < 2 or not all(isinstance(s, str) and s.strip() for s in laws):
            raise ProofFileError("'same_law' must be a list of at least two law specs")
        return Claim(kind="same_law", laws=tuple(s.strip() for s in laws), **common)
    if "generating_function" in table:
        gf = table["generating_function"]
        if not isinstance(gf, dict):
            raise ProofFileError("'generating_function' must be a table such as { law = \"mp(ratio=c)\", equals = \"...\" }")
        unknown = sorted(set(gf) - GENERATING_FUNCTION_KEYS)
        missing = sorted(GENERATING_FUNCTION_KEYS - set(gf))
        if unknown or missing:
            what = f"unknown key {unknown[0]!r}" if unknown else f"missing key {missing[0]!r}"
            raise ProofFileError(f"{what} in 'generating_function' (it takes 'law' and 'equals')")
        for key in ("law", "equals"):
            if not isinstance(gf[key], str) or not gf[key].strip():
                raise ProofFileError(f"'generating_function.{key}' must be a non-empty string")
        return Claim(kind="generating_function", laws=(gf["law"].strip(),), statement=gf["equals"].strip(), **common)
    if numeric is not None and numeric.law is None and numeric.kernel is None:
        raise ProofFileError("a numeric claim names its law or kernel: numeric = { law = \"...\" } or { kernel = \"nngp(...)\" }")
    return Claim(kind="numeric", **common)


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_HEADER = re.compile(r"^\s*\[\[\s*claim\s*\]\]")
_ID_LINE = re.compile(r"^\s*id\s*=\s*[\"']([^\"'\n]*)[\"']", re.M)


def _toml_error(exc: tomllib.TOMLDecodeError, first_line: int) -> tuple[int | None, str]:
    """The file line of a TOML error in a piece of the file starting at ``first_line``, and its message."""
    text = " ".join(str(exc).split())
    m = _TOML_WHERE.search(text)
    if not m:
        return None, f"malformed TOML: {text}"
    line = first_line + int(m.group(1)) - 1
    return line, f"malformed TOML: {text[: m.start()]} (column {m.group(2)})"


def _pieces(text: str) -> list[tuple[int, str]]:
    """The text before the first ``[[claim]]`` header and each claim's text, with their first line."""
    lines = text.splitlines(keepends=True)
    starts = _header_indices(lines)
    bounds = [0, *starts, len(lines)] if not starts or starts[0] != 0 else [*starts, len(lines)]
    return [(a + 1, "".join(lines[a:b])) for a, b in zip(bounds, bounds[1:]) if a < b]


def _parse_pieces(text: str, file: str, whole: tomllib.TOMLDecodeError) -> tuple[list[Any], list[ClaimError]]:
    """After a TOML error, read the file claim by claim, so that one broken claim spoils only itself."""
    tables: list[Any] = []
    errors: list[ClaimError] = []
    for first, piece in _pieces(text):
        try:
            doc = tomllib.loads(piece)
        except tomllib.TOMLDecodeError as exc:
            line, message = _toml_error(exc, first)
            m = _ID_LINE.search(piece) if _HEADER.match(piece) else None
            cid = m.group(1) if m else ("<file>" if not _HEADER.match(piece) else f"claim at line {first}")
            errors.append(ClaimError(cid, file, line, message))
            continue
        unknown = sorted(set(doc) - {"claim", "title", "description"})
        if unknown:
            errors.append(ClaimError("<file>", file, first, f"unknown top-level key {unknown[0]!r} (a file holds [[claim]] tables)"))
        claims = doc.get("claim", [])
        if isinstance(claims, list):
            tables.extend((first, t) for t in claims)
    if not errors:  # the pieces read on their own but not together
        line, message = _toml_error(whole, 1)
        errors.append(ClaimError("<file>", file, line, message))
    return tables, errors


def parse_claims(text: str, file: str = "<string>") -> list[Claim | ClaimError]:
    """Read the claims of a proof file's text.

    Malformed TOML spoils only the claim it is in: the file is then read
    claim by claim (from one ``[[claim]]`` header to the next), the broken
    piece gives a :class:`ClaimError` with the line of the problem, and the
    other claims are read as usual.

    Examples
    --------
    >>> text = '''
    ... [[claim]]
    ... id = "cat"
    ... title = "Catalan"
    ... source = "OEIS A000108"
    ... statement = "moment(semicircle(), 2*k) == catalan(k)"
    ... for = "k >= 1"
    ...
    ... [[claim]]
    ... id = "bad"
    ... title = "no statement"
    ... source = "-"
    ... '''
    >>> [type(c).__name__ for c in parse_claims(text, "x.toml")]
    ['Claim', 'ClaimError']
    >>> parse_claims(text, "x.toml")[1].message
    "the claim has no statement: give 'statement', 'same_law', 'generating_function' or 'numeric'"
    >>> broken = text.replace('title = "Catalan"', 'title = "Catalan')
    >>> [(type(c).__name__, c.id, c.line) for c in parse_claims(broken, "x.toml")]
    [('ClaimError', 'cat', 4), ('ClaimError', 'bad', 9)]
    """
    if not isinstance(text, str):
        return [ClaimError("<file>", file, None, f"a proof file is text, not {type(text).__name__}")]
    text = text.removeprefix("\ufeff")  # a UTF-8 byte-order mark is no part of the TOML
    try:
        doc = tomllib.loads(text)
    except RecursionError:
        return [ClaimError("<file>", file, None, "the TOML is nested too deeply to read")]
    except tomllib.TOMLDecodeError as exc:
        try:
            located, errors = _parse_pieces(text, file, exc)
        except RecursionError:
            return [ClaimError("<file>", file, None, "the TOML is nested too deeply to read")]
        out: list[Claim | ClaimError] = [e for e in errors if e.id == "<file>"]
        claim_errors = [e for e in errors if e.id != "<file>"]
        return out + _read_tables(located, claim_errors, file)
    unknown = sorted(set(doc) - {"claim", "title", "description"})
    out = []
    if unknown:
        out.append(ClaimError("<file>", file, None, f"unknown top-level key {unknown[0]!r} (a file holds [[claim]] tables)"))
    claims = doc.get("claim", [])
    if not isinstance(claims, list) or not claims:
        if not out:
            out.append(ClaimError("<file>", file, None, "no claims: a proof file holds [[claim]] tables"))
        return out
    lines = _claim_lines(text)
    located = [(lines[i] if i < len(lines) else None, table) for i, table in enumerate(claims)]
    return out + _read_tables(located, [], file)


def _read_tables(located: list[tuple[int | None, Any]], errors: list[ClaimError], file: str) -> list[Claim | ClaimError]:
    """Claims (or claim errors) of the ``(line, table)`` pairs, in file order with ``errors`` merged in."""
    items: list[tuple[int, int, Claim | ClaimError]] = []
    seen: set[str] = set()
    for i, (line, table) in enumerate(located):
        given_id = table.get("id") if isinstance(table, dict) else None
        cid = given_id if isinstance(given_id, str) else f"claim #{i + 1}"
        try:
            claim = claim_from_table(table, file, line)
            if claim.id in seen:
                raise ProofFileError(f"the id {claim.id!r} is used twice")
            seen.add(claim.id)
            item: Claim | ClaimError = claim
        except TpsymError as exc:
            item = ClaimError(cid, file, line, str(exc))
        items.append((line or 0, i, item))
    items += [(e.line or 0, -1, e) for e in errors]
    items.sort(key=lambda t: (t[0], t[1]))
    return [item for _, _, item in items]


def find_proof_files(paths: list[str]) -> list[Path]:
    """The ``*.toml`` files named by ``paths`` (directories are searched recursively, sorted)."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.toml")))
        elif path.is_file():
            files.append(path)
        else:
            raise ProofFileError(f"{p}: no such file or directory")
    if not files:
        raise ProofFileError(f"no proof files (*.toml) under {', '.join(paths)}")
    return files


def load_claims(paths: list[str]) -> list[Claim | ClaimError]:
    """Every claim (or claim error) of the proof files under ``paths``."""
    out: list[Claim | ClaimError] = []
    for f in find_proof_files(paths):
        try:
            text = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            out.append(ClaimError("<file>", str(f), None, f"cannot read: {exc}"))
            continue
        out.extend(parse_claims(text, str(f)))
    return out
