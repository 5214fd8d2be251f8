"""The `symsig` command: a thin layer over the library. Bad input exits 2 with one message.

Symbolic first: every result is derived from the small-signal circuit without a Q-point. Numbers
come after, and only where the netlist or `--subs` gives some; a Q-point that cannot be found
is a warning, and the formulas still print.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from ..errors import SymsigError

#: The commands, in the order --help lists them; each is the module of that name here.
COMMANDS = ("analyze", "op", "twoport", "tf", "check", "derive", "draw", "export")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line like every other error, and exit 2."""

    def error(self, message: str):
        print(f"symsig: error: {self.prog}: {message} (see {self.prog} --help)",
              file=sys.stderr)
        raise SystemExit(2)


def build_parser(argv: Sequence[str] | None = None, *, every: bool = True
                 ) -> argparse.ArgumentParser:
    """The parser of every command; with every=False, only the command `argv` names is
    imported and registered (the others are listed by name and help), so `symsig --help`
    and each command start without importing SymPy for the commands not run."""
    parser = _Parser(
        prog="symsig", description="Exact small-signal formulas from SPICE-like netlists.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = None if every else _command(argv)
    for name in COMMANDS:
        if every or name == wanted:
            importlib.import_module(f".{name}", __name__).register(sub)
        else:
            sub.add_parser(name, help=_help(name))
    return parser


def _command(argv: Sequence[str] | None) -> str | None:
    """The command argv names: its first word that is not an option (the top level has no
    option that takes a value)."""
    words = sys.argv[1:] if argv is None else argv
    return next((w for w in words if not w.startswith("-")), None)


def _help(name: str) -> str | None:
    """A command's one-line help, read from its module's source without importing it (the
    `help=` of its add_parser call); None if it cannot be read."""
    import ast
    from importlib.util import find_spec

    try:
        spec = find_spec(f".{name}", __name__)
        with open(spec.origin, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (OSError, SyntaxError, AttributeError, TypeError, ImportError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "add_parser":
            for k in node.keywords:
                if k.arg == "help" and isinstance(k.value, ast.Constant):
                    return str(k.value.value)
    return None


class _Version(argparse.Action):
    """--version: the installed distribution's version, looked up only when asked."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"symsig {_version()}")
        parser.exit()


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
    args = build_parser(argv, every=False).parse_args(argv)
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

