"""Certificates: every step behind a verdict, in JSON, and their re-check.

A certificate records the claim, the verdict, every step (the value of both
sides at each index, the comparison used, the agreement of the lattice
route), the all-order proof with its exact data, the numeric statistics, the
versions of tpsym and of its exact-arithmetic libraries, and a SHA-256 digest
of all that.

:func:`recheck` trusts nothing in the file: it rebuilds the claim through the
same validation as a proof file, re-derives every step from scratch, re-runs
the stored all-order proof's own check (:meth:`AllOrderProof.recheck`),
takes the numeric settings (rate, tolerance, sizes, trials, seed) from the
claim, recomputes the numeric decision (every z-score, test and detectable
error) and its summary, re-samples the estimates from the recorded seed and
compares them exactly (unless told not to), re-derives the exact expected
moments, and
compares each recorded value — steps, failure, proof, kind, notes and the
one-line summary — with the re-derived one. A certificate with one changed
number fails, whether or not its digest was updated.

A recorded exact value must be the re-derived one in canonical form (the
same sympy tree once parsed): an equivalent but different string, such as
``(c**2 - 1)/(c - 1)`` for ``c + 1`` or an undefined ``0/0`` for ``1``, fails.

The digest is not a signature: anyone can recompute it. What binds the
claim's free text (``title``, ``source``) is the proof file: given its
claims (``tpsym recheck --against FILE``), the recorded claim must be the
one of the same id there, field by field. Without them the result says
that title and source were not checked.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from collections.abc import Mapping, Sequence
from typing import Any

from tpsym.errors import CertificateError, TpsymError
from tpsym.proof.allorders import recheck_proof
from tpsym.proof.claims import Claim
from tpsym.proof.fileformat import claim_from_table
from tpsym.proof.verify import DEFAULT_DIGITS, Verdict, verify_claim

__all__ = ["FORMAT", "certificate", "recheck", "RecheckResult", "digest", "versions", "UNBOUND_NOTE"]

FORMAT = "tpsym-certificate/1"


def versions() -> dict[str, str]:
    """Versions of tpsym and the libraries its exact results depend on."""
    out = {"python": platform.python_version()}
    for dist in ("tpsym", "sympy", "python-flint", "numpy", "mpmath"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def _claim_record(c: Claim) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": c.id, "title": c.title, "source": c.source}
    if c.kind == "identity":
        rec["statement"] = c.statement
        rec["for"] = [str(lp) for lp in c.loops]
    elif c.kind == "same_law":
        rec["same_law"] = list(c.laws)
    elif c.kind == "generating_function":
        rec["generating_function"] = {"law": c.laws[0], "equals": c.statement}
    rec["order"] = c.order
    if c.assumptions:
        rec["assume"] = {name: list(words) for name, words in c.assumptions}
    if c.numeric is not None:
        num = asdict(c.numeric)
        num["sizes"] = list(num["sizes"])
        if c.numeric.kernel is not None:  # a kernel check reads no law, order, entries or words
            for key in ("order", "entries", "mixed"):
                num.pop(key)
        rec["numeric"] = {k: v for k, v in num.items() if v is not None}
    return rec


def digest(cert: Mapping[str, Any]) -> str:
    """The SHA-256 digest of a certificate's content: every field but ``"digest"``.

    :func:`certificate` stores it under ``"digest"``; :func:`recheck` reports
    a certificate whose content no longer matches it.

    >>> from tpsym.proof.claims import Claim
    >>> cert = certificate(verify_claim(Claim("one", "m_0", "-", "identity", statement="moment(semicircle(), 0) == 1")))
    >>> digest(cert) == cert["digest"]
    True
    """
    body = {k: v for k, v in cert.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


#: The former private name of :func:`digest` (same value on a body without ``"digest"``).
_digest = digest


def certificate(verdict: Verdict) -> dict[str, Any]:
    """The JSON-ready certificate of a verdict.

    Examples
    --------
    >>> from tpsym.proof.claims import Claim, parse_loop
    >>> v = verify_claim(Claim("c", "Catalan", "OEIS A000108", "identity",
    ...     statement="moment(mp(ratio=1), k) == catalan(k)", loops=(parse_loop("k = 1..4"),)))
    >>> cert = certificate(v)
    >>> cert["verdict"], len(cert["steps"]), recheck(cert).holds
    ('verified', 4, True)
    """
    body = {
        "format": FORMAT,
        "claim": _claim_record(verdict.claim),
        "kind": verdict.claim.kind,
        "verdict": verdict.status,
        **({"digits": verdict.digits} if verdict.digits is not None else {}),
        "summary": verdict.summary,
        "steps": verdict.steps,
        "failure": verdict.failure,
        "proof": verdict.proof,
        "numeric": verdict.numeric,
        "notes": verdict.notes,
        "versions": versions(),
    }
    body = json.loads(json.dumps(body, default=str))
    return {**body, "digest": digest(body)}


@dataclass
class RecheckResult:
    """The outcome of :func:`recheck`."""

    holds: bool
    claim_id: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Where the recorded claim (title and source included) was found, when
    #: :func:`recheck` was given proof files; None: title and source are unchecked text.
    bound_to: str | None = None

    def summary(self) -> str:
        if self.holds:
            bound = f"the claim is the one of {self.bound_to}" if self.bound_to else UNBOUND_NOTE
            return f"{self.claim_id}: the certificate holds ({bound})"
        return f"{self.claim_id}: the certificate does not hold: " + "; ".join(self.problems)


#: What a recheck without the proof file says of the claim's free text.
UNBOUND_NOTE = "title and source are not checked: give the proof file with --against to bind them"


def _bind_claim(claim_rec: Any, against: Sequence[Claim], result: RecheckResult) -> None:
    """Compare the recorded claim, title and source included, with the claim of the same id in the proof files."""
    cid = claim_rec.get("id") if isinstance(claim_rec, dict) else None
    candidates = [c for c in against if c.id == cid]
    if not candidates:
        result.problems.append(f"claim: no claim {cid!r} in the proof files given")
        return
    for c in candidates:
        if json.loads(json.dumps(_claim_record(c), default=str)) == claim_rec:
            result.bound_to = c.where()
            return
    theirs = json.loads(json.dumps(_claim_record(candidates[0]), default=str))
    for key in sorted(set(theirs) | set(claim_rec)):
        if theirs.get(key) != claim_rec.get(key):
            result.problems.append(
                f"claim.{key}: recorded {claim_rec.get(key)!r}, the proof file ({candidates[0].where()}) says {theirs.get(key)!r}"
            )


def _same_value(recorded: Any, fresh: Any) -> bool:
    """Whether a recorded value is the re-derived one: equal, or the same canonical sympy tree.

    Equivalent is not enough: ``(c**2 - 1)/(c - 1)`` for ``c + 1``, or an
    undefined ``0/0`` for ``1``, is a value the verifier never wrote.
    """
    import sympy

    from tpsym.spec import parse_formula

    if recorded == fresh:
        return True
    if not isinstance(recorded, str) or not isinstance(fresh, str):
        return False
    try:
        return bool(sympy.srepr(parse_formula(recorded)) == sympy.srepr(parse_formula(fresh)))
    except TpsymError:
        return False


def _compare(recorded: Any, fresh: Any, path: str, problems: list[str]) -> None:
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        for key in sorted(set(recorded) | set(fresh)):
            if key not in fresh:
                problems.append(f"{path}.{key} is recorded but not re-derived")
            elif key not in recorded:
                problems.append(f"{path}.{key} is missing")
            else:
                _compare(recorded[key], fresh[key], f"{path}.{key}", problems)
    elif isinstance(recorded, list) and isinstance(fresh, list):
        if len(recorded) != len(fresh):
            problems.append(f"{path} has {len(recorded)} entries, re-derived {len(fresh)}")
            return
        for i, (a, b) in enumerate(zip(recorded, fresh)):
            _compare(a, b, f"{path}[{i}]", problems)
    elif not _same_value(recorded, fresh):
        problems.append(f"{path}: recorded {recorded!r}, re-derived {fresh!r}")


def _recheck_numeric(numeric: dict[str, Any], claim: Claim, problems: list[str], notes: list[str], *, resample: bool) -> None:
    """Tie a numeric record to its claim's settings, re-decide it, and (``resample``) re-sample it from its seed."""
    from tpsym.proof.numeric import kernel_summary, numeric_plan, numeric_summary, redecide, run_numeric
    from tpsym.spec import parse_spec

    settings = claim.numeric
    if settings is None or (settings.law is None and settings.kernel is None):
        problems.append("numeric: statistics recorded for a claim without numeric settings")
        return
    fast = numeric.get("fast")
    if not isinstance(fast, bool):
        problems.append(f"numeric.fast: recorded {fast!r}, not true or false")
        return
    # the settings come from the claim (which the digest binds), not from the record
    sizes, dropped, trials = numeric_plan(settings, fast=fast)
    for key, want in (
        ("family_wise_alarm_rate", settings.alpha), ("tolerance", settings.tolerance), ("sizes", list(sizes)),
        ("dropped_sizes", list(dropped)), ("trials", trials), ("seed", settings.seed), ("order", 1 if settings.kernel else settings.order),
        ("entries", settings.entries),
    ):
        if numeric.get(key) != want:
            problems.append(f"numeric.{key}: recorded {numeric.get(key)!r}, the claim's settings give {want!r}")
    try:
        verdict = redecide(numeric, tolerance=settings.tolerance, alpha=settings.alpha)
        summary = kernel_summary(numeric) if settings.kernel else numeric_summary(numeric)
    except (TpsymError, KeyError, TypeError, ValueError, ArithmeticError) as exc:
        problems.append(f"numeric: the recorded statistics cannot be re-decided: {exc}")
        return
    if verdict != numeric.get("verdict"):
        problems.append(f"numeric: the recorded estimates give {verdict!r}, the certificate says {numeric.get('verdict')!r}")
    if summary != numeric.get("summary"):
        problems.append(f"numeric.summary: recorded {numeric.get('summary')!r}, re-made {summary!r}")
    # the expected values are exact moments of the claim's law (or its kernel): re-derive them
    order = 1 if settings.kernel else settings.order
    try:
        if settings.kernel:
            from tpsym.numeric.kernels import kernel_target

            expected = [kernel_target(settings.kernel, locals=claim.symbols()).expected]
        else:
            law = parse_spec(str(settings.law), locals=claim.symbols())
            expected = [float(m) for m in law.moments(order)]
    except (TpsymError, TypeError, ValueError) as exc:
        problems.append(f"numeric: the {'kernel' if settings.kernel else 'law'} {settings.kernel or settings.law!r} cannot be re-derived: {exc}")
        return
    rows = numeric.get("moments") or []
    if sorted(int(r.get("k", 0)) for r in rows) != list(range(1, order + 1)):
        problems.append(f"numeric: the recorded moments are not m_1..m_{order}")
        return
    for r in rows:
        want = expected[int(r["k"]) - 1]
        got = float(r["expected"])
        if abs(got - want) > 1e-12 * max(1.0, abs(want)):
            problems.append(f"numeric: m_{r['k']} expected {got!r} is recorded, the law gives {want!r}")
    if not resample:
        notes.append("numeric estimates were re-decided, not re-sampled (--numeric)")
        return
    try:
        fresh = run_numeric(claim, fast=fast)
    except TpsymError as exc:
        problems.append(f"numeric: re-sampling from seed {settings.seed} failed: {exc}")
        return
    by_k = {int(r["k"]): r for r in rows}
    for m in fresh["moments"]:
        r = by_k.get(int(m["k"]), {})
        for key in ("estimate", "stderr", "df", "per_size"):
            if r.get(key) != m[key]:
                problems.append(
                    f"numeric: m_{m['k']} {key} recorded {r.get(key)!r}, re-sampled from seed {settings.seed} {m[key]!r}"
                )
    if fresh["verdict"] != numeric.get("verdict"):
        problems.append(f"numeric: re-sampling gives {fresh['verdict']!r}, the certificate says {numeric.get('verdict')!r}")
    notes.append(f"numeric estimates were re-sampled from seed {settings.seed} and match exactly")


