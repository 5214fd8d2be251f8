"""What users ask of a linear circuit: voltages, transfer functions, currents, impedances.

Every function returns an exact `RationalFunction` (coprime numerator and denominator
polynomials in the circuit's symbols and s). Definitions follow DESIGN §3: R_in looks into the
input node with the driving source removed; R_out looks into the output node with every
independent source zeroed (V shorted, I opened) and the load removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import sympy

from ..circuit.netlist import _NODE_NAME, GROUND, SOURCE_KINDS, Circuit, Element, _node, validate
from ..circuit.values import resolve, to_expr
from ..engine import RationalFunction, ResultTooLarge, Ring, SingularSystem, solve_for
from ..engine.mna import element_current, equations
from ..errors import AnalysisError, NetlistError, NotDefined

_OUTPUT = re.compile(r"\s*([vi])\s*\(\s*([^,()\s]+)\s*(?:,\s*([^,()\s]+)\s*)?\)\s*", re.I)


@dataclass(frozen=True)
class Probe:
    """What to measure: the voltage v(plus, minus) or the current i(element)."""

    kind: str  # "v" or "i"
    plus: str
    minus: str = GROUND

    @classmethod
    def parse(cls, spec: str | tuple[str, str]) -> Probe:
        """`out`, `v(out)`, `v(a,b)`, `i(R1)` or a (plus, minus) pair of node names."""
        if isinstance(spec, tuple):
            return cls("v", _node(spec[0]), _node(spec[1]))
        m = _OUTPUT.fullmatch(spec)
        if m:
            kind, a, b = m.group(1).lower(), m.group(2), m.group(3)
            if kind == "i":
                if b is not None:
                    raise AnalysisError(f"i(...) takes one element name: {spec!r}")
                return cls("i", a)
            return cls("v", _node(a), _node(b or GROUND))
        if not _NODE_NAME.fullmatch(spec.strip()):
            raise AnalysisError(f"bad output {spec!r}: write a node name, v(a,b) or i(R1)")
        return cls("v", _node(spec))

    def __str__(self) -> str:
        if self.kind == "i":
            return f"i({self.plus})"
        return f"v({self.plus})" if self.minus == GROUND else f"v({self.plus},{self.minus})"


def _require_node(circuit: Circuit, node: str) -> str:
    name = circuit.resolve(node)
    if not circuit.has_node(name):
        raise AnalysisError(f"no node named {_node(node)!r} in the circuit")
    return name


def linear(circuit: Circuit, sources: Iterable[str] = ()) -> Circuit:
    """The circuit itself if it is linear; else its mid-band small-signal equivalent
    (`small_signal` with default options, keeping the named `sources` as signal sources)."""
    if not circuit.devices():
        return circuit
    from ..devices.ac import small_signal  # devices are a layer above the linear analysis

    return small_signal(circuit, sources=sources)


def _source(circuit: Circuit, name: str) -> Element:
    e = circuit.find(name)
    if e is None:
        raise AnalysisError(f"no source named {name!r} in the circuit")
    if e.kind not in SOURCE_KINDS:
        raise AnalysisError(f"{e.name} is a {e.what}, not an independent source (V or I)")
    return e


def _solve(circuit: Circuit, probe: Probe, drive: Mapping[str, sympy.Expr],
           max_terms: int | None = None) -> RationalFunction:
    """The probe's value with independent sources set by `drive` (others zeroed)."""
    try:
        return _solve_exact(circuit, probe, drive, max_terms)
    except SingularSystem as exc:
        raise NotDefined(
            "the circuit equations are singular: no unique solution exists "
            f"({exc}); look for a node reached only through current sources, or a "
            "cut set of current sources") from None


def system(circuit: Circuit, probe: Probe, drive: Mapping[str, sympy.Expr]):
    """(MNA equations, target, constant): the probe's value is constant + Σ target[j]·x[j]."""
    validate(circuit)
    eq = equations(circuit, drive)
    if probe.kind == "v":
        target: dict[int, sympy.Expr] = {}
        for node, sign in ((probe.plus, 1), (probe.minus, -1)):
            node = _require_node(circuit, node)
            if node != GROUND:
                target[eq.index[node]] = target.get(eq.index[node], 0) + sign
        constant = sympy.Integer(0)
    else:
        element = circuit.find(probe.plus)
        if element is None:
            raise AnalysisError(f"no element named {probe.plus!r} in the circuit")
        target, constant = element_current(eq, element, drive)
    return eq, target, constant


