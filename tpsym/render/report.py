"""Reports of a verification run: text, JSON and a LaTeX appendix.

The LaTeX report is meant for a paper's appendix (``\\input`` it, with the
``booktabs`` and ``amsmath`` packages): a summary table of the claims and
their verdicts, then each claim with its source, statement, verdict and
derivation — for a moment claim the sum over NC(n) behind one of its
moments, grouped by block type, then its value; for an all-order proof the
algebraic equation and the recurrence.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import sympy

from tpsym.errors import TpsymError
from tpsym.laws.base import Law

__all__ = ["verdict_record", "run_summary", "text_line", "text_summary", "latex_report", "nc_sum_latex"]

_ORDER = ("proved", "verified", "certified", "confirmed", "skipped", "refuted", "contradicted", "error")


def verdict_record(v: Any) -> dict[str, Any]:
    """The JSON record of one verdict (the certificate without versions and digest)."""
    from tpsym.proof.certificate import certificate

    cert = certificate(v)
    return {
        "id": v.claim.id,
        "title": v.claim.title,
        "source": v.claim.source,
        "where": v.claim.where(),
        "verdict": v.status,
        **({"digits": v.digits} if v.status == "certified" else {}),
        "summary": v.summary,
        "seconds": round(v.elapsed, 3),
        "failure": cert["failure"],
        "proof": cert["proof"],
        "numeric": cert["numeric"],
        "notes": cert["notes"],
    }


def run_summary(verdicts: list[Any]) -> dict[str, int]:
    """How many claims reached each verdict.

    >>> run_summary([])
    {}
    """
    counts = Counter(v.status for v in verdicts)
    return {k: counts[k] for k in _ORDER if counts[k]}


def text_line(v: Any) -> str:
    """One progress line: verdict, id, time, summary."""
    return f"{v.status:<12} {v.claim.id:<34} {v.elapsed:6.2f}s  {v.summary}"


def text_summary(verdicts: list[Any]) -> str:
    """The closing table of a run.

    >>> print(text_summary([]))
    <BLANKLINE>
    verdict  claims
    -------  ------
    total         0
    """
    counts = run_summary(verdicts)
    width = max([len("verdict"), *(len(k) for k in counts)])
    lines = ["", f"{'verdict':<{width}}  claims", f"{'-' * width}  ------"]
    lines += [f"{k:<{width}}  {n:>6}" for k, n in counts.items()]
    lines.append(f"{'total':<{width}}  {len(verdicts):>6}")
    return "\n".join(lines)


def _tex(s: str) -> str:
    repl = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(repl.get(c, c) for c in s)


def nc_sum_latex(law: Any, n: int) -> str:
    r"""The sum over NC(n) behind ``m_n``, grouped by block type, then its value.

    >>> from tpsym.laws import semicircle
    >>> print(nc_sum_latex(semicircle(), 4))
    m_{4} = \sum_{\pi \in NC(4)} \kappa_\pi = \kappa_{1}^{4} + 6 \kappa_{1}^{2} \kappa_{2} + 4 \kappa_{1} \kappa_{3} + 2 \kappa_{2}^{2} + \kappa_{4} = 2
    """
    from tpsym.free.cumulants import type_counts

    kap = sympy.symbols(f"kappa_1:{n + 1}")
    total = sympy.Integer(0)
    for typ, count in type_counts(n, "free"):
        term = sympy.Integer(count)
        for size, mult in typ:
            term *= kap[size - 1] ** mult
        total += term
    values = law.cumulants(n)
    value = law.moments(n)[n - 1]
    check = sympy.expand(total.xreplace(dict(zip(kap, values))) - value)
    if check != 0:  # pragma: no cover - the two routes are tested equal
        raise AssertionError(f"the NC({n}) sum disagrees with m_{n} for {law}")
    return rf"m_{{{n}}} = \sum_{{\pi \in NC({n})}} \kappa_\pi = {sympy.latex(total, order='lex')} = {sympy.latex(value)}"


def _first_moment_call(claim: Any, at: dict[str, int]) -> tuple[Any, int] | None:
    """``(law, n)`` of the first ``moment(law, index)`` of a claim at the loop values ``at``, for 1 <= n <= 6."""
    from tpsym.proof.functions import claim_functions
    from tpsym.spec import parse_claim

    calls: list[tuple[Any, Any]] = []

    def moment(law: Law, k: sympy.Expr) -> sympy.Expr:
        calls.append((law, k))
        return sympy.Symbol(f"m{len(calls)}")

    env = {**claim.symbols(), **{name: sympy.Integer(value) for name, value in at.items()}}
    try:
        parse_claim(claim.statement, functions={**claim_functions("series"), "moment": moment}, locals=env)
    except TpsymError:  # the derivation is illustrative; the verdict stands without it
        return None
    for law, k in calls:
        if isinstance(k, sympy.Integer) and 1 <= int(k) <= 6:
            return law, int(k)
    return None


def _derivation(v: Any) -> list[str]:
    out: list[str] = []
    c = v.claim
    if c.kind == "identity" and v.steps and "moment(" in c.statement:
        # the sum over NC(n) behind the first moment of the third checked index (n at most 6)
        step = v.steps[min(len(v.steps), 3) - 1]
        call = _first_moment_call(c, step.get("at", {}))
        if call is not None:
            try:
                out.append(rf"\[ {nc_sum_latex(*call)} \]")
            except TpsymError:  # illustrative only: a law without a series for its cumulants
                pass
    for step in v.steps[:8]:
        if step.get("step") == "evaluate":
            at = ", ".join(f"{k} = {val}" for k, val in step["at"].items())
            lead = rf"\item ${at}$: both" if at else r"\item Both"
            out.append(rf"{lead} sides equal $\texttt{{{_tex(step['lhs'])}}}$ ({_tex(step['comparison'])}; lattice route {_tex(str(step.get('lattice', '')))})")
        elif step.get("step") == "compare moments":
            values = ", ".join(rf"$\texttt{{{_tex(x)}}}$" for x in step["values"])
            out.append(rf"\item $m_{{{step['k']}}}$: {values} ({_tex(step['comparison'])})")
        elif step.get("step") == "compare coefficients":
            out.append(
                rf"\item $m_{{{step['k']}}} = [z^{{{step['k']}}}]\,F = \texttt{{{_tex(step['moment'])}}}$ ({_tex(step['comparison'])})"
            )
    if len(v.steps) > 8:
        out.append(rf"\item \dots\ and {len(v.steps) - 8} more exact checks")
    if v.proof:
        p = v.proof
        out.append(rf"\item All orders: {_tex(p.get('method', ''))}. {_tex(p.get('statement', ''))}")
        if "equation" in p:
            out.append(rf"\item Algebraic equation: $\texttt{{{_tex(p['equation'])}}}$")
        rec_coeffs = (p.get("proof") or {}).get("recurrence")
        if rec_coeffs:
            out.append(r"\item Recurrence coefficients $p_j(n)$: " + ", ".join(rf"$\texttt{{{_tex(s)}}}$" for s in rec_coeffs))
    if v.failure:
        f = v.failure
        out.append(rf"\item Fails at {_tex(str(f['at']))}: claimed $\texttt{{{_tex(f['claimed'])}}}$, derived $\texttt{{{_tex(f['derived'])}}}$, difference $\texttt{{{_tex(f['difference'])}}}$")
    if v.numeric:
        out.append(rf"\item Numeric: {_tex(v.numeric.get('summary', ''))}")
    return out


def latex_report(verdicts: list[Any], *, title: str = "Verification of the claims") -> str:
    """A LaTeX appendix for a run: a booktabs summary table and one paragraph per claim."""
    lines = [
        rf"\section*{{{_tex(title)}}}",
        r"\begin{tabular}{llp{0.55\linewidth}}",
        r"\toprule",
        r"Claim & Verdict & Source \\",
        r"\midrule",
    ]
    for v in verdicts:
        lines.append(rf"\texttt{{{_tex(v.claim.id)}}} & {v.status} & {_tex(v.claim.source)} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    for v in verdicts:
        c = v.claim
        lines.append(rf"\subsection*{{{_tex(c.title)}}}")
        lines.append(rf"\noindent\textbf{{Source:}} {_tex(c.source)}.\\")
        if c.kind == "generating_function":
            lines.append(
                rf"\textbf{{Claim:}} $\sum_{{k \ge 0}} m_k z^k = F(z)$ for \texttt{{{_tex(c.laws[0])}}}, "
                rf"with $F(z) = $ \texttt{{{_tex(c.statement)}}}.\\"
            )
        elif c.statement:
            loops = ", ".join(str(lp) for lp in c.loops)
            lines.append(rf"\textbf{{Claim:}} \texttt{{{_tex(c.statement)}}}" + (rf" for \texttt{{{_tex(loops)}}}" if loops else "") + r".\\")
        elif c.laws:
            lines.append(r"\textbf{Claim:} the laws " + ", ".join(rf"\texttt{{{_tex(s)}}}" for s in c.laws) + r" have the same moments.\\")
        lines.append(rf"\textbf{{Verdict:}} \emph{{{v.status}}} --- {_tex(v.summary)}")
        items = _derivation(v)
        display = [i for i in items if i.startswith(r"\[")]
        bullets = [i for i in items if not i.startswith(r"\[")]
        lines += display
        if bullets:
            lines += [r"\begin{itemize}", *bullets, r"\end{itemize}"]
        lines.append("")
    return "\n".join(lines)
