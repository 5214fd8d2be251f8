"""Lcapy in and out: `Circuit.to_lcapy()` and `Circuit.from_lcapy()`.

Independent source of every expectation: Lcapy's own solution. Circuits go to Lcapy through
`to_lcapy` and come back from Lcapy netlists that this file writes by hand in Lcapy's
conventions (its `I n1 n2` and `G n1 n2 ...` drive current *into* n1, so their first two nodes
are swapped against SPICE's), and Lcapy's node voltage V(s) must equal symsig's H(s) exactly.

Lcapy is slow on symbolic circuits (a 5-node one with 11 symbols takes ~10 s), so the 50 random
circuits carry numbers, except ten of two nodes with every value a symbol; the whole file runs
in about 15 s.
"""

from __future__ import annotations

import random

import pytest
import sympy

from symsig import parse, transfer
from symsig.circuit.netlist import Circuit
from symsig.errors import NetlistError
from tests.randcircuits import random_circuit

lcapy = pytest.importorskip("lcapy", reason="Lcapy is a test extra (pip install lcapy)")

S = sympy.Symbol("s")
N_CIRCUITS = 50
SYMBOLIC = 10  # of them with symbolic values (two nodes: Lcapy is slow on larger ones)


def circuits():
    out = []
    for seed in range(N_CIRCUITS):
        rng = random.Random(7000 + seed)
        if seed < SYMBOLIC:
            rc = random_circuit(rng, n_nodes=2, n_controlled=1)
            out.append((seed, rc, rc.symbolic))
        else:
            rc = random_circuit(rng)
            out.append((seed, rc, "numeric\n" + rc.numeric))
    return out


CIRCUITS = circuits()


def lcapy_text(netlist: str) -> str:
    """A SPICE-convention netlist line by line in Lcapy's conventions (written here, not by
    symsig): sources in the s-domain, I and G with their first two nodes swapped."""
    lines = []
    for line in netlist.splitlines()[1:]:
        name, *fields = line.split()
        kind = name[0].upper()
        if kind in "VI":
            a, b = fields[:2]
            ac = fields[fields.index("AC") + 1] if "AC" in fields else "0"
            a, b = (b, a) if kind == "I" else (a, b)
            lines.append(f"{name} {a} {b} s {ac}")
        elif kind == "G":
            lines.append(" ".join([name, fields[1], fields[0], *fields[2:]]))
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def lcapy_voltage(cct, node: str) -> sympy.Expr:
    v = cct[node].V(lcapy.s).sympy
    rule = {x: sympy.Symbol(x.name, positive=True) for x in v.free_symbols if x.name != "s"}
    return v.xreplace(rule).subs(lcapy.s.sympy, S)


def equal(h, expected: sympy.Expr) -> bool:
    return sympy.cancel(h.numerator / h.denominator - expected) == 0


@pytest.mark.parametrize("seed, rc, text", CIRCUITS, ids=[f"c{c[0]}" for c in CIRCUITS])
def test_symsig_to_lcapy_agrees(seed, rc, text):
    c = parse(text)
    cct = c.to_lcapy()
    for node in (rc.nodes[0], rc.nodes[-1]):
        assert equal(transfer(c, node, rc.sources[0]), lcapy_voltage(cct, node)), (seed, node)


@pytest.mark.parametrize("seed, rc, text", CIRCUITS, ids=[f"c{c[0]}" for c in CIRCUITS])
def test_lcapy_to_symsig_agrees(seed, rc, text):
    cct = lcapy.Circuit(lcapy_text(text))
    c = Circuit.from_lcapy(cct)
    assert [e.name for e in c.elements] == rc.elements
    for node in (rc.nodes[0], rc.nodes[-1]):
        assert equal(transfer(c, node, rc.sources[0]), lcapy_voltage(cct, node)), (seed, node)


def test_round_trip_keeps_every_element():
    for _seed, _rc, text in CIRCUITS[::5]:
        c = parse(text)
        back = Circuit.from_lcapy(c.to_lcapy())
        assert [(e.name, e.nodes, e.value, e.ac, e.control) for e in back.elements] == \
            [(e.name, e.nodes, e.value, e.ac, e.control) for e in c.elements]


def to_symsig_symbols(expr: sympy.Expr) -> sympy.Expr:
    rule = {x: sympy.Symbol(x.name, positive=True) for x in expr.free_symbols if x.name != "s"}
    return expr.xreplace(rule).subs(lcapy.s.sympy, S)


def test_coupled_inductors_both_ways():
    text = "coils\nV1 in 0 AC 1\nR1 in a R1\nLa a 0 La\nLb b 0 Lb\nK1 La Lb kc\nRb b 0 Rb\n"
    c = parse(text)
    m = c.params["M1"]  # M1 = k sqrt(La Lb): Lcapy writes the root out
    h = transfer(c, "b", "V1")
    ours = (h.numerator / h.denominator).subs(sympy.Symbol("M1", positive=True), m)
    assert sympy.simplify(ours - lcapy_voltage(c.to_lcapy(), "b")) == 0
    back = Circuit.from_lcapy(lcapy.Circuit(text.split("\n", 1)[1].replace("AC 1", "s 1")))
    assert back.params == c.params and [e.nodes for e in back.elements] == \
        [e.nodes for e in c.elements]