def _solve_exact(circuit: Circuit, probe: Probe, drive: Mapping[str, sympy.Expr],
                 max_terms: int | None = None):
    eq, target, constant = system(circuit, probe, drive)
    if _irrational(eq) and _numerically_singular(eq):
        raise SingularSystem("the determinant vanishes identically once its irrational "
                             "values (such as sqrt(2) or pi) are put in")
    try:
        return solve_for(eq.matrix, eq.rhs, eq.size, target, constant, max_terms=max_terms)
    except ResultTooLarge as exc:
        symbols = len({x for terms in eq.matrix.values() for t in terms
                       for x in t.free_symbols})
        exc.hint = (f"the circuit has {symbols} symbols: give some of them numbers (.param "
                    "or --subs), or simplify the model (--exclude ro, no --include caps)")
        raise


def _irrational(eq) -> bool:
    """True when an entry holds an irrational number (sqrt(2), pi, exp(1)): the solver treats
    such an atom as one more variable, blind to identities like sqrt(2)**2 = 2."""
    for terms in eq.matrix.values():
        for term in terms:
            if term.has(sympy.NumberSymbol) or any(
                    a.is_number and not a.is_Rational
                    for a in term.atoms(sympy.Pow, sympy.Function)):
                return True
    return False


def _numerically_singular(eq, digits: int = 60) -> bool:
    """The MNA determinant at two random points (every symbol and s), to `digits` digits:
    vanishing at both, against Hadamard's bound, means it vanishes identically."""
    import random

    import mpmath

    symbols = sorted({x for terms in eq.matrix.values() for t in terms for x in t.free_symbols},
                     key=str)
    rng = random.Random(2024)
    with mpmath.workdps(digits):
        for _ in range(2):
            point = {x: sympy.Rational(rng.randint(1000, 9999), rng.randint(1000, 9999))
                     for x in symbols}
            m = mpmath.matrix(eq.size, eq.size)
            for (i, j), terms in eq.matrix.items():
                value = sympy.N(sympy.Add(*terms).xreplace(point), digits)
                re, im = (sympy.Float(x, digits) for x in value.as_real_imag())
                m[i, j] = mpmath.mpc(re._to_mpmath(mpmath.mp.prec), im._to_mpmath(mpmath.mp.prec))
            bound = mpmath.mpf(1)
            for i in range(eq.size):
                bound *= mpmath.sqrt(sum(abs(m[i, j]) ** 2 for j in range(eq.size))) or 1
            if abs(mpmath.det(m)) > mpmath.mpf(10) ** (10 - digits) * bound:
                return False
    return True


def _drive_all(circuit: Circuit) -> dict[str, sympy.Expr]:
    return {e.name.lower(): e.ac for e in circuit.elements
            if e.kind in SOURCE_KINDS and e.ac is not None and e.ac != 0}


def measure(circuit: Circuit, output: str | tuple[str, str]) -> RationalFunction:
    """v(...) or i(...) with every independent source at its AC value (superposition)."""
    circuit = linear(circuit)
    return _solve(circuit, Probe.parse(output), _drive_all(circuit))


def node_voltage(circuit: Circuit, node: str, ref: str = GROUND) -> RationalFunction:
    """v(node) - v(ref) with every independent source at its AC value."""
    circuit = linear(circuit)
    return _solve(circuit, Probe("v", _node(node), _node(ref)), _drive_all(circuit))


def current(circuit: Circuit, element: str) -> RationalFunction:
    """Current through `element` from its + node to its - node (SPICE sign convention)."""
    circuit = linear(circuit)
    return _solve(circuit, Probe("i", element), _drive_all(circuit))


def transfer(circuit: Circuit, output: str | tuple[str, str], source: str, *,
             max_terms: int | None = None) -> RationalFunction:
    """output / source: the output with `source` driving 1 (V or A) and every other source zeroed.

    `output` is a node, `v(a,b)` or `i(R1)`; for a V source and a voltage output this is the
    voltage gain H(s). `max_terms` (here and in impedance, rin, rout) is the solver's term
    budget (ResultTooLarge past it; default MAX_TERMS).
    """
    circuit = linear(circuit, [source])
    src = _source(circuit, source)
    return _solve(circuit, Probe.parse(output), {src.name.lower(): sympy.Integer(1)}, max_terms)


