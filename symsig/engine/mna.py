"""Modified nodal analysis: each element letter stamps itself into the equations.

Unknowns are the non-ground node voltages, then one branch current per V, E, H and O element
(SPICE convention: the current enters the + node and flows through the element to the - node;
an ideal op-amp's output current flows from its output node through it to ground), per ideal
transformer (the current into its first winding's + node) and per inductor a K line couples.
Capacitors and uncoupled inductors are admittances sC and 1/(sL); a coupled inductor is a branch
v = sL·i + Σ sM·i_other (the dots on each inductor's first node, as in SPICE), so every row stays
a polynomial in s. A new element kind is one function in `STAMPS`; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import sympy

from ..circuit.coupling import mutuals
from ..circuit.netlist import GROUND, VOLTAGE_KINDS, Circuit, Element
from ..circuit.values import s
from ..errors import NetlistError


@dataclass
class Equations:
    """A sparse MNA system: entries accumulate lists of SymPy terms."""

    index: dict[str, int]
    branch: dict[str, int]
    matrix: dict[tuple[int, int], list] = field(default_factory=dict)
    rhs: dict[int, list] = field(default_factory=dict)
    circuit: Circuit | None = None  # for stamps that read other elements (K reads its L's)

    @property
    def size(self) -> int:
        return len(self.index) + len(self.branch)

    def row(self, node: str) -> int | None:
        return None if node == GROUND else self.index[node]

    def add(self, i: int | None, j: int | None, value: sympy.Expr) -> None:
        if i is not None and j is not None:
            self.matrix.setdefault((i, j), []).append(value)

    def source(self, i: int | None, value: sympy.Expr) -> None:
        if i is not None and value != 0:
            self.rhs.setdefault(i, []).append(value)

    def admittance(self, a: str, b: str, y: sympy.Expr) -> None:
        self.transconductance(a, b, a, b, y)

    def transconductance(self, p: str, n: str, cp: str, cn: str, g: sympy.Expr) -> None:
        """Current g*(v(cp)-v(cn)) leaving node p through the element into node n."""
        rp, rn, cp_, cn_ = self.row(p), self.row(n), self.row(cp), self.row(cn)
        self.add(rp, cp_, g)
        self.add(rp, cn_, -g)
        self.add(rn, cp_, -g)
        self.add(rn, cn_, g)

    def branch_current(self, p: str, n: str, k: int, gain: sympy.Expr = sympy.S.One) -> None:
        """Current gain*x[k] leaving node p through the element into node n."""
        self.add(self.row(p), k, gain)
        self.add(self.row(n), k, -gain)

    def voltage_row(self, k: int, p: str, n: str) -> None:
        """Row k begins v(p) - v(n) = ..."""
        self.add(k, self.row(p), sympy.Integer(1))
        self.add(k, self.row(n), sympy.Integer(-1))


Stamp = Callable[[Equations, Element, sympy.Expr], None]


_ADMITTANCE: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "R": lambda r: 1 / r,
    "C": lambda c: s * c,
    "L": lambda ind: 1 / (s * ind),
    "G": lambda gm: gm,
}


def _passive(eq: Equations, e: Element, _: sympy.Expr) -> None:
    k = eq.branch.get(e.name.lower()) if e.kind == "L" else None
    if k is None:
        eq.admittance(*e.nodes, _ADMITTANCE[e.kind](e.value))
        return
    eq.branch_current(*e.nodes, k)  # a coupled inductor: v(p) - v(n) - sL·i - Σ sM·i' = 0
    eq.voltage_row(k, *e.nodes)
    eq.add(k, k, -s * e.value)


def _coupling(eq: Equations, e: Element, _: sympy.Expr) -> None:
    """The mutual terms sM of a K line between its inductors' branch rows."""
    for la, lb, m in mutuals(eq.circuit, e):
        a, b = eq.branch[la.name.lower()], eq.branch[lb.name.lower()]
        eq.add(a, b, -s * m)
        eq.add(b, a, -s * m)


def _transformer(eq: Equations, e: Element, _: sympy.Expr) -> None:
    """Ideal transformer, ratio n: v(p1, n1) = n·v(p2, n2); the current i into p1 flows
    through winding 1 to n1, and -n·i flows into p2 through winding 2 to n2 (no power is
    lost: v1·i + v2·(-n·i) = 0)."""
    k = eq.branch[e.name.lower()]
    p1, n1, p2, n2 = e.nodes
    eq.branch_current(p1, n1, k)
    eq.branch_current(p2, n2, k, -e.value)
    eq.voltage_row(k, p1, n1)
    eq.add(k, eq.row(p2), -e.value)
    eq.add(k, eq.row(n2), e.value)