def test_transformer_and_ideal_opamp_both_ways():
    text = """transformer and op-amp
V1 in 0 AC 1
R1 in a 50
La a 0 1m
Lb b 0 4m
K1 La Lb kc
Rb b 0 200
TF1 t 0 b 0 3
Rt t 0 600
R2 t m 1000
R3 m o 10000
O1 o 0 m
"""
    c = parse(text)
    cct = c.to_lcapy(opamp_gain="Ad")  # Lcapy has no nullor: its opamp, gain Ad -> oo
    for node in ("b", "t", "o"):
        ideal = to_symsig_symbols(cct[node].V(lcapy.s).limit("Ad", lcapy.oo).sympy)
        assert equal(transfer(c, node, "V1"), ideal), node
    # Lcapy's text back: its opamp with infinite gain is symsig's ideal op-amp
    hand = lcapy.Circuit(text.split("\n", 1)[1].replace("V1 in 0 AC 1", "V1 in 0 s 1")
                         .replace("1m", "1/1000").replace("4m", "4/1000")
                         .replace("O1 o 0 m", "E1 o 0 opamp 0 m oo"))
    back = Circuit.from_lcapy(hand)
    assert back.element("O1").nodes == ("o", "0", "m")
    for node in ("b", "t", "o"):
        assert equal(transfer(back, node, "V1"), transfer(c, node, "V1").expr)


def test_lcapy_conventions_pinned_one_by_one():
    """I and G run the other way in Lcapy; F senses the V source's current as SPICE does.
    By hand: 1 A into a gives v(a) = 2; 3·v(a) = 6 A into b, which sees 5 || 7 (through the
    0 V source): v(b) = 35/2; the source carries v(b)/7 = 5/2 from b to c, and F drives
    11·5/2 into d: v(d) = 13·55/2 = 715/2."""
    want = [2, sympy.Rational(35, 2), sympy.Rational(715, 2)]
    spice = parse("t\nI1 0 a AC 1\nRa a 0 2\nG1 0 b a 0 3\nRb b 0 5\nVs b c 0\nRc c 0 7\n"
                  "F1 0 d Vs 11\nRd d 0 13\n")
    assert [transfer(spice, n, "I1").expr for n in "abd"] == want
    cct = lcapy.Circuit("I1 a 0 s 1\nRa a 0 2\nG1 b 0 a 0 3\nRb b 0 5\nVs b c s 0\nRc c 0 7\n"
                        "F1 0 d Vs 11\nRd d 0 13\n")
    assert [lcapy_voltage(cct, n) for n in "abd"] == want
    assert [lcapy_voltage(spice.to_lcapy(), n) for n in "abd"] == want


def test_dc_parts_and_awkward_names():
    c = parse("t\nV1 a 0 DC 5 AC 1\nRV1 a b 1k\nrload b 0 1k\nCPE1 b 0 1n\n")
    cct = c.to_lcapy(sources="dc")
    names = list(cct.elements)
    assert names == ["V1", "R_V1", "Rload", "C_PE1"]  # not a potentiometer, damper, CPE
    assert cct["b"].V.dc == sympy.Rational(5, 2)


@pytest.mark.parametrize("text, options, words", [
    ("t\nV1 b 0 AC 1\nQ1 c b 0\nRC c 0 1k\n", {}, "small_signal"),
    ("t\nV1 i 0 AC 1\nR1 i m 1k\nR2 m o 1k\nO1 o 0 m\n", {}, "no ideal op-amp"),
    ("t\nV1 a 0 AC 1\nR1 a 0 j\n", {}, "means something else in Lcapy"),
    ("t\nV1 a 0 AC 1\nR1 a 0 t\n", {}, "means something else in Lcapy"),
    ("t\nI1 0 a AC 1\nL1 a 0 1m\nL2 b 0 1m\nK1 L1 L2 k\nR1 b 0 1\n", {}, "symbol k"),
])
def test_what_lcapy_cannot_take_is_an_error(text, options, words):
    with pytest.raises(NetlistError, match=words):
        parse(text).to_lcapy(**options)


def test_lcapy_parts_symsig_lacks_are_errors():
    with pytest.raises(NetlistError, match="Z1"):
        Circuit.from_lcapy(lcapy.Circuit("V1 1 0 s 1\nZ1 1 0 {1/s}\n"))
    wired = Circuit.from_lcapy(lcapy.Circuit("V1 1 0 s 1\nW 1 2\nR1 2 0 5\nO1 2 3\n"))
    assert [(e.name, e.nodes) for e in wired.elements] == [("V1", ("1", "0")),
                                                            ("R1", ("1", "0"))]
