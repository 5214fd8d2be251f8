"""Frequency response as a designer reads it: poles and zeros, the -3 dB corners, and which
capacitor sets each corner.

H(s) comes exact from the solver; this module adds what a textbook derives from it. The
time-constant methods give the designer's view: each capacitor (or inductor) with the resistance
it sees, open-circuit time constants summing exactly to b1 (the high corner), short-circuit ones
to the low corner, and the higher coefficients b2, b3 and the numerator from the same idea
(Hajimiri, "Generalized time- and transfer-constant circuit analysis", IEEE TCAS-I, 2010).
Roots are exact where the degree allows (first and second order, symbolic) and otherwise
certified numbers from the exact polynomial at the given values (FLINT's root isolation), so a
corner never comes from a floating-point polynomial that lost its small coefficients.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import combinations, permutations

import flint
import sympy

from ..circuit.netlist import GROUND, Circuit, Element
from ..devices.ac import SMALL_CAPACITOR
from ..engine.rational import Poly, RationalFunction, Undefined, _to_fraction
from ..errors import AnalysisError, NotDefined
from .linear import impedance, transfer

Values = Mapping[object, object]
TWO_PI = 2 * math.pi


# -- H(s) as coefficients ---------------------------------------------------------------------
@dataclass(frozen=True)
class Coefficients:
    """H(s) = K·s^m·(1 + a1·s + a2·s² …)/(1 + b1·s + b2·s² …), each coefficient exact."""

    gain: RationalFunction
    s_power: int
    a: tuple[RationalFunction, ...]
    b: tuple[RationalFunction, ...]


def _s_index(r: RationalFunction) -> int | None:
    names = [str(g) for g in r.ring.gens]
    return names.index("s") if "s" in names else None


def by_power(p: Poly, k: int | None) -> dict[int, Poly]:
    """p's coefficients of each power of generator k (polynomials free of it)."""
    if k is None:
        return {0: p} if not p.is_zero() else {}
    ctx = p.context()
    grouped: dict[int, dict] = {}
    for monom, coeff in p.to_dict().items():
        exps = tuple(int(e) for e in monom)
        grouped.setdefault(exps[k], {})[exps[:k] + (0,) + exps[k + 1:]] = coeff
    return {power: ctx.from_dict(terms) for power, terms in grouped.items()}


def coefficients(h: RationalFunction) -> Coefficients:
    """K, m, a_k and b_k of H(s), exact (the normal form `forms.textbook.normal_form` shows)."""
    if h.is_zero or h.is_infinite:
        return Coefficients(h, 0, (), ())
    k = _s_index(h)
    num, den = by_power(h.num, k), by_power(h.den, k)
    p, q = min(num), min(den)
    zero = h.ring.ctx.from_dict({})

    def ratio(top: Poly, bottom: Poly) -> RationalFunction:
        return RationalFunction.reduced(top, bottom, h.ring)

    return Coefficients(
        ratio(num[p], den[q]), p - q,
        tuple(ratio(num.get(j, zero), num[p]) for j in range(p + 1, max(num) + 1)),
        tuple(ratio(den.get(j, zero), den[q]) for j in range(q + 1, max(den) + 1)))


def exact_value(r: RationalFunction, values: Values) -> Fraction:
    """r at numbers for all its symbols, as an exact fraction (s must be absent)."""
    v = r.substitute(values) if values else r
    if v.is_infinite:
        raise Undefined("infinite at these values")
    if not v.is_number:
        missing = sorted(str(g) for g in v.generators)
        raise AnalysisError(f"no number for {', '.join(missing)}")
    n = int(v.num.leading_coefficient()) if not v.is_zero else 0
    return Fraction(n, int(v.den.leading_coefficient()))


def s_polynomials(h: RationalFunction, values: Values | None = None
                  ) -> tuple[flint.fmpq_poly, flint.fmpq_poly]:
    """N(s) and D(s) with exact rational coefficients once `values` are put in."""
    r = h.substitute(values) if values else h
    if r.is_infinite:
        raise AnalysisError("H(s) has a zero denominator at these values")
    missing = sorted(str(g) for g in r.generators if str(g) != "s")
    if missing:
        raise AnalysisError(f"numbers are needed for {', '.join(missing)}")
    k = _s_index(r)

    def univariate(p: Poly) -> flint.fmpq_poly:
        coeffs = {power: int(c.leading_coefficient()) if not c.is_zero() else 0
                  for power, c in by_power(p, k).items()}
        top = max(coeffs, default=0)
        return flint.fmpq_poly([coeffs.get(j, 0) for j in range(top + 1)])

    return univariate(r.num), univariate(r.den)


# -- roots ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Root:
    """A pole or zero in rad/s, with its multiplicity."""

    s: complex
    multiplicity: int = 1

    @property
    def hz(self) -> float:
        """`|s|/2π`: the corner (natural) frequency in Hz."""
        return abs(self.s) / TWO_PI

    @property
    def q(self) -> float | None:
        """The quality factor `|s|/(2|Re s|)` of a complex pair; None for a real root."""
        if self.s.imag == 0 or self.s.real == 0:
            return None
        return abs(self.s) / (2 * abs(self.s.real))


