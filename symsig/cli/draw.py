"""`symsig draw`: a schematic of a netlist, or of the small-signal circuit symsig builds from it,
as SVG or PNG (no LaTeX needed)."""

from __future__ import annotations

import argparse
import sys

from ..errors import SymsigError
from .common import device_options, mid_band, model_options, read_circuit
from .helptext import parser_text


def register(sub) -> None:
    p = sub.add_parser("draw", help="a schematic as SVG or PNG", **parser_text("draw"))
    p.add_argument("file", help="netlist file, or - for standard input")
    p.add_argument("-o", "--output", metavar="OUT.svg|OUT.png",
                   help="write the drawing here (default: SVG on standard output)")
    p.add_argument("--small-signal", action="store_true",
                   help="draw the small-signal equivalent rather than the netlist")
    model_options(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # a command draws into files, never a window
    from ..draw.schematic import SUFFIXES, draw, image, save

    circuit = read_circuit(args.file)
    if args.small_signal:  # drawn as analyze solves it
        circuit, _ = mid_band(circuit, args.caps, say=True)
    options = device_options(args)
    target = args.output
    if target is not None and not target.lower().endswith(SUFFIXES):
        raise SymsigError(f"-o {target}: a schematic is written as "
                          f"{' or '.join(SUFFIXES)} (by its suffix)")
    drawing = draw(circuit, small_signal=args.small_signal, options=options,
                   capacitors=args.caps)
    if target is None:
        sys.stdout.write(image(drawing, "svg").decode("utf-8"))
        return 0
    save(drawing, target)
    view = "small-signal equivalent" if args.small_signal else "schematic"
    print(f"wrote the {view} to {target}", file=sys.stderr)
    return 0
