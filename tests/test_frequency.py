"""Frequency response: every expectation is written by hand from the textbooks (Sedra/Smith,
Razavi, Gray/Meyer, Hajimiri 2010) or comes from ngspice; symsig's own results are compared with
them, never with themselves.

- H(s) of the CE and CS stages with their capacitances, written out by hand;
- open-circuit time constants summing to b1 (and Hajimiri's b2, and the numerator from transfer
  constants) on five circuits, checked with SymPy's own algebra on the expanded sums;
- short-circuit time constants: the textbook's R seen by a bypass capacitor, and the exact sum;
- poles, zeros, exact -3 dB frequencies, Miller, f_T: closed forms solved by hand;
- a CE amplifier with coupling and bypass capacitors against ngspice's own `.ac`;
- Bode and step plots: the plotted data equal H(jω) (evaluated by the polynomial route) and the
  hand-solved step responses.
"""

from __future__ import annotations

import cmath
import json
import math
import random
import subprocess
import tempfile
from pathlib import Path

import pytest
import sympy

from symsig import parse, transfer
from symsig.analysis import frequency as fr
from symsig.devices import Options
from symsig.devices.ac import small_signal
from symsig.forms import expand_par

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
s = sympy.Symbol("s")


def plain(expr: sympy.Expr) -> sympy.Expr:
    """Par written out, β as g_m·r_π, symbols compared by name."""
    expr = expand_par(sympy.sympify(expr))
    expr = expr.xreplace({b: P("gm" + b.name[4:]) * P("rpi" + b.name[4:])
                          for b in expr.free_symbols if b.name.startswith("beta")})
    return expr.xreplace({x: P(x.name) for x in expr.free_symbols if x.name != "s"})


def equal(a, b) -> bool:
    return sympy.cancel(sympy.together(plain(a) - plain(b))) == 0


def equal_at_points(a, b, n: int = 3) -> bool:
    """Equal at random rational points, each side evaluated by SymPy's exact arithmetic: for
    sums too big for `cancel` (two polynomials agreeing at random points are equal with
    overwhelming probability)."""
    a, b = plain(a), plain(b)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    rng = random.Random(11)
    for _ in range(n):
        point = {x: sympy.Rational(rng.randint(1, 10**6), rng.randint(1, 10**4)) for x in symbols}
        if a.xreplace(point) != b.xreplace(point):
            return False
    return True


def hf(text: str, caps: str = "short", **opts) -> tuple:
    """A netlist's small-signal circuit with device capacitances, and the original."""
    original = parse(text)
    options = Options.build("hybrid-pi", ["caps", *opts.get("include", [])],
                            opts.get("exclude", []))
    return small_signal(original, options, capacitors=caps, sources=["Vs"]), original


gm1, rpi1, ro1, cpi1, cmu1 = (P(n) for n in ("gm1", "rpi1", "ro1", "cpi1", "cmu1"))
cgs1, cgd1, cdb1 = P("cgs1"), P("cgd1"), P("cdb1")
Rs, RL, RE, RC = P("Rs"), P("RL"), P("RE"), P("RC")

CE = """CE stage
Vs in 0 AC 1
Rs in b Rs
Q1 c b 0
RL c 0 RL
"""

CS = """CS stage
Vs in 0 AC 1
Rs in g Rs
M1 d g 0 nmos
RL d 0 RL
"""

CASCODE = """CE-CB cascode
Vs in 0 AC 1
Rs in b Rs
Q1 x b 0
Q2 c vb x
VB vb 0 DC 5
RL c 0 RL
"""

CC = """emitter follower
Vs in 0 AC 1
Rs in b Rs
Q1 vcc b e
VCC vcc 0 DC 10
RE e 0 RE
"""

DIFF = """differential pair, one side driven
Vs in 0 AC 1
Rs in b1 Rs
Q1 c1 b1 t
Q2 c2 0 t
IEE t 0 DC 1m
REE t 0 REE
RC1 c1 0 RC
RC2 c2 0 RC
"""


# -- the acceptance formulas ---------------------------------------------------------------
def test_ce_stage_h_of_s_equals_the_hand_formula():
    circuit, _ = hf(CE)
    h = transfer(circuit, "c", "Vs")
    rl = RL * ro1 / (RL + ro1)  # R_L' = R_L || r_o
    rs = Rs * rpi1 / (Rs + rpi1)  # R_s' = R_s || r_pi
    b1 = rs * (cpi1 + cmu1 * (1 + gm1 * rl)) + rl * cmu1
    b2 = rs * rl * cpi1 * cmu1
    hand = -gm1 * rl * rpi1 / (rpi1 + Rs) * (1 - s * cmu1 / gm1) / (1 + b1 * s + b2 * s**2)
    assert equal(h.expr, hand)
    c = fr.coefficients(h)
    assert equal(c.b[0].expr, b1) and equal(c.b[1].expr, b2)
    assert equal(c.a[0].expr, -cmu1 / gm1)


