"""Lcapy circuits in and out (Lcapy, `pip install lcapy`, is needed only here).

Lcapy's conventions differ from SPICE's in two places, and the conversion minds both: its
current source `I1 n1 n2 x` drives x *into* n1 (SPICE's flows from n1 through the source to n2),
and its VCCS `G1 n1 n2 c1 c2 g` drives g·v(c1, c2) into n1, so both are written with their first
two nodes swapped. Its V, E, F, H, L, K and TF elements stamp as SPICE's (F and H sense the
current through a V source from its + node to its - node; K's dots are on each inductor's first
node; TF's first winding is `value` times the second), and are written as they are.

`to_lcapy(circuit)` writes the circuit symsig analyses: each source as an s-domain source of its
AC part (`V1 a b s {ac}`, so `cct[node].V(s)` is the transfer function), or with `sources="dc"`
its DC part. Devices must be replaced by their small-signal models first (`small_signal`);
an ideal op-amp has no Lcapy counterpart unless `opamp_gain` names one (`"A"`: Lcapy's opamp of
gain A, the ideal op-amp being A -> oo). Element names Lcapy would read as another part (RV:
potentiometer, CPE, GY, FB, lowercase letters: mechanical parts) are renamed (`R_V1`), and node
names keep only letters, digits and `_`.

`from_lcapy(cct)` reads R, C, L, V, I (s-domain, ac, dc or plain constant values), E, F, G, H,
K, TF, an opamp E (infinite gain: an ideal op-amp), wires (their nodes merged) and open
circuits (dropped); any other part is an error that names it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import sympy

from ..errors import NetlistError, SymsigError
from .values import symbol

if TYPE_CHECKING:
    from .netlist import Circuit

# Lcapy part types whose names begin with a symsig letter: a symsig element so named is renamed.
_LCAPY_PREFIXES = ("RV", "REL", "CPE", "CCCS", "CCVS", "Cable", "FB", "FS", "GY", "VCVS",
                   "VCCS", "TL", "TP", "TR", "TV", "MX", "MT", "MISC", "NR", "BAT", "BL", "AM",
                   "ANT", "ADC", "DAC", "SW", "SP", "US", "UAND")


def _lcapy():
    try:
        import lcapy
    except ImportError:  # pragma: no cover - depends on the environment
        raise SymsigError("Lcapy is not installed (pip install lcapy)") from None
    return lcapy


@cache
def _plain_in_lcapy(name: str) -> bool:
    """True when Lcapy reads `name` as a constant symbol of that name: not its imaginary unit
    (j, I), nor one of its domain variables (t, f, s, omega, n, k, z, F)."""
    lcapy = _lcapy()
    try:
        expr = lcapy.expr(name)
        value = expr.sympy
    except Exception:  # noqa: BLE001 - Lcapy raises many kinds for its reserved names
        return False
    return bool(getattr(expr, "is_constant_domain", False)) and \
        isinstance(value, sympy.Symbol) and value.name == name


def _node_namer():
    names: dict[str, str] = {"0": "0"}

    def node(n: str) -> str:
        if n not in names:
            clean = re.sub(r"\W", "_", n)
            if not clean or clean[0].isdigit() and clean != n:
                clean = "n" + clean
            while clean in names.values():
                clean += "_"
            names[n] = clean
        return names[n]

    return node


def _element_name(e, taken: set[str]) -> str:
    letter = "TF" if e.kind == "T" else e.kind
    rest = re.sub(r"\W", "_", e.name[len(letter):] if e.kind != "T" else e.name[2:])
    name = letter + rest
    if name.startswith(_LCAPY_PREFIXES):  # RV1 would be Lcapy's potentiometer: R_V1
        name = f"{letter}_{rest}"
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def _value(expr: sympy.Expr) -> str:
    for x in expr.free_symbols:
        if not _plain_in_lcapy(x.name):
            raise NetlistError(f"the symbol {x.name} means something else in Lcapy (its "
                               "imaginary unit, or a variable such as time t, frequency f, "
                               "sample n or k): rename it to convert")
    return "{" + str(expr) + "}"


def to_lcapy(circuit: Circuit, sources: str = "ac", opamp_gain: object = None):
    """`circuit` as an `lcapy.Circuit` (see the module's docstring)."""
    if sources not in ("ac", "dc"):
        raise NetlistError(f"sources must be 'ac' or 'dc', not {sources!r}")
    if circuit.devices():
        d = circuit.devices()[0]
        raise NetlistError(f"{d.name}: Lcapy has no small-signal transistor or diode models; "
                           "convert small_signal(circuit) instead")
    node = _node_namer()
    taken: set[str] = set()
    names = {e.name.lower(): _element_name(e, taken) for e in circuit.elements}
    lines = []
    for e in circuit.elements:
        name, n = names[e.name.lower()], [node(x) for x in e.nodes]
        kind = e.kind
        if kind in "RCL":
            lines.append(f"{name} {n[0]} {n[1]} {_value(e.value)}")
        elif kind in "VI":
            value = e.ac if sources == "ac" else e.value
            keyword = "s" if sources == "ac" else "dc"
            a, b = (n[1], n[0]) if kind == "I" else (n[0], n[1])  # Lcapy's I drives into n1
            lines.append(f"{name} {a} {b} {keyword} {_value(value or sympy.Integer(0))}")
        elif kind == "E":
            lines.append(f"{name} {' '.join(n)} {_value(e.value)}")
        elif kind == "G":  # Lcapy's G drives g*v(c1, c2) into its first node
            lines.append(f"{name} {n[1]} {n[0]} {n[2]} {n[3]} {_value(e.value)}")
        elif kind in "FH":
            lines.append(f"{name} {n[0]} {n[1]} {names[e.control.lower()]} {_value(e.value)}")
        elif kind == "K":
            inductors = " ".join(names[x.lower()] for x in e.coupled)
            if len(e.coupled) != 2:
                raise NetlistError(f"{e.name}: Lcapy couples two inductors per K line")
            lines.append(f"{name} {inductors} {_value(e.value)}")
        elif kind == "T":
            lines.append(f"{name} {' '.join(n)} {_value(e.value)}")
        elif kind == "O":
            if opamp_gain is None:
                raise NetlistError(f"{e.name}: Lcapy has no ideal op-amp (nullor); give "
                                   "opamp_gain (e.g. 'A') to write it as an opamp of that gain")
            from .values import to_expr

            lines.append(f"E_{name[1:] or 'O'} {n[0]} 0 opamp {n[1]} {n[2]} "
                         f"{_value(to_expr(opamp_gain))}")
        else:  # pragma: no cover - every linear kind is handled above
            raise NetlistError(f"{e.name}: no Lcapy counterpart for a {e.what}")
    return _lcapy().Circuit("\n".join(lines) + "\n")


# -- in -------------------------------------------------------------------------------------------
def _sympy(lcapy, text) -> sympy.Expr:
    """An Lcapy argument as a SymPy expression in symsig's symbols (Lcapy parses its own text)."""
    expr = lcapy.expr(str(text)).sympy
    rule = {x: symbol(x.name) for x in expr.free_symbols if isinstance(x, sympy.Symbol)
            and x.name != "s"}
    return expr.xreplace(rule)


def from_lcapy(cct) -> Circuit:
    """A symsig `Circuit` from an `lcapy.Circuit` (see the module's docstring)."""
    from .netlist import Circuit, Element, validate

    lcapy = _lcapy()
    parts = list(cct.elements.values())
    merged: dict[str, str] = {}

    def find(n: str) -> str:
        while n in merged:
            n = merged[n]
        return n

    for cpt in parts:  # wires first: their nodes are one
        if type(cpt).__name__ == "W":
            a, b = (find(x) for x in cpt.node_names)
            if a != b:
                keep, drop = (a, b) if a == "0" or b != "0" else (b, a)
                merged[drop] = keep
    s_symbol = lcapy.s.sympy
    elements = []
    names = {}
    for cpt in parts:
        cls, name = type(cpt).__name__, cpt.name
        nodes = tuple(find(x) for x in cpt.node_names)

        def arg(i: int, cpt=cpt) -> sympy.Expr:
            value = _sympy(lcapy, cpt.args[i])
            if value.has(s_symbol):
                raise NetlistError(f"{cpt.name}: a value in s ({value}) has no symsig element")
            return value

        if cls in ("W", "O", "P", "A"):
            continue
        if cls in ("R", "C", "L"):
            elements.append(Element(name, nodes, arg(0)))
        elif cls in ("V", "Vdc", "sV", "Vac", "I", "Idc", "sI", "Iac"):
            letter = cls.lstrip("s")[0]
            if cls in ("sV", "sI"):
                dc, ac = sympy.Integer(0), arg(0)
            elif cls in ("Vac", "Iac"):
                phase = arg(1) if len(cpt.args) > 1 and cpt.args[1] is not None else 0
                dc, ac = sympy.Integer(0), arg(0) * sympy.exp(sympy.I * phase)
            else:
                dc, ac = arg(0), sympy.Integer(0)
            if letter == "I":
                nodes = (nodes[1], nodes[0])  # Lcapy's I drives into its first node
            elements.append(Element(name, nodes, dc, ac))
        elif cls in ("VCVS", "E"):
            if len(cpt.args) > 1 and cpt.args[1] is not None and arg(1) != 0:
                raise NetlistError(f"{name}: a common-mode gain has no symsig element")
            elements.append(Element(name, nodes, arg(0)))
        elif cls == "Eopamp":
            ad, ac, ro = (arg(i) for i in range(3))
            if ac != 0 or ro != 0:
                raise NetlistError(f"{name}: an opamp with common-mode gain or output "
                                   "resistance: write it with E and R")
            if ad == sympy.oo:
                if nodes[1] != "0":
                    raise NetlistError(f"{name}: an ideal op-amp's output is to ground")
                elements.append(Element("O" + name[1:], (nodes[0], nodes[2], nodes[3])))
            else:
                elements.append(Element(name, nodes, ad))
        elif cls in ("VCCS", "G"):
            elements.append(Element(name, (nodes[1], nodes[0], *nodes[2:]), arg(0)))
        elif cls in ("CCCS", "CCVS", "F", "H"):
            elements.append(Element(name, nodes, arg(1), control=str(cpt.args[0])))
        elif cls == "K":
            elements.append(Element(name, (), arg(2), coupled=(str(cpt.args[0]),
                                                                str(cpt.args[1]))))
        elif cls == "TF":
            elements.append(Element(name, nodes, arg(0)))
        else:
            raise NetlistError(f"{name}: Lcapy's {cls} ({cpt.type}) has no symsig element")
        names[name.lower()] = elements[-1]
    from .netlist import _couplings

    by_name = {e.name.lower(): e for e in elements}
    circuit = Circuit(tuple(_couplings(elements, by_name)))
    if any(e.kind == "K" for e in elements):
        circuit = circuit._with_couplings()
    validate(circuit, check_floating=False)
    return circuit
