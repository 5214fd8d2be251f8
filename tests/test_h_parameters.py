"""The h-parameter BJT model (`--model h`): the two-port the seed material starts from.

Every expectation is written by hand: the textbook h-parameter amplifier results (A_i, Z_in,
A_v, Z_out), the common-base and common-collector sets obtained by solving the hand-written
common-emitter h equations with SymPy, the seed's numbers (g_m at I_CQ = 2 mA, its r_π table),
and a CE stage's gain from its Q-point by the hand formula. symsig's side goes through its
netlist, MNA stamps, solver and two-port layer.
"""

import json

import pytest
import sympy

from symsig import amplifier, current, parse, rin, rout, transfer
from symsig.analysis.twoport import two_port
from symsig.bias import numbers_at_the_end
from symsig.cli import main
from symsig.devices import Options, h_parameter_values, h_relations
from symsig.devices.ac import small_signal
from symsig.errors import NetlistError, SymsigError
from symsig.forms.latex import latex
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
hie, hre, hfe, hoe = map(P, "hie1 hre1 hfe1 hoe1".split())
RL, Rs, RE, RC = map(P, "RL Rs RE RC".split())
rpi1, beta1, ro1, gm1, rx1 = map(P, "rpi1 beta1 ro1 gm1 rx1".split())

H = Options.build("h")
H_BARE = Options.build("h", exclude=["hre", "hoe"])


def ss(text: str, options: Options = H):
    return small_signal(parse(text), options)


# --- the model: its elements and names -------------------------------------------------------

def test_options_build_h_and_its_parts():
    assert H.model == "h" and H.hre and H.hoe
    assert Options.build("H", exclude=["hre"]) == Options(model="h", hre=False)
    assert not H_BARE.hre and not H_BARE.hoe
    with pytest.raises(NetlistError, match="hre is a part of the h-parameter model"):
        Options.build("hybrid-pi", exclude=["hre"])
    with pytest.raises(NetlistError, match="hoe is a part of the h-parameter model"):
        Options.build("T", include=["hoe"])
    with pytest.raises(NetlistError, match=r"h_ie already holds the base resistance"):
        Options.build("h", include=["rx"])
    with pytest.raises(NetlistError, match="unknown device model 'hh'"):
        Options.build("hh")


def test_symbols_follow_the_naming_rule():
    elements = ss("one npn\nQ1 c b e\nRE e 0 RE\n").elements
    symbols = {str(x) for e in elements for x in (e.value.free_symbols if e.value else ())}
    assert symbols == {"hie1", "hre1", "hfe1", "hoe1", "RE"}
    plain = ss("the textbook's single transistor\nQ c b 0\n").elements
    assert {str(x) for e in plain for x in (e.value.free_symbols if e.value else ())} == \
        {"hie", "hre", "hfe", "hoe"}
    # Each part is named in messages by its device, as the other models' parts are.
    assert {e.origin for e in elements if e.origin} == {
        "Q1's base-current sense", "Q1's h_ie", "Q1's h_re*v_ce source",
        "Q1's h_fe*i_b source", "Q1's 1/h_oe"}
    assert [latex(x) for x in (hie, hre, hfe, hoe)] == ["h_{ie1}", "h_{re1}", "h_{fe1}",
                                                        "h_{oe1}"]
    assert latex(hfe / hoe) == r"\frac{h_{fe1}}{h_{oe1}}"
    assert latex(P("hfe")) == "h_{fe}"


def test_dropping_hre_and_hoe_leaves_the_seed_model():
    kinds = sorted(e.kind for e in ss("npn\nQ1 c b 0\n", H_BARE).elements)
    assert kinds == ["F", "R", "V"]  # h_ie, h_fe·i_b and the i_b sense
    # --exclude ro drops h_oe too: it is the same output conductance.
    no_ro = ss("npn\nQ1 c b 0\n", Options.build("h", exclude=["ro"])).elements
    assert not any("hoe1" in str(e.value) for e in no_ro)


