"""`symsig export`: a numeric SPICE netlist of the circuit, or of its small-signal equivalent,
that ngspice runs as it is, so what symsig derived can be simulated."""

from __future__ import annotations

import argparse
import sys

from ..bias import numbers_at_the_end
from ..devices.ac import small_signal
from ..errors import SymsigError
from .common import (
    bias_option,
    device_options,
    model_options,
    option,
    parse_subs,
    read_circuit,
)
from .helptext import parser_text


def register(sub) -> None:
    p = sub.add_parser("export", help="a numeric SPICE netlist ngspice runs as it is",
                       **parser_text("export"))
    p.add_argument("file", help="netlist file, or - for standard input")
    p.add_argument("--spice", default="-", metavar="OUT",
                   help="where to write the netlist (default: - for standard output)")
    p.add_argument("--small-signal", action="store_true",
                   help="write the small-signal equivalent (devices replaced by their models, "
                        "with numbers from --bias), not the circuit as written")
    p.add_argument("--subs", help="numbers: NAME=VALUE,NAME=VALUE (oo: infinite, an open)")
    p.add_argument("--analysis", action="append", metavar="CARD",
                   help="analysis card(s) to add, e.g. '.ac dec 10 1 1g' (default: .op for the "
                        "circuit, .ac dec 10 1 1g for the small-signal equivalent; 'none' for "
                        "none)")
    model_options(p)
    bias_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    circuit = read_circuit(args.file)
    subs = parse_subs(args.subs, circuit)
    analysis = args.analysis or [".ac dec 10 1 1g" if args.small_signal else ".op"]
    analysis = [] if [a.lower() for a in analysis] == ["none"] else analysis
    for card in analysis:
        if not card.startswith(".") or "\n" in card:
            raise SymsigError(f"--analysis {card!r}: an analysis card is one line that starts "
                              "with a dot, e.g. '.ac dec 10 1 1g'")
    if args.small_signal:
        options = device_options(args)
        numbers = numbers_at_the_end(circuit, subs, args.bias)
        for warning in numbers.warnings:
            print(f"symsig: warning: {warning}", file=sys.stderr)
        regions = {k: v for k, v in numbers.regions.items()}
        linear = small_signal(circuit, options, capacitors=args.caps, regions=regions)
        title = f"small-signal equivalent of: {circuit.title or args.file}"
        with option("--small-signal"):
            text = linear.to_spice(numbers.values, title=title, analysis=analysis)
    else:
        text = circuit.to_spice(subs, analysis=analysis)
    if args.spice == "-":
        sys.stdout.write(text)
    else:
        try:
            with open(args.spice, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise SymsigError(f"--spice {args.spice}: cannot write: {exc.strerror}") from None
    return 0
