"""The front door: the textbook circuits a student writes first, run through the command line.

Each case is a netlist and a command; its expectation comes from outside symsig: a formula
written here by hand (what the textbook writes), or ngspice's `.ac` for the same netlist (for
numbers, with `--bias ngspice`, whose small-signal parameters are ngspice's own, so the
agreement is to ~1e-6). JSON results are read back the way the README says.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import sympy

from symsig.cli import main
from tests.ngspice import ngspice_ac

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
s = sympy.Symbol("s")


def par(*rs):
    return 1 / sum(1 / r for r in rs)


def run(capsys, tmp_path, netlist: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "circuit.cir"
    path.write_text(netlist)
    code = main([args[0], str(path), *args[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def analyze_json(capsys, tmp_path, netlist: str, *args: str) -> dict:
    code, out, err = run(capsys, tmp_path, netlist, "analyze", *args, "--json")
    assert code == 0, err
    assert "Traceback" not in err
    data = json.loads(out)
    names = {n: P(n) for n in data["symbols"]}
    # numeric R, C and L values are written as their elements' names (R1 = 1k prints as R1);
    # their numbers are under "values", exactly
    elements = {line.split()[0] for line in netlist.splitlines()[1:] if line.split()}
    numbers = {P(k): sympy.Rational(v) for k, v in data.get("values", {}).items()
               if k in elements}
    for key in ("gain", "rin", "rout"):  # the documented way to read results back
        if data[key] is not None:
            data[key] = sympy.parse_expr(data[key], local_dict={**names, "s": s}).subs(numbers)
    return data


def same(a, b) -> bool:
    return sympy.cancel(sympy.together(a - b)) == 0


# -- symbolic: hand formulas ------------------------------------------------------------------
CE_IDEAL = """CE stage driven straight at its base
Vs b 0 AC 1
Q1 c b 0
RC c 0 RC
"""


def test_ce_driven_at_the_base_is_the_textbook_formula(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, CE_IDEAL, "--source", "Vs", "--output", "c")
    gm, ro, rpi, rc = P("gm1"), P("ro1"), P("rpi1"), P("RC")
    assert same(data["gain"], -gm * par(rc, ro))  # -g_m (R_C || r_o)
    assert same(data["rin"], rpi)
    assert same(data["rout"], par(rc, ro))
    assert data["warnings"] == []  # no numbers asked for: no Q-point, nothing to warn about


def test_op_of_a_base_driven_stage_explains_instead_of_failing(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, CE_IDEAL, "op")
    assert code == 0 and "Q1 (npn)" in out
    assert "Q1" in err and "held directly by voltage sources" in err
    assert "Vbe_Q1" not in out + err and "Traceback" not in err


DIFF_PAIR = """BJT differential pair, one side driven, matched transistors
VCC vcc 0 DC 12
VEE vee 0 DC -12
V1 b1 0 AC 1
Q1 c1 b1 e QN
Q2 c2 0 e QN
RC1 vcc c1 RC
RC2 vcc c2 RC
IEE e vee DC 1m
.model QN npn (BF=100 VAF=100)
.match Q1 Q2
"""


def test_matched_differential_pair_gives_gm_rc(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, DIFF_PAIR, "--source", "V1", "--output", "v(c2,c1)")
    gm, ro, rpi, rc = P("gm1"), P("ro1"), P("rpi1"), P("RC")
    assert same(data["gain"], gm * par(rc, ro))  # differential output: g_m (R_C || r_o)
    assert same(data["rout"], 2 * par(rc, ro))
    # with r_o -> oo the input sees two base resistances in series: 2 r_pi
    assert sympy.limit(data["rin"], ro, sympy.oo) == 2 * rpi
    assert "gm2" not in data["symbols"]


def test_matched_pair_q_point_splits_the_tail_current(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, DIFF_PAIR, "op", "--subs", "RC=10k", "--json")
    data = json.loads(out)
    alpha = 100 / 101
    for q in ("Q1", "Q2"):  # I_C = alpha I_EE / 2 each, by symmetry
        ic = float(data["devices"][q]["numeric"][f"IC{q[1]}"])
        assert ic == pytest.approx(alpha * 1e-3 / 2, rel=1e-9)
        assert data["devices"][q]["region"] == "active"


MIRROR = """simple BJT current mirror
VCC vcc 0 DC 10
IREF vcc x DC 1m
Q1 x x 0 QN
Q2 out x 0 QN
RL vcc out RL
.model QN npn (BF=100 VAF=100)
.match Q1 Q2
"""


def test_simple_mirror_output_resistance_and_transfer(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, MIRROR, "--source", "IREF", "--output", "out",
                        "--load", "RL")
    gm, ro, rpi, rl = P("gm1"), P("ro1"), P("rpi1"), P("RL")
    assert same(data["rout"], ro)  # the mirror's output resistance: r_o
    # I_REF into x sees g_m1 + 1/r_pi1 + 1/r_o1 (diode-connected Q1) and r_pi2; Q2 copies
    # g_m v_x into the output: v(out)/I_REF = -g_m (R_L || r_o) / (g_m + 2/r_pi + 1/r_o)
    assert same(data["gain"], -gm * par(rl, ro) / (gm + 2 / rpi + 1 / ro))
    assert data["labels"]["gain"] == "transresistance v(out)/IREF"


CASCODE = """BJT cascode with ideal base drive
VCC vcc 0 DC 12
Vs b1 0 DC 0.65 AC 1
VB2 b2 0 DC 2
Q1 c1 b1 0 QN
Q2 out b2 c1 QN
RC vcc out RC
.model QN npn (BF=100 VAF=50 IS=1e-14)
"""


def test_cascode_output_resistance_is_the_textbook_one(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, CASCODE, "--source", "Vs", "--output", "out",
                        "--load", "RC")
    gm2, ro1, ro2, rpi2 = P("gm2"), P("ro1"), P("ro2"), P("rpi2")
    re = par(ro1, rpi2)  # what Q2's emitter sees: r_o1 || r_pi2
    assert same(data["rout"], ro2 + (1 + gm2 * ro2) * re)
    assert same(data["rin"], P("rpi1"))


OTA = """five-transistor OTA, mirror load, single-ended drive
VDD vdd 0 DC 5
VSS vss 0 DC -5
Vp inp 0 AC 1
M1 x inp t t NM
M2 out 0 t t NM
M3 x x vdd vdd PM
M4 out x vdd vdd PM
ISS t vss DC 200u
.model NM nmos (KP=100u VTO=0.7 LAMBDA=0.05)
.model PM pmos (KP=40u VTO=-0.8 LAMBDA=0.05)
.match M1 M2
.match M3 M4
"""


def test_matched_ota_tends_to_gm_times_ro2_parallel_ro4(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, OTA, "--source", "Vp", "--output", "out")
    gm1, ro1, gm3, ro3 = P("gm1"), P("ro1"), P("gm3"), P("ro3")
    assert set(data["symbols"]) == {"gm1", "ro1", "gm3", "ro3"}  # the pairs share symbols
    # textbook: A_v = g_m1 (r_o2 || r_o4), R_out = r_o2 || r_o4, once the mirror is ideal
    # (g_m3 r_o3 >> 1); the exact result adds the mirror's own error 1/(2(1 + g_m3 r_o3))
    assert same(sympy.limit(data["gain"], gm3, sympy.oo), gm1 * par(ro1, ro3))
    assert same(sympy.limit(data["rout"], gm3, sympy.oo), par(ro1, ro3))
    assert same(data["gain"], gm1 * par(ro1, ro3) * (1 + 2 * gm3 * ro3) / (2 + 2 * gm3 * ro3))
    assert data["rin"] == sympy.oo  # a MOS gate


OPAMPS = [
    ("inverting", "V1 in 0 AC 1\nR1 in m R1\nR2 m out R2\nO1 out 0 m\n",
     lambda R1, R2, R, C, C1, C2: -R2 / R1, lambda R1, **_: R1),
    ("non-inverting", "V1 in 0 AC 1\nR1 m 0 R1\nR2 m out R2\nO1 out in m\n",
     lambda R1, R2, R, C, C1, C2: 1 + R2 / R1, lambda **_: sympy.oo),
    ("integrator", "V1 in 0 AC 1\nR1 in m R\nC1 m out C\nO1 out 0 m\n",
     lambda R1, R2, R, C, C1, C2: -1 / (s * R * C), lambda R, **_: R),
    ("differentiator", "V1 in 0 AC 1\nC1 in m C\nR1 m out R\nO1 out 0 m\n",
     lambda R1, R2, R, C, C1, C2: -s * R * C, lambda C, **_: 1 / (s * C)),
    ("Sallen-Key low-pass", "V1 in 0 AC 1\nR1 in a R1\nR2 a b R2\nC1 a out C1\nC2 b 0 C2\n"
     "O1 out b out\n",
     lambda R1, R2, R, C, C1, C2: 1 / (1 + s * C2 * (R1 + R2) + s**2 * R1 * R2 * C1 * C2),
     None),
]


@pytest.mark.parametrize(("name", "netlist", "gain", "rin"), OPAMPS,
                         ids=[o[0] for o in OPAMPS])
def test_ideal_op_amp_circuits(capsys, tmp_path, name, netlist, gain, rin):
    data = analyze_json(capsys, tmp_path, f"{name}\n{netlist}", "--source", "V1", "--output",
                        "out", "--caps", "keep")
    values = {k: P(k) for k in ("R1", "R2", "R", "C", "C1", "C2")}
    assert same(data["gain"], gain(**values))
    if rin is not None:
        expected = rin(**values)
        assert data["rin"] == expected if expected == sympy.oo else same(data["rin"], expected)
    assert data["rout"] == 0  # an ideal op-amp's output is a voltage source


# -- diodes and regions ----------------------------------------------------------------------
REVERSE_DIODE = """reverse-biased diode
V1 a 0 DC -5 AC 1
R1 a k 1k
D1 k 0
"""


@pytest.mark.parametrize("bias", ["constant-vbe", "exponential"])
def test_reverse_biased_diode_is_off(capsys, tmp_path, bias):
    data = analyze_json(capsys, tmp_path, REVERSE_DIODE, "--source", "V1", "--output", "k",
                        "--bias", bias)
    # off: an open circuit, so k follows a through R1 and R_out is R1 (never a negative r_d)
    assert data["gain"] == 1 and data["rout"] == 1000
    assert any("D1" in w and "off" in w for w in data["warnings"])


ZENER = """Zener regulator feeding a load with negative differential resistance (the seed's case)
VS vs 0 DC 12 AC 1
RS vs z 1k
D1 0 z DZ
CL z y 1000u
RN y 0 {-RN}
.model DZ d (BV=5.1 IBV=1m)
"""


def test_zener_in_breakdown_with_a_negative_resistance_load(capsys, tmp_path):
    data = analyze_json(capsys, tmp_path, ZENER, "--source", "VS", "--output", "z")
    rz, rn = P("rz1"), P("RN")
    # r_z in parallel with -r_n (and R_S): the seed's stability question
    assert same(data["rout"], 1 / (1 / sympy.Integer(1000) + 1 / rz - 1 / rn))
    # constant-drop breakdown: I_Z = (12 - 5.1)/1k, r_z = V_T/I_Z
    vt = 1.380649e-23 * 300.15 / 1.602176634e-19
    assert float(data["values"]["rz1"]) == pytest.approx(vt / 6.9e-3, rel=1e-12)
    assert any("breakdown" in w for w in data["warnings"])


ZENER_NBV = """Zener whose breakdown has its own emission coefficient
VS vs 0 DC 12 AC 1
RS vs z 1k
D1 0 z DZ
.model DZ d (BV=5.1 IBV=1m N=1.5 NBV=2)
"""


def _op_json(capsys, tmp_path, netlist: str, *args: str) -> dict:
    code, out, err = run(capsys, tmp_path, netlist, "op", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_zener_resistance_uses_the_breakdown_emission_coefficient(capsys, tmp_path):
    """SPICE's breakdown current is I_BV·exp(-(V + BV)/(NBV·V_T)): r_z = NBV·V_T/I_Z, in the
    formula as in its number (N is the forward law's); the forward drop is not assumed."""
    data = _op_json(capsys, tmp_path, ZENER_NBV)
    d1 = data["devices"]["D1"]
    assert d1["region"] == "breakdown"
    names = {n: P(n) for n in ("VT", "nbv1", "RS")}
    rz = sympy.sympify(d1["small_signal"]["rz1"], locals=names)
    # I_Z = (12 - BV)/R_S, in the element's name; its value under "values"
    hand = names["nbv1"] * names["VT"] * names["RS"] / sympy.Rational(69, 10)
    assert sympy.simplify(rz - hand) == 0
    assert data["values"] == {"RS": "1000"}
    vt = 1.380649e-23 * 300.15 / 1.602176634e-19
    assert float(d1["numeric"]["rz1"]) == pytest.approx(2 * vt / 6.9e-3, rel=1e-12)
    assert not any(a.startswith("VD1") for a in data["assumed"])


@pytest.mark.ngspice
def test_zener_resistance_with_nbv_agrees_with_ngspice(capsys, tmp_path, ngspice):
    """ngspice's own .op: its r_z at its current is NBV·V_T/|I_D|, as the exponential route's."""
    for bias in ("ngspice", "exponential"):
        d1 = _op_json(capsys, tmp_path, ZENER_NBV, "--bias", bias)["devices"]["D1"]
        vt = 1.380649e-23 * 300.15 / 1.602176634e-19
        current = -float(d1["numeric"]["ID1"])
        assert float(d1["numeric"]["rz1"]) == pytest.approx(2 * vt / current, rel=2e-3), bias


def rz_parallel(rn: float, rz: float) -> float:
    return 1 / (1 / 1000 + 1 / rz - 1 / rn)


@pytest.mark.parametrize("rn", [2.0, 50.0])
def test_zener_stability_sign_matches_hand_formula(capsys, tmp_path, rn):
    data = analyze_json(capsys, tmp_path, ZENER, "--source", "VS", "--output", "z", "--subs",
                        f"RN={rn}")
    rz = float(data["values"]["rz1"])
    assert data["numeric"]["rout"] == pytest.approx(rz_parallel(rn, rz), rel=1e-12)
    assert (data["numeric"]["rout"] < 0) == (rn < par(1000, rz))  # unstable when r_n small


# -- numbers against ngspice ------------------------------------------------------------------
def test_transistor_sign_conventions_of_the_bias_names(capsys, tmp_path):
    pnp = ("pnp stage\nVCC vcc 0 DC 10\nRB b 0 470k\nQ1 c b vcc QP\nRC c 0 2k\n"
           ".model QP pnp (BF=100)\n")
    code, out, err = run(capsys, tmp_path, pnp, "op", "--json")
    q = json.loads(out)["devices"]["Q1"]
    # emitter at V_CC, base pulled down through R_B: the pnp's own signs, V_EB and V_EC
    assert set(q["bias"]) == {"IB", "IC", "VEB", "VEC"}
    ib = (10 - 0.7) / 470e3  # hand: I_B = (V_CC - V_EB)/R_B, flowing out of the base
    assert float(q["numeric"]["IB1"]) == pytest.approx(ib, rel=1e-12)
    assert float(q["numeric"]["VEC1"]) == pytest.approx(10 - 100 * ib * 2e3, rel=1e-12)


NUMERIC_CASES = {
    "CE driven at the base": (
        CE_IDEAL.replace("Vs b 0 AC 1", "VCC vcc 0 DC 10\nVs b 0 DC 0.65 AC 1")
        .replace("RC c 0 RC", "RC vcc c 4.7k").replace("Q1 c b 0", "Q1 c b 0 QN")
        + ".model QN npn (BF=100 VAF=50 IS=1e-14)\n",
        ["--source", "Vs", "--output", "c"], "Vs", "c"),
    "differential pair": (DIFF_PAIR.replace("RC1 vcc c1 RC", "RC1 vcc c1 10k")
                          .replace("RC2 vcc c2 RC", "RC2 vcc c2 10k"),
                          ["--source", "V1", "--output", "v(c2,c1)"], "V1", "v(c2,c1)"),
    # without .match: the two V_CE differ, and so, through the Early effect, do their r_o
    "simple mirror": (MIRROR.replace("RL vcc out RL", "RL vcc out 4k").replace(".match", "*"),
                      ["--source", "IREF", "--output", "out", "--load", "RL"], "IREF",
                      "v(out)"),
    "Widlar mirror": ("Widlar mirror\nVCC vcc 0 DC 12\nIREF vcc x DC 1m\nQ1 x x 0 QN\n"
                      "Q2 out x e QN\nRE e 0 5k\nRL vcc out 10k\n"
                      ".model QN npn (BF=100 VAF=100)\n",
                      ["--source", "IREF", "--output", "out", "--load", "RL"], "IREF",
                      "v(out)"),
    "cascode": (CASCODE.replace("RC vcc out RC", "RC vcc out 10k"),
                ["--source", "Vs", "--output", "out", "--load", "RC"], "Vs", "v(out)"),
    "OTA (matched, at balance)": (OTA, ["--source", "Vp", "--output", "out"], "Vp",
                                  "v(out)"),
    "Zener": (ZENER.replace("{-RN}", "-20").replace("1000u", "1"),
              ["--source", "VS", "--output", "z"], "VS", "v(z)"),
}


def ngspice_gain(netlist: str, source: str, output: str) -> complex:
    """ngspice's transfer from `source` (made the only AC source, AC 1) to `output`."""
    lines = []
    for line in netlist.splitlines():
        words = line.split()
        if words and words[0][0] in "VvIi" and " ac " in f" {line.lower()} ":
            line = line[: line.lower().index(" ac ")]
        if words and words[0].lower() == source.lower():
            line = f"{line} AC 1"
        if words and words[0].lower() == ".match":
            continue  # symsig's own directive; ngspice's devices share a .model card anyway
        lines.append(line)
    return ngspice_ac("\n".join(lines), 1e6, output)  # mid-band: coupling caps are shorts


@pytest.mark.ngspice
@pytest.mark.parametrize("name", list(NUMERIC_CASES))
def test_numbers_with_ngspice_bias_match_ngspice_ac(capsys, tmp_path, ngspice, name):
    netlist, args, source, output = NUMERIC_CASES[name]
    data = analyze_json(capsys, tmp_path, netlist, *args, "--bias", "ngspice")
    want = ngspice_gain(netlist, source, output)
    got = complex(sympy.sympify(data["numeric"]["gain"])) if isinstance(
        data["numeric"]["gain"], str) else data["numeric"]["gain"]
    assert abs(got - want) <= 2e-6 * abs(want), (got, want)


@pytest.mark.ngspice
@pytest.mark.parametrize("name", ["CE driven at the base", "Widlar mirror"])
def test_constant_vbe_falls_back_to_the_exponential_law(capsys, tmp_path, ngspice, name):
    netlist, args, source, output = NUMERIC_CASES[name]
    data = analyze_json(capsys, tmp_path, netlist, *args)
    assert data["bias"].startswith("exponential")
    assert any("exponential" in w for w in data["warnings"])
    want = ngspice_gain(netlist, source, output)
    # the same Gummel-Poon equations as ngspice, solved tighter than its default RELTOL
    assert abs(data["numeric"]["gain"] - want.real) <= 2e-3 * abs(want)


@pytest.mark.ngspice
def test_square_law_with_lambda_matches_ngspice(capsys, tmp_path, ngspice):
    netlist = ("CS stage\nVDD vdd 0 DC 15\nVG g 0 DC 2 AC 1\nM1 d g 0 0 NM W=10u L=1u\n"
               "RD vdd d 4k\n.model NM nmos (KP=200u VTO=0.8 LAMBDA=0.02)\n")
    data = analyze_json(capsys, tmp_path, netlist, "--source", "VG", "--output", "d")
    assert data["bias"] == "constant-vbe"
    want = ngspice_gain(netlist, "VG", "v(d)")
    assert abs(data["numeric"]["gain"] - want.real) <= 1e-3 * abs(want)  # was 3.9 % off


MOS_CASCODE = """MOS cascode, level-1 card
VDD vdd 0 DC 5
Vs g1 0 DC 1 AC 1
VB2 g2 0 DC 2
M1 x g1 0 0 NM W=10u L=1u
M2 out g2 x 0 NM W=10u L=1u
RD vdd out 10k
.model NM nmos (KP=200u VTO=0.5 LAMBDA=0.05)
"""


@pytest.mark.ngspice
@pytest.mark.parametrize("bias", ["constant-vbe", "exponential"])
def test_mos_cascode_q_point_and_gain_match_ngspice(capsys, tmp_path, ngspice, bias):
    code, out, err = run(capsys, tmp_path, MOS_CASCODE, "op", "--bias", bias, "--json")
    assert code == 0, err
    mine = json.loads(out)["devices"]
    code, out, err = run(capsys, tmp_path, MOS_CASCODE, "op", "--bias", "ngspice", "--json")
    theirs = json.loads(out)["devices"]
    for m in ("M1", "M2"):  # the square law with lambda is ngspice's level 1 exactly
        k = m[1]
        assert float(mine[m]["numeric"][f"ID{k}"]) == pytest.approx(
            float(theirs[m]["numeric"][f"ID{k}"]), rel=1e-4)
    data = analyze_json(capsys, tmp_path, MOS_CASCODE, "--source", "Vs", "--output", "out",
                        "--bias", bias)
    want = ngspice_gain(MOS_CASCODE, "Vs", "v(out)")
    assert abs(data["numeric"]["gain"] - want.real) <= 1e-3 * abs(want)


def test_numbers_for_current_outputs_and_why_r_out_does_not_apply(capsys, tmp_path):
    netlist = "current gain\nI1 0 a AC 1\nR1 a 0 R1\nR2 a 0 R2\n"
    data = analyze_json(capsys, tmp_path, netlist, "--source", "I1", "--output", "i(R2)")
    r1, r2 = P("R1"), P("R2")
    assert same(data["gain"], r1 / (r1 + r2))  # the current divider
    assert data["labels"]["gain"] == "current gain i(R2)/I1"
    assert data["rout"] is None and "is a current" in data["not_defined"]["rout"]


def test_ammeter_survives_the_ac_equivalent(capsys, tmp_path):
    netlist = ("ammeter in the collector\nVCC vcc 0 DC 10\nVs b 0 AC 1\nQ1 c b 0\n"
               "Vm vcc x 0\nRC x c RC\n")
    data = analyze_json(capsys, tmp_path, netlist, "--source", "Vs", "--output", "i(Vm)")
    gm, ro, rc = P("gm1"), P("ro1"), P("RC")
    # the collector current g_m v_b splits between r_o and R_C; Vm carries R_C's share, from
    # vcc to the collector: i = g_m r_o / (r_o + R_C)
    assert same(data["gain"], gm * ro / (ro + rc))


def test_h_source_sensing_the_driving_source_and_removed_for_r_in(capsys, tmp_path):
    netlist = "transresistance\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 R2\nH1 o 0 V1 K\nRL o 0 RL\n"
    data = analyze_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "o")
    r1, r2, k = P("R1"), P("R2"), P("K")
    # i(V1) flows from a through V1 to ground: -1/(R1+R2) per volt; H1 makes K times that
    assert same(data["gain"], -k / (r1 + r2))
    assert same(data["rin"], r1 + r2)
    assert data["rout"] == 0


def test_json_numbers_keep_full_precision(capsys, tmp_path):
    netlist = "divider\nV1 a 0 AC 1\nR1 a b 1\nR2 b 0 2\n"
    data = analyze_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "b")
    assert data["gain"] == sympy.Rational(2, 3)
    code, out, _ = run(capsys, tmp_path, "t\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 R2\n", "analyze",
                       "--source", "V1", "--output", "b", "--subs", "R1=1,R2=2", "--json")
    assert json.loads(out)["numeric"]["gain"] == 2 / 3  # every digit of the double
    assert math.isfinite(json.loads(out)["numeric"]["gain"])


