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
    assert ib == pytest.approx(10e-6, rel=1e-9)
    assert vbe == pytest.approx(vt * math.log(120 * 10e-6 / 1e-15), rel=1e-8)
    vcb = 5 - vbe
    assert ic == pytest.approx(120 * 10e-6 * (1 + vcb / 80), rel=1e-8)
    ss = {k: float(v) for k, v in d.small_signal.items()}
    assert ss["rpi1"] == pytest.approx(vt / 10e-6, rel=1e-7)
    assert ss["ro1"] == pytest.approx((80 + vcb) / ic, rel=1e-7)
    assert ss["gm1"] == pytest.approx(ic / vt - (1 / ss["ro1"]), rel=1e-7)
    assert ss["beta1"] == pytest.approx(120 * (1 + (vcb - vt) / 80), rel=1e-7)
    assert ss["re1"] == pytest.approx(1 / (ss["gm1"] + 1 / ss["rpi1"]), rel=1e-9)


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
    assert float(d.bias["VD"]) == pytest.approx(n * vt * math.log(1e-3 / i_s + 1), rel=1e-8)
    assert float(d.small_signal["rd1"]) == pytest.approx(n * vt / (1e-3 + i_s), rel=1e-7)


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
    assert float(d.bias["Vov"]) == pytest.approx(vov, rel=1e-12)
    assert float(d.bias["ID"]) == pytest.approx(k / 2 * vov**2 * (1 + lam * 3), rel=1e-12)
    ss = {x: float(v) for x, v in d.small_signal.items()}
    assert ss["gm1"] == pytest.approx(k * vov * (1 + lam * 3), rel=1e-8)
    assert ss["ro1"] == pytest.approx(1 / (k / 2 * vov**2 * lam), rel=1e-8)
    assert ss["gmb1"] == pytest.approx(ss["gm1"] * gamma / (2 * math.sqrt(phi + 1)), rel=1e-7)
