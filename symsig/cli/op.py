"""`symsig op`: each device's region, bias and small-signal parameters."""

from __future__ import annotations

import argparse
import json
import math
import sys

import sympy

from ..bias import METHODS, operating_point
from ..bias.dc import card_values
from ..circuit.netlist import Circuit
from ..devices import MODEL_NAMES, h_parameter_values, h_relations
from ..engine.solve import as_rational
from ..errors import SymsigError
from ..forms.text import exact_text
from ..forms.textbook import score, textbook
from ..forms.units import eng, unit_of
from .common import bias_option, element_names, read_circuit
from .helptext import parser_text


def register(sub) -> None:
    o = sub.add_parser("op", help="DC operating point of each transistor and diode",
                       **parser_text("op"))
    o.add_argument("file", help="netlist file, or - for standard input")
    bias_option(o)
    o.add_argument("--method", dest="bias", choices=METHODS, help=argparse.SUPPRESS)
    o.add_argument("--subs", help="numbers: NAME=VALUE,NAME=VALUE")
    o.add_argument("--model", default="hybrid-pi", type=str.lower,
                   choices=[m.lower() for m in MODEL_NAMES],
                   help="h also prints each BJT's common-emitter h-parameters at its Q-point")
    o.add_argument("--numbers-in", action="store_true",
                   help="keep numeric R values as numbers in the bias formulas instead of "
                        "writing each as its element's name (R1 = 47k as R1)")
    o.add_argument("--json", action="store_true", help="one JSON object")
    o.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    circuit = read_circuit(args.file)
    # the textbook's formulas are in element names (I_C = beta1*(...R2...)/(... RE*(beta1 + 1)
    # ...)), the numbers beside them; only the constant-drop method has formulas to show
    elements = element_names(circuit, args.subs,
                          args.numbers_in or args.bias != "constant-vbe")
    circuit, taken, given = elements.named, elements.taken, elements.values
    op = operating_point(circuit, args.bias, given)
    report = []
    for d in op.devices:
        h = _h_parameters(circuit, d, given) if args.model == "h" else {}
        report.append((d, d.quantities(), h))
    if args.json:
        out = {"method": op.method, "devices": {}, "warnings": op.warnings,
               "assumed": op.assumed}
        if taken:  # the numbers the element names in the formulas stand for
            out["values"] = {k: exact_text(v) for k, v in given.items() if k in taken}
        for d, _, h in report:
            out["devices"][d.name] = {
                "type": d.type, "region": d.region, "region_assumed": d.assumed,
                "bias": {k: exact_text(v) for k, v in d.bias.items()},
                "small_signal": {k: exact_text(v) for k, v in d.small_signal.items()},
                "numeric": {k: _json_number(v) for k, v in d.numeric.items()},
            }
            if h:
                out["devices"][d.name]["h_parameters"] = {
                    k: exact_text(rel) for k, (rel, _) in h.items()}
                out["devices"][d.name]["numeric"].update(
                    {k: _json_number(v) for k, (_, v) in h.items() if v is not None})
        print(json.dumps(out, indent=2))
        return 0
    if op.method != "constant-vbe":
        print(f"(bias: {op.method})")
    for d, quantities, h in report:
        print(f"{d.name} ({d.type}): {d.region_text}")
        width = max((len(n) for n in [*quantities, *h]), default=0)  # the = signs aligned
        for name, expr in quantities.items():
            parts = [name.ljust(width)]
            number = d.numeric.get(name)
            if expr is not None and not expr.is_number and str(expr) != name:
                parts.append(_formula(expr))
            if number is not None:
                parts.append(_engineering(number, name))
            elif expr is not None and expr.is_number:
                parts.append(_engineering(float(expr), name) if expr.is_finite else "∞")
            print("  " + " = ".join(parts))
        if h:
            print("  h-parameters (common emitter, from the hybrid-pi model):")
        for name, (rel, number) in h.items():
            parts = [name.ljust(width - 2), str(rel)]
            if number is not None:
                parts.append(_engineering(number, name))
            why = "  (the hybrid-pi model has no r_mu)" if rel == 0 else ""
            print("    " + " = ".join(parts[:2] if rel == 0 else parts) + why)
    for w in op.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if op.assumed:
        print(f"(assumed: {', '.join(op.assumed)})")
    return 0


def _h_parameters(circuit: Circuit, d, subs: dict) -> dict[str, tuple[sympy.Expr, float | None]]:
    """A BJT's h-parameters at its Q-point: name -> (the relation to its hybrid-π symbols,
    the number when the Q-point has one). r_x counts in h_ie when a number gives it (RB)."""
    device = circuit.find(d.name)
    if device is None or device.kind != "Q":
        return {}
    suffix = circuit.symbol_suffix(device)
    known = {**{k: v for k, v in card_values(circuit).items() if v.is_number}, **subs,
             **{k: sympy.oo if v == float("inf") else sympy.Float(v, 17)
                for k, v in d.numeric.items() if v == v}}
    rels = h_relations(device, suffix, rx=f"rx{suffix}" in known)
    numbers = h_parameter_values({k: v for k, v in known.items() if not k.startswith("h")},
                                 suffix)
    out = {}
    for sym, rel in rels.items():
        value = numbers.get(sym.name)
        out[sym.name] = (rel, float(value) if value is not None else None)
    return out


def _formula(expr: sympy.Expr) -> str:
    """A bias formula as a textbook writes it (R_E(β + 1), factored), where it is a ratio of
    polynomials of readable size; else as it is."""
    try:
        r = as_rational(expr)
    except (SymsigError, ValueError, TypeError):
        return str(expr)
    if r.terms > FORM_TERMS:
        return str(expr)
    form = textbook(r)
    return str(expr if score(expr) < score(form) else form)


#: Bias formulas up to this many terms are searched for their textbook form.
FORM_TERMS = 60


def _json_number(value: float) -> str:
    return "oo" if value == float("inf") else repr(float(value))


def _engineering(value: float, name: str) -> str:
    """1.23456 mA, 4.7 kΩ: six significant digits with an SI prefix and the unit its name
    says (gm1 S, rpi1 Ω); a ratio (beta1, alpha1) as a plain number."""
    if not math.isfinite(value):
        return ("∞" if value > 0 else "-∞") if value == value else "not defined"
    unit = unit_of(name)
    return eng(value, unit, 6) if unit else f"{value:.6g}"


