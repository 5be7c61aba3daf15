"""Reports of a verification run: text, JSON and a LaTeX appendix.

The LaTeX report is meant for a paper's appendix (``\\input`` it, with the
``booktabs`` and ``amsmath`` packages): a summary table of the claims and
their verdicts, then each claim with its source, statement, verdict and
derivation — for a moment claim the sum over NC(n) behind one of its
moments, grouped by block type, then its value; for an all-order proof the
algebraic equation and the recurrence.
"""

from __future__ import annotations

import functools
import html
import inspect
import re
import unicodedata
from collections import Counter
from typing import Any

import sympy

from tpsym.errors import TpsymError
from tpsym.laws.base import Law

__all__ = [
    "verdict_record",
    "run_summary",
    "text_line",
    "text_summary",
    "latex_report",
    "nc_sum_latex",
    "claim_latex",
    "verdicts_html",
    "VerdictTable",
]

_ORDER = ("proved", "verified", "certified", "confirmed", "inconclusive", "skipped", "refuted", "contradicted", "error")


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


#: Characters of tpsym's summaries and of paper sources, as LaTeX that needs no
#: Unicode support (text mode; math wrapped in \ensuremath).
_UNICODE_TEX = {
    "⊞": r"\ensuremath{\boxplus}", "⊠": r"\ensuremath{\boxtimes}", "√": r"\ensuremath{\surd}",
    "Σ": r"\ensuremath{\Sigma}", "σ": r"\ensuremath{\sigma}", "·": r"\ensuremath{\cdot}", "≤": r"\ensuremath{\le}",
    "≥": r"\ensuremath{\ge}", "≠": r"\ensuremath{\ne}", "≈": r"\ensuremath{\approx}", "±": r"\ensuremath{\pm}",
    "×": r"\ensuremath{\times}", "∞": r"\ensuremath{\infty}", "→": r"\ensuremath{\to}", "−": "-", "–": "--",
    "—": "---", "²": r"\ensuremath{^2}", "³": r"\ensuremath{^3}", "ᵀ": r"\ensuremath{^{T}}", "κ": r"\ensuremath{\kappa}",
    "μ": r"\ensuremath{\mu}", "π": r"\ensuremath{\pi}", "φ": r"\ensuremath{\varphi}", "χ": r"\ensuremath{\chi}",
    "λ": r"\ensuremath{\lambda}", "α": r"\ensuremath{\alpha}", "β": r"\ensuremath{\beta}", "ξ": r"\ensuremath{\xi}",
    "θ": r"\ensuremath{\theta}", "Θ": r"\ensuremath{\Theta}", "δ": r"\ensuremath{\delta}", "ε": r"\ensuremath{\varepsilon}",
    "η": r"\ensuremath{\eta}", "ψ": r"\ensuremath{\psi}", "ζ": r"\ensuremath{\zeta}", "ρ": r"\ensuremath{\rho}",
    "τ": r"\ensuremath{\tau}", "γ": r"\ensuremath{\gamma}", "Γ": r"\ensuremath{\Gamma}", "…": r"\dots{}",
    "‘": "`", "’": "'", "“": "``", "”": "''", "é": r"\'e", "è": r"\`e", "ö": r'\"o', "ü": r'\"u', "ä": r'\"a',
    "ß": r"\ss{}", "ø": r"\o{}", "ł": r"\l{}", "ç": r"\c{c}", "á": r"\'a", "í": r"\'i", "ó": r"\'o", "ú": r"\'u",
    "ñ": r"\~n", "ć": r"\'c", "ń": r"\'n", "ś": r"\'s", "š": r"\v{s}", "č": r"\v{c}", "ž": r"\v{z}", "ř": r"\v{r}",
    "₀": r"\ensuremath{_0}", "₁": r"\ensuremath{_1}", "₂": r"\ensuremath{_2}", "ₖ": r"\ensuremath{_k}",
    "ℓ": r"\ensuremath{\ell}", "∑": r"\ensuremath{\sum}", "∏": r"\ensuremath{\prod}", "∈": r"\ensuremath{\in}",
    "≡": r"\ensuremath{\equiv}", "⟨": r"\ensuremath{\langle}", "⟩": r"\ensuremath{\rangle}", "∘": r"\ensuremath{\circ}",
}