def _recheck_summary(cert: dict[str, Any], claim: Claim, fresh: dict[str, Any], problems: list[str]) -> None:
    """The recorded one-line summary must be the one the re-derivation (and the numeric record) gives."""
    recorded = cert.get("summary")
    numeric = cert.get("numeric")
    numeric_summary = numeric.get("summary") if isinstance(numeric, dict) else None
    if claim.kind == "numeric":
        expected = [numeric_summary if numeric_summary is not None else fresh["summary"]]
    elif numeric_summary is None:
        expected = [fresh["summary"]]
    else:
        expected = [f"{fresh['summary']}; {numeric_summary}", f"{fresh['summary']}; but {numeric_summary}"]
    if fresh["verdict"] == "error" and isinstance(recorded, str):
        # the message starts with where the claim was written: the file then, the certificate now
        tail = fresh["summary"].split(": ", 1)[-1]
        if recorded.split(": ", 1)[-1] == tail or recorded.endswith(": " + tail):
            return
    if recorded not in expected:
        problems.append(f"summary: recorded {recorded!r}, re-derived {expected[0]!r}")


def recheck(cert: Any, *, against: Sequence[Claim] | None = None, resample: bool | frozenset[str] = True) -> RecheckResult:
    """Re-derive every step of a certificate and say whether it still holds.

    Parameters
    ----------
    cert : dict
        A certificate as written by :func:`certificate` (read from JSON).
    against : sequence of Claim, optional
        The claims of the proof files the certificate is about. The recorded
        claim must be the one of the same id, field by field: its title and
        source are then bound to the file. Without them, title and source
        are free text that nothing checks, and the result says so.
    resample : bool or set of claim ids
        Re-sample the numeric record from its seed and compare the estimates
        exactly (True: always; a set: for those claims only; False: only
        re-decide the recorded estimates, and say so in the notes).

    Returns
    -------
    RecheckResult
        ``holds`` is True when every recorded value is re-derived.
    """
    if not isinstance(cert, dict) or cert.get("format") != FORMAT:
        raise CertificateError(f"not a tpsym certificate (expected format {FORMAT!r})")
    claim_rec = cert.get("claim")
    cid = claim_rec.get("id", "?") if isinstance(claim_rec, dict) else "?"
    result = RecheckResult(True, str(cid))
    if cert.get("digest") != digest(cert):
        result.problems.append("the digest does not match the content: the certificate was changed after it was written")
    try:
        claim = claim_from_table(claim_rec, "<certificate>")
    except TpsymError as exc:
        if cert.get("verdict") == "error":
            result.problems.append(f"the certificate records a claim that could not be read ({cert.get('summary')}): nothing to re-derive")
        else:
            result.problems.append(f"the recorded claim is malformed: {exc}")
        result.holds = False
        return result
    digits = cert.get("digits", DEFAULT_DIGITS)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 10_000:
        result.problems.append(f"digits: recorded {digits!r}, not an int in 1..10000")
        result.holds = False
        return result
    fresh = certificate(verify_claim(claim, numeric=False, digits=digits))
    recorded = cert.get("verdict")
    numeric_record = cert.get("numeric")
    numeric_verdict = numeric_record.get("verdict") if isinstance(numeric_record, dict) else None
    if claim.kind == "numeric":
        if not numeric_record and recorded == "skipped" == fresh["verdict"]:
            result.notes.append("the numeric claim was skipped (numeric checks were off): the certificate claims nothing")
        elif not numeric_record:
            result.problems.append("a numeric claim without recorded statistics")
        elif recorded != numeric_verdict:
            # the numeric record itself is re-decided below
            result.problems.append(f"verdict: recorded {recorded!r}, the numeric record says {numeric_verdict!r}")
    elif numeric_verdict == "contradicted":
        if recorded != "contradicted":
            result.problems.append(f"verdict: recorded {recorded!r}, but the numeric record says 'contradicted'")
        if fresh["verdict"] not in ("proved", "verified"):
            result.problems.append(f"verdict: the exact part re-derives as {fresh['verdict']!r}")
    elif fresh["verdict"] != recorded:
        result.problems.append(f"verdict: recorded {recorded!r}, re-derived {fresh['verdict']!r}")
    for key in ("steps", "failure", "proof"):
        _compare(cert.get(key), fresh.get(key), key, result.problems)
    if cert.get("proof"):
        try:
            recheck_proof(cert["proof"])
        except TpsymError as exc:
            result.problems.append(f"proof: {exc}")
    if cert.get("kind") != claim.kind:
        result.problems.append(f"kind: recorded {cert.get('kind')!r}, the claim is {claim.kind!r}")
    if cert.get("notes") != fresh["notes"]:
        result.problems.append(f"notes: recorded {cert.get('notes')!r}, re-derived {fresh['notes']!r}")
    _recheck_summary(cert, claim, fresh, result.problems)
    if cert.get("numeric"):
        if not isinstance(cert["numeric"], dict):
            result.problems.append("numeric: the record is not a table")
        else:
            again = resample if isinstance(resample, bool) else claim.id in resample
            _recheck_numeric(cert["numeric"], claim, result.problems, result.notes, resample=again)
    recorded_versions = cert.get("versions", {})
    if recorded_versions != fresh["versions"]:
        result.notes.append(f"written with {recorded_versions}, re-checked with {fresh['versions']}")
    if against is not None:
        _bind_claim(claim_rec, against, result)
    else:
        result.notes.append(UNBOUND_NOTE)
    result.holds = not result.problems
    return result
