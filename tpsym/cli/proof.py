"""``tpsym verify``, ``tpsym check`` and ``tpsym recheck``.

Exit status: 0 when nothing is refuted, contradicted or in error, 1
otherwise, 2 for bad usage (for ``check``, also a claim in error: the claim
is the command line).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from tpsym.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, check_range, emit_json
from tpsym.errors import CertificateError, InputError

__all__ = ["register"]


def _verdict_of_error(err: Any) -> Any:
    from tpsym.proof.verify import error_verdict

    return error_verdict(err)


def _verify_one(c: Any, options: dict[str, Any]) -> Any:
    """The verdict of one loaded claim (or of a claim that failed to load)."""
    from tpsym.proof.fileformat import ClaimError
    from tpsym.proof.verify import verify_claim

    if isinstance(c, ClaimError):
        return _verdict_of_error(c)
    return verify_claim(c, **options)


def _jobs(value: str) -> int:
    """``--jobs``: a whole number >= 1, or ``auto`` (one per available core)."""
    import os

    if value == "auto":
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # pragma: no cover - not on Linux
            return max(1, os.cpu_count() or 1)
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number >= 1 or 'auto', not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number >= 1 or 'auto', not {value!r}")
    return n


def _run(claims: list[Any], args: argparse.Namespace) -> list[Any]:
    """Verify the claims in order; with ``--jobs N`` in N worker processes.

    A verdict does not depend on the process that computes it (exact routes
    are deterministic; numeric checks draw from their claim's seed with BLAS
    held to one thread), so the verdicts and their order are those of a serial
    run. Numeric claims, the slow ones, are started first; the lines are
    printed in file order as soon as each is known.
    """
    from tpsym.render.report import text_line

    check_range(args.digits, "--digits", 1, 10_000)
    options = {"numeric": not args.no_numeric, "fast_numeric": not args.full_numeric,
               "tolerance": args.tolerance, "digits": args.digits}
    jobs = min(getattr(args, "jobs", 1), len(claims))
    verdicts: list[Any] = []
    if jobs <= 1:
        for c in claims:
            verdicts.append(_verify_one(c, options))
            if not args.json:
                print(text_line(verdicts[-1]), flush=True)
        return verdicts
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork starts workers at once, but is safe only from a single-threaded process
    method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    start = sorted(range(len(claims)), key=lambda i: getattr(claims[i], "numeric", None) is None)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        futures = {i: pool.submit(_verify_one, claims[i], options) for i in start}
        for i in range(len(claims)):
            verdicts.append(futures[i].result())
            if not args.json:
                print(text_line(verdicts[-1]), flush=True)
    return verdicts


def _finish(verdicts: list[Any], args: argparse.Namespace, *, single: bool = False) -> int:
    from tpsym.proof.certificate import certificate
    from tpsym.render.report import latex_report, run_summary, text_summary, verdict_record

    if args.certificates:
        out = Path(args.certificates)
        out.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        for v in verdicts:
            # one file per claim: a file-level error ('<file>') or a repeated id must not overwrite another
            stem = re.sub(r"[^A-Za-z0-9_.\-]", "_", v.claim.id).strip(".") or "claim"
            name, n = stem, 1
            while name in used:
                n += 1
                name = f"{stem}-{n}"
            used.add(name)
            (out / f"{name}.json").write_text(json.dumps(certificate(v), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if getattr(args, "latex", None):
        Path(args.latex).write_text(latex_report(verdicts) + "\n", encoding="utf-8")
    ok = all(v.ok for v in verdicts)
    if args.json and single:
        emit_json({**verdict_record(verdicts[0]), "ok": ok})
    elif args.json:
        emit_json({"claims": [verdict_record(v) for v in verdicts], "summary": run_summary(verdicts), "ok": ok})
    else:
        print(text_summary(verdicts))
    return EXIT_OK if ok else EXIT_FAIL


def _verify_paths(paths: list[str]) -> list[str]:
    """The paths to verify: the bundled library with no path; a bare library name is its file."""
    from tpsym.proof.library import bundled_library, library_names

    if not paths:
        return [str(bundled_library())]
    out = []
    for p in paths:
        bare = "/" not in p and "\\" not in p and not p.endswith(".toml")
        if bare and not Path(p).exists():
            if p not in library_names():
                raise InputError(f"{p}: no such file, nor a bundled proof file (they are {', '.join(library_names())})")
            p = str(bundled_library(p))
        out.append(p)
    return out


def _verify(args: argparse.Namespace) -> int:
    from tpsym.proof.fileformat import load_claims

    claims = load_claims(_verify_paths(args.paths))
    return _finish(_run(claims, args), args)


def _loop_variable(statement: str) -> str:
    """The variable of ``--for all``: the statement's only bare name, else ``k``, else ``n``.

    >>> _loop_variable("moment(semicircle(), 2*k) == catalan(k)")
    'k'
    >>> _loop_variable("nc_count(n, 1) == 1")
    'n'
    """
    # bare names: not called, not keyword arguments, not numbers
    names = set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)\b(?!\s*\()(?!\s*=(?!=))", statement))
    if len(names) == 1:
        return names.pop()
    for candidate in ("k", "n"):
        if candidate in names:
            return candidate
    raise InputError(
        f"--for all: which variable? the statement has {', '.join(sorted(names)) or 'none'}; write --for VAR=all"
    )


def _check(args: argparse.Namespace) -> int:
    from tpsym.proof.claims import Claim, Loop, NumericSettings, parse_loop

    from tpsym.proof.fileformat import MAX_ORDER

    loops: list[Loop] = []
    order = check_range(args.order, "--order", 1, MAX_ORDER)
    for spec in args.for_ or []:
        if spec == "all":
            spec = f"{_loop_variable(args.statement)}=all"
        if spec.endswith("=all"):
            spec = f"{spec[:-4]} >= 1"
        loop = parse_loop(spec.replace("=", " = ", 1) if ">=" not in spec else spec)
        if any(other.var == loop.var for other in loops):
            raise InputError(f"--for: {loop.var} is given twice")
        loops.append(loop)
    numeric = None
    if args.numeric_law:
        numeric = NumericSettings(law=args.numeric_law, order=min(order, 8))
    claim = Claim("check", args.statement, "command line", "identity", statement=args.statement, loops=tuple(loops), order=order, numeric=numeric)
    if args.json:
        verdicts = _run([claim], args)
    else:
        from tpsym.proof.verify import verify_claim
        from tpsym.render.report import text_line

        check_range(args.digits, "--digits", 1, 10_000)
        verdicts = [verify_claim(claim, numeric=not args.no_numeric, fast_numeric=not args.full_numeric, tolerance=args.tolerance, digits=args.digits)]
        if verdicts[0].status == "error":
            # the claim is the command line: one line on stderr, as for any bad input
            raise InputError(verdicts[0].summary.removeprefix("check: "))
        print(text_line(verdicts[0]), flush=True)
    status = _finish(verdicts, args, single=True)
    # a malformed claim is bad usage, not a failed claim
    return EXIT_USAGE if verdicts[0].status == "error" else status


def _resample(spec: str) -> Any:
    """``--numeric all|none|ID,ID,...``: which numeric records ``recheck`` re-samples."""
    spec = spec.strip()
    if spec == "all":
        return True
    if spec == "none":
        return False
    ids = frozenset(s.strip() for s in spec.split(",") if s.strip())
    if not ids:
        raise InputError(f"--numeric {spec!r}: give all, none or claim ids separated by commas")
    return ids


def _tolerance(text: str) -> float:
    try:
        t = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < t < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: a relative error in (0, 1), e.g. 0.02 for 2 %")
    return t


def _recheck(args: argparse.Namespace) -> int:
    from tpsym.proof.certificate import recheck

    against = None
    if args.against:
        from tpsym.proof.fileformat import ClaimError, load_claims

        loaded = load_claims(args.against)
        broken = [c for c in loaded if isinstance(c, ClaimError)]
        if broken:
            raise InputError(f"--against: {broken[0].where()}: {broken[0].message}")
        against = [c for c in loaded if not isinstance(c, ClaimError)]
    results = []
    for path in args.certificates_in:
        try:
            cert = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{path}: cannot read the certificate: {exc}") from exc
        try:
            r = recheck(cert, against=against, resample=_resample(args.numeric))
        except CertificateError as exc:
            raise InputError(f"{path}: {exc}") from exc
        results.append(r)
        if not args.json:
            print(r.summary())
    ok = all(r.holds for r in results)
    if args.json:
        emit_json({"certificates": [
            {"id": r.claim_id, "holds": r.holds, "problems": r.problems, "notes": r.notes, "bound_to": r.bound_to} for r in results
        ], "ok": ok})
    return EXIT_OK if ok else EXIT_FAIL


def register(sub: Any) -> None:
    """Add ``verify``, ``check`` and ``recheck``."""
    p = sub.add_parser("verify", help="prove, check or refute the claims of proof files")
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="proof files (*.toml), directories of them, or names of bundled files (none: the whole bundled library)",
    )
    p.add_argument("--no-numeric", action="store_true", help="skip the numeric cross-checks")
    p.add_argument("--full-numeric", action="store_true", help="run the numeric cross-checks at their full settings")
    p.add_argument("--tolerance", type=_tolerance, default=None, metavar="REL",
                   help="relative error a numeric 'confirmed' must detect with 80%% power (default: each claim's, 0.02)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--latex", metavar="FILE", help="write a LaTeX report of the run")
    p.add_argument("--certificates", metavar="DIR", help="write one JSON certificate per claim")
    p.add_argument("--digits", type=int, default=30, help="decimal digits of a certified verdict (default 30)")
    p.add_argument("--jobs", type=_jobs, default="auto", metavar="N",
                   help="worker processes (default auto: one per available core; 1 runs in this process)")
    p.set_defaults(func=_verify)

    c = sub.add_parser("check", help="prove, check or refute one claim given on the command line")
    c.add_argument("statement", help="a claim 'lhs == rhs', e.g. \"moment(semicircle(), 2*k) == catalan(k)\"")
    c.add_argument("--for", dest="for_", action="append", metavar="LOOP", help="k=1..12 or k=all (repeatable)")
    c.add_argument("--order", type=int, default=10, help="terms checked exactly for an all-order claim (default 10)")
    c.add_argument("--numeric-law", metavar="SPEC", help="also cross-check the moments of this law numerically")
    c.add_argument("--no-numeric", action="store_true", help=argparse.SUPPRESS)
    c.add_argument("--full-numeric", action="store_true", help=argparse.SUPPRESS)
    c.add_argument("--tolerance", type=_tolerance, default=None, metavar="REL",
                   help="relative error a numeric 'confirmed' must detect with 80%% power (default 0.02)")
    c.add_argument("--json", action="store_true", help="print one JSON object")
    c.add_argument("--latex", metavar="FILE", help="write a LaTeX report")
    c.add_argument("--certificates", metavar="DIR", help="write the JSON certificate")
    c.add_argument("--digits", type=int, default=30, help="decimal digits of a certified verdict (default 30)")
    c.set_defaults(func=_check)

    r = sub.add_parser("recheck", help="re-derive every step of certificates")
    r.add_argument("certificates_in", nargs="+", metavar="CERT", help="certificate JSON files")
    r.add_argument("--against", action="append", metavar="PATH",
                   help="proof files (or directories) the certificates are about: binds their claims, title and source included (repeatable)")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--numeric", default="all", metavar="WHICH",
                   help="numeric records to re-sample from their seed: all (default), none, or claim ids ID,ID,...")
    r.set_defaults(func=_recheck)

