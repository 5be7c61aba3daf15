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
import re
import sys
from fractions import Fraction
from collections.abc import Sequence
from typing import Any, NoReturn

from tpsym import __version__
from tpsym.cli._help import apply_help
from tpsym.errors import TpsymError
from tpsym.utils import int_str

__all__ = ["main", "build_parser", "UsageError", "emit_json", "check_range", "parse_number"]

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


def check_range(value: int, option: str, low: int, high: int | None = None) -> int:
    """``value`` of ``option`` if ``low <= value <= high``, else a :class:`UsageError`.

    The upper bounds of the command line keep a mistyped number from
    allocating without end; the Python API has none.

    >>> check_range(4, "--order", 1, 100)
    4
    >>> check_range(0, "--order", 1)
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --order must be at least 1, got 0
    >>> check_range(10**9, "--trials", 2, 10**5)
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --trials must be at most 100000, got 1000000000
    """
    if value < low:
        raise UsageError(f"{option} must be at least {low}, got {value}")
    if high is not None and value > high:
        raise UsageError(f"{option} must be at most {high}, got {value}")
    return value


_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE](?P<exp>[+-]?\d+))?\s*")
_RATIO = re.compile(r"\s*[+-]?\d+\s*/\s*\d+\s*")
#: Decimal exponents beyond this are refused: Fraction("1e100000000") never returns.
MAX_EXPONENT = 4000


def parse_number(text: str, option: str) -> Fraction:
    """A decimal (``1.5``, ``1e-3``) or a fraction (``3/2``) from the command line, exactly.

    No expression parser is involved; an exponent beyond ``MAX_EXPONENT`` is
    refused rather than expanded.

    >>> parse_number("1.5e-2", "--sigma-w2")
    Fraction(3, 200)
    >>> parse_number("1e100000000", "--sigma-w2")
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --sigma-w2='1e100000000': the exponent is beyond 10^±4000
    >>> parse_number("two", "--q")
    Traceback (most recent call last):
    ...
    tpsym.cli.UsageError: --q='two' is not a number (write 1.5, 3/2 or 1e-3)
    """
    m = _DECIMAL.fullmatch(text)
    if m is None and not _RATIO.fullmatch(text):
        raise UsageError(f"{option}={text!r} is not a number (write 1.5, 3/2 or 1e-3)")
    if m is not None and m.group("exp") is not None and abs(int(m.group("exp"))) > MAX_EXPONENT:
        raise UsageError(f"{option}={text!r}: the exponent is beyond 10^±{MAX_EXPONENT}")
    try:
        return Fraction(text.replace(" ", ""))
    except ZeroDivisionError:
        raise UsageError(f"{option}={text!r} divides by zero") from None


def json_text(obj: Any, **options: Any) -> str:
    """``json.dumps(obj, **options)`` with integers of any number of digits (as JSON numbers).

    ``json`` writes an int through ``int.__repr__``, which refuses more than
    ``sys.get_int_max_str_digits()`` digits; the long ones are written through
    :func:`tpsym.utils.int_str` instead, and the process-wide limit is left alone.

    >>> json_text({"count": 10**5000, "k": [1, 2]})[:13]
    '{"count": 100'
    >>> len(json_text([-(10**5000)]))
    5004
    """
    big: dict[str, int] = {}

    def swap(x: Any) -> Any:
        if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() >= 14_000:
            key = f"\x00tpsym-int-{len(big)}\x00"
            big[key] = x
            return key
        if isinstance(x, dict):
            return {k: swap(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [swap(v) for v in x]
        return x

    text = json.dumps(swap(obj), **options)
    for key, value in big.items():
        text = text.replace(json.dumps(key), int_str(value))
    return text


def emit_json(obj: Any) -> None:
    """Print one JSON object on stdout."""
    print(json_text(obj, sort_keys=False))


#: The module of each subcommand, so that a run imports only the one it needs
#: (``tpsym nc count 4`` need not load scipy); tested against the modules' own registrations.
COMMANDS = {
    "nc": "nc",
    "laws": "laws",
    "moments": "algebra",
    "cumulants": "algebra",
    "mixed": "algebra",
    "table": "algebra",
    "density": "density",
    "meanfield": "meanfield",
    "kernel": "kernel",
    "crosscheck": "numeric",
    "plot": "numeric",
    "verify": "proof",
    "check": "proof",
    "recheck": "proof",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of the ``tpsym`` command with every registered subcommand.

    With ``command`` (a subcommand's name) only the module of that command
    is imported and registered.
    """
    parser = _Parser(
        prog="tpsym",
        description="Derive, prove and check the moment formulas of free probability.",
        epilog="`tpsym COMMAND --help` shows a command's options, examples and exit statuses.",
    )
    parser.add_argument("--version", action="version", version=f"tpsym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    if command in COMMANDS:
        names = [COMMANDS[command]]
    else:
        names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    apply_help(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``tpsym`` command and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(args_list[0] if args_list else None)
        if not args_list:  # bare `tpsym`: the commands, not an error
            parser.print_help()
            return EXIT_OK
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
    except OSError as exc:  # a file that cannot be read or written
        where = f": {exc.filename}" if exc.filename is not None else ""
        print(f"tpsym: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        print(f"tpsym: error: the input is not UTF-8 text ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print("tpsym: error: out of memory: ask for a smaller order, size or count", file=sys.stderr)
        return EXIT_USAGE
    except RecursionError:
        print("tpsym: error: the input is nested too deeply", file=sys.stderr)
        return EXIT_USAGE
    except (ArithmeticError, ValueError, TypeError, LookupError, AttributeError, RuntimeError) as exc:
        # a bug of tpsym, not a verdict: never exit 1 ("refuted"/"contradicted") for it
        print(f"tpsym: internal error ({type(exc).__name__}: {exc}); please report it", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