def test_cs_stage_h_of_s_equals_the_hand_formula():
    circuit, _ = hf(CS)
    h = transfer(circuit, "d", "Vs")
    rl = RL * ro1 / (RL + ro1)
    b1 = Rs * (cgs1 + cgd1 * (1 + gm1 * rl)) + rl * (cgd1 + cdb1)
    b2 = Rs * rl * (cgs1 * cgd1 + cgs1 * cdb1 + cgd1 * cdb1)
    hand = -gm1 * rl * (1 - s * cgd1 / gm1) / (1 + b1 * s + b2 * s**2)
    assert equal(h.expr, hand)


@pytest.mark.parametrize("name,text,output", [
    ("CE", CE, "c"), ("CS", CS, "d"), ("cascode", CASCODE, "c"), ("CC", CC, "e"),
    ("differential pair", DIFF, "c2"),
])
def test_open_circuit_time_constants_sum_to_b1_exactly(name, text, output):
    circuit, _ = hf(text)
    h = transfer(circuit, output, "Vs")
    c = fr.coefficients(h)
    octs = fr.open_circuit_time_constants(circuit)
    assert len(octs) >= 2
    raw = lambda r: r.expr  # noqa: E731  (the identity is tested, not the forms)
    total = sum(tc.expr(raw) for tc in octs)
    assert equal_at_points(total, c.b[0].expr), name  # SymPy's arithmetic on the written sum
    assert fr.holds_exactly(octs, c.b[0])
    # Hajimiri: b2 = Σ_{i<j} τ_i^0 τ_j^i
    b2 = sum(sympy.Mul(*[f.expr(raw) for f in t.factors])
             for t in fr.coefficient_terms(circuit, 2))
    assert equal_at_points(b2, c.b[1].expr if len(c.b) > 1 else 0), name
    # the numerator's s coefficient from transfer constants: Σ τ_i^0 H^i = K·a1
    n1 = sum(sympy.Mul(*[f.expr(raw) for f in t.term.factors]) * t.gain.expr
             for t in fr.numerator_terms(circuit, output, "Vs", 1))
    ka1 = c.gain.expr * c.a[0].expr if c.a else 0
    assert equal_at_points(n1, ka1), name


def test_cascode_b3_from_hajimiri_terms():
    circuit, _ = hf(CASCODE)
    h = transfer(circuit, "c", "Vs")
    c = fr.coefficients(h)
    assert len(c.b) >= 3
    b3 = fr.coefficient_terms(circuit, 3)
    assert fr.holds_exactly(b3, c.b[2])


def test_ce_open_circuit_resistances_are_the_textbook_ones():
    circuit, _ = hf(CE)
    octs = {tc.element.value: tc for tc in fr.open_circuit_time_constants(circuit)}
    rs = Rs * rpi1 / (Rs + rpi1)
    rl = RL * ro1 / (RL + ro1)
    assert equal(octs[cpi1].resistance.expr, rs)
    assert equal(octs[cmu1].resistance.expr, rs + rl + gm1 * rs * rl)  # Sedra/Smith's R_μ


def test_rlc_time_constants_count_inductors():
    """Series R-L-C, output across C: H = 1/(1 + sRC + s²LC). C sees R with L shorted (RC);
    L sees an open with C open (0) and R with C shorted (L/R): b1 = RC, b2 = RC·L/R = LC."""
    circuit = parse("Vs in 0 AC 1\nR1 in a R\nL1 a b L\nC1 b 0 C\n")
    h = transfer(circuit, "b", "Vs")
    R, L, C = P("R"), P("L"), P("C")
    assert equal(h.expr, 1 / (1 + s * R * C + s**2 * L * C))
    octs = fr.open_circuit_time_constants(circuit)
    assert equal(sum(tc.expr() for tc in octs), R * C)
    assert equal(sum(t.expr() for t in fr.coefficient_terms(circuit, 2)), L * C)


# -- short-circuit time constants ----------------------------------------------------------
CE_COUPLED = """CE with coupling and bypass capacitors
Vs in 0 AC 1
Rs in a Rs
C1 a b C1
RB b 0 RB
RC c 0 RC
Q1 c b e
RE e 0 RE
CE e 0 CE
C2 c out C2
RL out 0 RL
"""


