"""`symsig analyze`: gain, R_in and R_out of an amplifier, formulas first, numbers after."""

from __future__ import annotations

import argparse
import json
import sys

import sympy

from ..analysis.linear import Probe, driven_node, rin, rout, transfer
from ..bias import Numbers, numbers_at_the_end
from ..circuit.netlist import Circuit, parse
from ..devices import OFF_REGIONS
from ..devices.ac import small_signal
from ..errors import SymsigError
from ..forms.latex import latex
from ..forms.text import exact_text
from ..forms.textbook import operation_count
from .common import (
    Result,
    attempt,
    bias_option,
    device_options,
    json_value,
    lower_first,
    model_options,
    number_line,
    numeric_expr,
    option,
    output_format,
    parse_subs,
    read_netlist,
    readable,
    relation,
    show,
    wants_numbers,
)
from .helptext import parser_text


def register(sub) -> None:
    a = sub.add_parser("analyze", help="gain, R_in and R_out of an amplifier",
                       **parser_text("analyze"))
    a.add_argument("file", help="netlist file, or - for standard input")
    a.add_argument("--source", required=True, help="the driving independent source, e.g. Vs")
    a.add_argument("--output", required=True, help="output node, v(a,b) or i(R1)")
    a.add_argument("--input-node", help="node R_in looks into (default: the source's + node)")
    a.add_argument("--load", help="load element removed for R_out")
    model_options(a)
    bias_option(a)
    a.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE (oo: infinite)")
    a.add_argument("--approx", help="stated approximations, e.g. ro=oo,beta=oo,gm*ro>>1,A=oo")
    a.add_argument("--eps", type=float,
                   help="drop terms worth less than this (relative) at the nominal values")
    a.add_argument("--exact", action="store_true",
                   help="print the exact expanded result, not its textbook form")
    output_format(a)
    a.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    original = parse(read_netlist(args.file))
    subs = parse_subs(args.subs, original)
    options = device_options(args)
    with option("--output", args.output):
        probe = Probe.parse(args.output)
    source = original.find(args.source)
    if source is None:
        raise SymsigError(f"--source {args.source}: no element named {args.source!r} in the "
                          "circuit")
    if source.kind not in "VI":
        raise SymsigError(f"--source {args.source}: {source.name} is a {source.what}, not an "
                          "independent source (V or I)")
    if args.load is not None and original.find(args.load) is None:
        raise SymsigError(f"--load {args.load}: no element named {args.load!r} in the circuit")

    def derive(regions: dict[str, str] | None) -> tuple[Circuit, list[Result]]:
        circuit = original
        if original.devices():
            circuit = small_signal(original, options, capacitors=args.caps,
                                   sources=[args.source], regions=regions)
        _check_nodes(circuit, args, probe)
        return circuit, _amplifier_results(circuit, args, probe)

    circuit, results = derive(None)
    numbers: Numbers | None = None
    if wants_numbers(original, subs):
        need = {str(g) for r in results if r.value is not None for g in r.value.generators}
        numbers = numbers_at_the_end(original, subs, args.bias, need)
        regions = {k: v for k, v in numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:  # a device off (or a Zener in breakdown) changes the small-signal circuit
            circuit, results = derive(regions)
        for r in results:
            r.put_numbers(numbers.values)
    _approximate(args, results, numbers)
    return _print_results(args, results, numbers)


#: Results with more terms than this are shown approximated by default (exact with --exact).
READABLE_TERMS = 40
#: The default bound for that approximation: 1 % at the nominal values.
DEFAULT_EPS = 0.01


def _approximate(args: argparse.Namespace, results: list[Result], numbers: Numbers | None
                 ) -> None:
    """Apply --approx and --eps; and, for a result too large to read, dominant terms at the
    nominal values by default, when every value has a number."""
    assumptions = [a.strip() for a in (args.approx or "").split(",") if a.strip()]
    values = numbers.values if numbers else {}
    for r in results:
        if r.value is None or args.exact:
            continue
        eps = args.eps
        if eps is None and not assumptions and r.value.terms > READABLE_TERMS and all(
                str(g) in values for g in r.value.generators if str(g) != "s"):
            eps = DEFAULT_EPS
        if eps is not None and any(str(g) not in values for g in r.value.generators
                                   if str(g) != "s"):
            missing = sorted(str(g) for g in r.value.generators
                             if str(g) != "s" and str(g) not in values)
            raise SymsigError(f"--eps: dominant terms need a number for every symbol; none for "
                              f"{', '.join(missing)}")
        with option("--approx", args.approx):
            try:
                r.approximate(assumptions, values, eps)
            except ValueError as exc:
                raise SymsigError(str(exc)) from None


#: A textbook form with more operations than this is not printed by default (see READABLE_TERMS).
READABLE_OPERATIONS = 80


def _too_long(args: argparse.Namespace, r: Result, form: sympy.Expr) -> bool:
    return (not args.exact and r.approximation is None and r.value.terms > READABLE_TERMS
            and operation_count(form) > READABLE_OPERATIONS)


def _check_nodes(circuit: Circuit, args: argparse.Namespace, probe: Probe) -> None:
    """--output and --input-node name things the circuit has (before any solving)."""
    if probe.kind == "i":
        if circuit.find(probe.plus) is None:
            raise SymsigError(f"--output {args.output}: no element named {probe.plus!r}")
    else:
        for node in (probe.plus, probe.minus):
            if not circuit.has_node(node):
                raise SymsigError(f"--output {args.output}: no node named {node!r}")
    if args.input_node is not None and not circuit.has_node(args.input_node):
        raise SymsigError(f"--input-node {args.input_node}: no node named "
                          f"{args.input_node!r}")


def _amplifier_results(circuit: Circuit, args: argparse.Namespace, probe: Probe
                       ) -> list[Result]:
    src = circuit.element(args.source)
    out = str(probe)
    voltage_in = src.kind == "V"
    names = {("v", True): ("gain", "A_v"), ("v", False): ("transresistance", "R_m"),
             ("i", True): ("transconductance", "G_m"), ("i", False): ("current gain", "A_i")}
    what, tex = names[(probe.kind, voltage_in)]
    in_node = args.input_node or driven_node(src)
    results = [
        attempt("gain", f"{what} {out}/{src.name}", tex,
                 lambda: transfer(circuit, args.output, args.source)),
        attempt("rin", f"R_in at {circuit.resolve(in_node)} ({src.name} removed)", "R_{in}",
                 lambda: rin(circuit, args.source, args.input_node)),
    ]
    load = f" ({args.load} removed)" if args.load else ""
    results.append(attempt("rout", f"R_out at {out}{load}", "R_{out}",
                            lambda: rout(circuit, args.output, args.load)))
    return results


def _print_results(args: argparse.Namespace, results: list[Result], numbers: Numbers | None
                   ) -> int:
    exprs = {r.key: r.expr() for r in results if r.value is not None}
    forms = {r.key: (r.expr() if args.exact else readable(r.form())) for r in results
             if r.value is not None}
    symbols = sorted({str(x) for e in exprs.values() for x in e.free_symbols})
    names = set(symbols)
    warnings = numbers.warnings if numbers else []
    betas = sorted({str(x) for e in forms.values() for x in e.free_symbols} - names)
    if args.json:
        out: dict = {r.key: exact_text(exprs[r.key], names) if r.key in exprs else None
                     for r in results}
        out["textbook"] = {k: str(e) for k, e in forms.items()}
        out["latex"] = {k: latex(e) for k, e in forms.items()}
        out["latex_exact"] = {k: latex(e) for k, e in exprs.items()}
        out["labels"] = {r.key: r.label for r in results}
        out["symbols"] = symbols
        out["relations"] = [relation(b) for b in betas]
        approximations = {r.key: {"assumptions": r.approximation.assumptions,
                                  "bound": r.approximation.bound,
                                  "error": r.approximation.error,
                                  "exact_terms": r.value.terms,
                                  "terms": r.approximation.terms}
                          for r in results if r.approximation is not None}
        if approximations:
            out["approximations"] = approximations
        why = {r.key: r.why for r in results if r.why}
        if why:
            out["not_defined"] = why
        if numbers is not None:
            numeric = {}
            for r in results:
                if r.numeric is not None:
                    numeric[r.key] = json_value(numeric_expr(r.numeric, None), names)
                elif r.numeric_why:
                    numeric[r.key] = None
                    out.setdefault("not_defined_numerically", {})[r.key] = r.numeric_why
            out["numeric"] = numeric
            out["values"] = {k: exact_text(v) for k, v in sorted(numbers.values.items())}
            out["assumed"] = numbers.assumed
            out["bias"] = numbers.op.method if numbers.op else None
        out["warnings"] = warnings
        print(json.dumps(out, indent=2))
        return 0
    for r in results:
        if args.latex:
            body = latex(forms[r.key]) if r.key in forms else rf"\text{{not defined: {r.why}}}"
            sign = r" \approx " if r.approximation else " = "
            print(f"{r.tex}{sign}{body}")
            continue
        if r.value is None:
            print(f"{r.label}: not defined: {lower_first(r.why)}")
            continue
        shown = show(forms[r.key])
        if _too_long(args, r, forms[r.key]):
            missing = sorted(str(g) for g in r.value.generators if str(g) != "s" and (
                numbers is None or str(g) not in numbers.values))
            print(f"{r.label}: {r.value.terms} terms, too long to read; numbers for "
                  f"{', '.join(missing)} give its dominant terms (--eps), --exact prints it all")
            shown = ""
        else:
            print(f"{r.label} {'~' if r.approximation else '='} {shown}")
        if r.approximation is not None:
            a = r.approximation
            print(f"    ({'; '.join(a.assumptions)}; exact: {r.value.terms} terms, --exact)")
        line = number_line(r, numbers.values if numbers else {})
        if line is not None and line != shown and (shown or r.numeric is None
                                                    or r.numeric.is_number):
            print(f"    = {line}")
    if betas and not args.latex:
        print(f"(with {', '.join(relation(b) for b in betas)})")
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if numbers and numbers.assumed and not args.latex:
        print(f"(assumed: {', '.join(numbers.assumed)})")
    return 0


