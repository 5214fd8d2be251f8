"""The `symsig` command: a thin layer over the library. Bad input exits 2 with one message."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

import sympy

from .analysis.linear import Probe, amplifier, driven_node
from .analysis.twoport import KINDS, NotDefined, two_port
from .bias import numbers_at_the_end, operating_point
from .circuit.netlist import Circuit, parse
from .circuit.values import parse_value, symbol
from .devices import Options
from .devices.ac import small_signal
from .engine.rational import RationalFunction
from .errors import SymsigError
from .forms.latex import latex


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


def _numeric(result: RationalFunction, values: dict) -> sympy.Expr | None:
    if not values:
        return None
    known = {k: v for k, v in values.items() if any(str(g) == k for g in result.ring.gens)}
    try:
        reduced = result.substitute(known)
    except ZeroDivisionError:
        return sympy.nan
    s = next((g for g in reduced.ring.gens if str(g) == "s"), None)
    if s is None or reduced.is_infinite or len(reduced.ring.gens) > 1:
        return sympy.N(reduced.expr, 6)
    # Only s is left: the time-constant form, denominator 1 + b1·s + ..., numbers to 6 digits.
    num, den = sympy.Poly(reduced.numerator, s), sympy.Poly(reduced.denominator, s)
    lowest = den.terms()[-1][1]
    scaled = [sympy.Poly(p.as_expr() / lowest, s) for p in (num, den)]
    shown = [sympy.Add(*[sympy.N(c, 6) * s**m[0] for m, c in p.terms()]) for p in scaled]
    return shown[0] / shown[1]


def _linearize(circuit: Circuit, args: argparse.Namespace) -> Circuit:
    """The small-signal circuit with the command line's model options (devices only)."""
    if not circuit.devices():
        return circuit
    options = Options.build(args.model, _words(args.include), _words(args.exclude))
    return small_signal(circuit, options, capacitors=args.caps, sources=[args.source])


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _analyze(args: argparse.Namespace) -> int:
    original = parse(_read(args.file))
    circuit = _linearize(original, args)
    summary = amplifier(circuit, args.source, args.output, args.input_node, args.load)
    results = {"gain": summary.gain, "rin": summary.rin, "rout": summary.rout}
    subs = _subs(args.subs)
    values, assumed = numbers_at_the_end(original, subs) if (
        subs or original.params or original.devices()) else ({}, [])
    numeric = {k: _numeric(r, values) for k, r in results.items()}
    exprs = {k: r.in_s() for k, r in results.items()}  # H(s) collected in s when s is there
    symbols = sorted({str(x) for e in exprs.values() for x in e.free_symbols})
    if args.json:
        out = {k: str(e) for k, e in exprs.items()}
        out["latex"] = {k: latex(e) for k, e in exprs.items()}
        out["symbols"] = symbols
        if values:
            out["numeric"] = {k: str(v) for k, v in numeric.items()}
            out["values"] = {k: str(v) for k, v in values.items()}
            out["assumed"] = assumed
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
    if assumed and not args.latex:
        print(f"(assumed: {', '.join(assumed)})")
    return 0


def _op(args: argparse.Namespace) -> int:
    circuit = parse(_read(args.file))
    subs = _subs(args.subs)
    values, assumed = numbers_at_the_end(circuit, subs)
    op = operating_point(circuit, args.method, subs)  # .param and .model numbers join in there
    if op.method == "exponential":
        assumed = []  # the numeric route uses the .model cards and SPICE's defaults only
    by_symbol = {symbol(k): v for k, v in values.items()}
    report = []
    for d in op.devices:
        quantities = {**{k + d.name[1:]: v for k, v in d.bias.items()}, **d.small_signal}
        numeric = {k: sympy.N(sympy.sympify(v).xreplace(by_symbol), 6)
                   for k, v in quantities.items()}
        report.append((d, quantities, numeric, d.region))
    warnings = [w for d, *_ in report for w in d.warnings]
    if args.json:
        out = {"method": op.method, "devices": {}, "warnings": warnings, "assumed": assumed}
        for d, _, numeric, region in report:
            out["devices"][d.name] = {
                "type": d.type, "region": region,
                "bias": {k: str(v) for k, v in d.bias.items()},
                "small_signal": {k: str(v) for k, v in d.small_signal.items()},
                "numeric": {k: str(v) for k, v in numeric.items()},
            }
        print(json.dumps(out, indent=2))
        return 0
    for d, quantities, numeric, region in report:
        print(f"{d.name} ({d.type}): {region}")
        for name, expr in quantities.items():
            parts = [name]
            if expr.is_number:
                parts.append(str(numeric[name]))
            else:
                if str(expr) != name:
                    parts.append(str(expr))
                if not numeric[name].free_symbols:
                    parts.append(str(numeric[name]))
            print("  " + " = ".join(parts))
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if assumed:
        print(f"(assumed: {', '.join(assumed)})")
    return 0


