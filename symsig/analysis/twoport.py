"""Two-port parameters: z, y, h, g, ABCD, its inverse b, S and T, one value type for all.

Every set is a linear relation between the port variables (V1, I1, V2, I2), port currents
flowing into the + terminal: dependent = P · independent. Scattering sets use the waves
a = V + Z0·I and b = V − Z0·I (the power-wave factor 1/(2√Z0) cancels with one Z0 at both
ports). So one routine converts any set to any other: write the relation as M·(V1, I1, V2, I2)
= 0, change to the target's variables, and solve for its dependent pair; the target set does
not exist exactly when that 2×2 solve is singular.

Conventions: ABCD is [V1, I1] = ABCD·[V2, −I2]; b (inverse ABCD) is [V2, I2] = b·[V1, −I1];
S is [b1, b2] = S·[a1, a2]; T is [b1, a1] = T·[a2, b2] (as scikit-rf).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import sympy

from ..circuit.netlist import GROUND
from ..circuit.values import to_expr
from ..engine import ResultTooLarge
from ..errors import AnalysisError, NotDefined, SymsigError

KINDS = ("z", "y", "h", "g", "abcd", "b", "s", "t")
_WAVE_KINDS = ("s", "t")
_NAMES = {"z": "z (open-circuit impedance)", "y": "y (short-circuit admittance)",
          "h": "h (hybrid)", "g": "g (inverse hybrid)", "abcd": "ABCD (transmission)",
          "b": "b (inverse transmission)", "s": "S (scattering)", "t": "T (scattering transfer)"}
# Port variables as rows over (V1, I1, V2, I2); a wave row depends on Z0.
_V1, _I1, _V2, _I2 = ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))
_NEG_I1, _NEG_I2 = (0, -1, 0, 0), (0, 0, 0, -1)
_PORT_VARIABLES = {
    "z": ((_V1, _V2), (_I1, _I2)),
    "y": ((_I1, _I2), (_V1, _V2)),
    "h": ((_V1, _I2), (_I1, _V2)),
    "g": ((_I1, _V2), (_V1, _I2)),
    "abcd": ((_V1, _I1), (_V2, _NEG_I2)),
    "b": ((_V2, _I2), (_V1, _NEG_I1)),
}




def _kind(kind: str) -> str:
    k = kind.lower()
    if k not in KINDS:
        raise AnalysisError(f"unknown two-port parameters {kind!r}: one of {', '.join(KINDS)}")
    return k


@lru_cache(maxsize=64)
def _variables(kind: str, z0: sympy.Expr) -> tuple[sympy.Matrix, sympy.Matrix]:
    """(dependent, independent) variables of a set as 2×4 rows over (V1, I1, V2, I2)."""
    if kind in _PORT_VARIABLES:
        dep, ind = _PORT_VARIABLES[kind]
        return sympy.Matrix(dep), sympy.Matrix(ind)
    a1, b1 = (1, z0, 0, 0), (1, -z0, 0, 0)
    a2, b2 = (0, 0, 1, z0), (0, 0, 1, -z0)
    if kind == "s":
        return sympy.Matrix((b1, b2)), sympy.Matrix((a1, a2))
    return sympy.Matrix((b1, a1)), sympy.Matrix((a2, b2))


def _matrix(entries) -> sympy.ImmutableMatrix:
    """A 2×2 matrix whose entries went through symsig's value parser (never sympify on text)."""
    if isinstance(entries, sympy.MatrixBase):
        rows = entries.tolist()
    else:
        rows = [list(r) for r in entries]
    if len(rows) != 2 or any(len(r) != 2 for r in rows):
        raise AnalysisError("a two-port matrix is 2×2")
    return sympy.ImmutableMatrix([[to_expr(e, real=False) for e in r] for r in rows])


def _at(value: object) -> sympy.Expr:
    """A value for s: a complex number such as 2j·π·f, or a value symsig can parse."""
    if isinstance(value, complex):
        return sympy.Float(value.real) + sympy.I * sympy.Float(value.imag)
    return to_expr(value, real=False)


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    return sympy.factor_terms(sympy.cancel(sympy.together(expr)))


