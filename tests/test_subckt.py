"""Subcircuits: `.subckt` definitions and `X` instances, expanded the SPICE way.

Independent source of each expectation: a hand formula written here (divider and amplifier
gains), the same circuit written flat (the two-stage op-amp of tests/netlists/ngspice), or the
naming rule of ngspice (`X1.R1`, node `x1.n3`).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import sympy

from symsig import parse, transfer
from symsig.circuit.netlist import Circuit
from symsig.devices.ac import small_signal
from symsig.errors import NetlistError
from symsig.forms.latex import latex
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
NETLISTS = Path(__file__).parent / "netlists"

DIVIDER = """divider stages
V1 in 0 AC 1
X1 in mid div
X2 mid out div r=R2
RL out 0 RL
.subckt div a b params: r=1k
R1 a n3 {r}
R2 n3 b {r}
R3 b 0 {2*r}
.ends div
"""


def test_names_are_prefixed_the_spice_way():
    c = parse(DIVIDER)
    names = [e.name for e in c.elements]
    assert names == ["V1", "X1.R1", "X1.R2", "X1.R3", "X2.R1", "X2.R2", "X2.R3", "RL"]
    assert c.element("x1.r1").nodes == ("in", "x1.n3")  # internal node: instance.node
    assert c.element("X1.R2").nodes == ("x1.n3", "mid")  # pins take the instance's nodes
    assert c.element("X2.R3").nodes == ("out", "0")  # ground stays ground
    assert [e.kind for e in c.elements] == list("VRRRRRRR")


def test_parameters_defaults_overrides_and_symbols():
    c = parse(DIVIDER)
    assert c.element("X1.R1").value == 1000  # the default
    assert c.element("X2.R1").value == P("R2")  # a symbol given by the instance
    assert c.element("X2.R3").value == 2 * P("R2")  # an expression of the parameter
    # hand formula: stage 2 is R2 + R2 in series, then (2 R2 || RL) to ground; stage 1 sees
    # that load on its 2k shunt
    R2, RL = P("R2"), P("RL")
    load2 = 2 * R2 * RL / (2 * R2 + RL)
    gain2 = load2 / (2 * R2 + load2)
    shunt1 = 2000 * (2 * R2 + load2) / (2000 + 2 * R2 + load2)
    gain1 = shunt1 / (2000 + shunt1)
    assert same(transfer(c, "out", "V1"), gain1 * gain2)


def test_parameters_name_each_other_and_read_the_callers_scope():
    text = """params
V1 a 0 AC 1
X1 a 0 s b={a}
.subckt s p q params: a=2 b={3*a} c={a+b}
R1 p q {c}
.ends
"""
    # the instance's b={a} is read where the instance is written: a is the global symbol a,
    # not the subcircuit's a=2 (as SPICE reads it); c = a + b then uses the subcircuit's a
    c = parse(text)
    assert c.element("X1.R1").value == 2 + P("a")


def test_parameter_names_match_case_insensitively_as_in_spice():
    c = parse("t\nV1 a 0 AC 1\nX1 a 0 s RVAL=5k\n.subckt s p q params: rval=1k\n"
              "R1 p q {RVal*2}\n.ends\n")
    assert c.element("X1.R1").value == 10000


def test_local_param_and_nested_instances():
    text = """nested
V1 in 0 AC 1
X1 in out outer g=4
RL out 0 1k
.subckt outer i o params: g=1
.param twice={2*g}
X2 i o inner k={twice}
.ends
.subckt inner i o params: k=1
E1 o 0 i 0 {k}
.ends
"""
    c = parse(text)
    e = c.element("X1.X2.E1")
    assert e.value == 8 and e.nodes == ("out", "0", "in", "0")
    assert same(transfer(c, "out", "V1"), 8)


def test_nested_definitions_are_local():
    text = """local definitions
V1 in 0 AC 1
X1 in out amp
RL out 0 1k
.subckt amp i o
.subckt gain2 a b
E1 b 0 a 0 2
.ends gain2
X1 i m gain2
X2 m o gain2
.ends amp
"""
    c = parse(text)
    assert [e.name for e in c.elements if e.kind == "E"] == ["X1.X1.E1", "X1.X2.E1"]
    assert c.element("X1.X1.E1").nodes == ("x1.m", "0", "in", "0")
    assert same(transfer(c, "out", "V1"), 4)
    with pytest.raises(NetlistError, match="no subcircuit named 'gain2'"):
        parse(text.replace("X1 in out amp", "X1 in out gain2"))


def test_device_symbols_carry_the_instance_path():
    text = """two stages
