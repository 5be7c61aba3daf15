"""``tpsym nc``: count, list and compute with non-crossing partitions.

A thin shell over :mod:`tpsym.combinat`::

    tpsym nc count N [--blocks K] [--type 3,1,1] [--json]
    tpsym nc list N [--blocks K] [--type 2,2] [--json]
    tpsym nc kreweras "1 3|2|4 5" [--inverse] [--json]
    tpsym nc mobius PI SIGMA [--lattice nc|set] [--json]
    tpsym nc table [--max N] [--json]

>>> from tpsym.cli import main
>>> main(["nc", "kreweras", "1 2|3 4", "--json"])
{"kreweras": "1|2 4|3"}
0
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from tpsym.cli import emit_json
from tpsym.combinat import (
    NCPartition,
    SetPartition,
    catalan,
    kreweras,
    kreweras_count,
    kreweras_inverse,
    mobius,
    narayana,
    noncrossing_partitions,
    noncrossing_partitions_of_type,
)
from tpsym.errors import InputError
from tpsym.utils import int_str

__all__ = ["register"]

_INT = re.compile(r"[0-9]+")

#: Largest --max of ``tpsym nc table``: the table holds about MAX²/2 Narayana numbers
#: of up to 0.6·MAX digits (300 rows: 45 000 numbers, about 5 MB of text).
MAX_TABLE = 300


def _size(text: str, what: str = "N") -> int:
    """A non-negative integer from the command line, or an InputError naming it."""
    if not _INT.fullmatch(text.strip()):
        raise InputError(f"{what} must be a non-negative integer, got {text!r}")
    return int(text)


def _block_type(text: str) -> list[int]:
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    for part in parts:
        if not _INT.fullmatch(part) or int(part) == 0:
            raise InputError(f"--type takes positive block sizes separated by commas, got {text!r}")
    return [int(p) for p in parts]


def _options(args: argparse.Namespace) -> tuple[int, int | None, list[int] | None]:
    n = _size(args.n)
    blocks = None if args.blocks is None else _size(args.blocks, "--blocks")
    block_type = None if args.type is None else _block_type(args.type)
    return n, blocks, block_type


def _count(args: argparse.Namespace) -> int:
    n, blocks, block_type = _options(args)
    if block_type is not None:
        count = kreweras_count(block_type, n=n)
        if blocks is not None and blocks != len(block_type):
            count = 0
    elif blocks is not None:
        count = narayana(n, blocks)
    else:
        count = catalan(n)
    if args.json:
        emit_json({"count": count})
    else:
        print(int_str(count))
    return 0


def _selected(n: int, blocks: int | None, block_type: list[int] | None) -> Iterator[NCPartition]:
    if block_type is not None:
        if blocks is not None and blocks != len(block_type):
            return iter(())
        return noncrossing_partitions_of_type(block_type, n=n)
    return noncrossing_partitions(n, blocks=blocks)


def _list(args: argparse.Namespace) -> int:
    n, blocks, block_type = _options(args)
    partitions = _selected(n, blocks, block_type)
    if args.json:
        emit_json({"partitions": [str(p) for p in partitions]})
    else:
        for p in partitions:
            print(p)
    return 0


def _kreweras(args: argparse.Namespace) -> int:
    pi = NCPartition.from_string(args.partition)
    result = kreweras_inverse(pi) if args.inverse else kreweras(pi)
    if args.json:
        emit_json({"kreweras_inverse" if args.inverse else "kreweras": str(result)})
    else:
        print(result)
    return 0


def _mobius(args: argparse.Namespace) -> int:
    cls = NCPartition if args.lattice == "nc" else SetPartition
    pi = cls.from_string(args.pi)
    sigma = cls.from_string(args.sigma)
    if pi.n != sigma.n:
        raise InputError(f"PI and SIGMA partition different sets: n={pi.n} and n={sigma.n}")
    value = mobius(pi, sigma)
    if args.json:
        emit_json({"mobius": value})
    else:
        print(int_str(value))
    return 0


def _table(args: argparse.Namespace) -> int:
    top = _size(args.max, "--max")
    if top > MAX_TABLE:
        raise InputError(
            f"--max {top} exceeds {MAX_TABLE=}: the table would hold about {top * top // 2} numbers; "
            "ask for one row with 'tpsym nc count N --blocks K'"
        )
    rows = [(n, catalan(n), [narayana(n, k) for k in range(1, n + 1)]) for n in range(top + 1)]
    if args.json:
        emit_json({"table": [{"n": n, "count": c, "narayana": row} for n, c, row in rows]})
        return 0
    width = len(int_str(rows[-1][1]))
    print(f"{'n':>3}  {'|NC(n)|':>{max(width, 7)}}  N(n,1) ... N(n,n)")
    for n, count, row in rows:
        print(f"{n:>3}  {int_str(count):>{max(width, 7)}}  {' '.join(map(int_str, row))}".rstrip())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``tpsym nc`` and its subcommands to the ``tpsym`` parser.

    Examples
    --------
    >>> from tpsym.cli import main
    >>> main(["nc", "count", "5", "--blocks", "2"])
    10
    0
    """
    nc = subparsers.add_parser(
        "nc",
        help="non-crossing partitions: count, list, Kreweras complement, Möbius function",
        description="Count, list and compute with non-crossing partitions of {1, ..., N}.",
    )
    sub = nc.add_subparsers(dest="nc_command", metavar="SUBCOMMAND", required=True)

    count = sub.add_parser("count", help="the number of partitions in NC(N), by formula")
    count.add_argument("n", metavar="N", help="size of the ground set")
    count.add_argument("--blocks", metavar="K", help="only partitions with K blocks (Narayana)")
    count.add_argument("--type", metavar="SIZES", help="only this block type, e.g. 3,1,1 (Kreweras)")
    count.add_argument("--json", action="store_true", help='print {"count": ...}')
    count.set_defaults(func=_count)

    listing = sub.add_parser("list", help="the partitions of NC(N), one per line, in lexicographic order")
    listing.add_argument("n", metavar="N", help="size of the ground set")
    listing.add_argument("--blocks", metavar="K", help="only partitions with K blocks")
    listing.add_argument("--type", metavar="SIZES", help="only this block type, e.g. 2,2")
    listing.add_argument("--json", action="store_true", help='print {"partitions": [...]}')
    listing.set_defaults(func=_list)

    krew = sub.add_parser("kreweras", help="the Kreweras complement of a partition")
    krew.add_argument("partition", metavar="PI", help='a non-crossing partition such as "1 3|2|4 5"')
    krew.add_argument("--inverse", action="store_true", help="the inverse complement instead")
    krew.add_argument("--json", action="store_true", help='print {"kreweras": "..."}')
    krew.set_defaults(func=_kreweras)

    mob = sub.add_parser("mobius", help="the Möbius function mu(PI, SIGMA)")
    mob.add_argument("pi", metavar="PI", help='a partition such as "1|2|3"')
    mob.add_argument("sigma", metavar="SIGMA", help='a partition such as "1 2 3"')
    mob.add_argument(
        "--lattice", choices=["nc", "set"], default="nc", help="NC(n) (default) or all set partitions"
    )
    mob.add_argument("--json", action="store_true", help='print {"mobius": ...}')
    mob.set_defaults(func=_mobius)

    table = sub.add_parser("table", help=f"|NC(n)| and the Narayana numbers for n = 0..MAX (MAX <= {MAX_TABLE})")
    table.add_argument("--max", default="10", metavar="MAX", help="largest n (default 10)")
    table.add_argument("--json", action="store_true", help='print {"table": [...]}')
    table.set_defaults(func=_table)