def convert(matrix: sympy.Matrix, source: str, target: str, z0: sympy.Expr = 50,
            target_z0: sympy.Expr | None = None) -> sympy.Matrix:
    """The `target` set of the network whose `source` set is `matrix` (exact, cancelled)."""
    source, target = _kind(source), _kind(target)
    z0 = to_expr(z0, real=False)
    tz0 = z0 if target_z0 is None else to_expr(target_z0, real=False)
    dep, ind = _variables(source, z0)
    relation = dep - sympy.Matrix(matrix) * ind  # relation · (V1, I1, V2, I2) = 0
    new_dep, new_ind = _variables(target, tz0)
    back = sympy.Matrix.vstack(new_dep, new_ind).inv()  # (V1, I1, V2, I2) from the new variables
    n = (relation * back).applyfunc(sympy.cancel)
    n_dep, n_ind = n[:, :2], n[:, 2:]
    det = sympy.cancel(n_dep.det())
    if det == 0:
        raise NotDefined(f"the {_NAMES[target]} parameters do not exist for this network: "
                         f"{_why(target)}")
    return (-(n_dep.adjugate() * n_ind) / det).applyfunc(_tidy)


def _why(kind: str) -> str:
    return {
        "z": "with both ports open the network does not fix its port voltages (a series "
             "element with no shunt path, say); use y, h or ABCD",
        "y": "with both ports shorted the network does not fix its port currents (a lone "
             "shunt element, say); use z, g or ABCD",
        "h": "port 1 open / port 2 shorted does not determine the ports",
        "g": "port 1 shorted / port 2 open does not determine the ports",
        "abcd": "port 2's voltage and current cannot both be set (no forward transmission)",
        "b": "port 1's voltage and current cannot both be set (no reverse transmission)",
        "s": "the network is singular when both ports see Z0",
        "t": "S21 = 0: no forward transmission",
    }[kind]