def test_short_circuit_time_constants_of_a_ce_stage():
    """Without r_o: C1 sees R_s + R_B || r_π; C_E sees R_E || (r_π + R_s || R_B)/(β + 1);
    C2 sees R_C + R_L (Sedra/Smith, low-frequency response of the CE amplifier)."""
    original = parse(CE_COUPLED)
    circuit = small_signal(original, Options.build("hybrid-pi", [], ["ro"]), capacitors="keep",
                           sources=["Vs"])
    sct = {tc.element.name: tc for tc in fr.short_circuit_time_constants(circuit)}
    RB = P("RB")
    beta = gm1 * rpi1
    assert equal(sct["C1"].resistance.expr, Rs + RB * rpi1 / (RB + rpi1))
    rsb = Rs * RB / (Rs + RB)
    assert equal(sct["CE"].resistance.expr, RE * ((rpi1 + rsb) / (beta + 1))
                 / (RE + (rpi1 + rsb) / (beta + 1)))
    assert equal(sct["C2"].resistance.expr, RC + RL)
    h = transfer(circuit, "out", "Vs")
    c = fr.coefficients(h)
    assert len(c.b) == 3  # three capacitors, no loop of them: third order
    rates = sum(1 / tc.expr() for tc in sct.values())
    assert equal(rates, c.b[1].expr / c.b[2].expr)


def test_high_pass_corner_is_exact():
    """One coupling capacitor: f_L = 1/(2π(R_s + R_L)C) exactly, and the SCT estimate is it."""
    circuit = parse("Vs in 0 AC 1\nRs in a 1k\nC1 a out 1u\nRL out 0 9k\n")
    h = transfer(circuit, "out", "Vs")
    f_l, f_h = fr.corners(h, {}, sympy.Rational(9, 10), centre=math.inf)
    assert f_h is None
    assert f_l == pytest.approx(1 / (2 * math.pi * 10e3 * 1e-6), rel=1e-12)
    (tc,) = fr.short_circuit_time_constants(circuit)
    assert float(tc.value({})) == pytest.approx(10e3 * 1e-6, rel=1e-15)


# -- poles, zeros, corners -----------------------------------------------------------------
def test_poles_and_zeros_of_the_ce_stage_at_numbers():
    circuit, _ = hf(CE)
    h = transfer(circuit, "c", "Vs")
    v = {"gm1": 0.04, "rpi1": 2500, "ro1": 1e5, "cpi1": 10e-12, "cmu1": 1e-12, "Rs": 1000,
         "RL": 5000}
    rl = 5000 * 1e5 / (5000 + 1e5)
    rs = 1000 * 2500 / 3500
    b1 = rs * (10e-12 + 1e-12 * (1 + 0.04 * rl)) + rl * 1e-12
    b2 = rs * rl * 10e-12 * 1e-12
    disc = math.sqrt(b1 * b1 - 4 * b2)
    hand = sorted([(-b1 + disc) / (2 * b2), (-b1 - disc) / (2 * b2)], key=abs)
    got = fr.poles(h, v)
    assert [p.real for p in got] == pytest.approx(hand, rel=1e-9)
    assert all(p.imag == 0 for p in got)
    assert fr.zeros(h, v) == [pytest.approx(0.04 / 1e-12, rel=1e-12)]
    # symbolic: the first-order RC low-pass has its pole at -1/(RC)
    lowpass = transfer(parse("Vs in 0 AC 1\nR1 in o R\nC1 o 0 C\n"), "o", "Vs")
    (p,) = fr.poles(lowpass)
    assert equal(p, -1 / (P("R") * P("C")))
    assert fr.zeros(lowpass) == []


def test_symbolic_second_order_poles_are_the_quadratic_formula():
    circuit, _ = hf(CE)
    h = transfer(circuit, "c", "Vs")
    p1, p2 = fr.poles(h)
    point = {"gm1": 0.04, "rpi1": 2500, "ro1": 1e5, "cpi1": 10e-12, "cmu1": 1e-12, "Rs": 1000,
             "RL": 5000}
    sub = {x: point[x.name] for x in plain(p1).free_symbols}
    numeric = sorted([complex(plain(p1).xreplace(sub)), complex(plain(p2).xreplace(sub))],
                     key=abs)
    assert [x.real for x in numeric] == pytest.approx([x.real for x in fr.poles(h, point)],
                                                      rel=1e-9)