def test_caps_are_refused_for_a_bjt_in_the_h_model():
    with pytest.raises(NetlistError, match="line 2: Q1: the h-parameter model is a "
                                           "low-frequency two-port with no capacitances"):
        ss("npn\nQ1 c b 0\n", Options.build("h", include=["caps"]))
    # A MOSFET keeps its capacitances under --model h (it has no h model of its own).
    mos = ss("nmos\nM1 d g 0\n", Options.build("h", include=["caps"]))
    assert sorted(e.kind for e in mos.elements) == ["C", "C", "C", "G", "R"]


def test_matched_devices_share_the_h_symbols():
    text = ("matched pair, h model\nVs b1 0 AC 1\nQ1 c1 b1 e\nQ2 c2 0 e\nIEE e 0 0\n"
            "RC1 c1 0 RC\nRC2 c2 0 RC\n.match Q1 Q2\n")
    circuit = ss(text)
    symbols = {str(x) for e in circuit.elements for x in (e.value.free_symbols if e.value
                                                             else ())}
    assert symbols == {"hie1", "hre1", "hfe1", "hoe1", "RC"}
    # With h_re = h_oe = 0 the half circuit gives the textbook -h_fe R_C/(2 h_ie) at c2's
    # opposite side: v(c1)/v(b1) = -h_fe R_C/(2 h_ie) (each base sees h_ie, i_b = v/(2 h_ie)).
    bare = small_signal(parse(text), H_BARE)
    assert same(transfer(bare, "c1", "Vs").expr, -hfe * RC / (2 * hie))


# --- the two-port layer: the h set of an --model h device is its own four symbols -------------

def test_two_port_h_set_is_the_model_itself():
    h = two_port(ss("npn\nQ1 c b 0\n"), "b,0", "c,0", "h").h
    assert h == sympy.Matrix([[hie, hre], [hfe, hoe]])