def _tex(s: str) -> str:
    r"""Text as LaTeX text mode: specials escaped, every non-ASCII character written in ASCII.

    >>> _tex("Nica–Speicher: ⊠, √2 & 50% of m_k ≤ 1")
    'Nica--Speicher: \\ensuremath{\\boxtimes}, \\ensuremath{\\surd}2 \\& 50\\% of m\\_k \\ensuremath{\\le} 1'
    """
    repl = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}
    out = []
    for c in s:
        if c in repl:
            out.append(repl[c])
        elif c.isascii():
            out.append(c)
        elif c in _UNICODE_TEX:
            out.append(_UNICODE_TEX[c])
        else:
            plain = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
            out.append(plain or rf"\texttt{{<U+{ord(c):04X}>}}")
    return "".join(out)


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


def _arg_latex(a: Any) -> str:
    if isinstance(a, str):
        return rf"\mathrm{{{_tex(a)}}}"
    if isinstance(a, tuple):
        return r"\left(" + ", ".join(_arg_latex(x) for x in a) + r"\right)"
    return sympy.latex(a)


_CUMULANT_LETTER = {"free": r"\kappa", "boolean": r"\beta", "classical": "c"}


def _call_latex(name: str, args: dict[str, Any]) -> str:
    """The notation of one claim function applied to its (bound) arguments."""
    args = {k: v for k, v in args.items() if v is not None}  # unset optional arguments
    if name == "mixed_moment":
        # phi(word) of network factors, the networks named below
        word = r"\,".join(rf"\mathrm{{{_tex(t)}}}" for t in str(args.get("word", "")).split())
        given = args.get("letters") or {}
        sub = ", ".join(rf"\mathrm{{{_tex(str(k))}}} = {_arg_latex(v)}" for k, v in given.items())
        return rf"\varphi\left({word}\right)" + (rf"_{{{sub}}}" if sub else "")
    a = {k: _arg_latex(v) for k, v in args.items()}
    if name == "moment":
        return rf"m_{{{a['k']}}}\left({a['law']}\right)"
    if name == "cumulant":
        letter = _CUMULANT_LETTER.get(str(args.get("kind", "free")), r"\kappa")
        return rf"{letter}_{{{a['k']}}}\left({a['law']}\right)"
    if name == "s_coefficient":
        return rf"[z^{{{a['k']}}}]\, S_{{{a['law']}}}(z)"
    if name == "pairing_count":
        return rf"\left|NC_2({a['n']})\right|"
    if name == "k_divisible_count":
        return rf"\left|NC^{{({a['k']})}}({a['n']})\right|"
    if name == "mobius_nc":
        return rf"\mu_{{NC({a['n']})}}(0_{{{a['n']}}}, 1_{{{a['n']}}})"
    if name == "nc_count" and args.get("blocks") is None:
        return rf"\left|NC({a['n']})\right|"
    if name == "nc_count":
        return rf"\left|\{{\pi \in NC({a['n']}) : |\pi| = {a['blocks']}\}}\right|"
    named = {"q_star": "q^{*}", "chi": r"\chi", "mu": r"\mu"}
    if name in named:
        rest = dict(a)
        index = rest.pop("k", None) if name == "mu" else None
        head = named[name] + (f"_{{{index}}}" if index is not None else "")
        return rf"{head}\left({', '.join(rest.values())}\right)"
    body = ", ".join(a.values())
    escaped = name.replace("_", "\\_")
    return rf"\operatorname{{{escaped}}}\left({body}\right)"


