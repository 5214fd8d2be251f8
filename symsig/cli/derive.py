"""`symsig derive`: a worked derivation of gain, R_in and R_out as a LaTeX document."""

from __future__ import annotations

import argparse
import sys

from ..analysis.linear import Probe
from ..errors import SymsigError
from ..forms.derive import derivation, named_values
from .common import (
    bias_option,
    device_options,
    driving_source,
    model_options,
    option,
    parse_subs,
    read_circuit,
)
from .helptext import parser_text


def register(sub) -> None:
    d = sub.add_parser("derive", help="a worked derivation as LaTeX", **parser_text("derive"))
    d.add_argument("file", help="netlist file, or - for standard input")
    d.add_argument("--source", required=True, help="the driving independent source, e.g. Vs")
    d.add_argument("--output", required=True, help="output node, v(a,b) or i(R1)")
    d.add_argument("--input-node", help="node R_in looks into (default: the source's + node)")
    d.add_argument("--load", help="load element removed for R_out")
    model_options(d)
    bias_option(d)
    d.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE (oo: infinite)")
    d.add_argument("--latex-doc", metavar="OUT.tex",
                   help="write the document here (default: standard output)")
    d.add_argument("--title", help="the document's title (default: the netlist's title line)")
    d.add_argument("--numbers-in", action="store_true",
                   help="keep numeric R, C and L values as numbers in the formulas (as analyze "
                        "prints them) instead of writing each as its element's symbol")
    d.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    circuit = read_circuit(args.file)  # the derivation says which capacitors it opens
    # element values written as symbols (RL = 10k becomes R_L) take --subs too
    subs = parse_subs(args.subs, named_values(circuit, not args.numbers_in)[0])
    options = device_options(args)
    with option("--output", args.output):
        Probe.parse(args.output)
    driving_source(circuit, args.source, args.load)
    document = derivation(circuit, args.source, args.output, input_node=args.input_node,
                          load=args.load, options=options, values=subs, bias=args.bias,
                          capacitors=args.caps, symbolic=not args.numbers_in, title=args.title)
    if args.latex_doc is None:
        sys.stdout.write(document)
        return 0
    try:
        with open(args.latex_doc, "w", encoding="utf-8") as f:
            f.write(document)
    except OSError as exc:
        raise SymsigError(f"--latex-doc {args.latex_doc}: cannot write: {exc.strerror}") from None
    print(f"wrote {args.latex_doc} (pdflatex {args.latex_doc} makes the PDF)", file=sys.stderr)
    return 0
