"""`symsig check`: a typed answer against the derivation (being written)."""

from __future__ import annotations

import argparse

from ..errors import SymsigError


def register(sub) -> None:
    c = sub.add_parser("check", help="check a typed answer against the derivation")
    c.add_argument("file", help="netlist file, or - for standard input")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    raise SymsigError("symsig check is not available yet")
