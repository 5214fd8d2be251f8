"""What every command shares: reading the netlist, --subs, model and bias options, and one
result with its numbers, as text and JSON."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import sympy

from ..bias import METHODS
from ..bias.dc import card_values
from ..bias.numbers import device_symbols
from ..circuit.netlist import Circuit
from ..circuit.values import RESERVED, parse_number_value
from ..devices import Options
from ..engine.rational import RationalFunction, Undefined
from ..engine.solve import ResultTooLarge
from ..errors import NotDefined, SymsigError
from ..forms.approx import Approximation, approx
from ..forms.latex import latex
from ..forms.polyprint import direct, rational_latex, rational_text
from ..forms.text import exact_text, number_text, rounded
from ..forms.textbook import normal_form, textbook

if TYPE_CHECKING:  # numpy is imported only where an estimate is made
    from ..analysis.nominal import Estimate


#: Numeric values are written as names in circuits with at most this many of them (a textbook
#: circuit has a dozen; a 2000-element ladder's formula in names would never finish).
NAMED_ELEMENTS = 40
#: ... and no entry of their elimination may pass this many terms (a readable result has a
#: few dozen; the intermediate minors a few thousand at most).
NAMED_BUDGET = 20_000


def mid_band(circuit: Circuit, caps: str, say: bool = False) -> tuple[Circuit, list[str]]:
    """The circuit a mid-band (--caps short) analysis solves: its high-frequency capacitors
    (high_frequency_capacitors) taken out as opens; with `say`, a note on standard error."""
    from ..devices.ac import high_frequency_capacitors

    opened = high_frequency_capacitors(circuit) if caps == "short" else []
    if not opened:
        return circuit, []
    if say:
        print(f"note: mid-band: {', '.join(opened)} open, as capacitors of 1 nF or less "
              "(--caps keep keeps every capacitor)", file=sys.stderr)
    return circuit.without(*opened), opened


@dataclass
class ElementNames:
    """A netlist with its numeric R, C and L values written as their elements' names (RC =
    4.7k as RC, `taken`: RC -> 4.7k), and the user's --subs, which may set an element's value
    (RC=2.2k) as well as a symbol's."""

    named: Circuit  # the netlist in element names
    plain: Circuit  # the netlist with its numbers in (and --subs on elements put in)
    taken: dict[str, sympy.Expr]
    subs: dict[str, sympy.Expr]

    @property
    def rest(self) -> dict[str, sympy.Expr]:
        """The --subs that are not an element's value (for the Q-point)."""
        return {k: v for k, v in self.subs.items() if k not in self.taken}

    @property
    def values(self) -> dict[str, sympy.Expr]:
        """Every number the names stand for: the elements' (with --subs) and the rest."""
        return {**self.taken, **self.subs}

    def numbers_in(self) -> ElementNames:
        """The same netlist with its numbers in the formulas (too many elements to name, a
        result in names too long, --numbers-in): --subs on elements already put in."""
        return ElementNames(self.plain, self.plain, {}, self.rest)


def element_names(original: Circuit, subs_text: str | None, numbers_in: bool = False
                  ) -> ElementNames:
    """`original`'s numeric R, C and L values as names, and --subs read against those names
    (so RC=2.2k sets RC's value); with `numbers_in`, the numbers stay in."""
    from ..forms.derive import named_values

    named, taken = named_values(original, True)
    subs = parse_subs(subs_text, named)
    plain = with_element_values(original, {k: v for k, v in subs.items() if k in taken})
    names = ElementNames(named, plain, taken, subs)
    return names.numbers_in() if numbers_in or len(taken) > NAMED_ELEMENTS else names


def with_element_values(circuit: Circuit, values: dict[str, sympy.Expr]) -> Circuit:
    """`circuit` with the elements named in `values` given those values (--subs RC=2.2k on a
    netlist that says RC ... 4.7k)."""
    if not values:
        return circuit
    elements = tuple(replace(e, value=values[e.name]) if e.name in values else e
                     for e in circuit.elements)
    return replace(circuit, elements=elements)


def read_circuit(path: str, **options) -> Circuit:
    """The netlist at `path` parsed; what reading it skipped (a .tran line, a .control block)
    is said on standard error, one note a line, so nothing is dropped silently."""
    from ..circuit.netlist import parse

    circuit = parse(read_netlist(path), **options)
    for note in circuit.notes:
        print(f"note: {note}", file=sys.stderr)
    return circuit