def _entry_names(kind: str) -> list[str]:
    if kind == "abcd":
        return ["A", "B", "C", "D"]
    letter = kind.upper() if kind in ("s", "t") else kind
    return [f"{letter}{i}{j}" for i in (1, 2) for j in (1, 2)]


def _twoport(args: argparse.Namespace) -> int:
    original = parse(_read(args.file), check_floating=False)  # ports give the ground
    circuit = original
    if original.devices():
        options = Options.build(args.model, _words(args.include), _words(args.exclude))
        circuit = small_signal(original, options, capacitors=args.caps)
    z0 = parse_value(args.z0)
    kinds = [k.strip().lower() for k in args.params.split(",")] if args.params != "all" \
        else list(KINDS)
    net, first_error = None, None
    for kind in [*kinds, "y", "z", "h", "g", "abcd", "s"]:  # measure one set that exists
        try:
            net = two_port(circuit, args.port1, args.port2, kind, z0)
            break
        except NotDefined as exc:
            first_error = first_error or exc
    if net is None:
        raise first_error
    out: dict = {"port1": args.port1, "port2": args.port2, "z0": str(z0), "params": {}}
    for kind in kinds:
        try:
            matrix = net.to(kind)
        except NotDefined as exc:
            out["params"][kind] = {"error": str(exc)}
            continue
        names = _entry_names(kind)
        out["params"][kind] = {name: matrix[i // 2, i % 2] for i, name in enumerate(names)}
    props = {"reciprocal": net.reciprocal, "unilateral": net.unilateral}
    if args.json:
        body = {k: ({n: str(e) for n, e in v.items()} if "error" not in v else v)
                for k, v in out["params"].items()}
        tex = {k: {n: latex(e) for n, e in v.items()} for k, v in out["params"].items()
               if "error" not in v}
        symbols = sorted({str(x) for v in out["params"].values() if "error" not in v
                          for e in v.values() for x in e.free_symbols})
        print(json.dumps({**out, "params": body, "latex": tex, "symbols": symbols,
                          "properties": props}, indent=2))
        return 0
    print(f"two-port: port 1 = {args.port1}, port 2 = {args.port2}" +
          (f", Z0 = {z0}" if any(k in ("s", "t") for k in kinds) else ""))
    for kind, entries in out["params"].items():
        if "error" in entries:
            print(f"{kind}: {entries['error']}")
            continue
        for name, expr in entries.items():
            print(f"{name} = {latex(expr)}" if args.latex else f"{name} = {expr}")
    print(", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in props.items()))
    return 0




def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="hybrid-pi",
                   help="device model: hybrid-pi (default), hybrid-pi-beta or T")
    p.add_argument("--include", help="model parts to add: ro,rx,caps,gmb (default: ro, gmb)")
    p.add_argument("--exclude", help="model parts to drop, e.g. ro")
    p.add_argument("--caps", choices=["short", "keep"], default="short",
                   help="netlist capacitors at mid-band: short (default) or keep as 1/(sC)")


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
    _model_options(a)
    a.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE")
    fmt = a.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
    a.set_defaults(run=_analyze)
    o = sub.add_parser("op", help="DC operating point of each transistor and diode")
    o.add_argument("file", help="netlist file, or - for standard input")
    o.add_argument("--method", choices=["constant-vbe", "exponential"], default="constant-vbe",
                   help="constant-vbe (symbolic; square law for MOSFETs) or exponential "
                        "(Ebers-Moll/Gummel-Poon, Shockley, level-1 MOS; numbers only)")
    o.add_argument("--subs", help="numbers: NAME=VALUE,NAME=VALUE")
    o.add_argument("--json", action="store_true", help="one JSON object")
    o.set_defaults(run=_op)
    t = sub.add_parser("twoport", help="two-port parameters between two node pairs")
    t.add_argument("file", help="netlist file, or - for standard input")
    t.add_argument("--port1", required=True, help="input port as two nodes, e.g. b,0")
    t.add_argument("--port2", required=True, help="output port, e.g. c,0")
    t.add_argument("--params", default="y",
                   help="z, y, h, g, abcd, b, s, t, a comma list, or all (default y)")
    t.add_argument("--z0", default="50", help="reference impedance for S and T (may be a symbol)")
    _model_options(t)
    fmt = t.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
    t.set_defaults(run=_twoport)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
