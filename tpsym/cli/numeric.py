"""``tpsym crosscheck`` and ``tpsym plot``: large random matrices confirm a law.

``tpsym crosscheck SPEC`` samples the law of SPEC (or the real network of a
Jacobian law), estimates its first K moments over a sweep of sizes with a
1/N extrapolation, and tests them against the derived moments (and any
``--claim``) at a family-wise false-alarm rate ``--alpha`` (Holm). The
verdict is confirmed only when every moment would have shown a relative
error of ``--tolerance`` (default 2 %) with 80 % power, else inconclusive,
with the detectable error and the trials that would settle each moment.
Exit status 0 when confirmed or inconclusive, 1 when a moment is
contradicted, 2 on bad input (a size too small for the order, a part without a sampler, dense
matrices that would not fit in memory).

``tpsym plot SPEC --out spectrum.png`` draws the eigenvalue histogram of one
sample with the derived moments in the legend.

>>> from tpsym.cli import main
>>> main(["crosscheck", "dirac(2)", "--order", "2", "--sizes", "16,32", "--trials", "2",
...       "--workers", "0"])
target    dirac(2)
sizes     16, 32 (2 trials each; weighted least squares in 1/N)
estimator eigvalsh
alarm     family-wise 0.01 (Holm over 2 tests)
power     detects a relative error of each moment with 80% power; tolerance 0.02
claim    k  estimate       stderr     expected       z      |z| max  ok   detects  trials needed
derived  1  2              ...        2              ...  yes  ... -
derived  2  4              ...        4              ...  yes  ... -
verdict   confirmed
0
"""

from __future__ import annotations

import argparse
import re
import math
import sys
from typing import Any

from tpsym.cli import check_range, emit_json, parse_number
from tpsym.errors import InputError