Vs in 0 AC 1
X1 in mid stage
X2 mid out stage
.subckt stage i o
M1 o i 0 nmos
RD o 0 RD
.ends
"""
    c = parse(text)
    m = c.element("X1.M1")
    assert m.kind == "M" and m.suffix == "1_X1" and c.element("X2.M1").suffix == "1_X2"
    gain = transfer(c, "out", "Vs")
    gm1, gm2, ro1, ro2, RD = (P(n) for n in ("gm1_X1", "gm1_X2", "ro1_X1", "ro1_X2", "RD"))
    # hand formula: two common-source stages, each -gm (RD || ro)
    assert same(gain, gm1 * gm2 * (RD * ro1 / (RD + ro1)) * (RD * ro2 / (RD + ro2)))
    assert latex(P("gm1_X1")) == r"g_{m1,\mathrm{X1}}"
    assert latex(P("rpi2_X1_X3")) == r"r_{\pi 2,\mathrm{X1.X3}}"
    assert latex(P("gm_Xa")) == r"g_{m,\mathrm{Xa}}"


def test_match_inside_a_definition_matches_within_each_instance():
    text = """matched pairs
V1 a 0 AC 1
X1 a o1 pair
X2 a o2 pair
.subckt pair i o
Q1 o i 0
Q2 o i 0
RC o 0 RC
.match Q1 Q2
.ends
"""
    c = parse(text)
    assert c.symbol_suffix(c.element("X1.Q2")) == "1_X1"
    assert c.symbol_suffix(c.element("X2.Q2")) == "1_X2"
    gain = transfer(c, "o1", "V1")
    assert {str(g) for g in gain.generators} == {"gm1_X1", "ro1_X1", "RC"}


def test_local_models_are_copied_per_instance_with_parameters_put_in():
    text = """local models
