"""`symsig derive`: a worked derivation as a LaTeX document (being written)."""

from __future__ import annotations

import argparse

from ..errors import SymsigError


def register(sub) -> None:
    d = sub.add_parser("derive", help="a worked derivation as LaTeX")
    d.add_argument("file", help="netlist file, or - for standard input")
    d.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise SymsigError("symsig derive is not available yet")