def read_netlist(path: str) -> str:
    """The netlist's text (UTF-8), knowing its folder: its `.include` and `.lib` files are
    read relative to it (standard input: relative to the working directory)."""
    from ..circuit.files import NetlistText

    if path == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        name = "standard input"
        directory = os.getcwd()
    else:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise SymsigError(f"cannot read {path}: {exc.strerror}") from None
        name = path
        directory = os.path.dirname(os.path.abspath(path))
    if isinstance(data, str):
        return NetlistText(data, directory)
    try:
        return NetlistText(data.decode("utf-8-sig"), directory)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SymsigError(f"{name}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                          "save the netlist as UTF-8") from None


# -- --subs -----------------------------------------------------------------------------------
def parse_subs(text: str | None, circuit: Circuit) -> dict[str, sympy.Expr]:
    """--subs a=1k,b=100: each a known symbol and a real number (parsed like netlist values,
    never eval'd); `oo` is infinity, as in r_o → ∞."""
    out: dict[str, sympy.Expr] = {}
    known = _known_names(circuit)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or not value:
            raise SymsigError(f"--subs expects NAME=VALUE pairs, got {item.strip()!r}")
        if name in RESERVED:
            raise SymsigError(f"--subs {name}: {name} is {RESERVED[name]} and cannot be given a "
                              "value")
        if name not in known:
            raise SymsigError(f"--subs {name}: no symbol {name!r} in this circuit"
                              + _did_you_mean(name, known))
        if value.lower() in ("oo", "inf", "infinity"):
            out[name] = sympy.oo
            continue
        out[name] = parse_number_value(value, f"--subs {name}")
    return out


def _known_names(circuit: Circuit) -> set[str]:
    return ({str(x) for x in circuit.symbols()} | set(circuit.params) | device_symbols(circuit)
            | set(card_values(circuit)))


def _did_you_mean(name: str, known: set[str]) -> str:
    same_letters = [k for k in known if k.lower() == name.lower()]
    if same_letters:
        return f" (did you mean {same_letters[0]!r}? names are case-sensitive)"
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- one result, its numbers and its text ------------------------------------------------------
@dataclass
class Result:
    """One quantity asked for: its label, the exact value or why it has none, its numbers."""

    key: str
    label: str
    tex: str
    value: RationalFunction | None = None
    why: str | None = None
    numeric: RationalFunction | None = None
    numeric_why: str | None = None
    approximation: Approximation | None = None  # what is shown, when it is not exact
    _form: sympy.Expr | None = None
    #: past exact reach, or too large to read: how to approximate it at nominal values
    #: (values, eps -> Estimate), and the estimate made (or why none could be)
    estimator: Callable | None = None
    estimate: Estimate | None = None
    too_large: bool = False
    unit: str = ""  # of its number: V/V, A/A, S, Ω
    _texts: dict = field(default_factory=dict)

    def expr(self) -> sympy.Expr:
        """The exact result, collected in powers of s (what --exact shows)."""
        return self.value.in_s()

    def exact_text(self, names: set[str]) -> str:
        """The exact result as text that reads back exactly (--json): through SymPy's printer
        when small, straight from the polynomials when large (forms/polyprint.py). Made
        once: --exact --json carries it twice, and a large one takes hundreds of MB."""
        if self._texts.get("text") is None:
            self._texts["text"] = rational_text(self.value) if direct(self.value) else \
                exact_text(self.expr(), names)
        return self._texts["text"]

    def exact_latex(self) -> str:
        """LaTeX of the exact result (made once, as exact_text)."""
        if self._texts.get("latex") is None:
            self._texts["latex"] = rational_latex(self.value) if direct(self.value) else \
                latex(self.expr())
        return self._texts["latex"]

    def form(self) -> sympy.Expr:
        """What is shown: the textbook form of the result (or of its approximation), H(s) in
        normal form K(1 + a1 s ...)/(1 + b1 s + ...)."""
        if self._form is None:
            shown = self.approximation.value if self.approximation else self.value
            names = [str(g) for g in shown.generators]
            self._form = normal_form(shown).expr if "s" in names else textbook(shown)
        return self._form

    def approximate(self, assumptions: list[str], values: dict, eps: float | None) -> None:
        """Show the result under stated approximations (and at eps, dominant terms)."""
        if self.value is None or (not assumptions and eps is None):
            return
        usable = values if eps is not None else None
        found = approx(self.value, *assumptions, values=usable, eps=eps)
        same = str(found.value.num) == str(self.value.num) and \
            str(found.value.den) == str(self.value.den)
        self.approximation = None if same else found  # nothing to say when nothing changed
        self._form = None

    def put_numbers(self, values: dict[str, sympy.Expr]) -> None:
        if self.value is None:
            return
        present = {str(g) for g in self.value.generators}
        known = {k: v for k, v in values.items() if k in present}
        if not known:
            return
        try:
            self.numeric = self.value.substitute(known)
        except Undefined:
            self.numeric_why = ("not defined at these values: numerator and denominator both "
                                "vanish (0/0)")


def driving_source(circuit: Circuit, source: str, load: str | None = None):
    """The element --source names, checked to be an independent V or I source of the circuit
    (and --load, when given, to name an element of it): one message for every command."""
    element = circuit.find(source)
    if element is None:
        raise SymsigError(f"--source {source}: no element named {source!r} in the circuit")
    if element.kind not in "VI":
        raise SymsigError(f"--source {source}: {element.name} is a {element.what}, not an "
                          "independent source (V or I)")
    if load is not None and circuit.find(load) is None:
        raise SymsigError(f"--load {load}: no element named {load!r} in the circuit")
    return element


def attempt(key: str, label: str, tex: str, compute: Callable[[], RationalFunction],
            estimator: Callable | None = None) -> Result:
    """The result of compute(); with an `estimator`, a result past the solver's budget is
    kept as too large (to be approximated at the nominal values) instead of an error."""
    try:
        return Result(key, label, tex, compute(), estimator=estimator)
    except NotDefined as exc:
        return Result(key, label, tex, why=str(exc))
    except ResultTooLarge as exc:
        if estimator is None:
            raise
        return Result(key, label, tex, why=str(exc), estimator=estimator, too_large=True)


def numeric_expr(r: RationalFunction, digits: int | None) -> sympy.Expr:
    """A result with numbers in: a number; H(s) in time-constant form (denominator
    1 + b1·s + ...) when only s is left; else the formula with its numbers rounded."""
    if r.is_infinite:
        return sympy.oo
    gens = {str(g) for g in r.generators}
    if r.is_number:
        value = sympy.Rational(int(r.num.leading_coefficient() if not r.is_zero else 0),
                               int(r.den.leading_coefficient()))
        return value if digits is None else sympy.Float(value, digits)
    expr = r.in_s()
    if gens == {"s"}:
        s = next(g for g in r.ring.gens if str(g) == "s")
        num, den = sympy.Poly(r.numerator, s), sympy.Poly(r.denominator, s)
        lowest = den.terms()[-1][1]
        prec = digits or 17
        parts = [sympy.Add(*[sympy.Float(c / lowest, prec) * s**m[0] for m, c in p.terms()])
                 for p in (num, den)]
        return parts[0] / parts[1]
    return rounded(expr, digits or 17)


def number_line(r: Result, values: dict[str, sympy.Expr],
                shape: sympy.Expr | None = None) -> str | None:
    """The result with its numbers in, as one line: a number (with its unit), H(s) with
    numeric coefficients, or, with symbols left, the numbers put into `shape` (the form shown;
    the exact result collected in s when no form was shown)."""
    if r.numeric_why:
        return r.numeric_why
    if r.numeric is None:
        return None
    if direct(r.numeric):  # too large for SymPy's printer: straight from the polynomials
        return rational_text(r.numeric)
    value = numeric_expr(r.numeric, 6)
    if value.is_number:
        text = number_text(value)
        return f"{text} {r.unit}" if r.unit and value.is_finite else text
    if shape is None or r.approximation is not None:
        shape = r.expr() if not direct(r.value) else None
    if shape is None:
        return str(value)
    values = with_beta_values(values)
    infinite = any(values.get(str(x)) == sympy.oo for x in shape.free_symbols)
    if {str(g) for g in r.numeric.generators} != {"s"} and not infinite:
        # symbols left: the numbers put into the formula's own shape read best
        given = {x: values[str(x)] for x in shape.free_symbols
                 if str(x) in values and values[str(x)] != sympy.oo}
        if all(isinstance(v, sympy.Rational) for v in given.values()):
            return _exact_line(shape.xreplace(given), r.numeric)
        floats = {x: sympy.Float(v, 6) for x, v in given.items()}
        return str(rounded(shape.xreplace(floats), 6))
    return str(value)


def _exact_line(in_shape: sympy.Expr, numeric: RationalFunction) -> str:
    """Exact numbers (the netlist's own, no Q-point) in a formula with symbols left: the
    formula's shape or the cancelled ratio, whichever is shorter (R1 + R2/(A + 1) with R1 = 10k,
    R2 = 100k reads 10000 + 100000/(A + 1); -A*R2/(R1*(A + 1) + R2) reads -10*A/(A + 11))."""
    candidates = [in_shape]
    if numeric.terms <= 40:
        candidates.append(numeric.in_s())
    return min((str(c) for c in candidates), key=lambda t: (len(t), t != str(in_shape)))


def relation(beta: str) -> str:
    """The DESIGN §2 relation a textbook form used: beta1 = gm1*rpi1."""
    k = beta[4:]
    return f"{beta} = gm{k}*rpi{k}"


def with_beta_values(values: dict[str, sympy.Expr]) -> dict[str, sympy.Expr]:
    """beta<k> = gm<k>·rpi<k> where a textbook form wrote β and the numbers give g_m, r_π."""
    out = dict(values)
    for name in values:
        if name.startswith("gm") and not name.startswith("gmb"):
            k = name[2:]
            if f"rpi{k}" in values and f"beta{k}" not in values:
                out[f"beta{k}"] = values[name] * values[f"rpi{k}"]
    return out



def device_options(args: argparse.Namespace) -> Options:
    with option("--model/--include/--exclude"):
        return Options.build(args.model, _words(args.include), _words(args.exclude))


@contextmanager
def option(name: str, value: str | None = None):
    """Errors raised while reading one option name the option."""
    try:
        yield
    except SymsigError as exc:
        shown = f"{name} {value}" if value is not None else name
        raise SymsigError(f"{shown}: {getattr(exc, 'message', None) or exc}") from None


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def wants_numbers(circuit: Circuit, subs: dict) -> bool:
    """Numbers are asked for when the netlist or the command line gives any."""
    if subs or circuit.params or card_values(circuit):
        return True
    return any(v is not None and v.is_number and v != 0
               for e in circuit.elements if e.kind in "RCLEFGH" for v in (e.value,))



def json_value(expr: sympy.Expr, names: set[str]) -> float | str:
    """A real number as a JSON number (17 significant digits); anything else (complex, oo, a
    formula with symbols left) as text that reads back exactly."""
    if expr.is_number and expr.is_real and expr.is_finite:
        return float(expr)
    return exact_text(expr, names)


def readable(expr: sympy.Expr) -> sympy.Expr:
    """A form for people: awkward fractions as decimals (1803.28 || ro1, not 110000/61 || ro1);
    integers and plain fractions (3/4, 1/2) stay exact."""
    return expr.xreplace({n: sympy.Float(n, 6) for n in expr.atoms(sympy.Rational)
                          if not n.is_Integer and (n.q > 1000 or abs(n.p) > 10**6)})


def show(expr: sympy.Expr) -> str:
    if expr in (sympy.oo, sympy.zoo):
        return "oo (infinite)"
    if expr.is_Rational and not expr.is_Integer and len(str(expr)) > 40:
        digits = (len(str(abs(expr.p))), len(str(expr.q)))
        return (f"{number_text(expr)} (exactly a ratio of {digits[0]:,}- and {digits[1]:,}-digit "
                "integers; --json gives every digit)")
    return str(expr)


def lower_first(text: str | None) -> str:
    text = text or ""
    return text if text[:2] in ("R_", "I_", "V_") else text[:1].lower() + text[1:]



# -- the parser -------------------------------------------------------------------------------
def model_options(p: argparse.ArgumentParser, caps: str = "short") -> None:
    p.add_argument("--model", default="hybrid-pi",
                   help="device model: hybrid-pi (default), hybrid-pi-beta, T or h (BJTs as "
                        "h-parameter two-ports; --exclude hre,hoe drops h_re, h_oe)")
    p.add_argument("--include", help="model parts to add: ro,rx,caps,gmb (default: ro, gmb)")
    p.add_argument("--exclude", help="model parts to drop, e.g. ro")
    p.add_argument("--caps", choices=["short", "keep"], default=caps,
                   help="netlist capacitors: short (mid-band: coupling and bypass capacitors "
                        "shorted, those of 1 nF or less opened) or keep as 1/(sC) "
                        f"(default: {caps})")


def bias_option(p: argparse.ArgumentParser, dest: str = "bias") -> None:
    p.add_argument("--bias", dest=dest, choices=METHODS, default="constant-vbe",
                   help="where device numbers come from: constant-vbe (the textbook's, default),"
                        " exponential (SPICE's device laws, solved here) or ngspice (ngspice's "
                        "own operating point)")


def output_format(p: argparse.ArgumentParser) -> None:
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="one JSON object")
    fmt.add_argument("--latex", action="store_true", help="LaTeX")
