"""The `symsig` command: a thin layer over the library. Bad input exits 2 with one message.

Symbolic first: every result is derived from the small-signal circuit without a Q-point. Numbers
come after, and only where the netlist or `--subs` gives some; a Q-point that cannot be found
is a warning, and the formulas still print.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ..errors import SymsigError
from . import analyze, check, derive, draw, export, op, tf, twoport


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error, and exit 2."""

    def error(self, message: str):
        print(f"symsig: error: {self.prog}: {message} (see {self.prog} --help)",
              file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symsig", description="Exact small-signal formulas from SPICE-like netlists.")
    parser.add_argument("--version", action="version", version=f"symsig {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (analyze, op, twoport, tf, check, derive, draw, export):
        command.register(sub)
    return parser


def _version() -> str:
    """The installed distribution's version (a checkout without an install says so)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("symsig")
    except PackageNotFoundError:
        return "(not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    # exact results of big numeric circuits are integers of thousands of digits; the value
    # parser bounds what users type, so Python's guard on printing them is not needed here
    sys.set_int_max_str_digits(0)
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SymsigError as exc:
        print(f"symsig: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `symsig ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())