def test_exact_3db_of_two_equal_isolated_poles():
    """Two RC sections buffered by a unity VCVS: |H| = 1/(1 + (f/f0)²) = 1/√2 at
    f = f0·√(√2 − 1)."""
    circuit = parse("Vs in 0 AC 1\nR1 in a 1k\nC1 a 0 1n\nE1 b 0 a 0 1\nR2 b c 1k\n"
                    "C2 c 0 1n\n")
    h = transfer(circuit, "c", "Vs")
    f0 = 1 / (2 * math.pi * 1e3 * 1e-9)
    low, high = fr.corners(h, {}, 1)
    assert low is None
    assert high == pytest.approx(f0 * math.sqrt(math.sqrt(2) - 1), rel=1e-12)
    poles = fr.poles(h, {})
    assert poles == [pytest.approx(-1e6, rel=1e-12)] * 2  # a double pole, found as one


# -- Miller and f_T --------------------------------------------------------------------------
def test_miller_input_capacitance_and_rhp_zero_of_the_ce_stage():
    circuit, _ = hf(CE)
    m = fr.miller(circuit, "Cmu_Q1")
    rl = RL * ro1 / (RL + ro1)
    assert equal(m.gain.expr, -gm1 * rl)
    assert equal(m.input_capacitance(), cpi1 + cmu1 * (1 + gm1 * rl))
    assert equal(m.resistance.expr, Rs * rpi1 / (Rs + rpi1))
    (z,) = m.zero()
    assert equal(z, gm1 / cmu1)
    h = transfer(circuit, "c", "Vs")
    (zh,) = fr.zeros(h)
    assert equal(zh, gm1 / cmu1)  # the stage's own zero is the bridged stage's


def test_bjt_f_t_is_the_exact_unity_crossing():
    """|h_fe(jω)|² = r_π²(g_m² + ω²C_μ²)/(1 + ω²r_π²C²) = 1 with C = C_π + C_μ gives
    ω_T = √((β² − 1)/(r_π²(C² − C_μ²))), solved by hand."""
    t = fr.transition(parse(CE), "Q1")
    assert equal(t.current_gain.expr, rpi1 * (gm1 - s * cmu1) / (1 + s * rpi1 * (cpi1 + cmu1)))
    assert equal(t.estimate, gm1 / (cpi1 + cmu1))
    assert equal(t.beta_corner, 1 / (rpi1 * (cpi1 + cmu1)))
    v = {"gm1": 0.04, "rpi1": 2500, "cpi1": 10e-12, "cmu1": 1e-12}
    beta, c = 100.0, 11e-12
    hand = math.sqrt((beta**2 - 1) / (2500**2 * (c**2 - 1e-24))) / (2 * math.pi)
    assert t.f_t(v) == pytest.approx(hand, rel=1e-12)


def test_mos_f_t_is_the_exact_unity_crossing():
    """|h21| = |g_m − jωC_gd|/(ω(C_gs + C_gd)) = 1 gives ω_T = g_m/√(C_gs² + 2C_gsC_gd)."""
    t = fr.transition(parse(CS), "M1")
    assert equal(t.estimate, gm1 / (cgs1 + cgd1))
    v = {"gm1": 2e-3, "cgs1": 20e-15, "cgd1": 5e-15, "cdb1": 7e-15}
    hand = 2e-3 / math.sqrt(20e-15**2 + 2 * 20e-15 * 5e-15) / (2 * math.pi)
    assert t.f_t(v) == pytest.approx(hand, rel=1e-12)


# -- step response -----------------------------------------------------------------------------
def test_step_response_first_order_second_order_and_repeated_pole():
    rc = transfer(parse("Vs in 0 AC 1\nR1 in o 1k\nC1 o 0 1u\n"), "o", "Vs")
    y = fr.step_response(rc, {})
    tau = 1e-3
    for t in (0, 0.3e-3, 1e-3, 4e-3):
        assert y(t) == pytest.approx(1 - math.exp(-t / tau), abs=1e-12)
    m = fr.step_metrics(y)
    assert m["rise_time"] == pytest.approx(tau * math.log(9), rel=1e-6)
    assert m["overshoot"] == pytest.approx(0, abs=1e-9)
    # series RLC, ζ = (R/2)√(C/L) = 0.25: overshoot exp(−πζ/√(1−ζ²))
    rlc = transfer(parse("Vs in 0 AC 1\nR1 in a 50\nL1 a b 1m\nC1 b 0 100n\n"), "b", "Vs")
    zeta = 50 / 2 * math.sqrt(100e-9 / 1e-3)
    m = fr.step_metrics(fr.step_response(rlc, {}))
    assert m["overshoot"] == pytest.approx(100 * math.exp(-math.pi * zeta / math.sqrt(
        1 - zeta**2)), rel=1e-4)
    # two equal buffered poles: 1 − (1 + t/τ)e^(−t/τ)
    double = transfer(parse("Vs in 0 AC 1\nR1 in a 1k\nC1 a 0 1n\nE1 b 0 a 0 1\nR2 b c 1k\n"
                            "C2 c 0 1n\n"), "c", "Vs")
    y = fr.step_response(double, {})
    for t in (0.5e-6, 1e-6, 3e-6):
        assert y(t) == pytest.approx(1 - (1 + t / 1e-6) * math.exp(-t / 1e-6), abs=1e-9)


