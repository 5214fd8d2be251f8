"""The netlist language of DESIGN §1: numbers, symbols, expressions, layout rules, round trips."""

import pytest
import sympy

from symsig import Circuit, NetlistError, parse, transfer
from symsig.circuit.values import parse_value
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731


@pytest.mark.parametrize("text, expected", [
    ("4.7k", sympy.Integer(4700)), ("2meg", sympy.Integer(2_000_000)),
    ("10u", sympy.Rational(1, 100_000)), ("1e-3", sympy.Rational(1, 1000)),
    ("3.3nF", sympy.Rational(33, 10**10)), ("1F", sympy.Rational(1, 10**15)),  # SPICE: F = femto
    ("2.5M", sympy.Rational(1, 400)), ("1mil", sympy.Rational(254, 10**7)), ("100", 100),
    ("RC", P("RC")), ("R_E", P("R_E")), ("{beta*RE}", P("beta") * P("RE")),
    ("{RE/2}", P("RE") / 2), ("{2k*gm^2}", 2000 * P("gm") ** 2), ("{-(a+b)}", -P("a") - P("b")),
])
def test_values(text, expected):
    assert parse_value(text) == expected


def test_layout_rules_title_comments_continuations_ground():
    c = parse("""My amplifier
* a comment line
Vs in 0 AC 1 ; trailing comment
R1 in
+ out {R
+ *2}
C1 out GND C
.param R=1k C=1n
.end
R9 this is after .end
""")
    assert c.title == "My amplifier"
    assert [e.name for e in c.elements] == ["Vs", "R1", "C1"]
    assert c.element("r1").value == 2 * P("R") and c.element("C1").nodes == ("out", "0")
    assert c.params == {"R": 1000, "C": sympy.Rational(1, 10**9)}
    assert c.element("R1").line == 4


def test_netlist_may_start_with_an_element():
    c = parse("R1 a 0 R\nV1 a 0 AC 1\n")
    assert c.title == "" and len(c.elements) == 2


def test_source_dc_and_ac_parts():
    c = parse("t\nV1 a 0 DC 5 AC vin\nV2 b 0 12\nI1 0 a AC 1 SIN(0 1 1k)\nR1 a 0 1\nR2 b 0 1\n")
    assert (c.element("V1").value, c.element("V1").ac) == (5, P("vin"))
    assert (c.element("V2").value, c.element("V2").ac) == (12, 0)
    assert c.element("I1").ac == 1


def test_builder_builds_the_same_circuit_as_the_parser():
    text = "t\nVs s 0 AC 1\nRs s b Rs\nRpi b 0 rpi\nG1 c 0 b 0 gm\nRo c 0 ro\n"
    built = (Circuit().V("Vs", "s", "0", ac=1).R("Rs", "s", "b", "Rs").R("Rpi", "b", "0", "rpi")
             .G("G1", "c", "0", "b", "0", "gm").R("Ro", "c", "0", "ro"))
    parsed = parse(text)
    assert [(e.name, e.nodes, e.value, e.ac) for e in built.elements] == \
        [(e.name, e.nodes, e.value, e.ac) for e in parsed.elements]
    gm, ro, rpi, Rs = P("gm"), P("ro"), P("rpi"), P("Rs")
    assert same(transfer(built, "c", "Vs"), -gm * ro * rpi / (rpi + Rs))  # hand formula


def test_netlist_text_round_trip():
    c = parse("t\nVs s 0 AC 1\nRs s b {Rs/2}\nC1 b 0 4.7n\nE1 o 0 b 0 A\nF1 b 0 Vs k\nR2 o 0 1\n")
    again = parse(c.netlist())
    assert [(e.name, e.nodes, e.value, e.ac, e.control) for e in again.elements] == \
        [(e.name, e.nodes, e.value, e.ac, e.control) for e in c.elements]


def test_circuit_queries_and_edits():
    c = parse("t\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 R2\n")
    assert c.nodes() == ["a", "b"]
    assert c.symbols() == {P("R1"), P("R2")}
    R1, R2 = P("R1"), P("R2")
    assert same(transfer(c.replace("R2", value=2 * R1), "b", "V1"), sympy.Rational(2, 3))
    with pytest.raises(NetlistError, match="floating"):
        transfer(c.without("R2").without("R1").R("R3", "x", "y", 1), "a", "V1")
    assert same(transfer(c, "b", "V1"), R2 / (R1 + R2))


def test_adding_to_a_small_signal_circuit_follows_merged_names():
    from symsig import small_signal

    c = parse("t\nVs b 0 AC 1\nQ1 c b e\nRC c 0 RC\nRE e 0 RE\nCE e 0 1u\n")
    ss = small_signal(c).R("Rx", "e", "c", "Rx")  # e is AC ground behind the bypass capacitor
    assert ss.element("Rx").nodes == ("0", "c")


def test_model_parameters_may_be_braced_expressions_with_parentheses():
    """The card's own parentheses are syntax; those inside braces belong to the expression."""
    c = parse("t\nV1 a 0 DC 5\nR1 a k 1k\nD1 k 0 DX\n"
              ".model DX D (N={4/log(4)} IS={1e-14*(1+1)})\n")
    params = {k.upper(): v for k, v in c.models["dx"].params.items()}
    assert params["N"] == 4 / sympy.log(4)
    assert params["IS"] == sympy.Rational(2, 10**14)
    with pytest.raises(NetlistError, match="line 5"):
        parse("t\nV1 a 0 DC 5\nR1 a k 1k\nD1 k 0 DX\n.model DX D (N={4/log(4})\n")