def claim_latex(statement: str, symbols: dict[str, Any] | None = None) -> str | None:
    r"""A claim ``lhs == rhs`` typeset as math, or None when it cannot be read.

    Each claim function is written in its usual notation (``m_k(law)``,
    ``\kappa_k(law)``, ``|NC(n)|``); the rest is sympy's LaTeX.

    >>> print(claim_latex("moment(semicircle(), 2*k) == catalan(k)"))
    m_{2 k}\left(\mathrm{SC}\left(1\right)\right) = C_{k}
    >>> print(claim_latex("nc_count(n, 2) == binomial(n, 2)*binomial(n, 1)/n"))
    \left|\{\pi \in NC(n) : |\pi| = 2\}\right| = {\binom{n}{2}}
    """
    from tpsym.proof.functions import claim_functions
    from tpsym.spec import parse_claim

    names: dict[sympy.Symbol, str] = {}

    def placeholder(name: str, real: Any) -> Any:
        signature = inspect.signature(real)

        @functools.wraps(real)
        def call(*args: Any, **kwargs: Any) -> sympy.Symbol:
            bound = signature.bind(*args, **kwargs)
            if name != "nc_count":  # nc_count(n) counts every partition: no default shown
                bound.apply_defaults()
            sym = sympy.Symbol(f"tpsymcall{len(names)}")
            names[sym] = _call_latex(name, dict(bound.arguments))
            return sym

        return call

    table = {name: placeholder(name, fn) for name, fn in claim_functions("series").items()}
    try:
        lhs, rhs = parse_claim(statement, functions=table, locals=symbols or {})
        return rf"{sympy.latex(lhs, symbol_names=names)} = {sympy.latex(rhs, symbol_names=names)}"
    except (TpsymError, TypeError, ValueError, KeyError):  # a claim the notation does not cover: shown as code
        return None


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


def _math(text: str) -> str:
    """A formula printed by tpsym (or claimed in a file) as LaTeX math; code when it cannot be read."""
    from tpsym.spec import parse_formula

    try:
        return "$" + sympy.latex(parse_formula(text)) + "$"
    except (TpsymError, TypeError, ValueError):
        return rf"\texttt{{{_tex(text)}}}"


def _equation(text: str) -> str:
    lhs, sep, rhs = text.partition("=")
    if not sep:
        return _math(text)
    left, right = _math(lhs.strip()), _math(rhs.strip())
    if left.startswith("$") and right.startswith("$"):
        return f"{left[:-1]} = {right[1:]}"
    return rf"\texttt{{{_tex(text)}}}"


def _nc_derivation(law: Any, n: int) -> str:
    """The NC(n) sum of ``m_n`` with the law's own cumulants: only block types whose product is non-zero."""
    from tpsym.free.cumulants import type_counts

    kap = sympy.symbols(f"kappa_1:{n + 1}")
    values = law.cumulants(n)
    total = sympy.Integer(0)
    for typ, count in type_counts(n, "free"):
        term = sympy.Integer(count)
        for size, mult in typ:
            term *= kap[size - 1] ** mult
        if sympy.expand(term.xreplace(dict(zip(kap, values)))) != 0:
            total += term
    value = law.moments(n)[n - 1]
    cums = ", ".join(rf"\kappa_{{{j}}} = {sympy.latex(c)}" for j, c in enumerate(values, 1))
    middle = "" if total == 0 else f"= {sympy.latex(total, order='lex')} "
    return (
        rf"\[ m_{{{n}}}\left({sympy.latex(law)}\right) = \sum_{{\pi \in NC({n})}} \kappa_\pi "
        rf"{middle}= {sympy.latex(value)} \]"
        + "\n" + rf"with the free cumulants ${cums}$ (block types with a vanishing cumulant left out)."
    )


