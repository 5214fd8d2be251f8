"""`symsig tf`: H(s) in normal form, its poles and zeros, the -3 dB corners, and which capacitor
sets each corner (open- and short-circuit time constants), with Miller, f_T and plots."""

from __future__ import annotations

import argparse
import cmath
import json
import math
import sys
from dataclasses import dataclass, field

import sympy

from ..analysis.frequency import (
    SMALL_CAPACITOR,
    TWO_PI,
    Bands,
    Root,
    TimeConstant,
    bands,
    coefficient_terms,
    coefficients,
    corners,
    exact_value,
    factored,
    from_coefficients,
    holds_exactly,
    miller,
    open_circuit_time_constants,
    reactive,
    roots_of,
    s_polynomials,
    short_circuit_time_constants,
    step_metrics,
    step_response,
    transition,
)
from ..analysis.linear import Probe, transfer
from ..bias import Numbers, numbers_at_the_end
from ..circuit.netlist import Circuit
from ..circuit.values import parse_value
from ..devices import OFF_REGIONS
from ..devices.ac import small_signal
from ..engine.rational import RationalFunction, Undefined
from ..engine.solve import ResultTooLarge
from ..errors import AnalysisError, NotDefined, SymsigError
from ..forms.latex import latex
from ..forms.text import exact_text
from ..forms.textbook import normal_form, operation_count, textbook
from ..forms.units import eng, gain_unit
from .common import (
    NAMED_BUDGET,
    ElementNames,
    bias_option,
    device_options,
    driving_source,
    element_names,
    lower_first,
    model_options,
    option,
    output_format,
    read_circuit,
    readable,
    relation,
    show,
    wants_numbers,
)
from .helptext import parser_text

#: A formula with more operations than this is shown by its size, not written out.
READABLE_OPERATIONS = 80
#: A formula longer than this (characters) is left out where its number is printed.
LONG = 70
#: Time-constant products are listed for b2 when there are at most this many elements.
MAX_B2_ELEMENTS = 8


def register(sub) -> None:
    p = sub.add_parser("tf", help="H(s): poles, zeros, -3 dB corners, time constants, Bode plot",
                       **parser_text("tf"))
    p.add_argument("file", help="netlist file, or - for standard input")
    p.add_argument("--source", help="the driving independent source, e.g. Vs")
    p.add_argument("--output", help="output node, v(a,b) or i(R1)")
    model_options(p, caps="keep")
    p.add_argument("--hf", help="netlist capacitors of the high-frequency group (a load or "
                                "compensation capacitance), e.g. CL; default: those of 1 nF or "
                                "less")
    p.add_argument("--lf", help="netlist capacitors of the low-frequency group (coupling, "
                                "bypass), e.g. C1,CE; default: those above 1 nF and symbolic "
                                "ones")
    bias_option(p)
    p.add_argument("--subs", help="numbers at the end: NAME=VALUE,NAME=VALUE (oo: infinite)")
    p.add_argument("--at", help="frequencies (Hz) for H(j2πf), e.g. 1k,10meg")
    p.add_argument("--miller", nargs="?", const="all", metavar="C",
                   help="Miller's split of each C_mu/C_gd (or of capacitor C)")
    p.add_argument("--ft", nargs="?", const="all", metavar="DEVICE",
                   help="f_T and f_beta of each transistor (or of DEVICE); alone, without "
                        "--source/--output, just these")
    p.add_argument("--plot", metavar="FILE", help="Bode plot (.png, .svg or .pdf)")
    p.add_argument("--step", metavar="FILE", help="step response plot (.png, .svg or .pdf)")
    p.add_argument("--range", metavar="F1,F2", help="Bode plot frequencies in Hz (default: "
                                                   "around the poles and zeros)")
    p.add_argument("--exact", action="store_true",
                   help="write every coefficient out, however long")
    p.add_argument("--numbers-in", action="store_true",
                   help="keep numeric R, C and L values as numbers in H(s) instead of writing "
                        "each as its element's name (C1 = 10u as C1, numbers at the end); done "
                        "anyway where H(s) in names would be too long to read")
    output_format(p)
    p.set_defaults(run=run)


# -- what the command computes ----------------------------------------------------------------
@dataclass
class Report:
    """Everything `tf` found, for text, JSON and LaTeX alike."""

    h: RationalFunction | None = None
    label: str = ""
    unit: str = ""  # of H: V/V, A/A, S (a current over a voltage) or Ω
    split: Bands | None = None
    mid: RationalFunction | None = None  # the mid-band gain (or DC gain: low-pass)
    open_tc: list[TimeConstant] = field(default_factory=list)
    short_tc: list[TimeConstant] = field(default_factory=list)
    high_h: RationalFunction | None = None  # H with the low group shorted
    low_h: RationalFunction | None = None  # H with the high group open
    b2_terms: list = field(default_factory=list)
    millers: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    numbers: Numbers | None = None
    notes: list[str] = field(default_factory=list)


#: H(s) in element names (C1, not 10u) is kept up to this many terms; past it (or past
#: NAMED_ELEMENTS numeric elements, or NAMED_BUDGET in the solver) the numbers stay in.
NAMED_TERMS = 400