def test_step_response_refuses_an_improper_h():
    from symsig.errors import AnalysisError

    # the current into a capacitor grows like sC: more zeros than poles
    h = transfer(parse("Vs in 0 AC 1\nC1 in 0 1u\n"), "i(Vs)", "Vs")
    with pytest.raises(AnalysisError, match="impulses"):
        fr.step_response(h, {})


# -- against ngspice ---------------------------------------------------------------------------
CE_REAL = """CE amplifier with coupling and bypass capacitors
VCC vcc 0 DC 12
Vs sig 0 AC 1
Rs sig a 1k
C1 a b 10u
R1 vcc b 47k
R2 b 0 10k
RC vcc c 4.7k
RE e 0 1k
CE e 0 47u
C2 c out 10u
RL out 0 10k
Q1 c b e QN
.model QN npn (BF=150 IS=1e-15 VAF=80 CJE=12p CJC=4p TF=0.3n)
"""


def _ngspice_sweep(netlist: str, output: str, points_per_decade: int, f1: float, f2: float):
    control = ["set filetype=ascii", "set numdgt=16", "set wr_singlescale",
               f"ac dec {points_per_decade} {f1!r} {f2!r}",
               f"wrdata ac.txt real({output}) imag({output})", "quit"]
    deck = f"{netlist.strip()}\n.control\n" + "\n".join(control) + "\n.endc\n.end\n"
    with tempfile.TemporaryDirectory(prefix="symsig_tf_") as tmp:
        path = Path(tmp) / "deck.cir"
        path.write_text(deck)
        subprocess.run(["ngspice", "-b", str(path)], cwd=tmp, capture_output=True, timeout=60,
                       check=False)
        rows = [[float(x) for x in line.split()] for line in
                (Path(tmp) / "ac.txt").read_text().splitlines() if line.strip()]
    return [r[0] for r in rows], [complex(r[1], r[2]) for r in rows]


@pytest.mark.ngspice
def test_ce_amplifier_matches_ngspice_ac_from_10_hz_to_1_ghz(ngspice):
    from symsig.bias.ngspice import operating_point

    original = parse(CE_REAL)
    circuit = small_signal(original, Options(caps=True), capacitors="keep", sources=["Vs"])
    h = transfer(circuit, "out", "Vs")
    values = dict(operating_point(original))
    freqs, ref = _ngspice_sweep(CE_REAL, "v(out)", 10, 10, 1e9)
    assert len(freqs) == 81
    ours = fr.response(h, values, freqs)
    for f, a, b in zip(freqs, ours, ref, strict=True):
        assert abs(a) == pytest.approx(abs(b), rel=5e-3), f
        assert abs(math.degrees(cmath.phase(a / b))) < 0.5, f  # 0.5° ≈ 0.9 % of a radian
    # the exact f_L from |H| equals ngspice's -3 dB crossing (a fine sweep, interpolated)
    mid = transfer(fr.bands(circuit, original).mid_circuit(), "out", "Vs")
    k = fr.exact_value(mid, values)
    f_l, f_h = fr.corners(h, values, k, centre=10e3)
    fs, vs = _ngspice_sweep(CE_REAL, "v(out)", 200, 50, 500)
    target = abs(float(k)) / math.sqrt(2)
    crossing = next(fs[i - 1] + (fs[i] - fs[i - 1]) * (target - abs(vs[i - 1]))
                    / (abs(vs[i]) - abs(vs[i - 1])) for i in range(1, len(fs))
                    if abs(vs[i - 1]) < target <= abs(vs[i]))
    assert f_l == pytest.approx(crossing, rel=5e-3)