def impedance(
    circuit: Circuit, a: str, b: str = GROUND, remove: Iterable[str] = (), *,
    max_terms: int | None = None,
) -> RationalFunction:
    """Impedance seen between nodes a and b with every independent source zeroed.

    Elements in `remove` are taken out first (left open). A 1 A test current is pushed into a
    and drawn from b; the impedance is v(a) - v(b).
    """
    circuit = linear(circuit)
    reduced = circuit.without(*remove) if remove else circuit
    a, b = _require_node(circuit, a), _require_node(circuit, b)
    if a == b:
        # one node: shorted together (a DC source or a mid-band capacitor merged them)
        return RationalFunction.zero()
    if any(not reduced.has_node(node) for node in (a, b)):
        # nothing left at the node once `remove` is out: no current can enter it
        return RationalFunction.infinite(Ring.over(()))
    what = f"the test source between {a!r} and {b!r}"
    try:
        try:
            return _solve_exact(*test_current(reduced, a, b), max_terms)
        except SingularSystem:
            # No current can enter (a MOS gate, a node behind a current source)? Then a test
            # voltage draws none: the impedance is infinite. Otherwise it is truly singular.
            vname = reduced.fresh_name("V_test")
            tested = reduced.add(Element(vname, (a, b), origin=what))
            admittance = _solve(tested, Probe("i", vname), {vname.lower(): sympy.Integer(1)},
                                max_terms)
            if admittance.num.is_zero():
                return RationalFunction.infinite(admittance.ring)
            raise
    except (SingularSystem, NotDefined) as exc:
        raise NotDefined(f"the impedance between {a!r} and {b!r} is not defined: the "
                         f"equations are singular ({exc})") from None
    except NetlistError as exc:
        raise NotDefined(f"the impedance between {a!r} and {b!r} is not defined: "
                         f"{exc.message}") from None


def test_current(circuit: Circuit, a: str, b: str = GROUND
                 ) -> tuple[Circuit, Probe, dict[str, sympy.Expr]]:
    """(circuit with a 1 A test source into a and out of b, the probe v(a, b), its drive):
    the impedance between a and b is that probe's value."""
    name = circuit.fresh_name("I_test")
    test = Element(name, (b, a), origin=f"the test source between {a!r} and {b!r}")
    return circuit.add(test), Probe("v", a, b), {name.lower(): sympy.Integer(1)}


def rin(circuit: Circuit, source: str, input_node: str | None = None, *,
        max_terms: int | None = None) -> RationalFunction:
    """R_in: impedance from the input node to ground with `source` removed, others zeroed.

    The input node defaults to the node the source drives: a V source's + node, an I source's
    - node (SPICE pushes its current out there). Name the node after a series source
    resistance (e.g. the base) for the textbook R_in that excludes it.
    """
    circuit = linear(circuit, [source])
    src = _source(circuit, source)
    node = input_node if input_node is not None else driven_node(src)
    node = _require_node(circuit, node)
    return impedance(circuit, node, GROUND, remove=[src.name], max_terms=max_terms)


def driven_node(source: Element) -> str:
    """The node a source drives: + for a V source, - for an I source (current exits there)."""
    return source.nodes[1] if source.kind == "I" else source.nodes[0]


def rout(circuit: Circuit, output: str, load: str | None = None, *,
         max_terms: int | None = None) -> RationalFunction:
    """R_out: impedance from the output node to ground, sources zeroed, `load` removed."""
    probe = Probe.parse(output)
    if probe.kind != "v":
        raise NotDefined(f"R_out is defined at an output node, and {probe} is a current "
                         f"(for the resistance {probe.plus} looks into, take its voltage as "
                         f"the output and {probe.plus} as the load)")
    return impedance(circuit, probe.plus, probe.minus, remove=[load] if load else [],
                     max_terms=max_terms)


@dataclass(frozen=True)
class Amplifier:
    """The three numbers an amplifier stage is summarised by."""

    gain: RationalFunction
    rin: RationalFunction
    rout: RationalFunction

    def _repr_latex_(self) -> str:  # Jupyter: presentation lives in forms
        from ..forms.display import amplifier_latex

        return amplifier_latex(self)

    def _repr_html_(self) -> str:
        from ..forms.display import amplifier_html

        return amplifier_html(self)


def amplifier(
    circuit: Circuit,
    source: str,
    output: str,
    input_node: str | None = None,
    load: str | None = None,
) -> Amplifier:
    """Voltage gain output/source, R_in and R_out in one call (definitions as in rin/rout)."""
    return Amplifier(
        gain=transfer(circuit, output, source),
        rin=rin(circuit, source, input_node),
        rout=rout(circuit, output, load),
    )


def param_values(circuit: Circuit, extra: Mapping[str, object] | None = None) -> dict:
    """`.param` values (plus `extra`, which wins), each resolved to a number where possible."""
    raw: dict[str, sympy.Expr] = dict(circuit.params)
    for k, v in (extra or {}).items():
        raw[str(k)] = to_expr(v)
    return resolve(raw)