def run(args: argparse.Namespace) -> int:
    original = read_circuit(args.file)
    names = element_names(original, args.subs, args.numbers_in)
    try:
        return _run(args, original, names)
    except _NumbersIn:
        return _run(args, original, names.numbers_in())


class _NumbersIn(Exception):
    """H(s) in element names would be too long, or 0/0 at exactly these values: the numbers
    go in instead."""


def _run(args: argparse.Namespace, original: Circuit, elements: ElementNames) -> int:
    """`original` read, H(s) derived on `elements.named` (its numeric R, C and L values
    written as names, or not), the numbers put in at the end."""
    named, plain, taken, subs, rest = (elements.named, elements.plain, elements.taken,
                                       elements.subs, elements.rest)
    options = device_options(args)
    if (args.source is None) != (args.output is None):
        missing = "--source" if args.source is None else "--output"
        raise SymsigError(f"{missing} is needed too (both, or --ft alone for f_T)")
    if args.source is None and args.ft is None:
        raise SymsigError("--source and --output name the transfer function (or give --ft "
                          "alone for f_T)")
    high, low = _words(args.hf), _words(args.lf)
    for flag, text, names in (("--hf", args.hf, high), ("--lf", args.lf, low)):
        for name in names:
            e = original.find(name)
            if e is None or e.kind not in "CL":
                raise SymsigError(f"{flag} {text}: no capacitor or inductor named {name!r}")
    both = {n.lower() for n in high} & {n.lower() for n in low}
    if both:
        raise SymsigError(f"--hf and --lf both name {', '.join(sorted(both))}")
    at = _frequencies(args.at, "--at") if args.at else []
    span = _frequencies(args.range, "--range") if args.range else None
    if span is not None and (len(span) != 2 or not 0 < span[0] < span[1]):
        raise SymsigError(f"--range {args.range}: two frequencies, lowest first, e.g. 10,1g")
    probe = None
    if args.source is not None:
        driving_source(original, args.source)
        with option("--output", args.output):
            probe = Probe.parse(args.output)

    report = Report()

    def report_high() -> list[str]:
        """Capacitors kept even at --caps short: the high-frequency ones the user named, and
        the small ones (a load or compensation capacitance is no mid-band short)."""
        small = [e.name for e in original.elements if e.kind == "C" and e.value.is_number
                 and e.value <= SMALL_CAPACITOR and e.name.lower() not in
                 {n.lower() for n in low}]
        return high + small

    def derive(regions: dict[str, str] | None) -> None:
        if probe is None:
            return
        full = small_signal(named, options, capacitors=args.caps, keep=report_high(),
                            sources=[args.source], regions=regions)
        _check_output(full, args, probe)
        try:
            report.h = transfer(full, args.output, args.source,
                                max_terms=NAMED_BUDGET if taken else None)
        except ResultTooLarge:
            raise _NumbersIn from None
        if taken and report.h.terms > NAMED_TERMS and not args.exact:
            raise _NumbersIn
        report.label = f"{probe}/{full.element(args.source).name}"
        report.unit = gain_unit(probe.kind, full.element(args.source).kind)
        # the netlist's small capacitors (values now names) stay in the high band
        report.split = bands(full, original, report_high(), low)

    derive(None)
    if args.ft is not None:
        report.transitions = _transitions(plain, options, args.ft)
    if wants_numbers(original, subs):
        need = {str(x) for x in original.symbols()}
        if report.h is not None:
            need |= {str(g) for g in report.h.generators}
            need |= {str(x) for e in reactive(report.split.circuit) for x in
                     e.value.free_symbols}
        for tr in report.transitions:
            need |= {str(g) for g in tr.current_gain.generators}
        report.numbers = numbers_at_the_end(plain, rest, args.bias, need - set(taken))
        regions = {k: v for k, v in report.numbers.regions.items()
                   if v in OFF_REGIONS or v == "breakdown"}
        if regions:
            derive(regions)
        report.values = {**report.numbers.values, **elements.values}
        if taken and report.h is not None:
            try:  # exactly these values may make H(s) in names 0/0 (a balanced bridge)
                report.h.substitute({k: v for k, v in report.values.items()
                                     if k in {str(g) for g in report.h.generators}})
            except Undefined:
                raise _NumbersIn from None
    if report.h is not None:
        _views(report, args, probe)
        if args.miller is not None:
            report.millers = _millers(report, args.miller)
    if args.json:
        return _print_json(report, args, at)
    if args.latex:
        code = _print_latex(report)
        for w in report.numbers.warnings if report.numbers else []:
            print(f"warning: {w}", file=sys.stderr)
        return code
    _print_text(report, args, at)
    _plots(report, args, span)
    return 0


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _frequencies(text: str, flag: str) -> list[float]:
    out = []
    for word in _words(text):
        with option(flag, text):
            value = parse_value(word)
        if not value.is_number or not value.is_positive:
            raise SymsigError(f"{flag} {text}: {word!r} is not a positive frequency in Hz")
        out.append(float(value))
    if not out:
        raise SymsigError(f"{flag}: no frequency given")
    return out