Vs in 0 AC 1
X1 in o1 stage b=50
X2 in o2 stage
.subckt stage i o params: b=100
Q1 o i 0 QN
RC o 0 1k
.model QN npn (BF={b} VAF=50)
.ends
"""
    c = parse(text)
    assert c.element("X1.Q1").model == "X1.QN" and c.element("X2.Q1").model == "X2.QN"
    assert c.model_of(c.element("X1.Q1")).params["beta"] == 50
    assert c.model_of(c.element("X2.Q1")).params["beta"] == 100


def test_global_nodes_are_not_prefixed():
    c = parse("t\nV1 vdd 0 AC 1\nX1 o s\nRL o 0 1k\n.global vdd\n.subckt s out\n"
              "R1 vdd out 1k\n.ends\n")
    assert c.element("X1.R1").nodes == ("vdd", "o")
    assert same(transfer(c, "o", "V1"), sympy.Rational(1, 2))


def test_netlist_text_of_a_flattened_circuit_reads_back():
    c = parse(DIVIDER)
    again = parse(c.netlist())
    assert [(e.name, e.nodes, e.value) for e in again.elements] == \
        [(e.name, e.nodes, e.value) for e in c.elements]


def test_instance_line_first_in_the_file_is_not_a_title():
    c = parse("X1 in 0 div\nV1 in 0 AC 1\n.subckt div a b\nR1 a b 1k\n.ends\n")
    assert c.title == "" and [e.name for e in c.elements] == ["X1.R1", "V1"]


@pytest.mark.parametrize("text, line, words", [
    ("t\nV1 a 0 AC 1\nX1 a 0 nowhere\n", 3, "no subcircuit named 'nowhere'"),
    ("t\nV1 a 0 AC 1\nX1 a s\n.subckt s p q\nR1 p q 1\n.ends\n", 3, "2 pins"),
    ("t\nV1 a 0 AC 1\nX1 a 0 s foo=1\n.subckt s p q\nR1 p q 1\n.ends\n", 3, "no parameter 'foo'"),
    ("t\nV1 a 0 AC 1\nX1 a 0 s\n.subckt s p q\nR1 p q 1\n", 4, "no .ends"),
    ("t\nV1 a 0 AC 1\n.ends\n", 3, ".ends without"),
    ("t\nV1 a 0 AC 1\n.subckt s p q\nR1 p q 1\n.ends t\n", 5, "open subcircuit is s"),
    ("t\nV1 a 0 AC 1\n.subckt s p q\n.ends\n.subckt S p\n.ends\n", 5, "duplicate .subckt"),
    ("t\nV1 a 0 AC 1\n.subckt s p p\n.ends\n", 3, "named twice"),
    ("t\nV1 a 0 AC 1\n.subckt s p 0\n.ends\n", 3, "ground"),
    ("t\nV1 a 0 AC 1\nX1 a 0 s\nX1 a 0 s\n.subckt s p q\nR1 p q 1\n.ends\n", 4,
     "duplicate instance"),
    ("t\nV1 a 0 AC 1\nX1 a 0 s\n.subckt s p q\nX2 p q t\n.ends\n.subckt t p q\nX3 p q s\n"
     ".ends\n", 8, r"contains itself \(s -> t -> s\)"),
    ("t\nV1 a 0 AC 1\nX1 a 0 s\n.subckt s p q params: a={b} b={a}\nR1 p q 1\n.ends\n", 4,
     "cycle"),
])
def test_errors_name_the_line(text, line, words):
    with pytest.raises(NetlistError, match=words) as info:
        parse(text)
    assert info.value.line == line


def test_an_error_inside_a_definition_names_the_instance_and_the_line_inside():
    text = "t\nV1 a 0 AC 1\nR0 a 0 1\nX7 a 0 s g=1\n.subckt s p q params: g=2\n" \
           "R1 p q {1/(g-1)}\n.ends\n"
    with pytest.raises(NetlistError) as info:
        parse(text)
    assert info.value.line == 6  # the line inside the definition
    assert "X7 (an instance of s, line 4)" in str(info.value)
    with pytest.raises(NetlistError, match=r"line 6: X7.R1: a zero-valued resistor"):
        parse(text.replace("{1/(g-1)}", "{g-1}"))  # found after expansion: named X7.R1


def test_a_subcircuit_bomb_stops_at_once():
    lines = ["bomb", "V1 a 0 AC 1", "R1 a 0 1k", "X1 a 0 s0"]
    for i in range(15):  # 10^15 resistors if expanded
        lines += [f".subckt s{i} p q"] + [f"X{j} p q s{i + 1}" for j in range(10)] + [".ends"]
    lines += [".subckt s15 p q", "R1 p q 1k", ".ends"]
    start = time.perf_counter()
    with pytest.raises(NetlistError, match="more than 200,000 elements") as info:
        parse("\n".join(lines))
    assert time.perf_counter() - start < 1.0
    assert info.value.line == 4


def test_nesting_depth_is_bounded():
    lines = ["deep", "V1 a 0 AC 1", "X0 a 0 s0"]
    for i in range(40):
        lines += [f".subckt s{i} p q", f"X1 p q s{i + 1}", ".ends"]
    lines += [".subckt s40 p q", "R1 p q 1k", ".ends"]
    with pytest.raises(NetlistError, match="nest more than 32 deep"):
        parse("\n".join(lines))


def test_builder_and_subcircuit_names_agree():
    built = Circuit().V("V1", "in", "0", ac=1).R("RL", "in", "0", 5)
    assert built.element("RL").suffix == "L"


def _flat_names(name: str) -> str:
    """gm1_X1 -> gm1: the hierarchical op-amp's symbols under the flat op-amp's names."""
    return re.sub(r"^([A-Za-z]+\d+)_X\d+$", r"\1", name)


def test_two_stage_opamp_from_included_stages_equals_the_flat_netlist():
    """Acceptance: the op-amp written with `.subckt` stages, its stages and models read with
    `.include` and `.lib`, has exactly the transfer function of the same op-amp written flat
    (every small-signal parameter symbolic)."""
    folder = NETLISTS / "ngspice"
    hier = parse((folder / "two_stage.cir").read_text(), directory=folder)
    flat = parse((folder / "two_stage_flat.cir").read_text(), directory=folder)
    assert [e.name for e in hier.elements if e.kind == "M"] == \
        ["M8", "X1.M1", "X1.M2", "X1.M3", "X1.M4", "X1.M5", "X2.M6", "X2.M7"]
    assert hier.model_of(hier.element("X2.M6")).params["vth"] == sympy.Rational(-7, 10)
    a = transfer(small_signal(hier, capacitors="keep"), "out", "Vin")
    b = transfer(small_signal(flat, capacitors="keep"), "out", "Vin")
    a = a.substitute({"Cc": sympy.Rational(2, 10**12), "Rz": 3000})  # the .param values
    rename = {P(str(g)): P(_flat_names(str(g))) for g in a.generators if str(g) != "s"}
    assert {str(v) for v in rename.values()} == {str(g) for g in b.generators} - {"s"}
    assert sympy.cancel(a.expr.xreplace(rename) - b.expr) == 0
    assert a.terms == b.terms


# -- bias numbers of devices inside instances ---------------------------------------------------

@pytest.mark.parametrize("bias", ["exponential", "constant-vbe"])
def test_bias_names_of_the_two_stage_opamp_through_analyze(capsys, monkeypatch, bias):
    """`symsig analyze --json` on the op-amp of included stages: X1.M1's numbers are ID1_X1,
    VGS1_X1, Vov1_X1 (no name keeps a dot), and they obey hand relations: the tail current
    splits between the pair (KCL: I_D5 = I_D1 + I_D2), M6 and M7 carry one current (series),
    V_ov = V_GS − V_TO (γ = 0 in the tt corner, V_TO = 0.7 V) and level 1's g_m = 2 I_D/V_ov."""
    from symsig.cli import main

    monkeypatch.chdir(NETLISTS / "ngspice")
    assert main(["analyze", "two_stage.cir", "--source", "Vin", "--output", "out", "--bias",
                 bias, "--caps", "keep", "--json"]) == 0
    values = json.loads(capsys.readouterr().out)["values"]
    assert not [k for k in values if "." in k]
    v = {k: float(x) for k, x in values.items() if k[:2] in ("ID", "VG", "VS", "Vo", "gm")}
    assert v["ID5_X1"] == pytest.approx(v["ID1_X1"] + v["ID2_X1"], rel=1e-9, abs=0)
    assert v["ID6_X2"] == pytest.approx(v["ID7_X2"], rel=1e-9, abs=0)
    for m in ("1_X1", "2_X1", "5_X1", "7_X2"):
        assert v["Vov" + m] == pytest.approx(v["VGS" + m] - 0.7, rel=1e-9, abs=0)
        assert v["gm" + m] == pytest.approx(2 * v["ID" + m] / v["Vov" + m], rel=1e-6, abs=0)
    assert v["Vov6_X2"] == pytest.approx(v["VSG6_X2"] - 0.7, rel=1e-9, abs=0)


