"""The ``tpsym`` command: a thin shell over the Python API.

Each module of this package that defines ``register(subparsers)`` adds its
subcommands; a subcommand's handler takes the parsed arguments and returns the
exit status. Errors of tpsym (and bad usage) print one line on stderr and exit
with status 2; no traceback reaches the user. An unexpected exception (a bug)
prints one line too and exits with status 3, never with 1, which means
"refuted" or "contradicted".

>>> main(["nc", "count", "4", "--json"])
{"count": 14}
0
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from tpsym import __version__
from tpsym.errors import TpsymError

__all__ = ["main", "build_parser", "UsageError", "emit_json"]

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class UsageError(TpsymError):
    """The command line is malformed."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that reports bad usage as one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        # "tpsym verify" -> "verify: ...": main() already prefixes "tpsym: error:"
        where = self.prog.partition(" ")[2]
        raise UsageError(f"{where}: {message}" if where else message)


def emit_json(obj: Any) -> None:
    """Print one JSON object on stdout."""
    print(json.dumps(obj, sort_keys=False))


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``tpsym`` command with every registered subcommand."""
    parser = _Parser(
        prog="tpsym",
        description="Derive, prove and check the moment formulas of free probability.",
    )
    parser.add_argument("--version", action="version", version=f"tpsym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tpsym`` command and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        return int(args.func(args))
    except TpsymError as exc:
        print(f"tpsym: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("tpsym: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `tpsym nc list 12 | head`
        return EXIT_OK
    except (ArithmeticError, ValueError, TypeError, LookupError, AttributeError, RuntimeError) as exc:
        # a bug of tpsym, not a verdict: never exit 1 ("refuted"/"contradicted") for it
        print(f"tpsym: internal error ({type(exc).__name__}: {exc}); please report it", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
