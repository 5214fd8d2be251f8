"""The exponential method against its laws written out by hand: devices whose bias is forced by
sources (a base current, a diode current, the MOSFET's terminal voltages), so the Shockley,
Gummel–Poon and level-1 equations, their derivatives and SPICE's temperature law for I_S give
every number in closed form. Independent of ngspice (tests/test_bias_exponential.py compares
the same method with ngspice's .op and .ac)."""

from __future__ import annotations

import math

import pytest

from symsig import parse
from symsig.bias import operating_point

K, Q = 1.380649e-23, 1.602176634e-19  # SI 2019, exact


def vt_at(celsius: float) -> float:
    """kT/q, by hand."""
    return K * (celsius + 273.15) / Q


def test_bjt_driven_by_a_base_current_hand_formulas():
    """I_B = 10 µA from a source, V_CE = 5 V from a source. Gummel–Poon with V_AF only:
    I_C = I_S e^{V_BE/V_T}(1 − V_BC/V_AF) + ..., so with x = I_S e^{V_BE/V_T}: I_B = x/BF,
    g_π = x/(BF V_T) = I_B/V_T, g_o = x/V_AF = I_C/(V_AF + V_CB), and g_m at fixed V_CE is
    I_C/V_T − g_o (terms in I_S itself, ~1e-15 A, are below the tolerance)."""
    text = ("BJT on current bias\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n"
            ".model QN npn (BF=120 VAF=80 IS=1e-15)\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    vt = vt_at(27)
    ib, ic, vbe = (float(d.bias[k]) for k in ("IB", "IC", "VBE"))
    assert ib == pytest.approx(10e-6, rel=1e-9, abs=0)
    assert vbe == pytest.approx(vt * math.log(120 * 10e-6 / 1e-15), rel=1e-8, abs=0)
    vcb = 5 - vbe
    assert ic == pytest.approx(120 * 10e-6 * (1 + vcb / 80), rel=1e-8, abs=0)
    ss = {k: float(v) for k, v in d.small_signal.items()}
    assert ss["rpi1"] == pytest.approx(vt / 10e-6, rel=1e-7, abs=0)
    assert ss["ro1"] == pytest.approx((80 + vcb) / ic, rel=1e-7, abs=0)
    assert ss["gm1"] == pytest.approx(ic / vt - (1 / ss["ro1"]), rel=1e-7, abs=0)
    assert ss["beta1"] == pytest.approx(120 * (1 + (vcb - vt) / 80), rel=1e-7, abs=0)
    assert ss["re1"] == pytest.approx(1 / (ss["gm1"] + 1 / ss["rpi1"]), rel=1e-9, abs=0)


@pytest.mark.parametrize("celsius", [27, 75])
def test_diode_on_a_current_source_hand_formulas(celsius):
    """I = 1 mA into D (IS = 1e-14 at TNOM = 27 °C, N = 1.5): V_D = N V_T ln(I/I_S(T) + 1),
    r_d = N V_T/(I + I_S(T)), with SPICE's I_S(T) = I_S exp((T/T_nom − 1) E_G/(N V_T)
    + (XTI/N) ln(T/T_nom)), E_G = 1.11 eV, XTI = 3."""
    temp = "" if celsius == 27 else f".temp {celsius}\n"
    text = f"diode\nI1 0 a 1m\nD1 a 0 DM\n.model DM d (IS=1e-14 N=1.5)\n{temp}"
    d = operating_point(parse(text), method="exponential").devices[0]
    t, tnom, n, vt = celsius + 273.15, 300.15, 1.5, vt_at(celsius)
    i_s = 1e-14 * math.exp((t / tnom - 1) * 1.11 / (n * vt) + 3 / n * math.log(t / tnom))
    assert float(d.bias["VD"]) == pytest.approx(n * vt * math.log(1e-3 / i_s + 1), rel=1e-8, abs=0)
    assert float(d.small_signal["rd1"]) == pytest.approx(n * vt / (1e-3 + i_s), rel=1e-7, abs=0)


def test_mosfet_forced_by_sources_hand_formulas():
    """V_GS = 1.5 V, V_DS = 3 V, V_SB = 1 V (source above the body): level 1 in saturation,
    V_th = V_TO + γ(√(φ + V_SB) − √φ), I_D = (k/2)V_ov²(1 + λV_DS), g_m = k V_ov(1 + λV_DS),
    g_ds = (k/2)V_ov² λ, g_mb = g_m γ/(2√(φ + V_SB))."""
    text = ("nmos\nVS s 0 1\nVG g 0 2.5\nVD d 0 4\nM1 d g s 0 NM W=10u L=1u\n"
            ".model NM nmos (KP=200u VTO=0.5 LAMBDA=0.02 GAMMA=0.4 PHI=0.7)\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    k, lam, gamma, phi = 200e-6 * 10, 0.02, 0.4, 0.7
    vth = 0.5 + gamma * (math.sqrt(phi + 1) - math.sqrt(phi))
    vov = 1.5 - vth
    assert float(d.bias["Vov"]) == pytest.approx(vov, rel=1e-12, abs=0)
    assert float(d.bias["ID"]) == pytest.approx(k / 2 * vov**2 * (1 + lam * 3), rel=1e-12, abs=0)
    ss = {x: float(v) for x, v in d.small_signal.items()}
    assert ss["gm1"] == pytest.approx(k * vov * (1 + lam * 3), rel=1e-8, abs=0)
    assert ss["ro1"] == pytest.approx(1 / (k / 2 * vov**2 * lam), rel=1e-8, abs=0)
    gmb = ss["gm1"] * gamma / (2 * math.sqrt(phi + 1))
    assert ss["gmb1"] == pytest.approx(gmb, rel=1e-7, abs=0)


# -- capacitances from the card, by hand -------------------------------------------------------

def junction(c0: float, v: float, vj: float, m: float, fc: float = 0.5) -> float:
    """A depletion capacitance, by hand: C_J0/(1 − V/V_J)^M, and past FC·V_J the straight line
    through C_J0/(1−FC)^M with slope M·C_J0/(V_J (1−FC)^(1+M)) (SPICE's continuation)."""
    if v < fc * vj:
        return c0 / (1 - v / vj) ** m
    at_knee = c0 / (1 - fc) ** m
    return at_knee + m * c0 / (vj * (1 - fc) ** (1 + m)) * (v - fc * vj)


def test_bjt_capacitances_hand_formulas():
    """The base-current-driven npn with a card's junctions and transit times: C_π = TF·g_be/q_b +
    C_je(V_BE) with g_be = x/V_T (x = I_S e^{V_BE/V_T}) and 1/q_b = 1 + V_CB/V_AF; C_μ = TR·g_bc +
    C_jc(V_BC), the collector junction reverse-biased. V_BE ≈ 0.75 V is past FC·V_JE = 0.4 V:
    the linear continuation."""
    text = ("BJT on current bias\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n.model QN npn (BF=120 "
            "VAF=80 IS=1e-15 CJE=20p VJE=0.8 MJE=0.4 CJC=5p VJC=0.6 MJC=0.35 TF=0.3n TR=10n)\n")
    for method in ("exponential", "constant-vbe"):
        d = operating_point(parse(text), method=method).devices[0]
        vbe = float(d.numeric["VBE1"])
        vbc = vbe - 5
        if method == "exponential":
            vt = vt_at(27)
            gbe = 1e-15 * math.exp(vbe / vt) / vt * (1 - vbc / 80)
            gbc = 1e-15 * math.exp(vbc / vt) / vt
        else:  # the textbook's diffusion capacitance τ_F·g_m, g_m = I_C/V_T (I_C = β I_B)
            assert vbe == 0.7
            gbe, gbc = 120 * 10e-6 / vt_at(27), 0.0
        ss = {k: float(v) for k, v in d.numeric.items()}
        assert ss["cpi1"] == pytest.approx(0.3e-9 * gbe + junction(20e-12, vbe, 0.8, 0.4),
                                           rel=1e-7, abs=0), method
        assert ss["cmu1"] == pytest.approx(10e-9 * gbc + junction(5e-12, vbc, 0.6, 0.35),
                                           rel=1e-7, abs=0), method


@pytest.mark.parametrize(("vd", "region"), [(3.0, "saturation"), (0.1, "triode")])
def test_mosfet_capacitances_hand_formulas(vd, region):
    """V_GS = 1.5 V, V_SB = 1 V forced; Meyer with C_ox = 3.9 ε_0 W (L − 2 LD)/TOX: saturation
    C_gs = (2/3)C_ox + CGSO·W, C_gd = CGDO·W; triode (V_DS = 0.1 V < V_ov) C_gs = (2/3)C_ox
    [1 − (V_ov − V_DS)²/(2V_ov − V_DS)²] + CGSO·W, C_gd = (2/3)C_ox [1 − V_ov²/(2V_ov − V_DS)²]
    + CGDO·W. Junctions: C_db = CJ·AD/(1 + V_DB/PB)^MJ + CJSW·PD/(1 + V_DB/PB)^MJSW, C_sb the
    same with AS, PS and V_SB."""
    text = (f"nmos\nVS s 0 1\nVG g 0 2.5\nVD d 0 {1 + vd}\n"
            "M1 d g s 0 NM W=10u L=1u AD=20p AS=30p PD=14u PS=16u\n"
            ".model NM nmos (KP=200u VTO=0.5 LAMBDA=0.02 GAMMA=0.4 PHI=0.7 TOX=20n LD=0.1u "
            "CGSO=0.3n CGDO=0.2n CJ=0.2m CJSW=0.5n MJ=0.45 MJSW=0.3 PB=0.85)\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    assert d.region == region
    cox = 3.9 * 8.854214871e-12 / 20e-9 * 10e-6 * (1e-6 - 2 * 0.1e-6)
    vov = 1.5 - (0.5 + 0.4 * (math.sqrt(0.7 + 1) - math.sqrt(0.7)))
    if region == "saturation":
        cgs, cgd = 2 / 3 * cox, 0.0
    else:
        span = (2 * vov - vd) ** 2
        cgs = 2 / 3 * cox * (1 - (vov - vd) ** 2 / span)
        cgd = 2 / 3 * cox * (1 - vov**2 / span)
    ss = {k: float(v) for k, v in d.small_signal.items()}
    assert ss["cgs1"] == pytest.approx(cgs + 0.3e-9 * 10e-6, rel=1e-9, abs=0)
    assert ss["cgd1"] == pytest.approx(cgd + 0.2e-9 * 10e-6, rel=1e-9, abs=0)
    vdb, vsb = 1 + vd, 1.0

    def bulk(area, perimeter, v):
        return 0.2e-3 * area / (1 + v / 0.85) ** 0.45 + 0.5e-9 * perimeter / (1 + v / 0.85) ** 0.3

    assert ss["cdb1"] == pytest.approx(bulk(20e-12, 14e-6, vdb), rel=1e-12, abs=0)
    assert ss["csb1"] == pytest.approx(bulk(30e-12, 16e-6, vsb), rel=1e-12, abs=0)


def test_diode_capacitance_hand_formula():
    """1 mA into D: C_d = TT·(I + I_S)/(N V_T) + C_j(V_D), V_D past FC·V_J (linear branch);
    the constant drop (V_D = 0.7 V) takes r_d = N V_T/I and the same junction law at 0.7 V."""
    text = "diode\nI1 0 a 1m\nD1 a 0 DM\n.model DM d (IS=1e-14 N=1.5 CJO=4p VJ=0.7 M=0.4 TT=5n)\n"
    vt = vt_at(27)
    d = operating_point(parse(text), method="exponential").devices[0]
    vd = float(d.bias["VD"])
    assert vd > 0.35
    assert float(d.small_signal["cd1"]) == pytest.approx(
        5e-9 * (1e-3 + 1e-14) / (1.5 * vt) + junction(4e-12, vd, 0.7, 0.4), rel=1e-7, abs=0)
    c = operating_point(parse(text), method="constant-vbe").devices[0]
    assert float(c.numeric["cd1"]) == pytest.approx(
        5e-9 * 1e-3 / (1.5 * vt) + junction(4e-12, 0.7, 0.7, 0.4), rel=1e-9, abs=0)


def test_a_card_without_capacitances_leaves_the_symbols():
    """No CJE/TF on the card: C_π stays the symbol cpi1 (not a silent 0); a card parameter the
    formulas leave out (XTF) keeps C_π a symbol too, and says so."""
    base = "t\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n.model QN npn (BF=120 IS=1e-15{})\n"
    plain = operating_point(parse(base.format("")), method="exponential").devices[0]
    assert "cpi1" not in plain.small_signal and "cmu1" not in plain.small_signal
    xtf = operating_point(parse(base.format(" CJE=2p CJC=1p TF=1n XTF=2")),
                          method="exponential").devices[0]
    assert "cpi1" not in xtf.small_signal and "cmu1" in xtf.small_signal
    assert any("cpi is left a symbol" in w and "XTF" in w for w in xtf.warnings)


def test_a_symbolic_capacitance_leaves_the_q_point_standing():
    """CJE = {cj} without a number: the Q-point and g_m are found as before (by hand, I_B = 10 µA
    forced), C_π stays a symbol, and a warning says why."""
    text = "t\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n.model QN npn (BF=120 IS=1e-15 CJE={cj})\n"
    d = operating_point(parse(text), method="exponential").devices[0]
    assert float(d.bias["IB"]) == pytest.approx(10e-6, rel=1e-9, abs=0)
    assert "cpi1" not in d.small_signal and "gm1" in d.small_signal
    assert any("capacitances stay symbols" in w and "cj" in w for w in d.warnings)


# -- the temperature laws, by hand ---------------------------------------------------------------

def test_bjt_saturation_current_at_75_c_hand_formula():
    """I_B = 10 µA forced, no V_AF, .temp 75 (TNOM 27 °C): I_C = BF·I_B and V_BE = V_T(T)·
    ln(I_C/I_S(T) + 1) with SPICE's I_S(T) = I_S (T/T_nom)^XTI exp((T/T_nom − 1)·EG/V_T(T)),
    EG = 1.11 eV, XTI = 3; g_m = I_C/V_T(T) (the reverse junction's I_S(T)·(1 + BF/BR), ~1e-10
    A, aside: 6e-8 of I_C)."""
    text = ("BJT at 75 C\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n.model QN npn (BF=120 IS=1e-15)\n"
            ".temp 75\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    t, tnom, vt = 348.15, 300.15, vt_at(75)
    i_s = 1e-15 * (t / tnom) ** 3 * math.exp((t / tnom - 1) * 1.11 / vt)
    ic = 120 * 10e-6
    assert float(d.bias["IC"]) == pytest.approx(ic, rel=1e-6, abs=0)
    assert float(d.bias["VBE"]) == pytest.approx(vt * math.log(ic / i_s + 1), rel=1e-8, abs=0)
    assert float(d.small_signal["gm1"]) == pytest.approx(ic / vt, rel=1e-6, abs=0)


def test_mosfet_mobility_at_75_c_hand_formula():
    """SPICE's KP(T) = KP·(T/T_nom)^(−3/2), seen without the threshold's own temperature law: in
    saturation with λ = 0, g_m²/(2 I_D) = KP(T)·W/L whatever V_th(T) is. V_GS = 1.5 V forced."""
    text = ("nmos at 75 C\nVG g 0 1.5\nVD d 0 3\nM1 d g 0 0 NM W=10u L=1u\n"
            ".model NM nmos (KP=200u VTO=0.5 GAMMA=0.4 PHI=0.7)\n.temp 75\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    gm, i_d = float(d.small_signal["gm1"]), float(d.bias["ID"])
    kp_hot = 200e-6 * (348.15 / 300.15) ** -1.5
    assert gm**2 / (2 * i_d) == pytest.approx(kp_hot * 10, rel=1e-7, abs=0)


def test_bjt_emission_coefficient_hand_formula():
    """NF = 1.2: with I_B = 10 µA forced and no V_AF, V_BE = NF·V_T·ln(I_C/I_S + 1), g_m =
    I_C/(NF·V_T), r_π = NF·V_T/I_B (the reverse junction's I_S-sized terms aside)."""
    text = ("BJT with NF\nIB 0 b 10u\nVCE c 0 5\nQ1 c b 0 QN\n"
            ".model QN npn (BF=120 IS=1e-15 NF=1.2)\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    nvt, ic = 1.2 * vt_at(27), 120 * 10e-6
    assert float(d.bias["VBE"]) == pytest.approx(nvt * math.log(ic / 1e-15 + 1), rel=1e-9, abs=0)
    assert float(d.small_signal["gm1"]) == pytest.approx(ic / nvt, rel=1e-7, abs=0)
    assert float(d.small_signal["rpi1"]) == pytest.approx(nvt / 10e-6, rel=1e-7, abs=0)


def test_forward_biased_body_hand_formula():
    """V_BS = +0.2 V (body above the source), as SPICE's level 1 continues the law there: the
    root √(φ − V_BS) becomes its tangent √φ − V_BS/(2√φ), so V_th = V_TO + γ(tangent − √φ), and
    g_mb = g_m·γ/(2·tangent) (SPICE's own expression, not the tangent law's slope)."""
    text = ("nmos, body forward\nVB b 0 0.2\nVG g 0 1.5\nVD d 0 3\nM1 d g 0 b NM W=10u L=1u\n"
            ".model NM nmos (KP=200u VTO=0.5 LAMBDA=0.02 GAMMA=0.4 PHI=0.7)\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    tangent = math.sqrt(0.7) - 0.2 / (2 * math.sqrt(0.7))
    vov = 1.5 - (0.5 + 0.4 * (tangent - math.sqrt(0.7)))
    gm = 200e-6 * 10 * vov * (1 + 0.02 * 3)
    assert float(d.bias["Vov"]) == pytest.approx(vov, rel=1e-12, abs=0)
    assert float(d.small_signal["gm1"]) == pytest.approx(gm, rel=1e-8, abs=0)
    assert float(d.small_signal["gmb1"]) == pytest.approx(gm * 0.4 / (2 * tangent), rel=1e-8, abs=0)


def test_junction_capacitance_at_75_c_hand_formula():
    """A reverse-biased diode (−3 V forced) at 75 °C, TNOM 27 °C: C_j = CJO(T)/(1 + 3/VJ(T))^M
    with SPICE's laws, written out: E_g(T) = 1.16 − 7.02e-4 T²/(T + 1108); the n_i term
    p(T) = −3 V_T(T) ln(T/T_ref) + E_g(T) − 1.1150877 T/T_ref (T_ref = 300.15 K, 0 there);
    VJ(T) = (T/T_nom)(VJ − p(T_nom)) + p(T); CJO(T) = CJO·[1 + M(4e-4 (T − T_ref) − VJ(T)/VJ0
    + 1)]/[1 + M(4e-4 (T_nom − T_ref) − VJ/VJ0 + 1)], VJ0 = (VJ − p(T_nom))·T_ref/T_nom."""
    text = ("diode reverse\nV1 0 a 3\nD1 a 0 DM\n.model DM d (IS=1e-14 CJO=4p VJ=0.7 M=0.4)\n"
            ".temp 75\n")
    d = operating_point(parse(text), method="exponential").devices[0]
    t, tnom, ref = 348.15, 300.15, 300.15

    def p(kelvin):
        gap = 1.16 - 7.02e-4 * kelvin**2 / (kelvin + 1108)
        return -3 * vt_at(kelvin - 273.15) * math.log(kelvin / ref) + gap - 1.1150877 * kelvin / ref

    vj0 = (0.7 - p(tnom)) * ref / tnom
    vj = t / tnom * (0.7 - p(tnom)) + p(t)
    cj0 = 4e-12 * (1 + 0.4 * (4e-4 * (t - ref) - vj / vj0 + 1)) / (
        1 + 0.4 * (4e-4 * (tnom - ref) - 0.7 / vj0 + 1))
    assert float(d.small_signal["cd1"]) == pytest.approx(cj0 / (1 + 3 / vj) ** 0.4, rel=1e-9,
                                                         abs=0)
    assert vj < 0.7 and cj0 > 4e-12  # hotter: a lower built-in potential, a larger C_J0