def test_users_bias_of_a_device_in_an_instance_wins():
    """`--subs ID1_X1=10u,Vov1_X1=0.2` (given as X1.M1's own names): its g_m and r_o come from
    those by the relations, g_m = 2 I_D/V_ov = 100 µS and r_o = 1/(λ I_D) = 2.5 MΩ (λ = 0.04),
    not from the Q-point; its partner X1.M2 keeps the Q-point's."""
    from symsig.bias import numbers_at_the_end, operating_point

    folder = NETLISTS / "ngspice"
    circuit = parse((folder / "two_stage.cir").read_text(), directory=folder)
    values = numbers_at_the_end(circuit, {"ID1_X1": "10u", "Vov1_X1": "0.2"},
                                method="exponential").values
    assert float(values["gm1_X1"]) == pytest.approx(2 * 10e-6 / 0.2, rel=1e-12, abs=0)
    assert float(values["ro1_X1"]) == pytest.approx(1 / (0.04 * 10e-6), rel=1e-12, abs=0)
    op = operating_point(circuit, "exponential").values()
    assert float(values["gm2_X1"]) == pytest.approx(op["gm2_X1"], rel=1e-12, abs=0)
    assert op["gm1_X1"] != pytest.approx(1e-4, rel=0.05, abs=0)  # the Q-point's own differs