def _check_output(circuit: Circuit, args: argparse.Namespace, probe: Probe) -> None:
    if probe.kind == "i":
        if circuit.find(probe.plus) is None:
            raise SymsigError(f"--output {args.output}: no element named {probe.plus!r}")
        return
    for node in (probe.plus, probe.minus):
        if not circuit.has_node(node):
            raise SymsigError(f"--output {args.output}: no node named {node!r}")


def _views(report: Report, args: argparse.Namespace, probe: Probe) -> None:
    """Mid-band gain and the two groups' circuits, each solved exactly."""
    split = report.split
    try:
        report.mid = transfer(split.mid_circuit(), args.output, args.source)
    except NotDefined:
        report.mid = None
    try:
        if split.high:
            circuit = split.high_circuit()
            report.high_h = (transfer(circuit, args.output, args.source) if split.low
                             else report.h)
            report.open_tc = open_circuit_time_constants(circuit)
            if 2 <= len(split.high) <= MAX_B2_ELEMENTS:
                report.b2_terms = coefficient_terms(circuit, 2)
        if split.low:
            circuit = split.low_circuit()
            report.low_h = (transfer(circuit, args.output, args.source) if split.high
                            else report.h)
            report.short_tc = short_circuit_time_constants(circuit)
    except (AnalysisError, NotDefined) as exc:  # coupled coils; a state with no solution
        report.open_tc, report.short_tc, report.b2_terms = [], [], []
        report.notes.append(f"no time constants: {lower_first(str(exc))}")


def _millers(report: Report, which: str) -> list:
    circuit = report.split.high_circuit()
    if which == "all":
        names = [e.name for e in reactive(circuit)
                 if e.name.lower().startswith(("cmu_", "cgd_"))]
        if not names:
            raise SymsigError("--miller: no C_mu or C_gd in the circuit (add --include caps, "
                              "or name a capacitor: --miller C2)")
    else:
        e = circuit.find(which)
        if e is None or e.kind != "C":
            raise SymsigError(f"--miller {which}: no capacitor named {which!r} in the "
                              "high-frequency circuit")
        names = [e.name]
    out = []
    for name in names:
        try:
            out.append(miller(circuit, name))
        except (AnalysisError, NotDefined) as exc:
            raise SymsigError(f"--miller {name}: {exc}") from None
    return out


def _transitions(original: Circuit, options, which: str) -> list:
    devices = [d for d in original.devices() if d.kind in "QM"]
    if which != "all":
        d = original.find(which)
        if d is None or d.kind not in "QM":
            raise SymsigError(f"--ft {which}: no transistor named {which!r}")
        devices = [d]
    if not devices:
        raise SymsigError("--ft: the circuit has no transistor")
    return [transition(original, d.name, options) for d in devices]


# -- numbers ----------------------------------------------------------------------------------
def _has_numbers(r: RationalFunction | None, values: dict) -> bool:
    return r is not None and all(str(g) in values for g in r.generators if str(g) != "s")


def _number(r: RationalFunction, values: dict) -> float | None:
    try:
        return float(exact_value(r, values))
    except (AnalysisError, Undefined, ZeroDivisionError, OverflowError):
        return None


def _tau_number(tc: TimeConstant, values: dict) -> float | None:
    try:
        return float(tc.value(values))
    except (AnalysisError, Undefined, ZeroDivisionError, TypeError):
        return None


def _form(r: RationalFunction) -> sympy.Expr | None:
    """A textbook form small enough to read, else None."""
    if r.is_infinite:
        return sympy.oo
    form = readable(textbook(r))
    return form if operation_count(form) <= READABLE_OPERATIONS else None


def _gain_text(x: float | None, unit: str = "") -> str:
    if x is None:
        return ""
    db = f" ({20 * math.log10(abs(x)):.1f} dB)" if x != 0 and unit in ("", "V/V", "A/A") else ""
    return f"{_with_unit(x, unit)}{db}"


def _root_text(r: Root) -> str:
    s = r.s
    if s == 0:
        return "0" + (f" ×{r.multiplicity}" if r.multiplicity > 1 else "")
    if s.imag == 0:
        where = "" if s.real < 0 else ", right half-plane" if s.real > 0 else ""
        text = f"{s.real:.4g} rad/s ({eng(r.hz, 'Hz')}{where})"
    else:
        half = ", right half-plane" if s.real > 0 else ""
        text = (f"{s.real:.4g} {'+' if s.imag > 0 else '-'} j{abs(s.imag):.4g} rad/s "
                f"({eng(r.hz, 'Hz')}, Q = {r.q:.3g}{half})")
    return text + (f" ×{r.multiplicity}" if r.multiplicity > 1 else "")


def _element_name(tc: TimeConstant) -> str:
    e = tc.element
    return f"{e.value} ({e.origin})" if e.origin else e.name