__all__ = ["register", "handle_crosscheck", "handle_plot", "parse_sizes"]


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"256,512,1024"`` → ``(256, 512, 1024)``.

    Examples
    --------
    >>> parse_sizes("256, 512,1024")
    (256, 512, 1024)
    """
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(int(part))
        except ValueError:
            raise InputError(f"--sizes: {part!r} is not an integer") from None
    if not out:
        raise InputError("--sizes: no size given")
    return tuple(out)


#: Command-line bounds (the Python API has none): moments of a numeric check
#: beyond order 32 need sizes above 4096 and their standard errors are huge.
MAX_ORDER = 32
MAX_TRIALS = 100_000
MAX_PROBES = 4096
MAX_WORKERS = 256
MIN_PX, MAX_PX = 16, 20_000


def _claim(text: str) -> tuple[float, ...]:
    out = []
    for part in text.split(","):
        try:
            out.append(float(parse_number(part, "--claim")))
        except OverflowError:
            raise InputError(f"--claim: {part.strip()!r} is beyond double precision") from None
    return tuple(out)


def _sweep(args: argparse.Namespace, order: int) -> tuple[int, ...]:
    from tpsym.numeric.experiment import DEFAULT_SIZES, min_size

    if args.sizes is not None:
        return parse_sizes(args.sizes)
    if args.size is None:
        return DEFAULT_SIZES
    n = args.size
    low = min_size(order)
    if n < low:
        raise InputError(f"--size {n} is too small for --order {order}: it must be at least {low}")
    return tuple(m for m in (n // 4, n // 2, n) if m >= low)


def _target(spec: str) -> Any:
    from tpsym.spec import parse_spec  # imported where used

    return parse_spec(spec)


def _fmt(x: float, width: int = 13) -> str:
    if isinstance(x, float) and math.isinf(x):
        return ("inf" if x > 0 else "-inf").ljust(width)
    return f"{x:.6g}".ljust(width) if abs(x) >= 1e-4 or x == 0 else f"{x:.2g}".ljust(width)


def _check_tolerance(value: float) -> float:
    if not (isinstance(value, float) and math.isfinite(value) and 0 < value < 1):
        raise InputError(f"--tolerance {value!r} must be a relative error in (0, 1), e.g. 0.02")
    return value


def _with_power(result: Any, tolerance: float) -> Any:
    """The cross-check with its decision re-made at ``tolerance``: confirmed only when every moment
    would have shown that relative error with 80 % power (else inconclusive)."""
    import dataclasses

    from tpsym.numeric.decision import decide_family

    by_k = {e.k: e for e in result.estimates}
    families: dict[str, dict[int, float]] = {}
    for t in result.decision.tests:
        families.setdefault(t.claim, {})[t.k] = t.expected
    decision = decide_family(
        [(name, [by_k[k] for k in sorted(exp)], {k: exp[k] for k in sorted(exp)}) for name, exp in families.items()],
        alpha=result.decision.alpha, tolerance=tolerance, trials=result.trials,
    )
    return dataclasses.replace(result, decision=decision)


def handle_crosscheck(args: argparse.Namespace) -> int:
    """Run ``tpsym crosscheck``; 0 confirmed or inconclusive, 1 contradicted."""
    if re.match(r"\s*(nngp|ntk)\s*\(", args.spec):
        return _crosscheck_kernel(args)
    from tpsym.numeric.experiment import crosscheck

    tolerance = _check_tolerance(args.tolerance)
    order = check_range(args.order, "--order", 1, MAX_ORDER)
    check_range(args.trials, "--trials", 2, MAX_TRIALS)
    check_range(args.seed, "--seed", 0)
    check_range(args.probes, "--probes", 1, MAX_PROBES)
    check_range(args.workers, "--workers", 0, MAX_WORKERS)
    sizes = _sweep(args, order)
    claims: dict[str, Any] = {} if args.no_derived else {"derived": None}
    for i, text in enumerate(args.claim or [], 1):
        values = _claim(text)
        if len(values) > order:
            raise InputError(f"--claim {text!r} gives {len(values)} moments but --order is {order}")
        claims[f"claim{i}" if len(args.claim) > 1 else "claim"] = dict(enumerate(values, 1))
    if not claims:
        raise InputError("nothing to test: --no-derived needs at least one --claim")
    target = _target(args.spec)
    result = crosscheck(
        target,
        order,
        claims=claims,
        alpha=args.alpha,
        sizes=sizes,
        trials=args.trials,
        seed=args.seed,
        matrix_free=args.matrix_free,
        probes=args.probes,
        scheduler=args.scheduler,
        workers=args.workers,
        progress=(not args.json) and sys.stderr.isatty(),
        control_variate=not args.no_control_variate,
    )
    result = _with_power(result, tolerance)
    if args.json:
        record = result.to_dict()
        record.update(tolerance=tolerance, power=result.decision.power, detectable=result.decision.detectable)
        emit_json(record)
    else:
        d = result.decision
        how = "weighted least squares in 1/N" if len(result.sizes) > 1 else "one size: no extrapolation"
        print(f"target    {result.target}")
        print(f"sizes     {', '.join(map(str, result.sizes))} ({result.trials} trials each; {how})")
        print(f"estimator {'hutchinson, %d probes' % args.probes if result.matrix_free else 'eigvalsh'}")
        if result.control_mean is not None:
            print(f"variance  {result.variance_reduction}")
        print(f"alarm     family-wise {d.alpha:g} (Holm over {len(d.tests)} tests)")
        print(f"power     detects a relative error of each moment with {d.power:.0%} power; tolerance {tolerance:g}")
        print("claim    k  estimate       stderr     expected       z      |z| max  ok   detects  trials needed")
        for t in d.tests:
            enough = t.detectable is not None and t.detectable <= tolerance
            needed = "-" if enough else ("> 10000" if t.trials_needed is None else str(t.trials_needed))
            print(
                f"{t.claim[:8]:<8} {t.k:<2} {_fmt(t.estimate, 14)} {_fmt(t.stderr, 10)} "
                f"{_fmt(t.expected, 14)} {t.z:<6.2f} {t.z_threshold:<8.2f} {'yes' if t.ok else 'NO ':<4} "
                f"{_fmt(t.detectable if t.detectable is not None else math.inf, 8)} {needed}"
            )
        print(f"verdict   {result.verdict}")
    return 1 if result.verdict == "contradicted" else 0


def _crosscheck_kernel(args: argparse.Namespace) -> int:
    """``tpsym crosscheck "nngp(...)"`` / ``"ntk(...)"``: sampled finite-width networks against the kernel."""
    from tpsym.numeric.kernels import kernel_target

    check_range(args.trials, "--trials", 2, MAX_TRIALS)
    check_range(args.seed, "--seed", 0)
    sizes = parse_sizes(args.sizes) if args.sizes else ((args.size // 4, args.size // 2, args.size) if args.size else (64, 128, 256))
    target = kernel_target(args.spec)
    tolerance = _check_tolerance(args.tolerance)
    result = target.crosscheck(sizes=sizes, trials=args.trials, seed=args.seed, alpha=args.alpha, tolerance=tolerance)
    if args.json:
        emit_json(result.to_dict())
    else:
        e = result.estimate
        print(f"target    {args.spec}")
        print(f"sizes     {', '.join(map(str, result.sizes))} ({result.trials} networks each; weighted least squares in 1/N)")
        for n, m, s in e.per_size:
            print(f"  N={n:<6} mean {_fmt(m)} stderr {_fmt(s)}")
        t = result.decision.tests[0]
        print(f"estimate  {_fmt(t.estimate)} stderr {_fmt(t.stderr)} expected {_fmt(t.expected)} z {t.z:.2f} (|z| max {t.z_threshold:.2f})")
        if t.detectable is not None:
            more = "" if t.detectable <= tolerance else f"; {t.trials_needed or '> 10000'} trials per size would reach it"
            print(f"power     detects a relative error of {t.detectable:.2%} with {result.decision.power:.0%} power (tolerance {tolerance:g}){more}")
        print(f"verdict   {result.verdict}")
    return 1 if result.verdict == "contradicted" else 0


def handle_plot(args: argparse.Namespace) -> int:
    """Run ``tpsym plot``: one sample's eigenvalue histogram, derived moments in the legend."""
    import numpy as np

    from tpsym.errors import TpsymError
    from tpsym.numeric.experiment import as_target, check_memory
    from tpsym.numeric.plot import derived_density, plot_spectrum

    check_range(args.size, "--size", 2)
    check_range(args.order, "--order", 0, MAX_ORDER)
    check_range(args.seed, "--seed", 0)
    check_range(args.width_px, "--width-px", MIN_PX, MAX_PX)
    check_range(args.height_px, "--height-px", MIN_PX, MAX_PX)
    check_range(args.dpi, "--dpi", 10, 2400)
    law = _target(args.spec)
    target = as_target(law)
    check_memory(target, args.size, matrix_free=False, workers=1, suggest_matrix_free=False)
    rng = np.random.default_rng(np.random.SeedSequence(args.seed))
    lam = np.linalg.eigvalsh(target.sample(rng, args.size))
    moments = None
    if args.order:
        try:
            moments = target.expected_moments(args.order)
        except TpsymError:
            moments = None
    atoms: tuple[tuple[float, float], ...]
    density, atoms = None, ()
    try:
        density, atoms = derived_density(law, lam)
    except TpsymError as exc:
        print(f"tpsym: note: no derived density drawn: {exc}", file=sys.stderr)
    path = plot_spectrum(
        lam,
        out=args.out,
        density=density,
        atoms=atoms,
        moments=moments,
        title=f"{target.description}, N={args.size}",
        width_px=args.width_px,
        height_px=args.height_px,
        dpi=args.dpi,
    )
    if args.json:
        emit_json({"out": str(path), "size": args.size, "width_px": args.width_px, "height_px": args.height_px})
    else:
        print(f"wrote {path} ({args.width_px}x{args.height_px} px, N={args.size})")
    return 0


