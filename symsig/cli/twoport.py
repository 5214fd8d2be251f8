"""`symsig twoport`: two-port parameter sets between two node pairs."""

from __future__ import annotations

import argparse
import json
import sys

import sympy

from ..analysis.twoport import KINDS, two_port
from ..bias import numbers_at_the_end
from ..circuit.netlist import Circuit
from ..circuit.values import parse_value
from ..devices import OFF_REGIONS
from ..devices.ac import small_signal
from ..errors import NotDefined, SymsigError
from ..forms.display import entry_form, entry_names, entry_units
from ..forms.latex import latex
from ..forms.text import exact_text, number_text, rounded
from ..forms.units import eng
from .common import (
    bias_option,
    device_options,
    element_names,
    mid_band,
    model_options,
    option,
    output_format,
    read_circuit,
    readable,
    relation,
    wants_numbers,
)
from .helptext import parser_text


def register(sub) -> None:
    t = sub.add_parser("twoport", help="two-port parameters between two node pairs",
                       **parser_text("twoport"))
    t.add_argument("file", help="netlist file, or - for standard input")
    t.add_argument("--port1", required=True, help="input port as two nodes, e.g. b,0")
    t.add_argument("--port2", required=True, help="output port, e.g. c,0")
    t.add_argument("--params", default="y",
                   help="z, y, h, g, abcd, b, s, t, a comma list, or all (default y)")
    t.add_argument("--z0", default="50", help="reference impedance for S and T (may be a symbol)")
    model_options(t)
    bias_option(t)
    t.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE")
    t.add_argument("--numbers-in", action="store_true",
                   help="keep numeric R, C and L values as numbers in the parameters instead of "
                        "writing each as its element's name (RC = 10k as RC, numbers at the end)")
    output_format(t)
    t.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    original = read_circuit(args.file, check_floating=False)  # ports give the ground
    original, _ = mid_band(original, args.caps, say=True)
    # numeric R, C and L values written as their elements' names (RC = 10k is RC), as analyze
    # writes them; the numbers go in at the end
    elements = element_names(original, args.subs, args.numbers_in)
    named, taken = elements.named, elements.taken
    with option("--z0", args.z0):
        z0 = parse_value(args.z0)
    if z0 == 0:
        raise SymsigError("--z0 must not be zero: the scattering waves a = V + Z0*I and "
                          "b = V - Z0*I need a reference impedance")
    kinds = [k.strip().lower() for k in args.params.split(",")] if args.params != "all" \
        else list(KINDS)
    for kind in kinds:
        if kind not in KINDS:
            raise SymsigError(f"--params {kind}: unknown set; one of {', '.join(KINDS)} or all")

    def derive(regions):
        if not named.devices():
            return named
        return small_signal(named, device_options(args), capacitors=args.caps, regions=regions)

    circuit = derive(None)
    net = _measure_any(circuit, args, kinds, z0)
    numbers = None
    if wants_numbers(original, elements.subs):
        need = {str(x) for x in net.matrix.free_symbols} - set(taken)
        numbers = numbers_at_the_end(elements.plain, elements.rest, args.bias, need)
        regions = {k: v for k, v in numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:
            net = _measure_any(derive(regions), args, kinds, z0)
    out: dict = {"port1": args.port1, "port2": args.port2, "z0": str(z0), "params": {}}
    for kind in kinds:
        try:
            matrix = net.to(kind)
        except NotDefined as exc:
            out["params"][kind] = {"error": str(exc)}
            continue
        out["params"][kind] = {name: matrix[i // 2, i % 2]
                               for i, name in enumerate(entry_names(kind))}
    props = {"reciprocal": net.reciprocal, "unilateral": net.unilateral}
    values = {**numbers.values, **elements.values} if numbers else {}
    numeric = {kind: {n: _entry_number(e, values) for n, e in v.items()}
               for kind, v in out["params"].items() if "error" not in v} if values else {}
    if args.json:
        symbols = sorted({str(x) for v in out["params"].values() if "error" not in v
                          for e in v.values() for x in e.free_symbols})
        names = set(symbols)
        body = {k: ({n: exact_text(e, names) for n, e in v.items()} if "error" not in v else v)
                for k, v in out["params"].items()}
        tex = {k: {n: latex(e) for n, e in v.items()} for k, v in out["params"].items()
               if "error" not in v}
        doc = {**out, "params": body, "latex": tex, "symbols": symbols, "properties": props}
        if numbers is not None:
            doc["numeric"] = {k: {n: exact_text(e, names) for n, e in v.items()}
                              for k, v in numeric.items()}
            doc["assumed"] = numbers.assumed
            if taken:  # the numbers the element names stand for
                doc["values"] = {k: exact_text(v) for k, v in values.items() if k in taken}
            doc["warnings"] = numbers.warnings
        print(json.dumps(doc, indent=2))
        return 0
    print(f"two-port: port 1 = {args.port1}, port 2 = {args.port2}" +
          (f", Z0 = {z0}" if any(k in ("s", "t") for k in kinds) else ""))
    betas: set[str] = set()
    for kind, entries in out["params"].items():
        if "error" in entries:
            print(f"{kind}: {entries['error']}")
            continue
        for (name, expr), unit in zip(entries.items(), entry_units(kind), strict=True):
            form = readable(entry_form(expr))
            betas |= {str(x) for x in form.free_symbols - expr.free_symbols}
            text = _number(form, unit) if form.is_number and form != 0 else form
            print(f"{name} = {latex(form)}" if args.latex else f"{name} = {text}")
            shown = numeric.get(kind, {}).get(name)
            if shown is not None and not args.latex and shown != expr:
                print(f"    = {_number(shown, unit)}")
    print(", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in props.items()))
    if betas and not args.latex:
        print(f"(with {', '.join(relation(b) for b in sorted(betas))})")
    for w in numbers.warnings if numbers else []:
        print(f"warning: {w}", file=sys.stderr)
    if numbers and numbers.assumed and not args.latex:
        print(f"(assumed: {', '.join(numbers.assumed)})")
    return 0


def _number(value: sympy.Expr, unit: str) -> str:
    """A parameter's number with its unit (617.8 Ω, 49.7 mS); a complex one or one with
    symbols left as it is."""
    if value.is_number and value.is_real and value.is_finite and unit:
        return eng(float(value), unit, 6)
    return number_text(value) if value.is_number else str(rounded(value, 6))


def _measure_any(circuit: Circuit, args: argparse.Namespace, kinds: list[str], z0):
    """One parameter set that exists, measured; the others are converted from it."""
    first_error = None
    for kind in [*kinds, "y", "z", "h", "g", "abcd", "s"]:
        try:
            return two_port(circuit, args.port1, args.port2, kind, z0)
        except NotDefined as exc:
            first_error = first_error or exc
        except SymsigError as exc:
            text = str(exc)
            which = "--port1" if args.port1 in text else "--port2" if args.port2 in text else \
                "--port1/--port2"
            raise SymsigError(f"{which}: {text}") from None
    raise first_error


def _entry_number(expr: sympy.Expr, values: dict[str, sympy.Expr]) -> sympy.Expr:
    finite = {sympy.Symbol(k, positive=True): v for k, v in values.items() if v != sympy.oo}
    infinite = [sympy.Symbol(k, positive=True) for k, v in values.items() if v == sympy.oo]
    value = expr.xreplace(finite)
    for x in infinite:
        if x in value.free_symbols:
            value = sympy.limit(value, x, sympy.oo)
    return value