def _checks(v: Any) -> list[str]:
    """The exact checks of a claim, summarised once: where, how, and the first values."""
    evaluated = [st for st in v.steps if st.get("step") == "evaluate"]
    out: list[str] = []
    if evaluated:
        variables = sorted({name for st in evaluated for name in st.get("at", {})})
        comparisons = sorted({str(st.get("comparison", "")) for st in evaluated} - {""})
        lattice = sorted({str(st.get("lattice", "")) for st in evaluated} - {"", "None"})
        how = "; ".join(_tex(c) for c in comparisons)
        if lattice:
            how += "; lattice route: " + "; ".join(_tex(x) for x in lattice)
        if len(variables) == 1:
            var = variables[0]
            shown = ", ".join(_math(st["lhs"])[1:-1] if _math(st["lhs"]).startswith("$") else _tex(st["lhs"]) for st in evaluated[:8])
            more = r", \dots" if len(evaluated) > 8 else ""
            first, last = evaluated[0]["at"][var], evaluated[-1]["at"][var]
            out.append(rf"\item Both sides agree exactly at ${var} = {first}, \dots, {last}$ ({how}); the values are ${shown}{more}$.")
        elif variables:
            out.append(rf"\item Both sides agree exactly at {len(evaluated)} points of ${', '.join(variables)}$ ({how}).")
        else:
            out.append(rf"\item Both sides equal {_math(evaluated[0]['lhs'])} ({how}).")
    compared = [st for st in v.steps if st.get("step") in ("compare moments", "compare coefficients")]
    if compared:
        ks = [st["k"] for st in compared]
        how = "; ".join(sorted({_tex(str(st.get("comparison", ""))) for st in compared}))
        what = "the moments of the laws" if compared[0]["step"] == "compare moments" else "the moments and the coefficients of $F$"
        out.append(rf"\item {what.capitalize() if not what.startswith('the m') else 'The moments' + what[11:]} agree exactly for $k = {ks[0]}, \dots, {ks[-1]}$ ({how}).")
    return out