def register(subparsers: Any) -> None:
    """Add ``crosscheck`` and ``plot`` to the ``tpsym`` command."""
    from tpsym.numeric.experiment import DEFAULT_PROBES, DEFAULT_TRIALS
    from tpsym.numeric.decision import DEFAULT_ALPHA, DEFAULT_TOLERANCE

    p = subparsers.add_parser(
        "crosscheck",
        help="confirm or contradict the derived moments of a law by simulation",
        description=(
            "Sample SPEC at several sizes, estimate its first K moments with standard errors, "
            "extrapolate in 1/N and test them (Holm, family-wise rate --alpha). "
            "Exit 0 confirmed, 1 contradicted, 2 bad input."
        ),
    )
    p.add_argument("spec", metavar="SPEC", help="a law spec, e.g. 'boxtimes(mp(1/2), mp(1/2))'")
    p.add_argument("--order", type=int, default=4, metavar="K", help="test m_1..m_K (default 4)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--size", type=int, metavar="N", help="largest size; the sweep is N/4, N/2, N")
    g.add_argument("--sizes", metavar="LIST", help="the sizes of the sweep, e.g. 256,512,1024 (default)")
    p.add_argument("--trials", type=int, default=DEFAULT_TRIALS, metavar="T", help=f"trials per size (default {DEFAULT_TRIALS})")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="the run's seed (default 0)")
    p.add_argument("--alpha", type=float, default=DEFAULT_ALPHA, help=f"family-wise false-alarm rate (default {DEFAULT_ALPHA})")
    p.add_argument(
        "--tolerance", type=float, default=DEFAULT_TOLERANCE, metavar="REL",
        help=f"confirmed only if every moment would show this relative error with 80%% power, else inconclusive (default {DEFAULT_TOLERANCE})",
    )
    p.add_argument("--claim", action="append", metavar="M1,M2,...", help="claimed moments to test as well (repeatable)")
    p.add_argument("--no-derived", action="store_true", help="test only the --claim values")
    p.add_argument("--matrix-free", action="store_true", help="Hutchinson trace estimator (no eigendecomposition)")
    p.add_argument("--probes", type=int, default=DEFAULT_PROBES, help=f"probe vectors of --matrix-free (default {DEFAULT_PROBES})")
    p.add_argument(
        "--no-control-variate", action="store_true",
        help="for networks: plain trial means, without the control variate sum_l mean(phi'(h^l)^2)",
    )
    p.add_argument("--scheduler", metavar="ADDR", help="run the trials on a Dask cluster, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, default=2, help="local worker processes (default 2; 0 = this process)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=handle_crosscheck)

    q = subparsers.add_parser(
        "plot",
        help="draw the eigenvalue histogram of a sample against the derived density (PNG or PDF)",
        description="Draw the eigenvalue histogram of one sample of SPEC, the derived moments in the legend.",
    )
    q.add_argument("spec", metavar="SPEC", help="a law spec, e.g. 'mp(ratio=1/2)'")
    q.add_argument("--size", type=int, default=1000, metavar="N", help="the matrix size (default 1000)")
    q.add_argument("--out", required=True, help="output file, .png or .pdf")
    q.add_argument("--width-px", type=int, default=800, help="image width in pixels (default 800)")
    q.add_argument("--height-px", type=int, default=600, help="image height in pixels (default 600)")
    q.add_argument("--dpi", type=int, default=100, help="dots per inch of the image (default 100)")
    q.add_argument("--order", type=int, default=4, metavar="K", help="derived moments in the legend (default 4)")
    q.add_argument("--seed", type=int, default=0, help="the seed of the sample (default 0)")
    q.add_argument("--json", action="store_true", help='print {"out": ..., ...} instead of a line')
    q.set_defaults(func=handle_plot)
