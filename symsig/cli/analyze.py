"""`symsig analyze`: gain, R_in and R_out of an amplifier, formulas first, numbers after."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import sympy

from ..analysis.linear import Probe, driven_node, rin, rout, transfer
from ..bias import Numbers, numbers_at_the_end
from ..circuit.netlist import Circuit
from ..devices import OFF_REGIONS
from ..devices.ac import small_signal
from ..engine.rational import Undefined
from ..engine.solve import ResultTooLarge
from ..errors import AnalysisError, SymsigError
from ..forms.latex import latex
from ..forms.polyprint import direct, rational_latex, rational_text
from ..forms.text import exact_text
from ..forms.textbook import normal_form, operation_count, textbook
from ..forms.units import gain_unit
from .common import (
    NAMED_BUDGET,
    Result,
    attempt,
    bias_option,
    device_options,
    driving_source,
    element_names,
    json_value,
    lower_first,
    mid_band,
    model_options,
    number_line,
    number_text,
    numeric_expr,
    option,
    output_format,
    read_circuit,
    readable,
    relation,
    show,
    wants_numbers,
    with_beta_values,
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
    a.add_argument("--numbers-in", action="store_true",
                   help="keep numeric R, C and L values as numbers in the formulas instead of "
                        "writing each as its element's name (RC = 4.7k as RC, numbers at the "
                        "end); done anyway where the named results would be too long to read "
                        "or not defined at exactly these values")
    output_format(a)
    a.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    original = read_circuit(args.file)
    options = device_options(args)
    with option("--output", args.output):
        probe = Probe.parse(args.output)
    driving_source(original, args.source, args.load)
    # mid-band: coupling and bypass capacitors are shorts, a load or compensation capacitor
    # (1 nF or less) an open (shorting the 10 pF load of an op-amp would make its gain 0)
    original, opened = mid_band(original, args.caps)

    # numeric R, C and L values are written as their elements' names (RC = 4.7k becomes RC),
    # so a formula reads as a textbook's; the numbers go in at the end
    elements = element_names(original, args.subs, args.numbers_in)
    results, numbers = _solve(elements.plain, elements.rest, args, options, probe)
    if elements.taken and numbers is not None:
        # the same Q-point (found once, on the circuit with the numbers in), with the
        # elements' values beside it
        at_names = replace(numbers, values={**numbers.values, **elements.values})
        try:
            with_names = _solve(elements.named, elements.subs, args, options, probe, at_names,
                                NAMED_BUDGET)
        except ResultTooLarge:
            with_names = None
        # kept only where it says the same as the numbers do: no 0/0 or infinity made by
        # exactly these values (a balanced bridge), and short enough to read
        if with_names is not None and _names_read_well(args, with_names[0], results):
            results, numbers = with_names
    _approximate(args, results, numbers)
    return _print_results(args, results, numbers, opened)


def _solve(base: Circuit, subs: dict, args: argparse.Namespace, options, probe: Probe,
           numbers: Numbers | None = None, budget: int | None = None
           ) -> tuple[list[Result], Numbers | None]:
    """The results for `base` and their numbers: `numbers` when given (a Q-point already
    found), else those `numbers_at_the_end` finds with the user's --subs. `budget` bounds the
    solver's entries (in terms) where a large result is not wanted."""

    def derive(regions: dict[str, str] | None) -> tuple[Circuit, list[Result]]:
        circuit = base
        if base.devices():
            circuit = small_signal(base, options, capacitors=args.caps,
                                   sources=[args.source], regions=regions)
        _check_nodes(circuit, args, probe)
        return circuit, _amplifier_results(circuit, args, probe, numbered, budget)

    numbered = numbers is not None or wants_numbers(base, subs)
    circuit, results = derive(None)
    if numbers is None and numbered:
        need = {str(g) for r in results if r.value is not None for g in r.value.generators}
        if any(r.too_large for r in results):
            need |= {str(x) for x in circuit.symbols()}
        numbers = numbers_at_the_end(base, subs, args.bias, need)
    if numbers is not None:
        regions = {k: v for k, v in numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:  # a device off (or a Zener in breakdown) changes the small-signal circuit
            circuit, results = derive(regions)
        for r in results:
            r.put_numbers(numbers.values)
    return results, numbers


def _names_read_well(args: argparse.Namespace, named: list[Result], plain: list[Result]
                     ) -> bool:
    """Whether the results written with element names (`named`) may stand for those with the
    numbers in (`plain`): each defined, finite and evaluable exactly where the other is, and
    short enough to read (or --exact asks for it all anyway)."""
    for r, p in zip(named, plain, strict=True):
        if (r.value is None) != (p.value is None):
            return False
        if r.value is None:
            continue
        if (r.numeric_why is None) != (p.numeric_why is None) or \
                _infinite(r) != _infinite(p):
            return False
        if args.exact or r.value.terms <= READABLE_TERMS:
            continue
        if r.value.terms > 2 * READABLE_TERMS or \
                operation_count(readable(r.form())) > READABLE_OPERATIONS:
            return False
    return True


def _infinite(r: Result) -> bool:
    at = r.numeric if r.numeric is not None else r.value
    return at.is_infinite


#: A "numbers for ..." hint names at most this many symbols (cascade5 has 31).
LISTED_SYMBOLS = 6
#: Results with more terms than this are shown approximated by default (exact with --exact).
READABLE_TERMS = 40
#: The default bound for that approximation: 1 % at the nominal values.
DEFAULT_EPS = 0.01
#: ... up to this many terms (forms/approx.py evaluates every term at ~40 frequencies in
#: Python, ~1 s per 500 terms); larger results print their size and their numbers (--eps
#: asks for the dominant terms anyway).
APPROX_TERMS = 1000


def _approximate(args: argparse.Namespace, results: list[Result], numbers: Numbers | None
                 ) -> None:
    """Apply --approx and --eps; and, for a result too large to read, dominant terms at the
    nominal values by default, when every value has a number."""
    assumptions = [a.strip() for a in (args.approx or "").split(",") if a.strip()]
    values = numbers.values if numbers else {}
    for r in results:
        if args.exact:
            continue
        if r.estimator is not None and numbers is not None and not assumptions and (
                r.too_large or r.value.terms > APPROX_TERMS):
            try:
                r.estimate = r.estimator(values, args.eps or DEFAULT_EPS)
            except (AnalysisError, ResultTooLarge) as exc:
                if r.too_large:
                    r.why = f"{r.why}; no approximation at the nominal values either: {exc}"
            continue
        if r.value is None:
            if r.too_large and assumptions:
                r.why = (f"{r.why}; --approx needs the exact result: without it the result is "
                         "approximated at the nominal values")
            continue
        eps = args.eps
        if eps is None and not assumptions and READABLE_TERMS < r.value.terms <= APPROX_TERMS \
                and all(str(g) in values for g in r.value.generators if str(g) != "s"):
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
#: Past this many terms no textbook form of an H(s) is searched for by default: the normal
#: form costs ~0.05 s per ten terms, and those of results this large have had more than
#: READABLE_OPERATIONS operations (cascade2's 76-term gain: 101), so the size line is printed
#: instead. A result without s often reads well far larger (R_in of a CE stage with r_x, R_E
#: and a bias divider: 85 terms, 17 operations), so it is searched up to FORM_SEARCH_TERMS_DC.
FORM_SEARCH_TERMS = 60
FORM_SEARCH_TERMS_DC = 300


def _form(args: argparse.Namespace, r: Result) -> sympy.Expr | str | None:
    """What is shown for r: its textbook form (or that of its approximation), the exact result
    with --exact (text from the polynomials when large), or None when it is too long to read."""
    shown = r.approximation.value if r.approximation is not None else r.value
    if args.exact:
        return r.value.in_s() if not direct(r.value) else None
    in_s = any(str(g) == "s" for g in shown.generators)
    if shown.terms > (FORM_SEARCH_TERMS if in_s else FORM_SEARCH_TERMS_DC):
        return None
    form = readable(r.form())
    if (r.approximation is None and r.value.terms > READABLE_TERMS
            and operation_count(form) > READABLE_OPERATIONS):
        return None
    return form


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


#: With numbers for the circuit, an exact result past this many terms in the solver is not
#: waited for: it is approximated at the nominal values instead (--exact: the full budget).
NUMBERED_BUDGET = 200_000


def _amplifier_results(circuit: Circuit, args: argparse.Namespace, probe: Probe,
                       numbered: bool = False, budget: int | None = None) -> list[Result]:
    src = circuit.element(args.source)
    out = str(probe)
    voltage_in = src.kind == "V"
    names = {("v", True): ("gain", "A_v"), ("v", False): ("transresistance", "R_m"),
             ("i", True): ("transconductance", "G_m"), ("i", False): ("current gain", "A_i")}
    what, tex = names[(probe.kind, voltage_in)]
    in_node = args.input_node or driven_node(src)
    estimate = numbered and not args.exact
    if budget is None:
        budget = NUMBERED_BUDGET if estimate else None
    if estimate:  # numpy and the estimates load only where there are numbers
        from ..analysis.nominal import estimate_impedance, estimate_transfer
    in_name = circuit.resolve(in_node)
    results = [
        attempt("gain", f"{what} {out}/{src.name}", tex,
                lambda: transfer(circuit, args.output, args.source, max_terms=budget),
                (lambda v, eps: estimate_transfer(circuit, args.output, args.source, v,
                                                  eps=eps))
                if estimate and probe.kind == "v" and voltage_in else None),
        attempt("rin", f"R_in at {in_name} ({src.name} removed)", "R_{in}",
                lambda: rin(circuit, args.source, args.input_node, max_terms=budget),
                (lambda v, eps: estimate_impedance(circuit, in_name, v, (src.name,), eps=eps))
                if estimate else None),
    ]
    load = f" ({args.load} removed)" if args.load else ""
    removed = (args.load,) if args.load else ()
    results.append(attempt(
        "rout", f"R_out at {out}{load}", "R_{out}",
        lambda: rout(circuit, args.output, args.load, max_terms=budget),
        (lambda v, eps: estimate_impedance(circuit, probe.plus, v, removed, eps=eps))
        if estimate and probe.kind == "v" and probe.minus == "0" else None))
    units = {"gain": gain_unit(probe.kind, src.kind), "rin": "Ω", "rout": "Ω"}
    for r in results:
        r.unit = units[r.key]
    return results


def _print_results(args: argparse.Namespace, results: list[Result], numbers: Numbers | None,
                   opened: list[str] = ()) -> int:
    done = [r for r in results if r.value is not None]
    forms = {r.key: _form(args, r) for r in done}
    symbols = sorted({str(g) for r in done for g in r.value.generators if g.is_Symbol})
    names = set(symbols)
    warnings = numbers.warnings if numbers else []
    betas = sorted({str(x) for e in forms.values() if e is not None
                    for x in e.free_symbols} - names)
    if args.json:
        out: dict = {r.key: r.exact_text(names) if r.value is not None else None
                     for r in results}
        out["textbook"] = {k: str(e) if e is not None else _exact_or_none(args, r, names)
                           for r in done for k, e in [(r.key, forms[r.key])]}
        out["latex"] = {k: latex(e) if e is not None else _exact_latex_or_none(args, r)
                        for r in done for k, e in [(r.key, forms[r.key])]}
        out["latex_exact"] = {r.key: _exact_latex_or_none(args, r, always_small=True)
                              for r in done}
        out["terms"] = {r.key: r.value.terms for r in done}
        out["labels"] = {r.key: r.label for r in results}
        if opened:
            out["mid_band_open"] = list(opened)
        out["symbols"] = symbols
        out["relations"] = [relation(b) for b in betas]
        approximations = {r.key: {"assumptions": r.approximation.assumptions,
                                  "bound": r.approximation.bound,
                                  "error": r.approximation.error,
                                  "exact_terms": r.value.terms,
                                  "terms": r.approximation.terms,
                                  "numeric": _approximation_json(r, numbers, names)}
                          for r in results if r.approximation is not None}
        if approximations:
            out["approximations"] = approximations
        estimates = {r.key: _estimate_json(r, names) for r in results if r.estimate}
        if estimates:
            out["estimates"] = estimates
        why = {r.key: r.why for r in results if r.why and not r.too_large}
        if why:
            out["not_defined"] = why
        too_large = {r.key: r.why for r in results if r.too_large}
        if too_large:
            out["too_large"] = too_large
        if numbers is not None:
            numeric = {}
            for r in results:
                if r.numeric is not None:
                    numeric[r.key] = (rational_text(r.numeric) if direct(r.numeric) else
                                      json_value(numeric_expr(r.numeric, None), names))
                elif r.numeric_why:
                    numeric[r.key] = None
                    out.setdefault("not_defined_numerically", {})[r.key] = r.numeric_why
            out["numeric"] = numeric
            out["values"] = {k: exact_text(v) for k, v in sorted(numbers.values.items())}
            out["assumed"] = numbers.assumed
            out["bias"] = numbers.op.method if numbers.op else None
        out["warnings"] = warnings
        json.dump(out, sys.stdout, indent=2)
        print()
        return 0
    for r in results:
        form = forms.get(r.key)
        if r.estimate is not None:
            _print_estimate(args, r)
            if args.latex or r.numeric is None:
                continue
            line = number_line(r, numbers.values if numbers else {})
            if line is not None:
                print(f"    = {line}")
            continue
        if args.latex:
            if r.value is None:
                body = rf"\text{{{_unavailable(r)}: {r.why}}}"
            elif form is not None:
                body = latex(form)
            elif args.exact:
                body = rational_latex(r.value)
            else:
                body = rf"\text{{{r.value.terms} terms, too long to read (--exact prints it)}}"
            sign = r" \approx " if r.approximation else " = "
            print(f"{r.tex}{sign}{body}")
            continue
        if r.value is None:
            print(f"{r.label}: {_unavailable(r)}: {lower_first(r.why)}")
            continue
        if form is None and args.exact:
            shown = rational_text(r.value)
            print(f"{r.label} = {shown}")
        elif form is None:
            missing = sorted(str(g) for g in r.value.generators if str(g) != "s" and (
                numbers is None or str(g) not in numbers.values))
            if r.approximation is not None:
                more = f"its dominant terms ({r.approximation.terms}) too"
            elif missing:
                named = ", ".join(missing) if len(missing) <= LISTED_SYMBOLS else (
                    f"its {len(missing)} symbols ({', '.join(missing[:3])}, ...; .param or "
                    "--subs)")
                more = f"numbers for {named} give its dominant terms (--eps)"
            else:
                more = "--eps gives its dominant terms"
            print(f"{r.label}: {r.value.terms:,} terms, too long to read; {more}; --exact "
                  "prints it all")
            shown = ""
        else:
            shown = show(form)
            print(f"{r.label} {'~' if r.approximation else '='} {shown}")
        if r.approximation is not None:
            a = r.approximation
            print(f"    ({'; '.join(a.assumptions)}; exact: {r.value.terms} terms, --exact)")
        line = number_line(r, numbers.values if numbers else {},
                           form if isinstance(form, sympy.Expr) else None)
        only_s = r.numeric is None or {str(g) for g in r.numeric.generators} <= {"s"}
        if line is not None and line != shown and (shown or only_s):
            approximate = _approximation_number(r, numbers.values if numbers else {})
            print(f"    = {line}" + (f" exactly; the approximation gives {approximate}"
                                     if approximate else ""))
    if betas and not args.latex:
        print(f"(with {', '.join(relation(b) for b in betas)})")
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if numbers and numbers.assumed and not args.latex:
        print(f"(assumed: {', '.join(numbers.assumed)})")
    if opened and not args.latex:
        print(f"(mid-band: {', '.join(opened)} open, as capacitors of 1 nF or less; "
              "--caps keep keeps every capacitor)")
    return 0


def _approximation_at(r: Result, values: dict[str, sympy.Expr]):
    """The approximation shown (r_o → ∞, dominant terms) with the numbers in, where the exact
    result is a finite number and so is it; else None."""
    if r.approximation is None or r.numeric is None or not r.numeric.is_number or \
            r.numeric.is_infinite:
        return None
    value = r.approximation.value
    known = {k: v for k, v in with_beta_values(values).items()
             if k in {str(g) for g in value.generators}}
    try:
        approximate = value.substitute(known) if known else value
    except Undefined:
        return None
    return approximate if approximate.is_number and not approximate.is_infinite else None


def _approximation_number(r: Result, values: dict[str, sympy.Expr]) -> str | None:
    """What the approximation gives at the numbers and how far that is from the exact number
    printed beside it: "4700 Ω (+6.22 %)"."""
    approximate = _approximation_at(r, values)
    if approximate is None:
        return None
    exact = float(numeric_expr(r.numeric, None))
    text = number_text(numeric_expr(approximate, 6)) + (f" {r.unit}" if r.unit else "")
    if exact == 0:
        return text
    return f"{text} ({(float(numeric_expr(approximate, None)) / exact - 1) * 100:+.3g} %)"


def _approximation_json(r: Result, numbers: Numbers | None, names: set[str]) -> str | None:
    approximate = _approximation_at(r, numbers.values) if numbers else None
    return json_value(numeric_expr(approximate, None), names) if approximate else None


def _exact_or_none(args: argparse.Namespace, r: Result, names: set[str]) -> str | None:
    """The textbook entry of a result too long to read: its exact text with --exact."""
    return r.exact_text(names) if args.exact else None


def _exact_latex_or_none(args: argparse.Namespace, r: Result, always_small: bool = False
                         ) -> str | None:
    """LaTeX of the exact result: small ones always (latex_exact), large ones with --exact."""
    if direct(r.value):
        return r.exact_latex() if args.exact else None
    if args.exact or always_small:
        return r.exact_latex()
    return None


def _estimate_shown(r: Result) -> tuple[sympy.Expr | str, list]:
    """An estimate as shown: H(s) in normal form when small, the expanded text when
    larger, or the last expression of its sequence (with the definitions it uses)."""
    est = r.estimate
    if est.value is None:
        return est.expr, est.definitions
    if est.value.terms <= FORM_SEARCH_TERMS:
        shown = est.value
        names = [str(g) for g in shown.generators]
        return readable(normal_form(shown).expr if "s" in names else textbook(shown)), []
    return (rational_text(est.value) if direct(est.value) else est.value.in_s()), []


def _print_estimate(args: argparse.Namespace, r: Result) -> None:
    est = r.estimate
    shown, definitions = _estimate_shown(r)
    exact = (f"exact: {r.value.terms:,} terms, --exact" if r.value is not None else
             "exact: past the solver's budget")
    if args.latex:
        where = ", ".join(f"{latex(k)} = {latex(v)}" for k, v in definitions)
        body = shown if isinstance(shown, str) else latex(shown)
        print(f"{r.tex} \\approx {body}" + (rf" \quad\text{{where }} {where}" if where else ""))
        return
    print(f"{r.label} ~ {shown}")
    for k, v in definitions:
        print(f"    where {k} = {v}")
    print(f"    ({est.text()}; {exact})")


def _estimate_json(r: Result, names: set[str]) -> dict:
    est = r.estimate
    return {"value": rational_text(est.value) if est.value is not None and direct(est.value)
            else exact_text(est.expr, names | {str(k) for k, _ in est.definitions}),
            "definitions": {str(k): exact_text(v, names | {str(k) for k, _ in est.definitions})
                            for k, v in est.definitions},
            "error": est.error, "band_hz": list(est.band) if est.band else None,
            "points": est.points, "eps": est.eps, "terms": est.terms,
            "dropped_before": len(est.dropped), "about": est.text()}


def _unavailable(r: Result) -> str:
    """Why a result has no value, in two words: it does not exist, or it is too large."""
    return "too large" if r.too_large else "not defined"
