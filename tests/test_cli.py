"""The `symsig analyze` command: its outputs checked against hand-derived CE formulas."""

import io
import json
from pathlib import Path

import pytest
import sympy

from symsig.cli import main
from tests.conftest import same

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "ce.cir"
P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
gm, rpi, ro, RC, RL, Rs = map(P, "gm rpi ro RC RL Rs".split())
ARGS = ["analyze", str(EXAMPLE), "--source", "Vs", "--output", "c", "--input-node", "b",
        "--load", "RL"]


def parsed(text: str) -> sympy.Expr:
    # Our own JSON output (not user input), read back the way a user's script would.
    names = {str(x): x for x in (gm, rpi, ro, RC, RL, Rs)}
    return sympy.parse_expr(text, local_dict=names)


def test_json_keys_and_formulas(capsys):
    assert main([*ARGS, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"gain", "rin", "rout", "latex", "symbols"} <= set(out)
    ro_rc_rl = 1 / (1 / ro + 1 / RC + 1 / RL)
    assert same(parsed(out["gain"]), -gm * ro_rc_rl * rpi / (rpi + Rs))
    assert same(parsed(out["rin"]), rpi)
    assert same(parsed(out["rout"]), ro * RC / (ro + RC))
    assert out["latex"]["rin"] == r"r_{\pi}"
    assert sorted(out["symbols"]) == sorted(["RC", "RL", "Rs", "gm", "ro", "rpi"])
    # .param numbers from the example: gm = 1/26, rpi = 2600, ro = 100k, RC = 4.7k, RL = 10k
    g = 1 / 26
    expected = -g * 1 / (1 / 100e3 + 1 / 4.7e3 + 1 / 10e3) * 2600 / 3600
    assert abs(float(out["numeric"]["gain"]) / expected - 1) < 1e-5


def test_subs_overrides_params(capsys):
    assert main([*ARGS, "--subs", "RL=1meg,Rs=0"]) == 0
    text = capsys.readouterr().out
    assert "gain v(c)/Vs = " in text and "R_in at b (Vs removed) = rpi" in text
    expected = -(1 / 26) / (1 / 100e3 + 1 / 4.7e3 + 1 / 1e6)
    number, unit = text.split("\n")[1].split("=")[1].split()
    assert unit == "V/V"
    value = float(number)
    assert abs(value / expected - 1) < 1e-5


def test_latex_and_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(EXAMPLE.read_text()))
    assert main(["analyze", "-", "--source", "Vs", "--output", "c", "--latex"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == r"R_{in} = R_{s} + r_{\pi}"
    assert lines[0].startswith("A_v = ")


def test_twoport_command_h_parameters_of_the_hybrid_pi(tmp_path, capsys):
    net = tmp_path / "q.cir"
    net.write_text("bare BJT\nQ1 c b 0\n")
    assert main(["twoport", str(net), "--port1", "b,0", "--port2", "c,0", "--params", "h",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    h = out["params"]["h"]
    names = {n: sympy.Symbol(n, positive=True) for n in ("gm1", "rpi1", "ro1")}
    read = {k: sympy.parse_expr(v, local_dict=names) for k, v in h.items()}
    # Textbook: h11 = r_pi, h12 = 0, h21 = beta = g_m r_pi, h22 = 1/r_o
    assert same(read["h11"], names["rpi1"]) and read["h12"] == 0
    assert same(read["h21"], names["gm1"] * names["rpi1"])
    assert same(read["h22"], 1 / names["ro1"])
    assert out["properties"] == {"reciprocal": False, "unilateral": True}


def test_twoport_command_reports_sets_that_do_not_exist(tmp_path, capsys):
    net = tmp_path / "r.cir"
    net.write_text("series R\nR1 a b R\n")
    assert main(["twoport", str(net), "--port1", "a,0", "--port2", "b,0", "--params",
                 "z,abcd"]) == 0
    text = capsys.readouterr().out
    assert "z: the z (open-circuit impedance) parameters do not exist" in text
    assert "A = 1\nB = R\nC = 0\nD = 1" in text  # series impedance: ABCD = [[1, R], [0, 1]]


def hand_ce_bias() -> tuple[float, float, float]:
    """examples/ce_bias.cir by hand: mid-band gain, R1||R2||r_pi and r_o.

    VCC = 12, R1 = 47k, R2 = 10k, RC = 2.2k, RE = 1k (bypassed), Rs = 1k, RL = 10k,
    beta = 100, VA = 100 V; V_BE = 0.7 V and V_T = kT/q at 27 C assumed.
    """
    vt = 1.380649e-23 * 300.15 / 1.602176634e-19
    v_th, r_th = 12 * 10 / 57, 47e3 * 10e3 / 57e3
    ic = 100 * (v_th - 0.7) / (r_th + 101 * 1e3)
    gm, rpi, ro = ic / vt, 100 * vt / ic, 100 / ic
    rb_rpi = 1 / (1 / 47e3 + 1 / 10e3 + 1 / rpi)
    gain = -gm / (1 / ro + 1 / 2.2e3 + 1 / 10e3) * rb_rpi / (1e3 + rb_rpi)
    return gain, rb_rpi, ro


def test_device_netlist_numbers_at_the_end_follow_the_q_point(capsys):
    bias = Path(__file__).resolve().parent.parent / "examples" / "ce_bias.cir"
    assert main(["analyze", str(bias), "--source", "Vs", "--output", "out", "--input-node",
                 "b", "--load", "RL", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    gain, rb_rpi, ro = hand_ce_bias()
    assert float(out["numeric"]["gain"]) == pytest.approx(gain, rel=1e-5)
    assert float(out["numeric"]["rin"]) == pytest.approx(rb_rpi, rel=1e-5)
    assert float(out["numeric"]["rout"]) == pytest.approx(1 / (1 / ro + 1 / 2.2e3), rel=1e-5)
    assert "VBE1 = 0.7 V" in out["assumed"]


def test_model_t_on_the_command_line_gives_the_hybrid_pi_result(capsys):
    from symsig.devices import to_common_basis

    bias = Path(__file__).resolve().parent.parent / "examples" / "ce_bias.cir"
    results = {}
    for model in ("hybrid-pi", "T"):
        assert main(["analyze", str(bias), "--source", "Vs", "--output", "out", "--model",
                     model, "--exclude", "ro", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        names = {n: sympy.Symbol(n, positive=True) for n in out["symbols"]}
        results[model] = sympy.parse_expr(out["gain"], local_dict=names)
    assert sympy.cancel(to_common_basis(results["hybrid-pi"] - results["T"])) == 0


def test_kept_capacitors_give_h_of_s_that_tends_to_the_mid_band_gain(capsys):
    bias = Path(__file__).resolve().parent.parent / "examples" / "ce_bias.cir"
    assert main(["analyze", str(bias), "--source", "Vs", "--output", "out", "--input-node",
                 "b", "--load", "RL", "--caps", "keep", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    s = sympy.Symbol("s")
    h = sympy.parse_expr(out["numeric"]["gain"], local_dict={"s": s})
    mid_band, _, _ = hand_ce_bias()  # all capacitors shorted
    assert float(sympy.limit(h, s, sympy.oo)) == pytest.approx(mid_band, rel=1e-5)
    assert sympy.limit(h, s, 0) == 0  # coupling capacitors block DC


def test_version_is_the_installed_distributions():
    import subprocess
    import sys
    from importlib.metadata import version

    proc = subprocess.run([sys.executable, "-m", "symsig", "--version"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"symsig {version('symsig')}"


# -- numbers in the netlist: formulas in element names, numbers at the end -------------------
def _analyze_json(capsys, path, *extra: str) -> dict:
    assert main(["analyze", str(path), "--source", "Vs", "--output", "out", "--json",
                 *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_numeric_values_are_written_as_element_names(capsys):
    """RC = 2.2k prints as RC: the textbook CE gain, written here by hand, in names; the
    numbers (the same as with --numbers-in, and the hand-computed ones) at the end."""
    bias = Path(__file__).resolve().parent.parent / "examples" / "ce_bias.cir"
    out = _analyze_json(capsys, bias)
    P = {n: sympy.Symbol(n, positive=True) for n in out["symbols"]}  # noqa: N806
    par = lambda *r: 1 / sum(1 / x for x in r)  # noqa: E731
    rb = par(P["R1"], P["R2"], P["rpi1"])
    hand = -P["gm1"] * rb * par(P["RC"], P["RL"], P["ro1"]) / (P["Rs"] + rb)
    gain = sympy.parse_expr(out["gain"], local_dict=P)
    assert sympy.cancel(gain - hand) == 0
    assert out["textbook"]["rout"] == "RC || RL || ro1"
    assert {k: out["values"][k] for k in ("R1", "R2", "RC", "RL", "Rs")} == {
        "R1": "47000", "R2": "10000", "RC": "2200", "RL": "10000", "Rs": "1000"}
    hand_gain, _, _ = hand_ce_bias()
    assert out["numeric"]["gain"] == pytest.approx(hand_gain, rel=1e-5)

    folded = _analyze_json(capsys, bias, "--numbers-in")
    assert "RC" not in folded["symbols"] and "RC" not in folded["gain"]
    assert folded["numeric"]["gain"] == pytest.approx(out["numeric"]["gain"], rel=1e-12)


def test_subs_on_an_element_name_changes_its_value_everywhere(capsys):
    """--subs RC=4.7k on a netlist that says 2.2k: the Q-point does not depend on RC (active
    region), so the gain scales with RC || RL || r_o, by hand."""
    bias = Path(__file__).resolve().parent.parent / "examples" / "ce_bias.cir"
    base = _analyze_json(capsys, bias)
    out = _analyze_json(capsys, bias, "--subs", "RC=4.7k")
    ro = float(out["values"]["ro1"])
    par = lambda *r: 1 / sum(1 / x for x in r)  # noqa: E731
    ratio = par(4.7e3, 10e3, ro) / par(2.2e3, 10e3, ro)
    assert out["numeric"]["gain"] == pytest.approx(base["numeric"]["gain"] * ratio, rel=1e-9)
    assert out["values"]["RC"] == "4700"


def test_names_give_way_to_numbers_where_the_values_are_special(capsys, tmp_path):
    """A bridge nearly balanced by its values: the named formula shows the two dividers; the
    500 random circuits of test_random_numeric (a fifth of them degenerate: 0, infinite, not
    defined at their values) check that names never change what the numbers say."""
    bridge = tmp_path / "bridge.cir"
    bridge.write_text("bridge\nVs a 0 AC 1\nR1 a c 1k\nR2 c 0 2k\nR3 a d 3k\nR4 d 0 6k\n"
                      "R5 c out 1k\nR6 d 0 1k\n")
    assert main(["analyze", str(bridge), "--source", "Vs", "--output", "v(c,d)", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    P = {n: sympy.Symbol(n, positive=True) for n in out["symbols"]}  # noqa: N806
    gain = sympy.parse_expr(out["gain"], local_dict=P)
    r1, r2, r3, r4, r6 = (P[n] for n in ("R1", "R2", "R3", "R4", "R6"))
    r46 = 1 / (1 / r4 + 1 / r6)
    assert sympy.cancel(gain - (r2 / (r1 + r2) - r46 / (r3 + r46))) == 0
    assert out["numeric"]["gain"] == pytest.approx(2 / 3 - (6 / 7) / (3 + 6 / 7), rel=1e-12)


def test_netlist_numbers_with_a_symbol_left_print_exactly(capsys, tmp_path):
    """R1, R2 numbers and the op-amp gain A a symbol: the number line keeps A and writes the
    netlist's exact numbers, not floats (-100000.0*A/(10000.0*A + 110000.0))."""
    net = tmp_path / "inv.cir"
    net.write_text("inverting amplifier\nVin in 0 AC 1\nR1 in n 10k\nR2 n out 100k\n"
                   "E1 out 0 0 n A\n")
    assert main(["analyze", str(net), "--source", "Vin",
                 "--output", "out"]) == 0
    lines = capsys.readouterr().out.splitlines()
    gain, rin = lines[1].split("= ")[1], lines[3].split("= ")[1]
    assert "." not in gain + rin
    a = sympy.Symbol("A")
    # by hand: v_out = -A v_n and KCL at n give -A R2/(R1(1 + A) + R2); R_in = R1 + R2/(1 + A)
    hand_gain = -a * 100_000 / (10_000 * (1 + a) + 100_000)
    hand_rin = 10_000 + sympy.Rational(100_000) / (1 + a)
    assert sympy.simplify(sympy.sympify(gain, locals={"A": a}) - hand_gain) == 0
    assert sympy.simplify(sympy.sympify(rin, locals={"A": a}) - hand_rin) == 0
    assert gain == "-10*A/(A + 11)"


def test_an_approximation_shows_its_own_number_beside_the_exact_one(capsys):
    """R_out ~ RC under ro -> oo: the line says the exact number (RC || ro) and what RC alone
    gives, with the difference, so a reader does not take 4.49k for RC's value."""
    assert main([*ARGS, "--approx", "ro=oo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    g, r_c, r_l, r_o, r_s = 1 / 26, 4.7e3, 10e3, 100e3, 1e3
    r_pi = 100 / g
    par = lambda *rs: 1 / sum(1 / x for x in rs)  # noqa: E731
    gain_exact = -g * par(r_c, r_l, r_o) * r_pi / (r_s + r_pi)
    gain_approx = -g * par(r_c, r_l) * r_pi / (r_s + r_pi)
    gain_line = next(x for x in lines if "exactly" in x)
    exact, approx = gain_line.split("exactly; the approximation gives ")
    assert float(exact.split("=")[1].split()[0]) == pytest.approx(gain_exact, rel=1e-5)
    number, unit, percent = approx.split()[:3]
    assert unit == "V/V" and float(number) == pytest.approx(gain_approx, rel=1e-5)
    assert float(percent.strip("(")) == pytest.approx((gain_approx / gain_exact - 1) * 100,
                                                      rel=1e-2)
    rout_line = [x for x in lines if "exactly" in x][-1]
    assert rout_line.split("gives ")[1].startswith("4700 Ω")
    assert float(rout_line.split("=")[1].split()[0]) == pytest.approx(par(r_c, r_o), rel=1e-5)
    assert main([*ARGS, "--approx", "ro=oo", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["approximations"]["rout"]["numeric"] == pytest.approx(r_c, rel=1e-12)
    assert out["approximations"]["gain"]["numeric"] == pytest.approx(gain_approx, rel=1e-9)


def test_what_reading_skipped_is_said_on_standard_error(capsys, tmp_path):
    """A .tran card and a .control block are skipped (symsig derives its own results), and
    the command says so instead of dropping them silently."""
    net = tmp_path / "notes.cir"
    net.write_text("divider\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n.tran 1n 1u\n.control\nrun\n"
                   ".endc\n")
    assert main(["analyze", str(net), "--source", "V1", "--output", "b"]) == 0
    out = capsys.readouterr()
    assert "gain v(b)/V1 = R2/(R1 + R2)" in out.out
    notes = out.err.splitlines()
    assert notes[0].startswith("note: line 5: .tran ignored")
    assert notes[1].startswith("note: line 6: .control ... .endc block ignored")


CS_NUMBERS = """NMOS common-source amplifier with source degeneration
VDD vdd 0 DC 5
Vin in 0 DC 1.2 AC 1
RD vdd out 10k
RS s 0 1k
M1 out in s 0 NM W=10u L=1u
.model NM NMOS (VTO=0.7 KP=200u LAMBDA=0.02)
"""


def test_check_reads_answers_in_element_names_on_a_numeric_netlist(capsys, tmp_path):
    """RD = 10k in the netlist, and the student writes RD: the answer is compared in names
    (the netlist's numbers come back for the comparison at its values)."""
    net = tmp_path / "cs.cir"
    net.write_text(CS_NUMBERS)
    # Razavi's degenerated CS stage with body effect and r_o, by hand
    book = "-gm1*ro1*RD/(RD + ro1 + RS*(1 + (gm1 + gmb1)*ro1))"
    assert main(["check", str(net), "--quantity", "gain", "--source", "Vin", "--output", "out",
                 "--answer", book, "--answer", "-gm1*RD/(1 + gm1*RS)", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["label"] == "gain v(out)/Vin"
    assert {"RD", "RS"} <= set(out["symbols"])
    exact, short = out["answers"]
    assert exact["verdict"] == "equivalent" and exact["passed"]
    assert short["verdict"] == "equivalent_in_limit" and not short["passed"]
    assert any("r_o1" in a for a in short["assumptions"])


def test_check_unknown_name_lists_the_results_names_first(capsys, tmp_path):
    net = tmp_path / "cs.cir"
    net.write_text(CS_NUMBERS)
    assert main(["check", str(net), "--quantity", "gain", "--source", "Vin", "--output", "out",
                 "--answer", "-gm1*Rdd/(1 + gm1*RS)"]) == 2
    err = capsys.readouterr().err
    assert "unknown name 'Rdd'" in err
    assert err.split("this circuit's names are ")[1].startswith("RD, RS, gm1, gmb1, ro1, ")


CE_DIVIDER = """CE amplifier with divider bias and emitter bypass
VCC vcc 0 DC 12
Vs s 0 AC 1
Rs s x 1k
C1 x b 10u
R1 vcc b 47k
R2 b 0 10k
RC vcc c 4.7k
RE e 0 1k
CE e 0 100u
C2 c out 10u
RL out 0 10k
Q1 c b e QN
.model QN NPN(BF=150 IS=1e-14 VAF=100)
"""


def test_op_writes_the_bias_formulas_in_element_names(capsys, tmp_path):
    """The textbook's divider bias, by hand: I_C = β(V_Th − V_BE)/(R_Th + (β + 1)R_E) with
    V_Th = 12 R2/(R1 + R2) and R_Th = R1 ∥ R2; op writes it in R1, R2, RE (--numbers-in: in
    numbers), with the same number."""
    net = tmp_path / "ce.cir"
    net.write_text(CE_DIVIDER)
    assert main(["op", str(net), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    names = {n: P(n) for n in ("R1", "R2", "RE", "RC", "beta1", "VBE1")}
    r1, r2, re_, beta, vbe = (names[n] for n in ("R1", "R2", "RE", "beta1", "VBE1"))
    hand = beta * (12 * r2 / (r1 + r2) - vbe) / (r1 * r2 / (r1 + r2) + (beta + 1) * re_)
    ic = sympy.sympify(out["devices"]["Q1"]["bias"]["IC"], locals=names)
    assert sympy.simplify(ic - hand) == 0
    assert out["values"] == {"Rs": "1000", "C1": "1/100000", "R1": "47000", "R2": "10000",
                             "RC": "4700", "RE": "1000", "CE": "1/10000", "C2": "1/100000",
                             "RL": "10000"}
    at = {r1: 47e3, r2: 10e3, re_: 1e3, beta: 150, vbe: 0.7}
    assert float(out["devices"]["Q1"]["numeric"]["IC1"]) == pytest.approx(
        float(hand.subs(at)), rel=1e-12)
    assert main(["op", str(net)]) == 0
    text = capsys.readouterr().out
    assert "IC1    = beta1*(12*R2 - VBE1*(R1 + R2))/(R1*R2 + RE*(R1 + R2)*(beta1 + 1)) = " \
        "1.32368 mA" in text
    assert main(["op", str(net), "--numbers-in"]) == 0
    assert "IC1    = beta1*(120 - 57*VBE1)/(57000*beta1 + 527000) = 1.32368 mA" in \
        capsys.readouterr().out


TWO_STAGE = Path(__file__).parent / "draw_circuits" / "two_stage.cir"


def test_mid_band_opens_small_capacitors_in_check_and_draw_too(capsys, tmp_path):
    """check and draw --small-signal see the circuit analyze solves: C_C and C_L (pF) open at
    mid-band, said on standard error. By hand, the output node then sees r_o6 ∥ r_o7."""
    assert main(["check", str(TWO_STAGE), "--quantity", "rout", "--output", "out",
                 "--answer", "ro6 || ro7", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["verdict"] == "equivalent"
    assert "note: mid-band: CC, CL open" in out.err
    svg = tmp_path / "ss.svg"
    assert main(["draw", str(TWO_STAGE), "--small-signal", "-o", str(svg)]) == 0
    assert "note: mid-band: CC, CL open" in capsys.readouterr().err
    text = svg.read_text()
    assert "r_{o6}" in text and "C_{C}" not in text  # labels are in the SVG's text
    assert main(["check", str(TWO_STAGE), "--quantity", "rout", "--output", "out", "--caps",
                 "keep", "--answer", "ro6 || ro7", "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["verdict"] != "equivalent" and "note: mid-band" not in out.err


def test_twoport_writes_numeric_elements_as_their_names(capsys, tmp_path):
    """The resistive T network, by hand: z11 = R1 + R3, z12 = z21 = R3, z22 = R2 + R3, with
    the numbers beside (4k, 3k, 5k); --numbers-in writes the numbers in."""
    net = tmp_path / "t.cir"
    net.write_text("T network\nR1 a m 1k\nR2 m b 2k\nR3 m 0 3k\n")
    args = ["twoport", str(net), "--port1", "a,0", "--port2", "b,0", "--params", "z"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "z11 = R1 + R3\n    = 4 kΩ\nz12 = R3\n    = 3 kΩ\n" in out
    assert "z22 = R2 + R3\n    = 5 kΩ\n" in out
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["values"] == {"R1": "1000", "R2": "2000", "R3": "3000"}
    assert main([*args, "--numbers-in"]) == 0
    assert "z11 = 4 kΩ" in capsys.readouterr().out


def test_a_result_too_long_names_how_many_numbers_it_needs(capsys):
    """Five CE stages, every value a symbol: 5 × (r_π, C_π, C_μ, g_m, r_o, R_C) + R_s = 31
    symbols, counted, not listed one by one."""
    cascade = Path(__file__).parent / "draw_circuits" / "bench" / "cascade5.cir"
    assert main(["analyze", str(cascade), "--source", "Vs", "--output", "c5"]) == 0
    gain = capsys.readouterr().out.splitlines()[0]
    assert gain.startswith("gain v(c5)/Vs: 15,584 terms, too long to read; numbers for its 31 "
                           "symbols (RC1, RC2, RC3, ...; .param or --subs)")