@pytest.mark.ngspice
def test_cli_prints_the_short_circuit_estimate_beside_the_exact_f_l(ngspice, tmp_path, capsys):
    from symsig.cli import main

    path = tmp_path / "ce.cir"
    path.write_text(CE_REAL)
    assert main(["tf", str(path), "--source", "Vs", "--output", "out", "--include", "caps",
                 "--bias", "ngspice"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("f_L ≈"))
    estimate = float(line.split("= ")[1].split(" Hz")[0])
    exact = float(line.split("exact f_L = ")[1].split(" Hz")[0])
    assert 100 < exact < 200 and estimate == pytest.approx(exact, rel=0.1)
    assert "short-circuit time constants" in out and "open-circuit time constants" in out
    assert "b1 exactly" in out


# -- plots -------------------------------------------------------------------------------------
def _ce_numbers():
    circuit, _ = hf(CE)
    h = transfer(circuit, "c", "Vs")
    v = {"gm1": 0.04, "rpi1": 2500, "ro1": 1e5, "cpi1": 10e-12, "cmu1": 1e-12, "Rs": 1000,
         "RL": 5000}
    return h, v


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_bode_plot_file_and_data_equal_h_of_j_omega(tmp_path, suffix):
    h, v = _ce_numbers()
    path = tmp_path / f"bode{suffix}"
    fig = h.bode(v, f=(1e3, 1e11), file=path, points=120)
    assert path.exists() and path.stat().st_size > 5000
    mag_ax, phase_ax = fig.axes[:2]
    (f, mag), (_, phase) = (mag_ax.lines[0].get_data(), phase_ax.lines[0].get_data())
    rng = random.Random(3)
    for i in rng.sample(range(len(f)), 12):
        expected = h.evaluate(v, s=2j * math.pi * f[i])  # the polynomial route, not the factored
        assert mag[i] == pytest.approx(20 * math.log10(abs(expected)), abs=1e-9)
        turn = (phase[i] - math.degrees(cmath.phase(expected))) / 360
        assert turn == pytest.approx(round(turn), abs=1e-9)
    assert phase[0] == pytest.approx(180, abs=1)  # an inverting stage starts at 180°
    # the asymptote and the markers: poles at |p|/2π are drawn
    marked = [line for line in mag_ax.lines if line.get_label().startswith("poles")]
    assert marked and list(marked[0].get_data()[0]) == pytest.approx(
        [abs(p) / (2 * math.pi) for p in fr.poles(h, v)], rel=1e-9)


def test_bode_with_comparison_and_step_plot(tmp_path):
    h, v = _ce_numbers()
    c = fr.coefficients(h)
    k, b1 = fr.exact_value(c.gain, v), fr.exact_value(c.b[0], v)
    dominant = fr.from_coefficients([k], [1, b1])
    fig = h.bode(v, compare={"dominant pole": dominant}, file=tmp_path / "cmp.png")
    labels = [line.get_label() for line in fig.axes[0].lines]
    assert "dominant pole" in labels
    f, mag = fig.axes[0].lines[1].get_data()
    i = len(f) // 3
    expected = float(k) / abs(1 + 2j * math.pi * f[i] * float(b1))
    assert mag[i] == pytest.approx(20 * math.log10(abs(expected)), abs=1e-9)
    fig = h.step(v, file=tmp_path / "step.png", points=200)
    t, y = fig.axes[0].lines[0].get_data()
    assert (tmp_path / "step.png").exists()
    # time axis in ns; one dominant pole: y ≈ K(1 − e^(−t/τ)) within the fast pole's share
    tau = -1 / fr.poles(h, v)[0].real
    j = len(t) // 2
    assert y[j] == pytest.approx(float(k) * (1 - math.exp(-t[j] * 1e-9 / tau)), rel=2e-2)


def test_bad_plot_file_is_a_clear_error(tmp_path):
    from symsig.errors import SymsigError

    h, v = _ce_numbers()
    with pytest.raises(SymsigError, match="suffix"):
        h.bode(v, file=tmp_path / "x.jpg")
    with pytest.raises(SymsigError, match="f_lo"):
        h.bode(v, f=(1e6, 10))


# -- the command line ----------------------------------------------------------------------
def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from symsig.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tf_symbolic_ce(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, out, _ = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "c",
                           "--include", "caps", "--miller")
    assert code == 0
    assert "H(s) = v(c)/Vs = K·(1 + a1·s)/(1 + b1·s + b2·s²)" in out
    assert "a1 = -cmu1/gm1" in out
    assert "= b1 exactly" in out
    assert "cpi1 (Q1's C_pi)" in out and "Rs || rpi1" in out
    assert "zero of the bridged stage: s = gm1/cmu1" in out


def test_tf_json_reads_back(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE + ".param Rs=1k RL=5k\n")
    code, out, _ = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "c",
                           "--include", "caps", "--subs",
                           "gm1=40m,rpi1=2.5k,ro1=100k,cpi1=10p,cmu1=1p", "--json",
                           "--at", "1meg")
    assert code == 0
    data = json.loads(out)
    names = {n: P(n) for n in data["symbols"]}
    h = sympy.parse_expr(data["transfer"], local_dict={**names, "s": s})
    circuit, _ = hf(CE)
    assert equal(h, transfer(circuit, "c", "Vs").expr)
    assert data["open_circuit_sum_is_b1"] is True
    rl = 5000 * 1e5 / (5000 + 1e5)
    rs = 1000 * 2500 / 3500
    b1 = rs * (10e-12 + 1e-12 * (1 + 0.04 * rl)) + rl * 1e-12
    assert sum(t["tau"] for t in data["open_circuit"]) == pytest.approx(b1, rel=1e-12)
    (at,) = data["at"]
    expected = -0.04 * rl * 2500 / 3500 * (1 - 2j * math.pi * 1e6 * 1e-12 / 0.04) / (
        1 + b1 * 2j * math.pi * 1e6 + rs * rl * 1e-23 * (2j * math.pi * 1e6) ** 2)
    assert complex(at["re"], at["im"]) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("args,message", [
    (["--source", "Vs"], "--output is needed"),
    ([], "--source and --output"),
    (["--source", "Vs", "--output", "c", "--hf", "C9"], "no capacitor or inductor named"),
    (["--source", "Vs", "--output", "c", "--at", "1k,abc"], "--at"),
    (["--source", "Vs", "--output", "c", "--range", "1g,10"], "lowest first"),
    (["--source", "Vs", "--output", "c", "--miller"], "no C_mu or C_gd"),
    (["--ft", "R1"], "no transistor named"),
    (["--source", "Vs", "--output", "zz"], "no node named"),
    (["--source", "Vs", "--output", "c", "--plot", "x.png"], "numbers are needed"),
])
def test_tf_bad_input_is_one_clear_line(tmp_path, capsys, args, message):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, out, err = run_cli(capsys, "tf", str(path), *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_tf_groups_small_capacitors_high_and_the_user_moves_them(tmp_path, capsys):
    """A 5 pF load is no coupling capacitor: it joins the device capacitances (and stays in
    with --caps short); --lf puts it back, and the output says where each one went."""
    path = tmp_path / "ce.cir"
    path.write_text(CE_COUPLED.replace("RL out 0 RL", "RL out 0 RL\nCL out 0 5p"))
    code, out, _ = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "out",
                           "--include", "caps")
    assert code == 0
    assert "groups: high-frequency cpi1, cmu1, CL; low-frequency C1, CE, C2" in out
    code, out, _ = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "out",
                           "--include", "caps", "--lf", "CL", "--hf", "C2")
    assert "high-frequency cpi1, cmu1, C2; low-frequency C1, CE, CL" in out
    code, _, err = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "out",
                           "--hf", "CL", "--lf", "cl")
    assert code == 2 and "--hf and --lf both name cl" in err


