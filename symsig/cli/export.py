"""`symsig export` (being written)."""

from __future__ import annotations

import argparse

from ..errors import SymsigError


def register(sub) -> None:
    p = sub.add_parser("export", help="(being written)")
    p.add_argument("file", help="netlist file, or - for standard input")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise SymsigError("symsig export is not available yet")