@dataclass(frozen=True, eq=False)
class TwoPort:
    """A linear two-port, held as one parameter set and converted to any other on demand."""

    kind: str
    matrix: sympy.ImmutableMatrix
    z0: sympy.Expr = sympy.Integer(50)

    def __post_init__(self):
        object.__setattr__(self, "kind", _kind(self.kind))
        object.__setattr__(self, "matrix", _matrix(self.matrix))
        object.__setattr__(self, "z0", to_expr(self.z0, real=False))

    def to(self, kind: str, z0: sympy.Expr | None = None) -> sympy.ImmutableMatrix:
        """This network's `kind` parameters (S and T at reference `z0`, default self.z0)."""
        kind = _kind(kind)
        target_z0 = self.z0 if z0 is None else to_expr(z0, real=False)
        if kind == self.kind and (kind not in _WAVE_KINDS or target_z0 == self.z0):
            return self.matrix
        return sympy.ImmutableMatrix(convert(self.matrix, self.kind, kind, self.z0, target_z0))

    def convert(self, kind: str, z0: sympy.Expr | None = None) -> TwoPort:
        return TwoPort(kind, self.to(kind, z0), self.z0 if z0 is None else z0)

    def _repr_latex_(self) -> str:  # Jupyter: presentation lives in forms
        from ..forms.display import twoport_latex

        return twoport_latex(self)

    def _repr_html_(self) -> str:
        from ..forms.display import twoport_html

        return twoport_html(self)

    z = property(lambda self: self.to("z"), doc="open-circuit impedance parameters")
    y = property(lambda self: self.to("y"), doc="short-circuit admittance parameters")
    h = property(lambda self: self.to("h"), doc="hybrid parameters")
    g = property(lambda self: self.to("g"), doc="inverse hybrid parameters")
    abcd = property(lambda self: self.to("abcd"), doc="transmission (chain) parameters")
    b = property(lambda self: self.to("b"), doc="inverse transmission parameters")

    def s(self, z0: sympy.Expr | None = None) -> sympy.ImmutableMatrix:
        """Scattering parameters at reference impedance z0 (both ports)."""
        return self.to("s", z0)

    def t(self, z0: sympy.Expr | None = None) -> sympy.ImmutableMatrix:
        """Scattering transfer parameters at reference impedance z0."""
        return self.to("t", z0)

    # -- properties ---------------------------------------------------------------------------
    def _first(self, *kinds: str) -> tuple[str, sympy.Matrix]:
        for kind in (self.kind, *kinds):
            if kind in kinds:
                try:
                    return kind, self.to(kind)
                except NotDefined:
                    continue
        raise NotDefined("no parameter set of this network exists")

    @property
    def reciprocal(self) -> bool:
        """z12 = z21 (equivalently y12 = y21, h12 = −h21, det ABCD = 1, S12 = S21)."""
        kind, m = self._first("y", "z", "h", "g", "abcd", "b", "s")
        test = {"y": m[0, 1] - m[1, 0], "z": m[0, 1] - m[1, 0], "s": m[0, 1] - m[1, 0],
                "h": m[0, 1] + m[1, 0], "g": m[0, 1] + m[1, 0]}.get(kind, m.det() - 1)
        return sympy.cancel(test) == 0

    @property
    def symmetric(self) -> bool:
        """Reciprocal, and the ports can be swapped: z11 = z22 (y11 = y22, A = D)."""
        if not self.reciprocal:
            return False
        kind, m = self._first("y", "z", "abcd", "b", "s", "h", "g")
        test = m[0, 0] - m[1, 1] if kind in ("y", "z", "abcd", "b", "s") else m.det() - 1
        return sympy.cancel(test) == 0

    @property
    def unilateral(self) -> bool:
        """No reverse transmission: y12 = 0 (equivalently z12, h12, g12, S12 = 0)."""
        _, m = self._first("y", "z", "h", "g", "s")
        return sympy.cancel(m[0, 1]) == 0

    def lossless(self, z0: sympy.Expr | None = None) -> bool | None:
        """S(jω)ᴴ·S(jω) = I for every real ω; None when that cannot be decided.

        Decided symbolically when it simplifies to zero, and refuted when it fails at random
        positive values of the symbols; otherwise undecided.
        """
        s, w = sympy.Symbol("s"), sympy.Symbol("omega", positive=True)
        m = self.s(z0).subs(s, sympy.I * w)
        gap = (m.H * m - sympy.eye(2)).applyfunc(lambda e: sympy.simplify(sympy.expand(e)))
        if all(e == 0 for e in gap):
            return True
        rng = random.Random(0)
        for _ in range(3):
            point = {x: sympy.Rational(rng.randint(1, 97), rng.randint(1, 13))
                     for x in gap.free_symbols}
            if any(abs(complex(e.subs(point))) > 1e-9 for e in gap):
                return False
        return None

    # -- terminations ---------------------------------------------------------------------------
    def terminated(self, zs: object, zl: object) -> Terminated:
        """The network between a source of impedance zs and a load zl (see `Terminated`)."""
        return Terminated.of(self, to_expr(zs, real=False), to_expr(zl, real=False))

    def stability(self, s_value: object = None, z0: sympy.Expr | None = None):
        """Rollett's K and Edwards–Sinsky μ from S at s = s_value (e.g. 2j·π·f; default jω).

        Floats when everything is a number, else SymPy expressions. A unilateral network
        (S12·S21 = 0) has K = ∞.
        """
        m = self.s(z0)
        s = sympy.Symbol("s")
        m = m.subs(s, _at(s_value) if s_value is not None else
                   sympy.I * sympy.Symbol("omega", positive=True))
        if not m.free_symbols:  # numbers: plain complex arithmetic, real K and μ
            m = [complex(e) for e in m]
            conj, infinity = complex.conjugate, float("inf")
        else:
            conj, infinity = sympy.conjugate, sympy.oo
        s11, s12, s21, s22 = m[0], m[1], m[2], m[3]
        delta = s11 * s22 - s12 * s21
        loop = abs(s12 * s21)
        k = infinity if loop == 0 else \
            (1 - abs(s11) ** 2 - abs(s22) ** 2 + abs(delta) ** 2) / (2 * loop)
        mu = (1 - abs(s11) ** 2) / (abs(s22 - delta * conj(s11)) + loop)
        return k, mu