# -- text -------------------------------------------------------------------------------------
def _print_text(report: Report, args: argparse.Namespace, at: list[float]) -> None:
    values = report.values
    betas: set[str] = set()

    def shown(r: RationalFunction) -> str:
        """The textbook form; "" where it is too long to read and its number says it."""
        if args.exact:
            return str(r.expr)
        form = _form(r)
        if form is None or (len(str(form)) > LONG and _has_numbers(r, values)):
            return "" if _has_numbers(r, values) else f"({r.terms} terms; --exact writes it out)"
        betas.update(str(x) for x in form.free_symbols if str(x).startswith("beta"))
        return show(form)

    def with_number(text: str, r: RationalFunction, unit: str = "") -> str:
        x = _number(r, values) if _has_numbers(r, values) else None
        if x is None:
            return text
        if r.is_number or text == f"{x:g}":
            return _with_unit(x, unit)
        number = _with_unit(x, unit)
        return f"{text}  = {number}" if text else number

    h = report.h
    if h is not None:
        _print_h(report, shown, with_number)
        _print_groups(report)
        if report.mid is not None and report.split.high and report.split.low \
                and not report.mid.is_zero:
            m = report.mid
            group = ("device capacitances" if _devices_in(report.split.high, report)
                     else "high-frequency group")
            print(f"mid-band gain (coupling and bypass capacitors shorted, {group} open):")
            x = _number(m, values) if _has_numbers(m, values) else None
            print(f"  K_mid = {shown(m)}" + (f"  = {_gain_text(x, report.unit)}"
                                             if x is not None else ""))
        _print_low(report, shown)
        _print_high(report, shown)
        for m in report.millers:
            _print_miller(report, m, shown)
        if at:
            _print_at(report, at)
    for t in report.transitions:
        _print_transition(report, t, shown)
    for note in report.notes:
        print(f"({note})")
    if betas:
        print(f"(with {', '.join(relation(b) for b in sorted(betas))})")
    if report.numbers is not None and h is not None and not _has_numbers(h, values):
        missing = sorted(str(g) for g in h.generators if str(g) != "s" and str(g) not in values)
        print(f"(no numbers for {', '.join(missing)}: --subs gives them, or --bias ngspice "
              "reads a model card's capacitances)")
    warnings = report.numbers.warnings if report.numbers else []
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if report.numbers and report.numbers.assumed:
        print(f"(assumed: {', '.join(report.numbers.assumed)})")


def _print_groups(report: Report) -> None:
    """Say how the capacitors were grouped, wherever a netlist capacitor was placed."""
    split = report.split
    netlist = [n for n in split.high + split.low if not split.circuit.element(n).origin]
    if not netlist:
        return
    def names(group: tuple[str, ...]) -> str:
        return ", ".join(_short(n, report) for n in group) or "none"

    print(f"groups: high-frequency {names(split.high)}; low-frequency "
          f"{names(split.low)} (--hf and --lf move one)")


def _devices_in(names: tuple[str, ...], report: Report) -> bool:
    return any(report.split.circuit.element(n).origin for n in names)


def _print_h(report: Report, shown, with_number) -> None:
    h, values = report.h, report.values
    c = coefficients(h)
    if h.is_zero or "s" not in {str(g) for g in h.generators}:
        print(f"H(s) = {report.label} = {shown(h)}")
        if not reactive(report.split.circuit):
            print("  (no capacitor or inductor is kept: --include caps adds the devices' "
                  "capacitances, --caps keep the netlist's)")
        return
    m = c.s_power
    front = "K" + ("" if m == 0 else "·s" if m == 1 else f"·s{_power(m)}" if m > 1 else "")
    num = " + ".join(["1"] + [f"a{k}·s{_power(k)}" for k in range(1, len(c.a) + 1)])
    den = " + ".join(["1"] + [f"b{k}·s{_power(k)}" for k in range(1, len(c.b) + 1)])
    shape = front + (f"·({num})" if c.a else "")
    below = [f"({den})"] if c.b else []
    if m < 0:
        below.insert(0, "s" if m == -1 else f"s{_power(-m)}")
    print(f"H(s) = {report.label} = {shape}" + (f"/{'·'.join(below)}" if below else ""))
    # (K·s^m: K is in V/V·s^m, as the a and b coefficients are in s^k)
    unit = report.unit + ("" if m == 0 else f"·s{_power(m)}" if m > 0 else f"/s{_power(-m)}")
    print(f"  K = {with_number(shown(c.gain), c.gain, unit)}")
    for name, coeffs in (("a", c.a), ("b", c.b)):
        for k, x in enumerate(coeffs, 1):
            print(f"  {name}{k} = {with_number(shown(x), x, 's' + _power(k))}")
    if _has_numbers(h, values):
        num_p, den_p = s_polynomials(h, values)
        zs, ps = roots_of(num_p), roots_of(den_p)
        print("zeros: " + ("none" if not zs else "; ".join(_root_text(r) for r in zs)))
        print("poles: " + ("none" if not ps else "; ".join(_root_text(r) for r in ps)))


def _with_unit(x: float, unit: str) -> str:
    """SI prefixes for plain units (148 ns); s², s³ … in scientific notation (3.4e-17 s²)."""
    if not unit:
        return f"{x:.6g}"
    if unit.startswith(("V/V", "A/A")):  # a gain (K·s^m too): its digits, no prefix
        return f"{x:.6g} {unit}"
    if unit in ("s", "F", "Hz", "Ω", "S"):
        return eng(x, unit)
    return f"{x:.4g} {unit}"