def test_tf_ft_alone_with_numbers(tmp_path, capsys):
    path = tmp_path / "q.cir"
    path.write_text(CE)
    code, out, _ = run_cli(capsys, "tf", str(path), "--ft", "Q1", "--subs",
                           "gm1=40m,rpi1=2.5k,cpi1=10p,cmu1=1p,Rs=1k,RL=5k,ro1=100k")
    assert code == 0
    beta, c = 100.0, 11e-12
    hand = math.sqrt((beta**2 - 1) / (2500**2 * (c**2 - 1e-24))) / (2 * math.pi)
    line = next(x for x in out.splitlines() if "exact f_T" in x)
    assert line.endswith(f"= {hand / 1e6:.3g} MHz")
    assert "f_β = 5.79 MHz" in out  # 1/(2π·2.5k·11p)


def test_a_bare_transistor_with_numbers_for_the_resistors_stays_a_transistor(tmp_path, capsys):
    """No DC source anywhere: a small-signal schematic, not a transistor cut off at zero bias.
    The gain stays -g_m R_L' r_π/(r_π + R_s) at R_s = 1k, R_L = 5k (and says why no Q-point)."""
    path = tmp_path / "ce.cir"
    path.write_text(CE + ".param Rs=1k RL=5k\n")
    for fmt in ([], ["--latex"]):
        code, out, err = run_cli(capsys, "tf", str(path), "--source", "Vs", "--output", "c",
                                 "--include", "caps", *fmt)
        assert code == 0 and "no DC source, so no Q-point" in err
        assert ("-cmu1/gm1" in out) if not fmt else (r"g_{m1}" in out)


