"""The `symsig` command: a thin layer over the library. Bad input exits 2 with one message."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import sympy

from .analysis import Probe, amplifier, driven_node, param_values
from .errors import SymsigError
from .exact import RationalFunction
from .latex import latex
from .netlist import Circuit, parse
from .values import parse_value


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as exc:
        raise SymsigError(f"cannot read {path}: {exc.strerror}") from None


def _subs(text: str | None) -> dict[str, sympy.Expr]:
    """--subs a=1k,b=100 (values parsed like netlist values, never eval'd)."""
    out: dict[str, sympy.Expr] = {}
    for item in filter(None, (text or "").split(",")):
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise SymsigError(f"--subs expects NAME=VALUE pairs, got {item!r}")
        out[name.strip()] = parse_value(value.strip())
    return out


def _numbers(circuit: Circuit, extra: dict[str, sympy.Expr]) -> dict[str, sympy.Expr]:
    """Values known as numbers (.param and --subs), for substitution at the end."""
    values = param_values(circuit, extra)
    return {k: v for k, v in values.items() if v.is_number and v.is_real}


def _numeric(result: RationalFunction, values: dict) -> sympy.Expr | None:
    if not values:
        return None
    known = {k: v for k, v in values.items() if any(str(g) == k for g in result.ring.gens)}
    reduced = result.substitute(known)
    return sympy.N(reduced.expr, 6)


def _analyze(args: argparse.Namespace) -> int:
    circuit = parse(_read(args.file))
    if args.model.lower() not in ("hybrid-pi", "t"):
        raise SymsigError(f"--model must be hybrid-pi or T, not {args.model!r}")
    summary = amplifier(circuit, args.source, args.output, args.input_node, args.load)
    results = {"gain": summary.gain, "rin": summary.rin, "rout": summary.rout}
    values = _numbers(circuit, _subs(args.subs))
    numeric = {k: _numeric(r, values) for k, r in results.items()}
    exprs = {k: r.expr for k, r in results.items()}
    symbols = sorted({str(x) for e in exprs.values() for x in e.free_symbols})
    if args.json:
        out = {k: str(e) for k, e in exprs.items()}
        out["latex"] = {k: latex(e) for k, e in exprs.items()}
        out["symbols"] = symbols
        if values:
            out["numeric"] = {k: str(v) for k, v in numeric.items()}
            out["values"] = {k: str(v) for k, v in values.items()}
        print(json.dumps(out, indent=2))
        return 0
    source = circuit.element(args.source).name
    output = str(Probe.parse(args.output))
    in_node = args.input_node or driven_node(circuit.element(args.source))
    labels = {
        "gain": (f"gain {output}/{source}", r"A_v"),
        "rin": (f"R_in at {in_node} ({source} removed)", r"R_{in}"),
        "rout": (f"R_out at {output}" + (f" ({args.load} removed)" if args.load else ""),
                 r"R_{out}"),
    }
    for key, (text, tex) in labels.items():
        if args.latex:
            print(f"{tex} = {latex(exprs[key])}")
        else:
            print(f"{text} = {exprs[key]}")
            if numeric[key] is not None:
                print(f"    = {numeric[key]}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symsig", description="Exact small-signal formulas from SPICE-like netlists.")
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="voltage gain, R_in and R_out of an amplifier")
    a.add_argument("file", help="netlist file, or - for standard input")
    a.add_argument("--source", required=True, help="the driving independent source, e.g. Vs")
    a.add_argument("--output", required=True, help="output node (or v(a,b))")
    a.add_argument("--input-node", help="node R_in looks into (default: the source's + node)")
    a.add_argument("--load", help="load element removed for R_out")
    a.add_argument("--model", default="hybrid-pi", help="device model: hybrid-pi or T")
    a.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE")
    fmt = a.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
    a.set_defaults(run=_analyze)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except SymsigError as exc:
        print(f"symsig: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