def _vccs(eq: Equations, e: Element, _: sympy.Expr) -> None:
    eq.transconductance(*e.nodes, e.value)


def _current_source(eq: Equations, e: Element, drive: sympy.Expr) -> None:
    p, n = e.nodes
    eq.source(eq.row(p), -drive)
    eq.source(eq.row(n), drive)


def _voltage_source(eq: Equations, e: Element, drive: sympy.Expr) -> None:
    k = eq.branch[e.name.lower()]
    eq.branch_current(*e.nodes, k)
    eq.voltage_row(k, *e.nodes)
    eq.source(k, drive)


def _vcvs(eq: Equations, e: Element, _: sympy.Expr) -> None:
    k = eq.branch[e.name.lower()]
    p, n, cp, cn = e.nodes
    eq.branch_current(p, n, k)
    eq.voltage_row(k, p, n)
    eq.add(k, eq.row(cp), -e.value)
    eq.add(k, eq.row(cn), e.value)


def _cccs(eq: Equations, e: Element, _: sympy.Expr) -> None:
    eq.branch_current(*e.nodes, eq.branch[e.control.lower()], e.value)


def _ccvs(eq: Equations, e: Element, _: sympy.Expr) -> None:
    k = eq.branch[e.name.lower()]
    eq.branch_current(*e.nodes, k)
    eq.voltage_row(k, *e.nodes)
    eq.add(k, eq.branch[e.control.lower()], -e.value)


def _nullor(eq: Equations, e: Element, _: sympy.Expr) -> None:
    """Ideal op-amp: the output branch is a norator to ground (any current), and its row is
    the nullator v(in+) - v(in-) = 0 (no input current)."""
    k = eq.branch[e.name.lower()]
    out, inp, inn = e.nodes
    eq.branch_current(out, GROUND, k)
    eq.voltage_row(k, inp, inn)


STAMPS: dict[str, Stamp] = {
    "R": _passive,
    "C": _passive,
    "L": _passive,
    "G": _vccs,
    "I": _current_source,
    "V": _voltage_source,
    "E": _vcvs,
    "F": _cccs,
    "H": _ccvs,
    "O": _nullor,
    "K": _coupling,
    "T": _transformer,
}


def branch_elements(circuit: Circuit) -> list[Element]:
    """The elements with a branch current among the unknowns, in order: V, E, H and O
    elements, ideal transformers, and inductors that a K line couples."""
    coupled = {inductor.name.lower() for k in circuit.elements if k.kind == "K"
               for pair in mutuals(circuit, k) for inductor in pair[:2]}
    return [e for e in circuit.elements if e.kind in VOLTAGE_KINDS or e.kind == "T"
            or e.kind == "L" and e.name.lower() in coupled]


def equations(circuit: Circuit, drive: Mapping[str, sympy.Expr],
              extra_nodes: Iterable[str] = ()) -> Equations:
    """The MNA system of `circuit` with independent source `name` set to `drive[name]`.

    Sources absent from `drive` are zeroed: a V source becomes a short, an I source an open.
    `extra_nodes` get rows too (nodes that only elements stamped elsewhere touch).
    """
    names = dict.fromkeys(circuit.nodes())
    names.update(dict.fromkeys(n for n in extra_nodes if n != GROUND))
    index = {n: i for i, n in enumerate(names)}
    branch = {}
    for e in branch_elements(circuit):
        branch[e.name.lower()] = len(index) + len(branch)
    eq = Equations(index, branch, circuit=circuit)
    zero = sympy.Integer(0)
    for e in circuit.elements:
        STAMPS[e.kind](eq, e, drive.get(e.name.lower(), zero))
    return eq


def element_current(eq: Equations, e: Element, drive: Mapping[str, sympy.Expr]):
    """Current through `e` from its + node to its - node as (functional on unknowns, constant)."""
    target: dict[int, sympy.Expr] = {}

    def add(node: str, c: sympy.Expr) -> None:
        r = eq.row(node)
        if r is not None:
            target[r] = target.get(r, 0) + c

    kind = e.kind
    if e.name.lower() in eq.branch:
        target[eq.branch[e.name.lower()]] = sympy.Integer(1)
    elif kind == "F":
        target[eq.branch[e.control.lower()]] = e.value
    elif kind == "I":
        return target, drive.get(e.name.lower(), sympy.Integer(0))
    elif kind == "K":
        raise NetlistError(f"{e.name} couples inductors and carries no current of its own: "
                           "ask for the current of an inductor it couples")
    else:
        y = _ADMITTANCE[kind](e.value)
        a, b = (e.nodes[2], e.nodes[3]) if kind == "G" else e.nodes
        add(a, y)
        add(b, -y)
    return target, sympy.Integer(0)