TWO_STAGE = (Path(__file__).parent / "draw_circuits" / "two_stage.cir").read_text()


@pytest.mark.ngspice
@pytest.mark.parametrize("bias", ["constant-vbe", "ngspice"])
def test_two_stage_op_amp_mid_band_opens_its_load_and_miller_capacitors(capsys, tmp_path,
                                                                        ngspice, bias):
    """The Miller op-amp with C_C = 3 pF and C_L = 10 pF, its MOSFETs without W or L: at
    mid-band those capacitors are opens (shorting C_L made the gain 0), W = L = 100 µm as
    SPICE takes them, and the gain is ngspice's .ac with the two capacitors taken out."""
    data = analyze_json(capsys, tmp_path, TWO_STAGE, "--source", "Vp", "--output", "out",
                        "--bias", bias)
    assert data["mid_band_open"] == ["CC", "CL"]
    if bias == "constant-vbe":
        assert any(a.startswith("W = L = 100 µm") for a in data["assumed"])
    without = "\n".join(ln for ln in TWO_STAGE.splitlines()
                        if not ln.startswith(("CC ", "CL ")))
    want = ngspice_gain(without, "Vp", "out")
    got = data["numeric"]["gain"]
    assert abs(want) > 10 and abs(got - want.real) <= 1e-5 * abs(want), (got, want)


def test_library_mid_band_mode_opens_what_the_command_line_opens():
    """small_signal(..., capacitors="mid-band") is the command line's circuit: C_C and C_L
    open, so the output sees r_o6 ∥ r_o7 (by hand); "short" shorts C_L and R_out is 0."""
    from symsig import parse, rout
    from symsig.devices.ac import small_signal
    from tests.conftest import same

    circuit = parse(TWO_STAGE)
    mid = rout(small_signal(circuit, capacitors="mid-band"), "out")
    ro6, ro7 = P("ro6"), P("ro7")
    assert same(mid, ro6 * ro7 / (ro6 + ro7))
    assert rout(small_signal(circuit, capacitors="short"), "out").is_zero
    kept = rout(small_signal(circuit, capacitors="mid-band", keep=["CL"]), "out")
    assert any(str(g) == "s" for g in kept.generators)  # C_L kept as 1/(sC) when named