def _num(x: Any, digits: int) -> str:
    r"""A float in LaTeX math with ``digits`` significant digits: ``2.1 \times 10^{2}``, not ``2.1e+02``.

    >>> print(_num(210.4, 2), _num(4.7e-13, 2), _num(0.0025, 2), _num(1.5, 6), sep="; ")
    2.1 \times 10^{2}; 4.7 \times 10^{-13}; 0.0025; 1.5
    """
    text = f"{float(x):.{digits}g}"
    mantissa, e, exponent = text.partition("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}" if e else text


def _numeric_table(record: dict[str, Any]) -> list[str]:
    """The numeric cross-check as a table of estimates with their standard errors."""
    rows = record.get("moments") or []
    if not rows:
        return [rf"\item Numeric: {_tex(str(record.get('summary', '')))}"]
    detect = any("detectable" in r for r in rows)
    head = r"$k$ & estimate & claimed & $z$" + (r" & detectable" if detect else "") + r" \\"
    lines = [
        rf"\item Numeric: {_tex(str(record.get('summary', '')))}",
        r"\par\smallskip\begin{tabular}{r" + "r" * (4 if detect else 3) + "}",
        r"\toprule",
        head,
        r"\midrule",
    ]
    for r in rows:
        est = f"${_num(r['estimate'], 4)} \\pm {_num(r['stderr'], 2)}$"
        cells = [f"${r['k']}$", est, f"${_num(r['expected'], 6)}$", f"${float(r['z']):.2f}$"]
        if detect:
            d = r.get("detectable")
            cells.append("--" if d is None else f"${100 * float(d):.2g}\\,\\%$")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return lines


def _derivation(v: Any, seen_laws: set[str]) -> list[str]:
    out: list[str] = []
    c = v.claim
    if c.kind == "identity" and v.steps and "moment(" in c.statement:
        # the sum over NC(n) behind the first moment of the third checked index (n at most 6), once per law
        step = v.steps[min(len(v.steps), 3) - 1]
        call = _first_moment_call(c, step.get("at", {}))
        if call is not None and str(call[0]) not in seen_laws:
            try:
                out.append(_nc_derivation(*call))
                seen_laws.add(str(call[0]))
            except TpsymError:  # illustrative only: a law without a series for its cumulants
                pass
    out += _checks(v)
    if v.proof:
        p = v.proof
        out.append(rf"\item All orders: {_tex(p.get('method', ''))}. {_tex(p.get('statement', ''))}")
        if "equation" in p:
            out.append(rf"\item Algebraic equation of the generating function: {_equation(p['equation'])}")
        rec_coeffs = (p.get("proof") or {}).get("recurrence")
        if rec_coeffs:
            terms = [_math(x) for x in rec_coeffs]
            var = "n" if any(re.search(r"\bn\b", x) for x in rec_coeffs) else "k"
            if all(t.startswith("$") for t in terms):
                body = " + ".join(
                    rf"\left({t[1:-1]}\right) a_{{{var}{'' if j == 0 else f' + {j}'}}}" for j, t in enumerate(terms)
                )
                out.append(rf"\item Recurrence: ${body} = 0$")
            else:
                out.append(r"\item Recurrence coefficients $p_j(k)$: " + ", ".join(terms))
    if v.failure:
        f = v.failure
        out.append(
            rf"\item Fails at {_tex(str(f['at']))}: claimed {_math(str(f['claimed']))}, derived {_math(str(f['derived']))}, "
            rf"difference {_math(str(f['difference']))}"
        )
    if v.numeric:
        out += _numeric_table(v.numeric)
    return out


def latex_report(verdicts: list[Any], *, title: str = "Verification of the claims") -> str:
    r"""A LaTeX appendix for a run: a booktabs summary table and one paragraph per claim.

    Claims are typeset as math, text is ASCII (``\usepackage{amssymb,booktabs}``
    is all it needs), each law's NC(n) derivation appears once, numeric
    checks are tables of estimates with their standard errors.
    """
    lines = [
        rf"\section*{{{_tex(title)}}}",
        r"\begin{tabular}{llp{0.55\linewidth}}",
        r"\toprule",
        r"Claim & Verdict & Source \\",
        r"\midrule",
    ]
    for v in verdicts:
        lines.append(rf"\texttt{{{_tex(v.claim.id)}}} & {_tex(v.status)} & {_tex(v.claim.source)} \\")
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    seen_laws: set[str] = set()
    for v in verdicts:
        c = v.claim
        lines.append(rf"\subsection*{{{_tex(c.title)}}}")
        lines.append(rf"\noindent\textbf{{Source:}} {_tex(c.source)}.\\")
        if c.kind == "generating_function":
            law = _math_law(c.laws[0])
            lines.append(rf"\textbf{{Claim:}} $\sum_{{k \ge 0}} m_k\left({law}\right) z^k = {_math(c.statement)[1:-1] if _math(c.statement).startswith('$') else c.statement}$.\\" if _math(c.statement).startswith("$") else rf"\textbf{{Claim:}} $\sum_{{k \ge 0}} m_k\left({law}\right) z^k = F(z)$ with $F(z) = $ \texttt{{{_tex(c.statement)}}}.\\")
        elif c.statement:
            loops = ", ".join(_loop_latex(str(lp)) for lp in c.loops)
            typeset = claim_latex(c.statement, c.symbols())
            shown = f"${typeset}$" if typeset is not None else rf"\texttt{{{_tex(c.statement)}}}"
            lines.append(rf"\textbf{{Claim:}} {shown}" + (f" for {loops}" if loops else "") + r".\\")
        elif c.laws:
            lines.append(r"\textbf{Claim:} the laws " + ", ".join(f"${_math_law(s)}$" for s in c.laws) + r" have the same moments.\\")
        lines.append(rf"\textbf{{Verdict:}} \emph{{{_tex(v.status)}}} --- {_tex(v.summary)}")
        items = _derivation(v, seen_laws)
        display = [i for i in items if i.startswith(r"\[")]
        bullets = [i for i in items if not i.startswith(r"\[")]
        lines += display
        if bullets:
            lines += [r"\begin{itemize}", *bullets, r"\end{itemize}"]
        lines.append("")
    return "\n".join(lines)


def _loop_latex(loop: str) -> str:
    r"""``k = 1..12`` as ``$k = 1, \dots, 12$``, ``k >= 1`` as ``$k \ge 1$``; code otherwise.

    >>> print(_loop_latex("k = 1..12"), _loop_latex("k >= 1"))
    $k = 1, \dots, 12$ $k \ge 1$
    """
    m = re.fullmatch(r"\s*(\w+)\s*=\s*(.+?)\s*\.\.\s*(.+?)\s*", loop)
    if m:
        a, b = _math(m.group(2)), _math(m.group(3))
        if a.startswith("$") and b.startswith("$"):
            return rf"${m.group(1)} = {a[1:-1]}, \dots, {b[1:-1]}$"
    m = re.fullmatch(r"\s*(\w+)\s*>=\s*(.+?)\s*", loop)
    if m and _math(m.group(2)).startswith("$"):
        return rf"${m.group(1)} \ge {_math(m.group(2))[1:-1]}$"
    return rf"\texttt{{{_tex(loop)}}}"


def _math_law(spec: str) -> str:
    """A law spec as LaTeX math (without dollars); the spec in code when it cannot be read."""
    from tpsym.spec import parse_spec

    try:
        return sympy.latex(parse_spec(spec))
    except (TpsymError, TypeError, ValueError):
        return rf"\texttt{{{_tex(spec)}}}"


def verdicts_html(verdicts: list[Any]) -> str:
    r"""An HTML table of verdicts (verdict, claim, time, summary) for Jupyter, claims typeset by MathJax.

    >>> from tpsym.proof.claims import Claim
    >>> from tpsym.proof.verify import verify_claim
    >>> v = verify_claim(Claim("m4", "Catalan", "OEIS A000108", "identity", statement="moment(semicircle(), 4) == 2"))
    >>> print(verdicts_html([v]))  # doctest: +ELLIPSIS
    <table class="tpsym-verdicts">
    <thead><tr><th>verdict</th><th>claim</th><th>seconds</th><th>summary</th></tr></thead>
    <tbody>
    <tr><td><b>verified</b></td><td title="moment(semicircle(), 4) == 2">$m_{4}\left(\mathrm{SC}\left(1\right)\right) = 2$</td><td>...</td><td>verified (1 exact check, series and lattice routes)</td></tr>
    </tbody>
    </table>
    """
    rows = []
    for v in verdicts:
        c = v.claim
        typeset = claim_latex(c.statement, c.symbols()) if c.statement else None
        shown = f"${html.escape(typeset)}$" if typeset is not None else f"<code>{html.escape(c.statement or c.id)}</code>"
        rows.append(
            f"<tr><td><b>{html.escape(v.status)}</b></td><td title=\"{html.escape(c.statement or c.id)}\">{shown}</td>"
            f"<td>{v.elapsed:.2f}</td><td>{html.escape(v.summary)}</td></tr>"
        )
    return "\n".join([
        '<table class="tpsym-verdicts">',
        "<thead><tr><th>verdict</th><th>claim</th><th>seconds</th><th>summary</th></tr></thead>",
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
    ])


class VerdictTable(list):  # type: ignore[type-arg]
    """A list of verdicts that Jupyter shows as a table (:func:`verdicts_html`).

    >>> VerdictTable([])._repr_html_().startswith('<table class="tpsym-verdicts">')
    True
    """

    def _repr_html_(self) -> str:
        return verdicts_html(list(self))