def roots_of(p: flint.fmpq_poly) -> list[Root]:
    """The roots of a rational polynomial, certified by FLINT, smallest magnitude first."""
    if p.degree() <= 0:
        return []
    out = []
    for r, m in p.numer().complex_roots():
        im = 0.0 if r.imag.contains(0) else float(r.imag.mid())
        out.append(Root(complex(float(r.real.mid()), im), int(m)))
    return sorted(out, key=lambda r: (abs(r.s), r.s.imag))


def poles(h: RationalFunction, values: Values | None = None) -> list:
    """The poles of H(s): numbers (complex, rad/s, repeated by multiplicity, smallest first)
    when `values` give every symbol a number; exact SymPy expressions for a symbolic H of
    first or second order; an AnalysisError asks for numbers beyond that."""
    return _roots(h, values, "den")


def zeros(h: RationalFunction, values: Values | None = None) -> list:
    """The zeros of H(s), as `poles` gives the poles."""
    return _roots(h, values, "num")


def _roots(h: RationalFunction, values: Values | None, side: str) -> list:
    symbolic = [g for g in h.generators if str(g) != "s"]
    if values or not symbolic:
        num, den = s_polynomials(h, values)
        return [r.s for r in roots_of(num if side == "num" else den) for _ in range(
            r.multiplicity)]
    c = coefficients(h)
    at_zero = [sympy.S.Zero] * (c.s_power if side == "num" else -c.s_power)
    coeffs = c.a if side == "num" else c.b
    from ..forms.textbook import textbook  # presentation of each coefficient

    forms = [textbook(x) for x in coeffs]
    while forms and forms[-1] == 0:
        forms.pop()
    if len(forms) == 0:
        return at_zero
    if len(forms) == 1:
        return at_zero + [-1 / forms[0]]
    if len(forms) == 2:
        b1, b2 = forms
        root = sympy.sqrt(b1**2 - 4 * b2)
        return at_zero + [(-b1 - root) / (2 * b2), (-b1 + root) / (2 * b2)]
    raise AnalysisError(f"H(s) is of order {len(forms)} in s: its roots need numbers for "
                        f"{', '.join(sorted(str(g) for g in symbolic))}")


# -- the response at numbers ------------------------------------------------------------------
@dataclass(frozen=True)
class Factored:
    """H(s) = c·Π(s − z)/Π(s − p) at numbers: evaluating it this way keeps every frequency
    accurate (no large powers of s summed), and its phase continuous."""

    c: float
    zeros: tuple[Root, ...]
    poles: tuple[Root, ...]

    def __call__(self, s: complex) -> complex:
        value = complex(self.c)
        for z in self.zeros:
            value *= (s - z.s) ** z.multiplicity
        for p in self.poles:
            value /= (s - p.s) ** p.multiplicity
        return value

    def phase(self, omega: float) -> float:
        """arg H(jω) in radians, continuous in ω > 0 (each factor's own angle summed)."""
        angle = 0.0 if self.c >= 0 else math.pi
        for z in self.zeros:
            angle += z.multiplicity * cmath.phase(1j * omega - z.s)
        for p in self.poles:
            angle -= p.multiplicity * cmath.phase(1j * omega - p.s)
        return angle

    def asymptote(self, omega: float) -> tuple[float, float]:
        """The straight-line Bode approximation at ω: `|jω − r|` → `max(ω, |r|)`, and each
        factor's angle ramped linearly in log ω over a decade either side of `|r|`."""
        mag = abs(self.c)
        angle = 0.0 if self.c >= 0 else math.pi
        for roots, sign in ((self.zeros, 1), (self.poles, -1)):
            for r in roots:
                w = abs(r.s)
                mag *= (max(omega, w) if w else omega) ** (sign * r.multiplicity)
                if w == 0:
                    angle += sign * r.multiplicity * math.pi / 2
                    continue
                start = cmath.phase(complex(-r.s.real + 0.0, -r.s.imag + 0.0))  # no -0.0
                change = math.remainder(math.pi / 2 - start, 2 * math.pi)
                ramp = min(max(math.log10(omega / w) + 1, 0.0), 2.0) / 2
                angle += sign * r.multiplicity * (start + change * ramp)
        return mag, angle


def factored(h: RationalFunction, values: Values | None = None) -> Factored:
    num, den = s_polynomials(h, values)
    if num.is_zero():
        return Factored(0.0, (), ())
    c = Fraction(int(num.numer().coeffs()[-1]), int(num.denom())) / Fraction(
        int(den.numer().coeffs()[-1]), int(den.denom()))
    return Factored(float(c), tuple(roots_of(num)), tuple(roots_of(den)))


def response(h: RationalFunction, values: Values | None, f: Sequence[float]) -> list[complex]:
    """H(j2πf) at each frequency f (Hz)."""
    fh = factored(h, values)
    return [fh(1j * TWO_PI * x) for x in f]