@dataclass(frozen=True)
class Terminated:
    """A two-port between a source (voltage VS, impedance zs) and a load zl.

    zin: seen at port 1 with the load on; zout: seen at port 2 with the source zeroed;
    av = V2/V1; avs = V2/VS; ai = I_load/I1 with I_load = −I2 (the current into the load).
    Power gains need `|·|²`: `power_gains(s_value)` evaluates them at a frequency.
    """

    network: TwoPort
    zs: sympy.Expr
    zl: sympy.Expr
    zin: sympy.Expr
    zout: sympy.Expr
    av: sympy.Expr
    avs: sympy.Expr
    ai: sympy.Expr
    vout_open: sympy.Expr  # V2/VS with the load removed (for the available gain)

    @classmethod
    def of(cls, net: TwoPort, zs: sympy.Expr, zl: sympy.Expr) -> Terminated:
        v1, i1, v2, i2, vs = sympy.symbols("V1 I1 V2 I2 VS")
        dep, ind = _variables(net.kind, net.z0)
        state = sympy.Matrix([v1, i1, v2, i2])
        relation = list((dep - sympy.Matrix(net.matrix) * ind) * state)

        def solve(extra: list[sympy.Expr]) -> dict:
            sol = sympy.solve(relation + extra, [v1, i1, v2, i2], dict=True)
            if not sol:
                raise AnalysisError("the terminated two-port has no unique solution")
            return {k: _tidy(v) for k, v in sol[0].items()}

        driven = solve([v1 - (vs - zs * i1), v2 + zl * i2])
        opened = solve([v1 - (vs - zs * i1), i2])
        # Z_out: a test current into port 2, source zeroed (its impedance stays).
        test = solve([v1 + zs * i1, i2 - 1])
        return cls(net, zs, zl,
                   zin=_tidy(driven[v1] / driven[i1]), zout=_tidy(test[v2]),
                   av=_tidy(driven[v2] / driven[v1]), avs=_tidy(driven[v2] / vs),
                   ai=_tidy(-driven[i2] / driven[i1]), vout_open=_tidy(opened[v2] / vs))

    def power_gains(self, s_value: object = None) -> dict[str, sympy.Expr]:
        """Transducer G_T = P_L/P_avs, operating G_P = P_L/P_in, available G_A = P_avo/P_avs,
        at s = s_value (a number like 2j·π·f, or a symbol; default s = jω)."""
        s = sympy.Symbol("s")
        at = _at(s_value) if s_value is not None else \
            sympy.I * sympy.Symbol("omega", positive=True)

        def ev(e: sympy.Expr) -> sympy.Expr:
            return e.subs(s, at)

        zs, zl, zin, zout = ev(self.zs), ev(self.zl), ev(self.zin), ev(self.zout)
        avs, voc = ev(self.avs), ev(self.vout_open)
        p_avs = 1 / (4 * sympy.re(zs))  # |VS|² = 1 (peak values cancel in the ratios)
        p_load = abs(avs) ** 2 * sympy.re(zl) / abs(zl) ** 2
        i_in = 1 / (zs + zin)
        p_in = abs(i_in) ** 2 * sympy.re(zin)
        p_avo = abs(voc) ** 2 / (4 * sympy.re(zout))
        return {"GT": p_load / p_avs, "GP": p_load / p_in, "GA": p_avo / p_avs}


# -- interconnections (the port condition must hold: see the README) ---------------------------
def _combine(kind: str, a: TwoPort, b: TwoPort) -> TwoPort:
    return TwoPort(kind, (a.to(kind) + b.to(kind)).applyfunc(_tidy), a.z0)


def series(a: TwoPort, b: TwoPort) -> TwoPort:
    """Series–series connection: z parameters add."""
    return _combine("z", a, b)


def parallel(a: TwoPort, b: TwoPort) -> TwoPort:
    """Parallel–parallel connection: y parameters add."""
    return _combine("y", a, b)


def series_parallel(a: TwoPort, b: TwoPort) -> TwoPort:
    """Series at the input, parallel at the output: h parameters add."""
    return _combine("h", a, b)


def parallel_series(a: TwoPort, b: TwoPort) -> TwoPort:
    """Parallel at the input, series at the output: g parameters add."""
    return _combine("g", a, b)


