"""What ``tpsym COMMAND --help`` teaches beyond the options: a description,
examples that run, and the exit statuses.

One table for every subcommand, applied to the parsers after the modules have
registered them, so a module states only its options. The examples are
tested: each parses, and the fast ones run with the exit status 0.
"""

from __future__ import annotations

import argparse
from typing import NamedTuple

__all__ = ["HELP", "EXIT_STATUSES", "Help", "apply_help", "LAW_NOTE"]


class Help(NamedTuple):
    description: str
    examples: tuple[str, ...]
    #: the meaning of exit status 1, or None when the command never exits 1
    status_1: str | None = None


LAW_NOTE = (
    "A SPEC is a law written as a call, e.g. semicircle(variance=2) or "
    "boxtimes(mp(ratio=1/2), mp(ratio=1/2)); `tpsym laws` lists the laws "
    "and their parameters. Quote it for the shell: 'mp(ratio=1/2)'."
)

HELP: dict[str, Help] = {
    "nc": Help(
        "Count, list and compute with non-crossing partitions of {1, ..., N}.",
        ("tpsym nc count 6", "tpsym nc count 6 --blocks 3", "tpsym nc kreweras '1 2|3 4'", "tpsym nc table --max 8"),
    ),
    "laws": Help(
        "List the laws a SPEC may name, with their parameters and defaults.",
        ("tpsym laws", "tpsym laws --json"),
    ),
    "moments": Help(
        "The exact moments m_1..m_K of a law, symbolic in its parameters. " + LAW_NOTE,
        ("tpsym moments 'semicircle()' --order 6", "tpsym moments 'mp(ratio=c)' -k 4 --json"),
    ),
    "cumulants": Help(
        "The exact free, boolean or classical cumulants of a law. " + LAW_NOTE,
        ("tpsym cumulants 'mp(ratio=c)' --order 4", "tpsym cumulants 'semicircle()' -k 4 --kind classical"),
    ),
    "mixed": Help(
        "The mixed moment (or mixed free cumulant) of a word in free variables, "
        "each letter with its law (Nica & Speicher, Lecture 11). " + LAW_NOTE,
        ("tpsym mixed 'a b a b' --law a='semicircle()' --law b='semicircle()'",),
    ),
    "table": Help(
        "A table of moments or cumulants of several laws, one column each: text, Markdown, LaTeX (booktabs) or JSON. "
        + LAW_NOTE,
        ("tpsym table 'semicircle()' 'mp(ratio=1)' --order 6", "tpsym table 'mp(ratio=c)' -k 4 --latex"),
    ),
    "density": Help(
        "The spectral density of a law on a grid, with its support and atoms. " + LAW_NOTE,
        ("tpsym density 'mp(ratio=1/2)' --grid 0:3:7", "tpsym density 'boxpower(mp(ratio=1), 2)' --json"),
    ),
    "meanfield": Help(
        "Mean-field statistics of a wide layer: the fixed point q* of the length map, "
        "chi and mu_k = E[phi'(h)^(2k)].",
        ("tpsym meanfield --activation relu --sigma-w2 2", "tpsym meanfield --activation tanh --sigma-w2 3/2 --sigma-b2 1/20 --json"),
    ),
    "kernel": Help(
        "The NNGP and NTK kernels of a wide network, its correlation map, c*, chi_c and depth scales: "
        "exact and symbolic where closed forms exist, certified digits with an enclosing bound for tanh, "
        "else an estimate marked as not certified.",
        ("tpsym kernel 'nngp(relu, sigma_w2=2, sigma_b2=0, depth=3, q1=1, q2=1, c=c)'",
         "tpsym kernel 'ntk(relu, sigma_w2=2, sigma_b2=0, depth=2, q1=1, q2=1, c=1/2)' --json",
         "tpsym kernel 'chi_c(tanh, 2, 1/10)' --digits 30"),
    ),
    "crosscheck": Help(
        "Sample a law's random matrices (or real network Jacobians) at several sizes and test its derived "
        "moments with standard errors and a controlled family-wise false-alarm rate. " + LAW_NOTE,
        ("tpsym crosscheck 'semicircle()' --sizes 64,128 --trials 4",
         "tpsym crosscheck 'mp(ratio=1/2)' --sizes 64,128 --trials 6 --tolerance 0.05"),
        "contradicted: a derived or claimed moment disagrees with the samples (confirmed, and inconclusive "
        "when an error of --tolerance could have gone unnoticed, exit 0)",
    ),
    "plot": Help(
        "Draw the eigenvalue histogram of one sample of a law against its derived density (needs the extra: "
        "pip install 'tpsym[plot]'). " + LAW_NOTE,
        ("tpsym plot 'mp(ratio=1/2)' --size 500 --out mp.png",),
    ),
    "verify": Help(
        "Prove, verify or refute the claims of proof files (TOML). With no PATH: the bundled library of claims; "
        "a bare name (e.g. networks) is a bundled file.",
        ("tpsym verify combinatorics", "tpsym verify proofs/ --json", "tpsym verify my-claims.toml --certificates certs/",
         "tpsym verify proofs/ --jobs 1"),
        "a claim is refuted, contradicted or in error",
    ),
    "check": Help(
        "Prove, verify or refute one claim 'lhs == rhs' given on the command line; --for k=all asks for a proof for every k.",
        ("tpsym check 'moment(semicircle(), 2*k) == catalan(k)' --for all", "tpsym check 'nc_count(6) == 132'"),
        "the claim is refuted or contradicted (a malformed claim is status 2)",
    ),
    "recheck": Help(
        "Re-derive every step recorded in certificates written by verify/check --certificates.",
        ("tpsym recheck certs/*.json",),
        "a certificate does not hold",
    ),
}

#: The exit statuses every command shares; status 1 is explained per command.
EXIT_STATUSES = "0 done{ok}; 2 bad input or usage (one line on stderr); 3 an internal error (please report it)"


def _epilog(h: Help) -> str:
    examples = "\n".join(f"  {e}" for e in h.examples)
    ok = ", nothing refuted" if h.status_1 else ""
    statuses = EXIT_STATUSES.format(ok=ok)
    if h.status_1:
        statuses = statuses.replace("; 2", f"; 1 {h.status_1}; 2", 1)
    return f"examples:\n{examples}\n\nexit status: {statuses}"


def apply_help(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Give every registered subcommand its description, examples and exit statuses."""
    for name, parser in subparsers.choices.items():
        h = HELP.get(name)
        if h is None:
            continue
        if not parser.description:
            parser.description = h.description
        parser.epilog = _epilog(h)
        parser.formatter_class = _Formatter


class _Formatter(argparse.HelpFormatter):
    """Wraps the description; keeps the examples and statuses line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)