def bode_data(h: RationalFunction, values: Values | None, f: Sequence[float]
              ) -> tuple[list[float], list[float]]:
    """`|H(j2πf)|` in dB and its phase in degrees (continuous, the lowest frequency's phase
    taken in (−180°, 180°])."""
    fh = factored(h, values)
    mags, phases = [], []
    for x in f:
        value = abs(fh(1j * TWO_PI * x))
        mags.append(20 * math.log10(value) if value > 0 else -math.inf)
        phases.append(math.degrees(fh.phase(TWO_PI * x)))
    if phases:
        shift = 360 * math.floor((180 - phases[0]) / 360)  # first phase into (-180, 180]
        phases = [p + shift for p in phases]
    return mags, phases


def crossings(h: RationalFunction, values: Values | None, level: object) -> list[float]:
    """Every frequency (Hz) where `|H(j2πf)|` = level, from the exact polynomials."""
    num, den = s_polynomials(h, values)
    lvl = _fraction(level)
    return _level_roots(num, den, lvl * lvl)


def _squared_magnitude(p: flint.fmpq_poly) -> flint.fmpq_poly:
    """|p(jω)|² as a polynomial in x = ω²: p(s)·p(−s) has only even powers; s² = −x."""
    coeffs = [p[j] for j in range(p.degree() + 1)]
    mirrored = flint.fmpq_poly([c if j % 2 == 0 else -c for j, c in enumerate(coeffs)])
    both = p * mirrored
    even = [both[2 * j] * (-1) ** j for j in range(both.degree() // 2 + 1)]
    return flint.fmpq_poly(even)


def _fraction(value: object) -> Fraction:
    """A number given by a user or a formula, exactly (strings through symsig's own parser)."""
    if isinstance(value, sympy.Basic) and not value.is_Rational:
        value = float(value)
    x = _to_fraction(value)
    if isinstance(x, complex):
        raise AnalysisError(f"{value} is not a real number")
    return x


def _level_roots(num: flint.fmpq_poly, den: flint.fmpq_poly, level_sq: Fraction) -> list[float]:
    """The frequencies (Hz) where |N(jω)|²/|D(jω)|² = level_sq: the positive real roots in
    x = ω² of |N|² − level_sq·|D|², isolated by FLINT from the exact polynomial."""
    q = _squared_magnitude(num) - flint.fmpq_poly(
        [flint.fmpq(level_sq.numerator, level_sq.denominator)]) * _squared_magnitude(den)
    if q.is_zero():
        return []
    return sorted(math.sqrt(r.s.real) / TWO_PI for r in roots_of(q)
                  if r.s.imag == 0 and r.s.real > 0)


def corners(h: RationalFunction, values: Values | None, reference: object,
            centre: float | None = None) -> tuple[float | None, float | None]:
    """The −3 dB frequencies (Hz) around a pass band of gain `|reference|`: (f_L, f_H), the
    crossings of `|reference|/√2` nearest below and above `centre` (Hz). Without a centre, H is
    taken as low-pass when H(0) ≠ 0 (f_H is its first crossing) and high-pass otherwise."""
    ref = abs(_fraction(reference))
    num, den = s_polynomials(h, values)
    found = _level_roots(num, den, ref * ref / 2)  # |H| = ref/√2: rational in |H|²
    if centre is None:
        centre = 0.0 if num[0] != 0 else math.inf
    below = [x for x in found if x < centre]
    above = [x for x in found if x > centre]
    return (below[-1] if below else None, above[0] if above else None)


# -- zero-value and infinite-value states -----------------------------------------------------
def reactive(circuit: Circuit) -> list[Element]:
    """The capacitors and inductors, in netlist order."""
    return [e for e in circuit.elements if e.kind in "CL"]


def _merge(circuit: Circuit, a: str, b: str) -> Circuit:
    """Short nodes a and b (ground wins): the short circuit of an infinite capacitor."""
    a, b = circuit.resolve(a), circuit.resolve(b)
    if a == b:
        return circuit
    if GROUND in (a, b):
        keep = GROUND
    else:  # the busier node keeps its name: the base a coupling capacitor feeds, not its far end
        count = {a: 0, b: 0}
        for e in circuit.elements:
            for n in e.nodes:
                if n in count:
                    count[n] += 1
        keep = b if count[b] > count[a] else a
    gone = b if keep == a else a
    elements = []
    for e in circuit.elements:
        e = replace(e, nodes=tuple(keep if n == gone else n for n in e.nodes))
        if e.kind in "RCLGIF" and e.nodes[0] == e.nodes[1]:
            continue  # shorted out: it carries nothing
        elements.append(e)
    aliases = {old: (keep if new == gone else new) for old, new in circuit.aliases.items()}
    aliases[gone] = keep
    return replace(circuit, elements=tuple(elements), aliases=aliases)


def in_state(circuit: Circuit, infinite: Iterable[str] = (), zero: Iterable[str] = ()
             ) -> Circuit:
    """The circuit with the named reactive elements at infinite value (a capacitor shorted,
    an inductor opened) or at zero value (a capacitor opened, an inductor shorted)."""
    infinite, zero = {n.lower() for n in infinite}, {n.lower() for n in zero}
    for e in list(circuit.elements):
        key = e.name.lower()
        if key not in infinite and key not in zero:
            continue
        current = circuit.find(e.name)
        if current is None:
            continue  # already shorted out by an earlier merge
        short = (e.kind == "C") == (key in infinite)
        if short:
            circuit = _merge(circuit.without(e.name), *current.nodes)
        else:
            circuit = circuit.without(e.name)
    return circuit


def _seen(circuit: Circuit, element: Element, infinite: Iterable[str] = ()) -> RationalFunction:
    """The resistance `element` sees with the named others at infinite value and the rest at
    zero value; independent sources zeroed."""
    others = [e.name for e in reactive(circuit) if e.name.lower() != element.name.lower()]
    inf = {n.lower() for n in infinite}
    state = in_state(circuit.without(element.name),
                     infinite=[n for n in others if n.lower() in inf],
                     zero=[n for n in others if n.lower() not in inf])
    a, b = (state.resolve(n) for n in element.nodes)
    if a == b:
        return RationalFunction.zero()
    for node in (a, b):
        if node != GROUND and not state.has_node(node):
            return RationalFunction.infinite(RationalFunction.zero().ring)
    return impedance(state, a, b)


@dataclass(frozen=True)
class TimeConstant:
    """One capacitor (or inductor) and the resistance it sees: τ = R·C (or L/R)."""

    element: Element
    resistance: RationalFunction
    infinite: tuple[str, ...] = ()  # the others at infinite value (shorted capacitors)

    def expr(self, form=None) -> sympy.Expr:
        """τ as a formula: R·C, or L/R (R in textbook form unless `form` says otherwise)."""
        if form is None:
            from ..forms.textbook import textbook

            form = textbook
        r = sympy.oo if self.resistance.is_infinite else form(self.resistance)
        return r * self.element.value if self.element.kind == "C" else self.element.value / r

    @property
    def vanishes(self) -> bool:
        """τ = 0: a capacitor across a short, an inductor in an open."""
        r = self.resistance
        return r.is_zero if self.element.kind == "C" else r.is_infinite

    @property
    def unbounded(self) -> bool:
        """τ = ∞: a capacitor in an open, an inductor across a short."""
        r = self.resistance
        return r.is_infinite if self.element.kind == "C" else r.is_zero

    def value(self, values: Values) -> Fraction | float:
        """τ at numbers, exact (a Fraction), or inf when the element sees an open circuit."""
        if self.resistance.is_infinite:
            return math.inf if self.element.kind == "C" else Fraction(0)
        r = exact_value(self.resistance, values)
        x = element_value(self.element, values)
        if self.element.kind == "C":
            return r * x
        return math.inf if r == 0 else x / r


def element_value(e: Element, values: Values) -> Fraction:
    """An element's value at numbers, exact."""
    by_name = {str(k): v for k, v in values.items()}
    expr = e.value
    subs = {}
    for x in expr.free_symbols:
        if str(x) not in by_name:
            raise AnalysisError(f"no number for {x} (the value of {e.label})")
        subs[x] = sympy.Rational(_fraction(by_name[str(x)]))
    return _fraction(expr.xreplace(subs))


def _linear_only(circuit: Circuit) -> None:
    if circuit.devices():
        raise AnalysisError("time constants are taken on a small-signal circuit: build it "
                            "first with small_signal(circuit, Options(caps=True), ...)")
    coupled = [e.name for e in circuit.elements if e.kind == "K"]
    if coupled:  # an inductor's zero or infinite value means nothing while it is coupled
        raise AnalysisError(f"time constants are not defined for coupled inductors "
                            f"({', '.join(coupled)}); H(s), its poles and corners are exact")


def open_circuit_time_constants(circuit: Circuit) -> list[TimeConstant]:
    """Each reactive element with the resistance it sees when every other one is at zero
    value (capacitors open, inductors shorted): Σ τ = b1 exactly, and 1/(2π·Σ τ) estimates
    the high −3 dB corner."""
    _linear_only(circuit)
    return [TimeConstant(e, _seen(circuit, e)) for e in reactive(circuit)]


def short_circuit_time_constants(circuit: Circuit) -> list[TimeConstant]:
    """Each reactive element with the resistance it sees when every other one is at infinite
    value (capacitors shorted, inductors open): Σ 1/τ = b_{n−1}/b_n exactly, and Σ 1/(2πτ)
    estimates the low −3 dB corner set by coupling and bypass capacitors."""
    _linear_only(circuit)
    elements = reactive(circuit)
    out = []
    for e in elements:
        others = tuple(x.name for x in elements if x is not e)
        out.append(TimeConstant(e, _seen(circuit, e, others), others))
    return out


@dataclass(frozen=True)
class Term:
    """One product τ_i^0·τ_j^i·… of a higher-order coefficient (Hajimiri's b_n)."""

    elements: tuple[str, ...]
    factors: tuple[TimeConstant, ...]

    def expr(self) -> sympy.Expr:
        return sympy.Mul(*[f.expr() for f in self.factors])

    def value(self, values: Values) -> Fraction | float:
        out: Fraction | float = Fraction(1)
        for f in self.factors:
            out = out * f.value(values)
        return out


def coefficient_terms(circuit: Circuit, order: int, limit: int = 2000) -> list[Term]:
    """b_order as a sum of products of time constants: b_n = Σ over i1 < … < in of
    τ_{i1}^0·τ_{i2}^{i1}·…·τ_{in}^{i1…i(n−1)}, where τ_j^{S} is element j's time constant with
    the elements in S at infinite value and the rest at zero value."""
    _linear_only(circuit)
    elements = reactive(circuit)
    chosen = list(combinations(range(len(elements)), order))
    if len(chosen) > limit:
        raise AnalysisError(f"b{order} has {len(chosen)} products of time constants here "
                            f"(more than {limit})")
    cache: dict[tuple[int, tuple[int, ...]], TimeConstant] = {}

    def tau(j: int, shorted: tuple[int, ...]) -> TimeConstant:
        key = (j, shorted)
        if key not in cache:
            names = tuple(elements[i].name for i in shorted)
            cache[key] = TimeConstant(elements[j], _seen(circuit, elements[j], names), names)
        return cache[key]

    def term(idx: tuple[int, ...]) -> Term:
        # Any order of a subset gives the same product (a ratio of principal minors); take the
        # first whose factors are not 0·∞ (e.g. an inductor in an open, then shorted across)
        first = None
        for order_ in permutations(idx):
            factors = tuple(tau(order_[m], tuple(sorted(order_[:m]))) for m in range(order))
            first = first or factors
            if not (any(f.vanishes for f in factors) and any(f.unbounded for f in factors)):
                return Term(tuple(elements[i].name for i in idx), factors)
        return Term(tuple(elements[i].name for i in idx), first)

    return [term(idx) for idx in chosen]


@dataclass(frozen=True)
class TransferTerm:
    """One term of the numerator by transfer constants: τ products times the gain H^{S}
    with the elements in S at infinite value, the others at zero value."""

    term: Term
    gain: RationalFunction

    def value(self, values: Values) -> Fraction | float:
        return self.term.value(values) * exact_value(self.gain, values)


def numerator_terms(circuit: Circuit, output: str | tuple[str, str], source: str,
                    order: int) -> list[TransferTerm]:
    """The s^order coefficient of the numerator N(s) in H(s) = N(s)/(1 + b1·s + …):
    Σ τ_{i1}^0·…·τ_{in}^{…}·H^{i1…in} (Hajimiri's transfer constants; N(0) = H^0)."""
    elements = [e.name for e in reactive(circuit)]
    out = []
    for term in coefficient_terms(circuit, order):
        others = [n for n in elements if n not in term.elements]
        state = in_state(circuit, infinite=term.elements, zero=others)
        try:
            gain = transfer(state, output, source)
        except NotDefined:
            gain = RationalFunction.zero()
        out.append(TransferTerm(term, gain))
    return out


# -- the two bands a textbook separates ---------------------------------------------------------
@dataclass(frozen=True)
class Bands:
    """A small-signal circuit's reactive elements split the textbook way: the high-frequency
    group (device capacitances, a load capacitance) open at mid-band, the low-frequency group
    (coupling and bypass capacitors) shorted at mid-band."""

    circuit: Circuit
    high: tuple[str, ...]
    low: tuple[str, ...]

    def high_circuit(self) -> Circuit:
        """Mid-band and up: the low-frequency group shorted."""
        return in_state(self.circuit, infinite=self.low)

    def low_circuit(self) -> Circuit:
        """Mid-band and down: the high-frequency group open."""
        return in_state(self.circuit, zero=self.high)

    def mid_circuit(self) -> Circuit:
        """Mid-band: both groups out, the gain flat."""
        return in_state(self.circuit, infinite=self.low, zero=self.high)


def bands(circuit: Circuit, original: Circuit | None = None, high: Iterable[str] = (),
          low: Iterable[str] = ()) -> Bands:
    """The high-frequency group: device capacitances (elements the netlist `original` does not
    have), the elements named in `high`, and netlist capacitors of 1 nF or less; the
    low-frequency group: the netlist's other capacitors and inductors, and those in `low`."""
    written = {e.name.lower() for e in original.elements} if original is not None else set()
    named_high, named_low = {n.lower() for n in high}, {n.lower() for n in low}
    hi, lo = [], []
    for e in reactive(circuit):
        key = e.name.lower()
        device = original is not None and key not in written
        small = e.kind == "C" and e.value.is_number and e.value <= SMALL_CAPACITOR
        if key in named_high or (key not in named_low and (device or small)):
            hi.append(e.name)
        else:
            lo.append(e.name)
    return Bands(circuit, tuple(hi), tuple(lo))


def from_coefficients(num: Sequence[object], den: Sequence[object]) -> RationalFunction:
    """H(s) from its numerator and denominator coefficients (lowest power first), exactly:
    e.g. a time-constant estimate to plot beside the exact response."""
    from ..engine.rational import Ring

    ring = Ring.over((sympy.Symbol("s"),))
    scale = 1
    fracs = [[_fraction(c) for c in side] for side in (num, den)]
    for side in fracs:
        for c in side:
            scale = scale * c.denominator // math.gcd(scale, c.denominator)
    top, bottom = ({(j,): int(c * scale) for j, c in enumerate(side) if c} for side in fracs)
    return RationalFunction.reduced(ring.ctx.from_dict(top), ring.ctx.from_dict(bottom), ring)


def holds_exactly(parts: Sequence[object], whole: RationalFunction, combine: str = "sum",
                  trials: int = 2, seed: int = 7) -> bool:
    """Σ parts (or Σ 1/parts with combine="reciprocals") equals `whole`, checked exactly at
    random rational points (two polynomials that agree at random points are equal with
    overwhelming probability). Each part has `.value(values)` (a TimeConstant or a Term)."""
    import random

    rng = random.Random(seed)
    symbols = {str(g) for g in whole.generators}
    for p in parts:
        if isinstance(p, TimeConstant):
            symbols |= {str(g) for g in p.resistance.generators}
            symbols |= {str(x) for x in p.element.value.free_symbols}
        elif isinstance(p, Term):
            for f in p.factors:
                symbols |= {str(g) for g in f.resistance.generators}
                symbols |= {str(x) for x in f.element.value.free_symbols}
    symbols.discard("s")
    for _ in range(trials):
        point = {name: Fraction(rng.randint(1, 10**6), rng.randint(1, 10**6)) for name in symbols}
        try:
            values = [p.value(point) for p in parts]
            target = exact_value(whole, point)
        except (Undefined, ZeroDivisionError):
            return False
        if any(not isinstance(v, Fraction) for v in values):
            return False
        total = sum(values, Fraction(0)) if combine == "sum" else sum(
            (1 / v for v in values), Fraction(0))
        if total != target:
            return False
    return True


# -- Miller --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Miller:
    """A capacitor bridging an amplifying stage, split by Miller's theorem: C(1 − K) at its
    input node, C(1 − 1/K) at its output node, K the stage's low-frequency gain across it."""

    capacitor: Element
    input_node: str
    output_node: str
    gain: RationalFunction  # K = v(out)/v(in), every reactive element at zero value
    bridged: RationalFunction  # v(out)/v(in) with the capacitor in: its zero is the RHP zero
    shunt: tuple[Element, ...]  # capacitors from the input node to ground (C_π of a CE stage)
    resistance: RationalFunction  # seen at the input node, every reactive element open

    def input_capacitance(self, form=None) -> sympy.Expr:
        """C_in = (capacitors at the input) + C(1 − K): C_π + C_μ(1 + g_m R_L′) for a CE."""
        shunt = sympy.Add(*[e.value for e in self.shunt])
        return shunt + self.capacitor.value * (1 - _form(self.gain, form))

    def output_capacitance(self, form=None) -> sympy.Expr:
        return self.capacitor.value * (1 - 1 / _form(self.gain, form))

    def input_pole(self, values: Values) -> float:
        """The Miller estimate of the input pole, 1/(R·C_in) in rad/s, at numbers."""
        k = exact_value(self.gain, values)
        c = sum((element_value(e, values) for e in self.shunt), Fraction(0))
        c += element_value(self.capacitor, values) * (1 - k)
        return float(1 / (exact_value(self.resistance, values) * c))

    def zero(self) -> list:
        """The zero of the stage with the capacitor in: g_m/C_μ for a CE stage."""
        return zeros(self.bridged)


def _form(r: RationalFunction, form=None) -> sympy.Expr:
    if form is None:
        from ..forms.textbook import textbook

        form = textbook
    return form(r)


def miller(circuit: Circuit, capacitor: str, input_node: str | None = None) -> Miller:
    """Miller's split of `capacitor` (its first node is the input side unless `input_node`
    names one of its nodes). K is taken with the input node driven by an ideal source, every
    other capacitor open: for a CE stage K = −g_m R_L′ and C_in = C_π + C_μ(1 + g_m R_L′)."""
    _linear_only(circuit)
    c = circuit.element(capacitor)
    if c.kind != "C":
        raise AnalysisError(f"{capacitor} is a {c.what}, not a capacitor")
    a, b = (circuit.resolve(n) for n in c.nodes)
    if input_node is not None:
        node = circuit.resolve(input_node)
        if node not in (a, b):
            raise AnalysisError(f"{input_node} is not a node of {c.label}")
        if node == b:
            a, b = b, a
    if GROUND in (a, b):
        raise AnalysisError(f"{c.label} goes to ground: it bridges nothing")
    others = [e.name for e in reactive(circuit) if e.name.lower() != c.name.lower()]
    shunt = tuple(e for e in reactive(circuit) if e.kind == "C" and e is not c
                  and {circuit.resolve(n) for n in e.nodes} == {a, GROUND})
    open_all = in_state(circuit, zero=others)
    test = open_all.fresh_name("V_miller")
    driven = open_all.add(Element(test, (a, GROUND), sympy.Integer(0), sympy.Integer(1),
                                  origin=f"a test source at {a}"))
    gain = transfer(driven.without(c.name), b, test)
    bridged = transfer(driven, b, test)
    resistance = impedance(open_all.without(c.name), a)
    return Miller(c, a, b, gain, bridged, shunt, resistance)


# -- f_T --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    """A transistor's short-circuit current gain h21(s) = i_out/i_in (output AC-shorted) and
    its unity-gain frequency: ω_T ≈ g_m/(C_π + C_μ) (or g_m/(C_gs + C_gd)), exactly where
    `|h21(jω)| = 1`."""

    device: str
    current_gain: RationalFunction
    estimate: sympy.Expr  # ω_T ≈ g_m/C_in, rad/s
    beta_corner: sympy.Expr | None  # ω_β = 1/(r_π(C_π + C_μ)) for a BJT, rad/s

    def f_t(self, values: Values) -> float | None:
        """The exact unity-gain frequency (Hz): `|h21(j2πf)| = 1`."""
        found = crossings(self.current_gain, values, 1)
        return found[0] if found else None


def transition(circuit: Circuit, device: str, options=None) -> Transition:
    """h21(s) of a BJT or MOSFET of `circuit`, with the symbols it has in that circuit."""
    from ..devices import Options, expand  # a device layer above the analysis

    d = circuit.element(device)
    if d.kind not in "QM":
        raise AnalysisError(f"f_T is a transistor's: {d.label} is a {d.what}")
    options = replace(options or Options(), caps=True)
    if options.model == "h":  # f_T is read off the charge-control (hybrid-π) model
        options = replace(options, model="hybrid-pi")
    if d.kind == "Q":
        nodes = ("t_out", "t_in", GROUND)
    else:
        nodes = ("t_out", "t_in", GROUND, GROUND)
    dev = replace(d, nodes=nodes)
    parts = expand(dev, options, {"t_out", "t_in"}, circuit.symbol_suffix(d),
                   {e.name.lower() for e in circuit.elements})
    test = Circuit(tuple(parts) + (
        Element("I_in", (GROUND, "t_in"), sympy.Integer(0), sympy.Integer(1),
                origin="the test current into the input"),
        Element("V_out", ("t_out", GROUND), sympy.Integer(0), sympy.Integer(0),
                origin="the short at the output")))
    # the output current flows into the device from the short: i(V_out) = −i_out
    h = transfer(test, "i(V_out)", "I_in")
    h = RationalFunction.reduced(-h.num, h.den, h.ring)
    suffix = circuit.symbol_suffix(d)
    sym = {str(x): x for x in _symbols(parts)}
    gm = sym.get(f"gm{suffix}")
    if d.kind == "Q":
        cin = sym.get(f"cpi{suffix}", 0) + sym.get(f"cmu{suffix}", 0)
        rpi = sym.get(f"rpi{suffix}")
        corner = 1 / (rpi * cin) if rpi is not None else None
    else:
        cin = sym.get(f"cgs{suffix}", 0) + sym.get(f"cgd{suffix}", 0)
        corner = None
    estimate = gm / cin if gm is not None else sympy.nan
    return Transition(d.name, h, estimate, corner)


def _symbols(elements: Iterable[Element]) -> set[sympy.Symbol]:
    out: set[sympy.Symbol] = set()
    for e in elements:
        if e.value is not None:
            out |= e.value.free_symbols
    return out


# -- step response ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StepResponse:
    """y(t) for a unit step in, from the partial fractions of H(s)/s at numbers."""

    # (pole p, power k, coefficient c): the term c·t^(k−1)/(k−1)!·e^(pt); the pole at 0 that
    # the step brings gives the final value, a non-strictly-proper H its jump at t = 0+
    terms: tuple[tuple[complex, int, complex], ...]

    def __call__(self, t: float) -> float:
        total = complex(0.0)
        for p, k, c in self.terms:
            total += c * (t ** (k - 1) / math.factorial(k - 1) if k > 1 else 1.0) * cmath.exp(
                p * t)
        return total.real

    @property
    def final(self) -> float | None:
        """y(∞): H(0) when every other pole is in the left half-plane; None otherwise."""
        value = 0.0
        for p, k, c in self.terms:
            if p == 0:
                if k > 1:
                    return None
                value += c.real
            elif p.real >= 0:
                return None
        return value

    def fastest(self) -> float | None:
        """The shortest time constant `1/|Re p|` among the decaying terms (s)."""
        rates = [abs(p.real) for p, _, _ in self.terms if p.real < 0]
        return 1 / max(rates) if rates else None

    def times(self, t_end: float, points: int) -> list[float]:
        """Sample times from 0 to t_end: evenly spaced, and geometrically from a twentieth of
        the fastest time constant, so a fast edge is seen even when slow terms set t_end."""
        even = [t_end * i / (points - 1) for i in range(points)]
        fast = self.fastest()
        if not fast or fast / 20 >= t_end / points:
            return even
        a, b = math.log(fast / 20), math.log(t_end)
        geometric = [math.exp(a + (b - a) * i / (points - 1)) for i in range(points)]
        return sorted(set(even + geometric))

    def slowest(self) -> float | None:
        """The longest time constant `1/|Re p|` among the decaying terms (s)."""
        rates = [abs(p.real) for p, _, _ in self.terms if p.real < 0]
        return 1 / min(rates) if rates else None


def step_response(h: RationalFunction, values: Values | None = None) -> StepResponse:
    """Partial fractions of H(s)/s: repeated poles give t^(k−1)·e^(pt) terms."""
    num, den = s_polynomials(h, values)
    if num.degree() > den.degree():
        raise AnalysisError("H(s) grows without bound with s (more zeros than poles): its "
                            "step response holds impulses")
    den_s = den * flint.fmpq_poly([0, 1])  # H(s)/s
    lead = den_s[den_s.degree()]
    monic_den = den_s / lead
    n = num / lead
    roots = roots_of(monic_den)
    terms = []
    for r in roots:
        others = [(o.s, o.multiplicity) for o in roots if o is not r]
        coeffs = _laurent(n, others, r.s, r.multiplicity)
        for k in range(1, r.multiplicity + 1):
            terms.append((r.s, k, coeffs[r.multiplicity - k]))
    return StepResponse(tuple(terms))


def _laurent(n: flint.fmpq_poly, others: list[tuple[complex, int]], p: complex, m: int
             ) -> list[complex]:
    """Taylor coefficients g_0 … g_{m−1} at p of g(s) = n(s)/Π(s − q)^k: the partial-fraction
    coefficients of the pole p (c_k = g_{m−k} multiplies 1/(s − p)^k)."""
    # n(p + t) and Π(p + t − q)^k as power series in t up to t^(m−1)
    def shifted(coeffs: list[complex]) -> list[complex]:
        out = [0j] * m
        for j in range(m):  # j-th Taylor coefficient: Σ_i C(i, j) a_i p^(i−j)
            out[j] = sum(math.comb(i, j) * a * p ** (i - j) for i, a in enumerate(coeffs)
                         if i >= j)
        return out

    top = shifted([complex(float(n[j])) for j in range(n.degree() + 1)])
    bottom = [1 + 0j] + [0j] * (m - 1)
    for q, k in others:
        for _ in range(k):  # times (p − q) + t
            bottom = [(p - q) * bottom[j] + (bottom[j - 1] if j else 0) for j in range(m)]
    g = [0j] * m  # top / bottom as power series
    for j in range(m):
        g[j] = (top[j] - sum(g[i] * bottom[j - i] for i in range(j))) / bottom[0]
    return g


def step_metrics(y: StepResponse, t_end: float | None = None, points: int = 4000
                 ) -> dict[str, float | None]:
    """Rise time (10–90 % of the final value), overshoot (%), peak and final value."""
    final = y.final
    slow = y.slowest()
    t_end = t_end or (7 * slow if slow else 1.0)
    ts = y.times(t_end, points)
    ys = [y(t) for t in ts]
    out: dict[str, float | None] = {"final": final, "t_end": t_end, "rise_time": None,
                                    "overshoot": None, "peak": max(ys, key=abs)}
    if final is None or final == 0:
        return out
    sign = 1 if final > 0 else -1

    def first(level: float) -> float | None:
        for i in range(1, len(ts)):
            if sign * ys[i] >= sign * level * final:
                lo, hi = ts[i - 1], ts[i]
                for _ in range(60):  # bisection on the analytic response
                    mid = (lo + hi) / 2
                    if sign * y(mid) >= sign * level * final:
                        hi = mid
                    else:
                        lo = mid
                return hi
        return None

    t10, t90 = first(0.1), first(0.9)
    if t10 is not None and t90 is not None:
        out["rise_time"] = t90 - t10
    peak = max(sign * v for v in ys)
    out["overshoot"] = max(0.0, 100 * (peak - sign * final) / abs(final))
    return out


__all__ = [
    "Bands", "Coefficients", "Factored", "Miller", "Root", "StepResponse", "Term", "TimeConstant",
    "TransferTerm", "Transition", "bands", "bode_data", "coefficient_terms", "coefficients",
    "corners", "crossings", "exact_value", "factored", "from_coefficients", "holds_exactly",
    "in_state", "miller", "numerator_terms", "open_circuit_time_constants", "poles", "reactive",
    "response", "s_polynomials", "short_circuit_time_constants", "step_metrics", "step_response",
    "transition", "zeros",
]
