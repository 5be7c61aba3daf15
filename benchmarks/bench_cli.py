"""Benchmark of the command's start-up: a run imports only its subcommand's module.

Each case is timed in fresh processes (best of 5, imports included): the
command as shipped, which registers only the module of the subcommand it
runs, beside a baseline in the same run that first builds the full parser
(every subcommand's module, hence sympy, numpy, scipy and matplotlib's
dependencies) and then runs the same command.

Run: ``python benchmarks/bench_cli.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time

CASES = [
    ["nc", "count", "12"],
    ["nc", "kreweras", "1 3|2|4 5"],
    ["moments", "semicircle()", "--order", "8"],
    ["meanfield", "--activation", "relu", "--sigma-w2", "2"],
    ["check", "moment(semicircle(), 2*k) == catalan(k)", "--for", "k=1..8"],
]

SHIPPED = "import sys; from tpsym.cli import main; sys.exit(main(sys.argv[1:]))"
BASELINE = "import sys; from tpsym.cli import build_parser, main; build_parser(); sys.exit(main(sys.argv[1:]))"


def best_of(code: str, argv: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *argv], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    print(f"{'command':<58} {'shipped':>9} {'full parser':>12} {'speed-up':>9}")
    for argv in CASES:
        shipped, baseline = best_of(SHIPPED, argv), best_of(BASELINE, argv)
        name = "tpsym " + " ".join(a if " " not in a else repr(a) for a in argv)
        print(f"{name[:58]:<58} {shipped:>8.2f}s {baseline:>11.2f}s {baseline / shipped:>8.1f}x")


if __name__ == "__main__":
    main()