def _power(k: int) -> str:
    return "" if k == 1 else "²" if k == 2 else "³" if k == 3 else f"^{k}"


def _table(rows: list[tuple[str, ...]]) -> None:
    """Columns aligned, empty columns dropped."""
    keep = [i for i in range(len(rows[0])) if any(r[i] for r in rows[1:])]
    rows = [tuple(r[i] for i in keep) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]
    for r in rows:
        print("  " + "  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)).rstrip())


def _share(part: float | None, total: float | None) -> str:
    if not total or part is None:
        return ""
    x = 100 * part / total
    return "<1 %" if 0 < abs(x) < 0.5 else f"{x:.0f} %"


#: A formula wider than this does not go in a table (--json and --exact give it).
CELL = 72


def _cell(text: str) -> str:
    """A formula for a table cell: "(long: --exact)" where it is too long for one (or was
    left out as too long to read), never an empty cell that looks like a missing value."""
    if not text:
        return "(long: --exact)"
    return text if len(text) <= CELL else "(long: --json)"


def _ohms(r: RationalFunction, values: dict) -> str:
    if r.is_infinite:
        return "oo"
    x = _number(r, values) if _has_numbers(r, values) else None
    return eng(x, "Ω") if x is not None else ""


def _print_high(report: Report, shown) -> None:
    if not report.open_tc:
        return
    values = report.values
    print("high-frequency corner, open-circuit time constants (each capacitor with the others "
          "open):")
    taus = [_tau_number(tc, values) for tc in report.open_tc]
    total = sum(taus) if all(t is not None and math.isfinite(t) for t in taus) else None
    rows = [("element", "sees R =", "R", "tau = R·C", "share of b1")]
    for tc, tau in zip(report.open_tc, taus, strict=True):
        share = _share(tau, total)
        rows.append((_element_name(tc), _cell(shown(tc.resistance)), _ohms(tc.resistance, values),
                     eng(tau, "s") if tau is not None else "", share))
    _table(rows)
    hh = report.high_h
    c = coefficients(hh)
    exact = c.b and holds_exactly(report.open_tc, c.b[0])
    claim = "= b1 exactly" if exact else "(b1 differs: a pole and a zero cancel)"
    if total is None:
        print(f"  sum of R·C {claim}; f_H ≈ 1/(2π·b1)")
        return
    estimate = 1 / (TWO_PI * total)
    line = f"  sum of R·C = {eng(total, 's')} {claim}; f_H ≈ 1/(2π·Σ) = {eng(estimate, 'Hz')}"
    exact_f = _corner(report, "high")
    if exact_f is not None:
        line += f"; exact f_H = {eng(exact_f, 'Hz')} (estimate {_error(estimate, exact_f)})"
    print(line)
    _print_dominant(report, c)
    if report.b2_terms and _has_numbers(c.b[1] if len(c.b) > 1 else None, values):
        values_b2 = [(t, _term_number(t, values)) for t in report.b2_terms]
        b2 = sum(v for _, v in values_b2 if v is not None)
        if b2:
            best = sorted(values_b2, key=lambda tv: -abs(tv[1] or 0))[:3]
            parts = ", ".join(f"{'·'.join(_short(n, report) for n in t.elements)} "
                              f"{100 * v / b2:.0f} %" for t, v in best if v)
            print(f"  b2 = Σ τ_i·τ_j^i (τ_j^i: C_j with C_i shorted) = {_with_unit(b2, 's²')}: "
                  f"{parts}")


def _short(name: str, report: Report) -> str:
    e = report.split.circuit.element(name)
    return str(e.value) if e.origin else e.name


def _term_number(term, values: dict) -> float | None:
    try:
        return float(term.value(values))
    except (AnalysisError, Undefined, ZeroDivisionError, TypeError):
        return None


def _print_dominant(report: Report, c) -> None:
    values = report.values
    if len(c.b) < 2 or not all(_has_numbers(b, values) for b in c.b[:2]):
        return
    b1, b2 = (float(exact_value(b, values)) for b in c.b[:2])
    if b1 == 0 or b2 == 0:
        return
    _, den = s_polynomials(report.high_h, values)
    poles = sorted((r for r in roots_of(den) if r.s != 0), key=lambda r: abs(r.s))
    p1, p2 = -1 / b1, -b1 / b2
    text = f"  dominant pole: p1 ≈ -1/b1 = {p1:.4g} rad/s"
    if poles:
        text += f" (exact {_complex(poles[0].s)}, {_error(abs(p1), abs(poles[0].s))})"
    print(text)
    text = f"  second pole: p2 ≈ -b1/b2 = {p2:.4g} rad/s"
    if len(poles) > 1:
        text += f" (exact {_complex(poles[1].s)}, {_error(abs(p2), abs(poles[1].s))})"
        ratio = abs(poles[1].s) / abs(poles[0].s)
        verdict = ("the dominant-pole estimate holds" if ratio >= 4 else
                   "too close for a dominant pole")
        text += f"; {ratio:.3g}× apart: {verdict}"
    print(text)


def _complex(s: complex) -> str:
    return f"{s.real:.4g}" if s.imag == 0 else f"{s.real:.4g}{s.imag:+.4g}j"


def _error(estimate: float, exact: float) -> str:
    if exact == 0:
        return ""
    return f"{100 * (estimate - exact) / abs(exact):+.1f} %"


def _corner(report: Report, which: str) -> float | None:
    """The exact -3 dB frequency of the whole H(s), relative to the mid-band gain."""
    values = report.values
    if report.mid is None or not _has_numbers(report.h, values) or not _has_numbers(
            report.mid, values):
        return None
    ref = exact_value(report.mid, values)
    if ref == 0:
        return None
    centre = _centre(report)
    try:
        low, high = corners(report.h, values, ref, centre)
    except AnalysisError:
        return None
    return high if which == "high" else low


def _centre(report: Report) -> float | None:
    """Where the pass band is: between the two groups' estimates."""
    values = report.values
    hi = lo = None
    if report.open_tc:
        taus = [_tau_number(tc, values) for tc in report.open_tc]
        if all(t is not None for t in taus) and sum(taus) > 0:
            hi = 1 / (TWO_PI * sum(taus))
    if report.short_tc:
        taus = [_tau_number(tc, values) for tc in report.short_tc]
        if all(t for t in taus):
            lo = sum(1 / t for t in taus) / TWO_PI
    if hi and lo:
        return math.sqrt(hi * lo)
    if hi:
        return 0.0  # low-pass: the first crossing is f_H
    if lo:
        return math.inf
    return None


def _print_low(report: Report, shown) -> None:
    if not report.short_tc:
        return
    values = report.values
    print("low-frequency corner, short-circuit time constants (each capacitor with the others "
          "shorted):")
    taus = [_tau_number(tc, values) for tc in report.short_tc]
    rates = [1 / (TWO_PI * t) if t else None for t in taus]
    total = sum(rates) if all(r is not None for r in rates) else None
    rows = [("element", "sees R =", "R", "tau = R·C", "1/(2π·tau)", "share of f_L")]
    for tc, tau, rate in zip(report.short_tc, taus, rates, strict=True):
        share = _share(rate, total)
        rows.append((_element_name(tc), _cell(shown(tc.resistance)), _ohms(tc.resistance, values),
                     eng(tau, "s") if tau is not None else "",
                     eng(rate, "Hz") if rate else "", share))
    _table(rows)
    odd = [tc for tc in report.short_tc if tc.vanishes or tc.unbounded]
    if odd:
        print(f"  no estimate: {', '.join(tc.element.name for tc in odd)} "
              f"{'sees' if len(odd) == 1 else 'see'} no finite, nonzero resistance (a virtual "
              "ground, an integrator): the corners come from the exact H(s) alone")
        return
    c = coefficients(report.low_h)
    n = len(c.b)
    exact = n == len(report.short_tc) and n >= 1 and holds_exactly(
        report.short_tc, _ratio(c.b[-2] if n > 1 else None, c.b[-1]), combine="reciprocals")
    claim = f"= b{n - 1}/b{n} exactly" if exact else "(an estimate)"
    if total is None:
        print(f"  sum of 1/(R·C) {claim}; f_L ≈ Σ 1/(2π·R·C)")
        return
    line = f"  f_L ≈ Σ 1/(2π·R·C) = {eng(total, 'Hz')} (sum of 1/(R·C) {claim})"
    exact_f = _corner(report, "low")
    if exact_f is not None:
        line += f"; exact f_L = {eng(exact_f, 'Hz')} (estimate {_error(total, exact_f)})"
    print(line)


def _ratio(top: RationalFunction | None, bottom: RationalFunction) -> RationalFunction:
    """top/bottom exactly (top None: 1/bottom); both from one solve, so in one ring."""
    ring = bottom.ring
    if top is None:
        return RationalFunction.reduced(bottom.den, bottom.num, ring)
    return RationalFunction.reduced(top.num * bottom.den, top.den * bottom.num, ring)


def _print_miller(report: Report, m, shown) -> None:
    values = report.values
    c = m.capacitor
    who = f"{c.value} ({c.origin})" if c.origin else c.name
    print(f"Miller: {who} bridges {m.input_node} -> {m.output_node}")
    k = m.gain
    kn = _number(k, values) if _has_numbers(k, values) else None
    print(f"  K = v({m.output_node})/v({m.input_node}), capacitors open = {shown(k)}"
          + (f"  = {kn:.4g}" if kn is not None else ""))
    if _form(k) is not None:
        print(f"  C_in = {show(m.input_capacitance())}"
              + (f"  = {eng(_miller_c(m, values, kn), 'F')}" if kn is not None else ""))
    try:
        pole = m.input_pole(values)
    except (AnalysisError, Undefined, ZeroDivisionError, TypeError):
        pole = None
    if pole is not None:
        line = (f"  input pole ≈ 1/(R·C_in) = {pole:.4g} rad/s ({eng(pole / TWO_PI, 'Hz')}), "
                f"R = {shown(m.resistance)}")
        exact = _nearest_pole(report, pole)
        if exact is not None:
            line += f"; nearest exact pole {exact:.4g} rad/s ({_error(pole, abs(exact))})"
        print(line)
    zs = m.zero()
    if zs:
        z = zs[0]
        text = show(z) if isinstance(z, sympy.Basic) else f"{z:.4g}"
        print(f"  zero of the bridged stage: s = {text}" + _zero_number(m, values))


def _miller_c(m, values: dict, k: float) -> float | None:
    shunt = [_value(e.value, values) for e in m.shunt]
    c = _value(m.capacitor.value, values)
    if c is None or any(x is None for x in shunt):
        return None
    return sum(shunt) + c * (1 - k)


def _nearest_pole(report: Report, estimate: float) -> float | None:
    """The exact pole (of the high-frequency view) nearest the estimate on a log scale."""
    if report.high_h is None or not _has_numbers(report.high_h, report.values):
        return None
    _, den = s_polynomials(report.high_h, report.values)
    poles = [r for r in roots_of(den) if r.s != 0]
    if not poles:
        return None
    best = min(poles, key=lambda r: abs(math.log(abs(r.s) / estimate)))
    return best.s.real


def _zero_number(m, values: dict) -> str:
    if not _has_numbers(m.bridged, values):
        return ""
    zs = [r for r in roots_of(s_polynomials(m.bridged, values)[0])]
    if not zs:
        return ""
    z = zs[0]
    side = "right half-plane" if z.s.real > 0 else "left half-plane"
    return f"  = {z.s.real:.4g} rad/s ({eng(z.hz, 'Hz')}, {side})"


def _value(expr: sympy.Expr, values: dict) -> float | None:
    try:
        return float(expr.xreplace({x: values[str(x)] for x in expr.free_symbols}))
    except (KeyError, TypeError):
        return None


def _print_transition(report: Report, t, shown) -> None:
    values = report.values
    print(f"{t.device}: h21(s) = i_out/i_in with the output shorted = {shown(t.current_gain)}")
    est = show(t.estimate)
    line = f"  ω_T ≈ {est}"
    x = _value(t.estimate, values)
    if x is not None:
        line += f", f_T ≈ {eng(x / TWO_PI, 'Hz')}"
        exact = None
        if _has_numbers(t.current_gain, values):
            exact = t.f_t(values)
        if exact is not None:
            line += f"; exact f_T (|h21| = 1) = {eng(exact, 'Hz')}"
    print(line)
    if t.beta_corner is not None:
        y = _value(t.beta_corner, values)
        print(f"  ω_β = {show(t.beta_corner)}" + (f", f_β = {eng(y / TWO_PI, 'Hz')}"
                                                 if y is not None else ""))


def _print_at(report: Report, at: list[float]) -> None:
    if not _has_numbers(report.h, report.values):
        missing = sorted(str(g) for g in report.h.generators
                         if str(g) != "s" and str(g) not in report.values)
        raise SymsigError(f"--at: numbers are needed for {', '.join(missing)}")
    fh = factored(report.h, report.values)
    print("H(j2πf):")
    for f in at:
        v = fh(1j * TWO_PI * f)
        db = 20 * math.log10(abs(v)) if v else -math.inf
        phase = math.degrees(cmath.phase(v)) if v else 0.0
        size = _with_unit(abs(v), report.unit)
        print(f"  f = {eng(f, 'Hz')}: |H| = {size} ({db:.2f} dB), phase {phase:.2f}°")


# -- plots ------------------------------------------------------------------------------------
def _plots(report: Report, args: argparse.Namespace, span: list[float] | None) -> None:
    if not (args.plot or args.step):
        return
    if report.h is None:
        raise SymsigError("--plot/--step need --source and --output")
    if not _has_numbers(report.h, report.values):
        missing = sorted(str(g) for g in report.h.generators
                         if str(g) != "s" and str(g) not in report.values)
        raise SymsigError(f"--plot/--step: numbers are needed for {', '.join(missing)}")
    from ..draw.plots import bode, step

    estimate = _estimate(report)
    compare = {"time-constant estimate": estimate} if estimate is not None else None
    if args.plot:
        f = tuple(span) if span else _default_span(report)
        bode(report.h, report.values, f=f, file=args.plot, compare=compare,
             title=f"H(s) = {report.label}")
        print(f"(Bode plot written to {args.plot})")
    if args.step:
        y = step_response(report.h, report.values)
        metrics = step_metrics(y)
        step(report.h, report.values, file=args.step, title=f"step response of {report.label}")
        parts = []
        if metrics["rise_time"] is not None:
            parts.append(f"rise time (10-90 %) {eng(metrics['rise_time'], 's')}")
        if metrics["overshoot"] is not None:
            parts.append(f"overshoot {metrics['overshoot']:.3g} %")
        if metrics["final"] is not None:
            parts.append(f"final value {metrics['final']:.6g}")
        if not metrics["final"]:
            parts.append(f"peak {metrics['peak']:.6g}")
        print(f"(step response written to {args.step}"
              + (f": {', '.join(parts)})" if parts else ")"))


def _default_span(report: Report) -> tuple[float, float]:
    fh = factored(report.h, report.values)
    freqs = [r.hz for r in (*fh.poles, *fh.zeros) if r.hz > 0]
    if not freqs:
        return (1.0, 1e9)
    lo = 10 ** math.floor(math.log10(min(freqs)) - 1)
    hi = 10 ** math.ceil(math.log10(max(freqs)) + 1)
    return (max(lo, 1e-3), min(hi, 1e15)) if lo < hi else (lo, lo * 1e3)


def _estimate(report: Report) -> RationalFunction | None:
    """K_mid·s/(s + ω_L)·1/(1 + b1·s): the response the time constants predict."""
    values = report.values
    if report.mid is None or not _has_numbers(report.mid, values):
        return None
    k = exact_value(report.mid, values)
    num, den = [k], [1]
    if report.open_tc:
        taus = [_tau_number(tc, values) for tc in report.open_tc]
        if not all(t is not None and math.isfinite(t) for t in taus):
            return None
        den = [1, sum(taus)]
    if report.short_tc:
        taus = [_tau_number(tc, values) for tc in report.short_tc]
        if not all(taus):
            return None
        wl = sum(1 / t for t in taus)
        num = [0, k]  # times s/(s + ω_L)
        den = [wl * den[0]] + [wl * x + y for x, y in zip(den[1:] + [0], den, strict=True)]
    return from_coefficients(num, den)


# -- JSON and LaTeX ---------------------------------------------------------------------------
def _print_json(report: Report, args: argparse.Namespace, at: list[float]) -> int:
    values = report.values
    out: dict = {}
    h = report.h
    if h is not None:
        names = {str(g) for g in h.generators}
        out["transfer"] = exact_text(h.in_s(), names)
        out["symbols"] = sorted(names - {"s"})
        nf = normal_form(h)
        out["normal_form"] = {"K": str(nf.k), "s_power": nf.s_power,
                              "a": [str(x) for x in nf.a], "b": [str(x) for x in nf.b]}
        out["latex"] = latex(nf.expr)
        if _has_numbers(h, values):
            num_p, den_p = s_polynomials(h, values)
            out["zeros"] = [_root_json(r) for r in roots_of(num_p)]
            out["poles"] = [_root_json(r) for r in roots_of(den_p)]
        if report.mid is not None:
            out["mid_band_gain"] = {"exact": exact_text(report.mid.expr),
                                    "textbook": str(textbook(report.mid)),
                                    "value": _number(report.mid, values)
                                    if _has_numbers(report.mid, values) else None}
        out["groups"] = {"high": list(report.split.high), "low": list(report.split.low)}
        out["open_circuit"] = [_tc_json(tc, values) for tc in report.open_tc]
        out["short_circuit"] = [_tc_json(tc, values) for tc in report.short_tc]
        if report.open_tc:
            c = coefficients(report.high_h)
            out["open_circuit_sum_is_b1"] = bool(c.b) and holds_exactly(report.open_tc,
                                                                        c.b[0])
        f_h, f_l = _corner(report, "high"), _corner(report, "low")
        out["f_3dB"] = {"high": f_h, "low": f_l}
        if at and _has_numbers(h, values):
            fh = factored(h, values)
            out["at"] = [{"f": f, "re": fh(1j * TWO_PI * f).real,
                          "im": fh(1j * TWO_PI * f).imag} for f in at]
        out["miller"] = [{"capacitor": m.capacitor.name, "input": m.input_node,
                          "output": m.output_node, "gain": str(textbook(m.gain)),
                          "input_capacitance": str(m.input_capacitance())}
                         for m in report.millers]
    if report.transitions:
        out["transition"] = [{"device": t.device, "h21": str(t.current_gain.expr),
                              "omega_T_estimate": str(t.estimate),
                              "f_T": t.f_t(values) if _has_numbers(t.current_gain, values)
                              else None} for t in report.transitions]
    out["values"] = {k: exact_text(v) for k, v in sorted(values.items())}
    out["warnings"] = report.numbers.warnings if report.numbers else []
    out["notes"] = report.notes
    print(json.dumps(out, indent=2))
    return 0


def _root_json(r: Root) -> dict:
    return {"re": r.s.real, "im": r.s.imag, "hz": r.hz, "multiplicity": r.multiplicity}


def _tc_json(tc: TimeConstant, values: dict) -> dict:
    return {"element": tc.element.name, "value": str(tc.element.value),
            "resistance": exact_text(tc.resistance.expr) if not tc.resistance.is_infinite
            else "oo", "textbook": str(textbook(tc.resistance)),
            "tau": _tau_number(tc, values)}


def _print_latex(report: Report) -> int:
    h = report.h
    if h is None:
        raise SymsigError("--latex needs --source and --output")
    nf = normal_form(h)
    print(f"H(s) = {latex(nf.expr)}")
    for k, x in enumerate(nf.a, 1):
        print(f"a_{{{k}}} = {latex(x)}")
    for k, x in enumerate(nf.b, 1):
        print(f"b_{{{k}}} = {latex(x)}")
    for tc in report.open_tc:
        print(rf"R_{{{latex(tc.element.value)}}}^{{0}} = {latex(textbook(tc.resistance))}")
    for tc in report.short_tc:
        print(rf"R_{{{latex(tc.element.value)}}}^{{\infty}} = {latex(textbook(tc.resistance))}")
    return 0