def cascade(*nets: TwoPort) -> TwoPort:
    """Cascade (port 2 of each into port 1 of the next): ABCD matrices multiply."""
    product = sympy.eye(2)
    for net in nets:
        product = product * net.abcd
    return TwoPort("abcd", product.applyfunc(_tidy), nets[0].z0)


# -- extraction from a circuit -----------------------------------------------------------------
def two_port(circuit, port1: Iterable[str] | str, port2: Iterable[str] | str,
             kind: str = "y", z0: object = 50) -> TwoPort:
    """The `kind` parameters of `circuit` between port1 and port2 (node pairs like ("b", "0")),
    measured by the set's own port conditions with every independent source zeroed.

    z, y, h, g drive their independent variables (a current source at a port whose current is
    independent — open when zero —, a voltage source where its voltage is — short when zero);
    ABCD and b set one port open or shorted and drive the other; S and T terminate both ports
    in z0 and drive one through it.
    """
    from .linear import linear  # extraction stands on the analysis layer

    kind = _kind(kind)
    circuit = linear(circuit)
    p1, p2 = _port(circuit, port1), _port(circuit, port2)
    if not circuit.has_node(GROUND) or all(GROUND not in e.nodes for e in circuit.elements):
        # A network with no ground (a lone transistor between its ports): port 1's - node
        # is as good a reference as any; the parameters do not depend on it.
        circuit, p1, p2 = _grounded(circuit, p1[1]), _rename(p1, p1[1]), _rename(p2, p1[1])
    across = [e.name for e in circuit.elements if e.kind in "VI" and
              {e.nodes[0], e.nodes[1]} in ({p1[0], p1[1]}, {p2[0], p2[1]})]
    if across:  # a source across a port is what drives it: the test sources take its place
        circuit = circuit.without(*across)
    z0 = to_expr(z0, real=False)
    try:
        return TwoPort(kind, _measure_set(circuit, p1, p2, kind, z0), z0)
    except NotDefined as direct:
        # The defining conditions cannot be applied (an ideal source would be shorted, a
        # node left without a reference): measure another set and convert, which either
        # gives the answer or shows the set does not exist.
        for other in ("s", "y", "z", "h", "g"):
            if other == kind:
                continue
            try:
                measured = TwoPort(other, _measure_set(circuit, p1, p2, other, z0), z0)
            except NotDefined:
                continue
            return measured.convert(kind)
        raise direct from None


def _measure_set(circuit, p1, p2, kind: str, z0: sympy.Expr) -> sympy.Matrix:
    """One set by its own port conditions; NotDefined when they cannot be applied."""
    try:
        if kind in ("z", "y", "h", "g"):
            return _immittance(circuit, p1, p2, kind)
        if kind in ("abcd", "b"):
            return _transmission(circuit, p1, p2, kind)
        s_matrix = _scattering(circuit, p1, p2, z0)
        return s_matrix if kind == "s" else convert(s_matrix, "s", kind, z0)
    except (NotDefined, ResultTooLarge):
        raise
    except (ZeroDivisionError, SymsigError) as exc:
        raise NotDefined(f"the {_NAMES[kind]} parameters do not exist for this network: "
                         f"{_why(kind)}") from exc


def _rename(port: tuple[str, str], node: str) -> tuple[str, str]:
    return tuple(GROUND if n == node else n for n in port)


def _grounded(circuit, node: str):
    """The circuit with `node` renamed to ground (old name kept as an alias)."""
    from dataclasses import replace

    elements = tuple(replace(e, nodes=tuple(GROUND if n == node else n for n in e.nodes))
                     for e in circuit.elements)
    return replace(circuit, elements=elements, aliases={**circuit.aliases, node: GROUND})


def _port(circuit, port) -> tuple[str, str]:
    nodes = port.split(",") if isinstance(port, str) else list(port)
    if len(nodes) == 1:
        nodes.append("0")
    if len(nodes) != 2:
        raise AnalysisError(f"a port is two nodes like 'b,0', not {port!r}")
    for n in nodes:
        if not circuit.has_node(n):
            raise AnalysisError(f"port {','.join(nodes)}: no node named {n.strip()!r}")
    return circuit.resolve(nodes[0].strip()), circuit.resolve(nodes[1].strip())