def test_mid_band_keeps_the_capacitors_inside_a_subcircuit():
    """An op-amp macromodel's pole capacitor is part of the op-amp, not a coupling capacitor:
    at mid-band (capacitors shorted) a follower built from it is still 1/(1 + s·RC/(A + 1))."""
    text = """follower from a one-pole op-amp macromodel
Vs in 0 AC 1
X1 in out out opamp
.subckt opamp p n o
G1 0 x p n {A/R}
R1 x 0 R
C1 x 0 C
E1 o 0 x 0 1
.ends
"""
    circuit = small_signal(parse(text), capacitors="short")
    h = transfer(circuit, "out", "Vs")
    A, R, C = P("A"), P("R"), P("C")
    assert equal(h.expr, A / (A + 1 + s * R * C))


def test_tf_of_op_amp_integrator_and_differentiator(tmp_path, capsys):
    """Ideal op-amp: H = −1/(sRC) and −sRC (by hand); the capacitor sees a virtual ground or
    an open, so no time-constant estimate is offered, and a step into the differentiator is a
    clear error (an impulse), not a traceback."""
    integ = tmp_path / "integ.cir"
    integ.write_text("integrator\nVs in 0 AC 1\nR1 in n R\nC1 n out C\nO1 out 0 n\n")
    code, out, _ = run_cli(capsys, "tf", str(integ), "--source", "Vs", "--output", "out")
    assert code == 0
    assert "H(s) = v(out)/Vs = K/s\n  K = -1/(C*R)" in out
    assert "no estimate: C1 sees no finite, nonzero resistance" in out
    diff = tmp_path / "diff.cir"
    diff.write_text("differentiator\nVs in 0 AC 1\nC1 in n 1u\nR1 n out 1k\nO1 out 0 n\n")
    code, out, err = run_cli(capsys, "tf", str(diff), "--source", "Vs", "--output", "out",
                             "--step", str(tmp_path / "s.png"))
    # written in the element names, with the number: -R1·C1 = -1 ms
    assert "H(s) = v(out)/Vs = K·s\n  K = -C1*R1  = -0.001 V/V·s" in out
    assert code == 2 and "impulses" in err and "Traceback" not in err


def test_tf_writes_numeric_elements_as_their_names(tmp_path, capsys):
    """A netlist with numbers: H(s) of the RC high-pass reads K = C1·R1, b1 = C1(R1 + Rs) (by
    hand: v_a/v_s = sC1R1/(1 + sC1(Rs + R1))), the numbers beside; --numbers-in keeps them
    in; an 8-section ladder whose H(s) in names has ~1600 terms keeps its numbers (Elmore:
    b1 = R·C·(1 + 2 + ... + 8) = 36 µs)."""
    hp = tmp_path / "hp.cir"
    hp.write_text("high-pass\nVs s 0 AC 1\nRs s x 1k\nC1 x a 1u\nR1 a 0 10k\n")
    code, out, _ = run_cli(capsys, "tf", str(hp), "--source", "Vs", "--output", "a")
    assert code == 0
    assert "  K = C1*R1  = 0.01 V/V·s\n  b1 = C1*(R1 + Rs)  = 11 ms\n" in out
    assert "  C1       R1 + Rs   11 kΩ  11 ms" in out
    code, out, _ = run_cli(capsys, "tf", str(hp), "--source", "Vs", "--output", "a",
                           "--numbers-in")
    assert "  K = 0.01 V/V·s\n  b1 = 11 ms\n" in out
    ladder = tmp_path / "ladder.cir"
    ladder.write_text("ladder\nVs n0 0 AC 1\n" + "".join(
        f"R{i} n{i - 1} n{i} 1k\nC{i} n{i} 0 1n\n" for i in range(1, 9)))
    code, out, _ = run_cli(capsys, "tf", str(ladder), "--source", "Vs", "--output", "n8")
    assert code == 0 and "  K = 1 V/V\n  b1 = 36 µs\n" in out
    # --subs on an element still counts when the numbers go in: R1 = 2k makes b1 =
    # R·C·(2·8 + 7 + 6 + ... + 1) = 44 µs
    code, out, _ = run_cli(capsys, "tf", str(ladder), "--source", "Vs", "--output", "n8",
                           "--subs", "R1=2k")
    assert code == 0 and "  b1 = 44 µs\n" in out