def test_twoport_command_gives_the_four_symbols(tmp_path, capsys):
    net = tmp_path / "q.cir"
    net.write_text("bare BJT\nQ1 c b 0\n")
    assert main(["twoport", str(net), "--port1", "b,0", "--port2", "c,0", "--params", "h",
                 "--model", "h", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["params"]["h"] == {"h11": "hie1", "h12": "hre1", "h21": "hfe1", "h22": "hoe1"}
    assert out["latex"]["h"]["h21"] == "h_{fe1}"


# --- the classic h-parameter amplifier results ------------------------------------------------
# The textbook (Millman & Halkias; Boylestad) CE stage with load R_L and source resistance R_s:
#   A_i = h_fe/(1 + h_oe R_L)               (A_i = I_c/I_b, both into the transistor)
#   Z_in = h_ie - h_fe h_re R_L/(1 + h_oe R_L)
#   A_v = -h_fe R_L/(h_ie + Δh R_L),  Δh = h_ie h_oe - h_fe h_re
#   Z_out = 1/(h_oe - h_fe h_re/(h_ie + R_s))
DH = hie * hoe - hfe * hre
A_I = hfe / (1 + hoe * RL)
Z_IN = hie - hfe * hre * RL / (1 + hoe * RL)
A_V = -hfe * RL / (hie + DH * RL)
Z_OUT = 1 / (hoe - hfe * hre / (hie + Rs))


def test_current_gain():
    # I_b injected at the base; the collector current is read through a 0 V ammeter.
    c = ss("CE current gain\nIb 0 b AC 1\nQ1 cq b 0\nVc cl cq 0\nRL cl 0 RL\n")
    assert same(current(c, "Vc").expr, A_I)


def test_input_impedance_voltage_gain_and_output_impedance():
    c = ss("CE stage\nVs s 0 AC 1\nRs s b Rs\nQ1 c b 0\nRL c 0 RL\n")
    a = amplifier(c, "Vs", "c", input_node="b", load="RL")
    assert same(a.rin, Z_IN)
    assert same(a.rout, Z_OUT)
    # A_v is v(c)/v(b); with R_s in front, v(c)/v_s = A_v Z_in/(Z_in + R_s).
    assert same(a.gain, A_V * Z_IN / (Z_IN + Rs))
    driven = ss("CE driven at its base\nVb b 0 AC 1\nQ1 c b 0\nRL c 0 RL\n")
    assert same(transfer(driven, "c", "Vb"), A_V)


def test_the_results_agree_with_the_terminated_two_port():
    net = two_port(ss("npn\nQ1 c b 0\n"), "b,0", "c,0", "h")
    term = net.terminated(zs=Rs, zl=RL)
    assert same(term.zin, Z_IN)
    assert same(term.zout, Z_OUT)
    assert same(term.av, A_V)
    # symsig's Terminated.ai is the load current -I2 over I1: the textbook's I2/I1, negated.
    assert same(term.ai, -A_I)


def test_analyze_prints_the_textbook_shapes(tmp_path, capsys):
    net = tmp_path / "ce.cir"
    net.write_text("CE stage in h-parameters\nVs s 0 AC 1\nRs s b Rs\nQ c b 0\nRL c 0 RL\n")
    assert main(["analyze", str(net), "--source", "Vs", "--output", "c", "--input-node", "b",
                 "--load", "RL", "--model", "h"]) == 0
    text = capsys.readouterr().out
    assert "R_in at b (Vs removed) = -hfe*hre*(RL || 1/hoe) + hie" in text
    assert main(["analyze", str(net), "--source", "Vs", "--output", "c", "--input-node", "b",
                 "--load", "RL", "--model", "h", "--exclude", "hre,hoe"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[:3] == ["gain v(c)/Vs = -RL*hfe/(Rs + hie)",
                        "R_in at b (Vs removed) = hie",
                        "R_out at v(c) (RL removed) = oo (infinite)"]
    assert main(["analyze", str(net), "--source", "Vs", "--output", "c", "--load", "RL",
                 "--model", "h", "--latex"]) == 0
    assert r"h_{fe}" in capsys.readouterr().out


# --- the seed's step: h_re = h_oe = 0 is the hybrid-π model with β·i_b ------------------------

STAGES = [
    # (netlist, output, input node, load): CE with R_E, CB, CC, a cascode
    ("CE with RE\nVs s 0 AC 1\nRs s b Rs\nQ1 c b e\nRE e 0 RE\nRC c 0 RC\nRL c 0 RL\n",
     "c", "b", "RL"),
    ("CB\nVs s 0 AC 1\nRs s e Rs\nRE e 0 RE\nQ1 c 0 e\nRC c 0 RC\n", "c", "e", "RC"),
    ("CC\nVs s 0 AC 1\nRs s b Rs\nQ1 0 b e\nRE e 0 RE\nRL e 0 RL\n", "e", "b", "RL"),
    ("cascode\nVs s 0 AC 1\nRs s b Rs\nQ1 x b 0\nQ2 c 0 x\nRC c 0 RC\n", "c", "b", "RC"),
]


def equal(a, b) -> bool:
    """Exactly equal, infinite results (R_out of a current output without r_o) included."""
    return a == b if sympy.oo in (a, b) else same(a, b)


def _results(text, output, node, load, options):
    c = small_signal(parse(text), options)
    return [transfer(c, output, "Vs").expr, rin(c, "Vs", node).expr, rout(c, output, load).expr]


@pytest.mark.parametrize("stage", STAGES, ids=[s[0].split("\n")[0] for s in STAGES])
def test_h_without_hre_hoe_is_hybrid_pi_beta(stage):
    devices = parse(stage[0]).devices()
    seed = {}  # the seed's r_π = h_ie, β = h_fe, per device
    for d in devices:
        k = d.name[1:]
        seed.update({P("hie" + k): P("rpi" + k), P("hfe" + k): P("beta" + k)})
    h = _results(*stage, H_BARE)
    beta_model = _results(*stage, Options.build("hybrid-pi-beta", exclude=["ro"]))
    for a, b in zip(h, beta_model, strict=True):
        assert equal(a.xreplace(seed), b), (stage[0], a, b)


@pytest.mark.parametrize("stage", STAGES, ids=[s[0].split("\n")[0] for s in STAGES])
def test_h_with_hoe_is_hybrid_pi_beta_with_ro(stage):
    # h_re = 0 (no r_μ), h_oe = 1/r_o: the relations `h_relations` states.
    devices = parse(stage[0]).devices()
    rel = {}
    for d in devices:
        rel.update(h_relations(d))
    h = _results(*stage, H)
    beta_model = _results(*stage, Options.build("hybrid-pi-beta"))
    for a, b in zip(h, beta_model, strict=True):
        assert equal(a.xreplace(rel), b), (stage[0], a, b)


def test_h_relations_are_the_hybrid_pi_two_port():
    # The relations kept beside the model are exactly the h set the two-port layer measures
    # on symsig's hybrid-π (with r_x at the base, h_ie = r_x + r_π).
    q = parse("npn\nQ1 c b 0\n")
    got = two_port(small_signal(q, Options.build(include=["rx"])), "b,0", "c,0", "h").h
    rel = h_relations(q.devices()[0], rx=True)
    assert same(got[0, 0], rel[hie]) and same(got[0, 0], rx1 + rpi1)
    assert got[0, 1] == rel[hre] == 0
    assert same(got[1, 0], gm1 * rpi1) and rel[hfe] == beta1
    assert same(got[1, 1], rel[hoe]) and same(rel[hoe], 1 / ro1)


# --- common base and common collector from the common-emitter h set ----------------------------

def _solve_ports(equations, v1, i2):
    sol = sympy.solve(equations, [v1, i2], dict=True)[0]
    return sol[v1], sol[i2]


def test_common_base_h_parameters():
    # Hand: the CE equations v_be = h_ie i_b + h_re v_ce, i_c = h_fe i_b + h_oe v_ce, with the
    # CB ports (e, b) and (c, b): v1 = v_eb, i1 = i_e (into the emitter), v2 = v_cb, i2 = i_c;
    # so i_b = -(i1 + i2), v_be = -v1, v_ce = v2 - v1. Solved for v1 and i2 by SymPy.
    v1, i1, v2, i2 = sympy.symbols("v1 i1 v2 i2")
    ib = -(i1 + i2)
    eqs = [-v1 - (hie * ib + hre * (v2 - v1)), i2 - (hfe * ib + hoe * (v2 - v1))]
    V1, I2 = _solve_ports(eqs, v1, i2)
    hand = sympy.Matrix([[V1.diff(i1), V1.diff(v2)], [I2.diff(i1), I2.diff(v2)]])
    # The closed form of the conversion table (Millman & Halkias, exact):
    D = (1 + hfe) * (1 - hre) + hie * hoe
    table = sympy.Matrix([[hie / D, (hie * hoe - hre * (1 + hfe)) / D],
                          [-(hfe * (1 - hre) + hie * hoe) / D, hoe / D]])
    got = two_port(ss("common base\nQ1 c 0 e\n"), "e,0", "c,0", "h").h
    for a, b, c in zip(got, hand, table, strict=True):
        assert same(a, b) and same(a, c)
    # The usual approximations (h_re << 1, h_ie h_oe << 1 + h_fe): each exact entry over the
    # table's approximation tends to 1 as h_re, h_oe -> 0.
    approx = [hie / (1 + hfe), hie * hoe / (1 + hfe) - hre, -hfe / (1 + hfe), hoe / (1 + hfe)]
    eps = sympy.Symbol("eps", positive=True)
    small = {hre: eps * hre, hoe: eps * hoe}
    for exact, rough in zip(got, approx, strict=True):
        ratio = sympy.cancel((exact / rough).xreplace(small))
        assert sympy.limit(ratio, eps, 0) == 1, (exact, rough)


def test_common_collector_h_parameters():
    # Hand: CC ports (b, c) and (e, c): v1 = v_bc, i1 = i_b, v2 = v_ec, i2 = i_e; so
    # v_be = v1 - v2, v_ce = -v2, i_c = -(i1 + i2).
    v1, i1, v2, i2 = sympy.symbols("v1 i1 v2 i2")
    eqs = [(v1 - v2) - (hie * i1 + hre * (-v2)), -(i1 + i2) - (hfe * i1 + hoe * (-v2))]
    V1, I2 = _solve_ports(eqs, v1, i2)
    hand = sympy.Matrix([[V1.diff(i1), V1.diff(v2)], [I2.diff(i1), I2.diff(v2)]])
    # The table: h_ic = h_ie, h_rc = 1 - h_re (≈ 1), h_fc = -(1 + h_fe), h_oc = h_oe.
    table = sympy.Matrix([[hie, 1 - hre], [-(1 + hfe), hoe]])
    got = two_port(ss("common collector\nQ1 0 b e\n"), "b,0", "e,0", "h").h
    for a, b, c in zip(got, hand, table, strict=True):
        assert same(a, b) and same(a, c)


# --- numbers: the relations at the Q-point ---------------------------------------------------

CE_NUMBERS = """CE stage, base-resistor bias: I_B = (12 - 0.7)/1.13meg = 10 uA, I_C = 1 mA
VCC vcc 0 12
Vs s 0 AC 1
Rs s x 1k
C1 x b 10u
RB vcc b 1.13meg
Q1 c b 0 QN
RC vcc c 4.7k
C2 c out 10u
RL out 0 10k
.model QN npn (BF=100 VAF=100)
.param VT=0.026
"""


def _hand_ce_gain() -> float:
    # I_C = β (V_CC - V_BE)/R_B = 1 mA; g_m = I_C/V_T; r_π = β/g_m; r_o = V_A/I_C;
    # A = -g_m (R_C ∥ R_L ∥ r_o) (R_B ∥ r_π)/(R_s + R_B ∥ r_π).
    ic = 100 * (12 - 0.7) / 1.13e6
    gm, rpi, ro = ic / 0.026, 100 * 0.026 / ic, 100 / ic
    rload = 1 / (1 / 4.7e3 + 1 / 10e3 + 1 / ro)
    rbase = 1 / (1 / 1.13e6 + 1 / rpi)
    return -gm * rload * rbase / (1e3 + rbase)


def test_h_numbers_from_the_q_point_give_the_hybrid_pi_gain():
    c = parse(CE_NUMBERS)
    h_gain = transfer(small_signal(c, H), "out", "Vs")
    hybrid = transfer(small_signal(c), "out", "Vs")
    values = numbers_at_the_end(c, need={"gm1", "rpi1", "ro1", "beta1"}).values
    values.update(h_parameter_values(values, "1"))
    assert {k: float(values[k]) for k in ("hie1", "hre1", "hfe1", "hoe1")} == \
        pytest.approx({"hie1": 2600, "hre1": 0, "hfe1": 100, "hoe1": 1e-5}, rel=1e-12)
    expected = _hand_ce_gain()
    assert h_gain.evaluate(values) == pytest.approx(expected, rel=1e-9)
    assert hybrid.evaluate(values) == pytest.approx(expected, rel=1e-9)


def test_h_parameter_values_rules():
    vals = {"rpi1": sympy.Integer(2600), "gm1": sympy.Rational(1, 26), "ro1": sympy.oo,
            "rx1": sympy.Integer(100)}
    got = h_parameter_values(vals, "1")
    # h_ie counts r_x; β from g_m r_π when no β is given; r_o = ∞ is h_oe = 0; h_re = 0.
    assert got == {"hie1": 2700, "hre1": 0, "hfe1": 100, "hoe1": 0}
    assert h_parameter_values({**vals, "hfe1": sympy.Integer(150)}, "1").get("hfe1") is None
    assert h_parameter_values({"VT": sympy.Float(0.026)}, "1") == {}


CE_SPICE = """CE stage with a base resistance on the card (RB: h_ie = r_x + r_pi)
VCC vcc 0 DC 12
Vs sig 0 DC 0 AC 1
Rs sig in 1k
Cin in b 1000u
R1 vcc b 47k
R2 b 0 10k
RC vcc c 4.7k
RE e 0 1k
CE e 0 1000u
Cout c out 1000u
RL out 0 10k
Q1 c b e QN
.model QN npn (BF=100 VAF=100 IS=1e-15 RB=200)
.end
"""


@pytest.mark.ngspice
def test_h_numbers_at_ngspice_q_point_give_ngspice_gain(ngspice):
    # Independent reference: ngspice's own .ac gain at 1 MHz (mid-band: coupling capacitors
    # shorts, no device capacitances on the card). symsig: the h model's gain with the
    # h-parameters from ngspice's operating point by h_parameter_values (r_x counted).
    from symsig.bias.ngspice import operating_point
    from tests.ngspice import ngspice_ac

    op = {k: sympy.Float(v, 17) for k, v in operating_point(CE_SPICE).items()}
    assert "rx1" in op
    values = {**op, **h_parameter_values(op, "1")}
    gain = transfer(small_signal(parse(CE_SPICE), H), "out", "Vs")
    reference = ngspice_ac(CE_SPICE, 1e6, "v(out)")
    assert abs(reference) > 10
    assert abs(complex(gain.evaluate(values)) - reference) / abs(reference) < 1e-5


def test_analyze_model_h_gives_the_hybrid_pi_number(tmp_path, capsys):
    net = tmp_path / "ce.cir"
    net.write_text(CE_NUMBERS)
    common = ["analyze", str(net), "--source", "Vs", "--output", "out", "--input-node", "b",
              "--load", "RL", "--json"]
    expected = _hand_ce_gain()
    for model in ("h", "hybrid-pi"):
        assert main([*common, "--model", model]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["numeric"]["gain"] == pytest.approx(expected, rel=1e-9), model
    # A user's own h-parameters win over the Q-point's.
    assert main([*common, "--model", "h", "--subs", "hfe1=50,hoe1=0,hre1=0"]) == 0
    out = json.loads(capsys.readouterr().out)
    rbase = 1 / (1 / 1.13e6 + 1 / 2600)
    assert out["numeric"]["gain"] == pytest.approx(
        -50 / 2600 * (1 / (1 / 4.7e3 + 1 / 10e3)) * rbase / (1e3 + rbase), rel=1e-9)


# --- op: the h-parameters at the Q-point, and the seed's numbers -----------------------------

def _op_h(tmp_path, capsys, ic: str, beta: int, vt: str = "0.026") -> dict:
    """A BJT biased by a base current source at I_C = ic (I_B = I_C/β), through `symsig op`."""
    net = tmp_path / "q.cir"
    net.write_text(f"one npn\nVCC c 0 10\nIB 0 b {{{ic}/{beta}}}\nQ1 c b 0 QN\n"
                   f".model QN npn (BF={beta} VAF=100)\n.param VT={vt}\n")
    assert main(["op", str(net), "--model", "h", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["devices"]["Q1"]


@pytest.mark.parametrize(("ic", "beta", "rpi"), [
    # The seed's table: r_π = β V_T/I_CQ with V_T = 26 mV.
    ("1m", 100, 2600), ("1m", 200, 5200), ("5m", 100, 520), ("10m", 100, 260)])
def test_op_prints_the_seed_r_pi_table_as_h_ie(tmp_path, capsys, ic, beta, rpi):
    q = _op_h(tmp_path, capsys, ic, beta)
    assert q["h_parameters"] == {"hie1": "rpi1", "hre1": "0", "hfe1": "beta1",
                                 "hoe1": "1/ro1"}
    assert float(q["numeric"]["hie1"]) == pytest.approx(rpi, rel=1e-12)
    assert float(q["numeric"]["hfe1"]) == beta
    assert float(q["numeric"]["hre1"]) == 0


def test_op_seed_gm_at_2_ma(tmp_path, capsys):
    # The seed: I_CQ = 2 mA gives g_m = 2 mA/26 mV = 76.9 mA/V ≈ 77 mA/V; h_oe = I_C/V_A.
    q = _op_h(tmp_path, capsys, "2m", 100)
    assert float(q["numeric"]["gm1"]) == pytest.approx(0.0769, abs=5e-5)
    assert float(q["numeric"]["hoe1"]) == pytest.approx(2e-3 / 100, rel=1e-12)


def test_op_text_names_the_relations(tmp_path, capsys):
    net = tmp_path / "q.cir"
    net.write_text("one npn\nVCC c 0 10\nIB 0 b 10u\nQ1 c b 0 QN\n"
                   ".model QN npn (BF=100 VAF=100 RB=50)\n.param VT=0.026\n")
    assert main(["op", str(net), "--model", "h"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = lines.index("  h-parameters (common emitter, from the hybrid-pi model):")
    assert lines[start + 1:start + 5] == [
        "    hie1 = rpi1 + rx1 = 2.65 kΩ",  # r_x (RB = 50) + β V_T/I_C = 2600
        "    hre1 = 0  (the hybrid-pi model has no r_mu)",
        "    hfe1 = beta1 = 100",
        "    hoe1 = 1/ro1 = 10 µS"]
    assert main(["op", str(net)]) == 0
    assert "hie1" not in capsys.readouterr().out  # only with --model h


def test_errors_are_one_line(tmp_path, capsys):
    net = tmp_path / "q.cir"
    net.write_text("npn\nVs b 0 AC 1\nQ1 c b 0\nRL c 0 RL\n")
    base = ["analyze", str(net), "--source", "Vs", "--output", "c"]
    assert main([*base, "--exclude", "hoe"]) == 2
    assert "hoe is a part of the h-parameter model: add --model h" in capsys.readouterr().err
    assert main([*base, "--model", "h", "--include", "caps"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symsig: error: line 3: Q1: the h-parameter model") and \
        err.count("\n") == 1
    with pytest.raises(SymsigError):
        Options.build("h", include=["rx"])


def test_check_reads_h_fe_as_the_h_model_symbol(tmp_path, capsys):
    # With --model h the result is in hfe1, hie1: a typed h_fe is that symbol (not β), so the
    # textbook answer -h_fe (R_C ∥ R_L)/(h_ie + R_s + (1 + h_fe) R_E) is right and one with
    # h_fe R_E in place of (1 + h_fe) R_E is wrong.
    net = tmp_path / "ce.cir"
    net.write_text("CE with RE\nVs s 0 AC 1\nRs s b Rs\nQ1 c b e\nRE e 0 RE\nRC c 0 RC\n"
                   "RL c 0 RL\n")
    base = ["check", str(net), "--quantity", "gain", "--source", "Vs", "--output", "c",
            "--model", "h", "--exclude", "hre,hoe", "--json"]
    verdicts = {}
    for answer in ("-h_fe (R_C||R_L)/(h_ie + R_s + (1+h_fe) R_E)",
                   "-h_fe (R_C||R_L)/(h_ie + R_s + h_fe R_E)"):
        assert main([*base, f"--answer={answer}"]) == 0
        verdicts[answer] = json.loads(capsys.readouterr().out)["verdict"]
    assert list(verdicts.values()) == ["equivalent", "not_equivalent"]


def test_derivation_names_the_h_model_parts():
    from symsig.forms.derive import derivation

    tex = derivation(parse("CE stage\nVs s 0 AC 1\nRs s b Rs\nQ1 c b 0\nRL c 0 RL\n"), "Vs", "c",
                     input_node="b", load="RL", options=H)
    assert "replaced by the h-parameter model" in tex
    for part in ("$h_{ie}$", "$h_{re} v_{ce}$", "$h_{fe} i_b$", "$1/h_{oe}$"):
        assert part in tex, part
    assert "1/g_m" not in tex