def _measure(circuit, drives: list, probes: list) -> list[sympy.Expr]:
    """Add test sources (name, nodes, value) and measure probes with only them driving."""
    from .linear import _solve, Probe  # noqa: I001  (the exact solve on a ready circuit)
    from ..circuit.netlist import Element

    test = circuit
    drive = {}
    for name, nodes, value in drives:  # the name's first letter says V or I
        test = test.add(Element(name, nodes, sympy.Integer(0), sympy.Integer(0)))
        drive[name.lower()] = value
    out = []
    for probe in probes:
        if probe[0] == "v":
            result = _solve(test, Probe("v", probe[1], probe[2]), drive)
        else:  # current into the network at a port driven by a V source: -i(V)
            result = _solve(test, Probe("i", probe[1]), drive)
            result = -result.expr if not result.is_infinite else sympy.oo
            out.append(result)
            continue
        out.append(result.expr)
    return out


def _port_source(index: int, nodes: tuple[str, str], current: bool, value) -> tuple:
    plus, minus = nodes
    if current:  # SPICE I n+ n-: the current leaves the source at n-, into the port's + node
        return (f"I_port{index}", (minus, plus), value)
    return (f"V_port{index}", (plus, minus), value)


def _immittance(circuit, p1, p2, kind: str) -> sympy.Matrix:
    current_driven = {"z": (True, True), "y": (False, False), "h": (True, False),
                      "g": (False, True)}[kind]
    matrix = sympy.zeros(2, 2)
    ports = (p1, p2)
    for col in range(2):
        drives = [_port_source(k + 1, ports[k], current_driven[k], sympy.Integer(int(k == col)))
                  for k in range(2)]
        probes = []
        for k in range(2):
            if current_driven[k]:  # dependent: the port voltage
                probes.append(("v", ports[k][0], ports[k][1]))
            else:  # dependent: the port current
                probes.append(("i", f"V_port{k + 1}"))
        for row, value in enumerate(_measure(circuit, drives, probes)):
            matrix[row, col] = _tidy(value)
    return matrix


def _transmission(circuit, p1, p2, kind: str) -> sympy.Matrix:
    """ABCD: A = V1/V2 and C = I1/V2 with port 2 open; B = V1/(−I2), D = I1/(−I2) with port 2
    shorted; port 1 driven by a 1 V source. b: the same seen from port 2."""
    near, far = (p1, p2) if kind == "abcd" else (p2, p1)
    drive = _port_source(1, near, False, sympy.Integer(1))
    v_far, i_near = _measure(circuit, [drive], [("v", far[0], far[1]), ("i", "V_port1")])
    short = _port_source(2, far, False, sympy.Integer(0))
    i_far, i_near_s = _measure(circuit, [drive, short], [("i", "V_port2"), ("i", "V_port1")])
    # i_far is the current into the network at the far port: the far "−I" is −i_far.
    return sympy.Matrix([[_tidy(1 / v_far), _tidy(1 / -i_far)],
                         [_tidy(i_near / v_far), _tidy(i_near_s / -i_far)]])


def _scattering(circuit, p1, p2, z0: sympy.Expr) -> sympy.Matrix:
    """Both ports terminated in z0; port k driven through its z0 by E_k: then a_k = E_k, and
    b_k = V_k − z0·I_k = 2V_k − E_k."""
    from ..circuit.netlist import Element

    ports = (p1, p2)
    matrix = sympy.zeros(2, 2)
    for col in range(2):
        test = circuit
        drives = []
        for k, (plus, minus) in enumerate(ports):
            inner = f"z0_port{k + 1}"
            test = test.add(Element(f"R_z0_{k + 1}", (plus, inner), z0))
            drives.append((f"V_port{k + 1}", (inner, minus), sympy.Integer(int(k == col))))
        values = _measure(test, drives, [("v", p[0], p[1]) for p in ports])
        for row, v in enumerate(values):
            matrix[row, col] = _tidy(2 * v - int(row == col))
    return matrix


__all__ = ["KINDS", "NotDefined", "Terminated", "TwoPort", "cascade", "convert", "parallel",
           "parallel_series", "series", "series_parallel", "two_port"]
