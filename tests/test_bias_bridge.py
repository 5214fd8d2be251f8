"""The ngspice bridge's numbers against hand formulas and ngspice's own raw vectors.

`symsig.bias.ngspice.operating_point` renames ngspice's device vectors to symsig's symbols
(gm1 = @q1[gm], rpi1 = 1/@q1[gpi], re1 = alpha1/gm1, Vov1 = V_GS - V_th, cgs1, ...) and adds
V_T. Each name is checked here against what the device law says it must be, written out by
hand, at tight simulator tolerances (ngspice's state is then its solution); the formulas
evaluated at these numbers are checked against ngspice's `.ac` in tests/test_real_devices.py.
"""

from __future__ import annotations

import math

import pytest

from symsig import parse
from symsig.bias import operating_point as symsig_operating_point
from symsig.bias.ngspice import operating_point
from tests.test_real_devices import CE, CS_CAPS, DIFF_MOS

TIGHT = ".options reltol=1e-9 vntol=1e-12 abstol=1e-15\n.end"


def vt_at(celsius: float) -> float:
    """kT/q by hand (SI 2019; ngspice-39's CODATA 2014 constants differ by 3.4e-7)."""
    return 1.380649e-23 * (celsius + 273.15) / 1.602176634e-19


@pytest.mark.ngspice
def test_bjt_parameters_against_the_gummel_poon_derivatives(ngspice):
    """The bridge's names against hand formulas, at tight tolerances (ngspice's state is then
    its solution). Gummel–Poon with V_AF only, x = I_S e^{V_BE/V_T}: I_C = x(1 + V_CB/V_AF),
    I_B = x/BF, g_π = x/(BF V_T), g_o = x/V_AF, g_m (at fixed V_CE) = x/V_T (1 + V_CB/V_AF) − g_o.
    So r_π = V_T/I_B, r_o = (V_AF + V_CB)/I_C, g_m = I_C/V_T − 1/r_o, β = g_m r_π =
    BF(1 + (V_CB − V_T)/V_AF), and α/g_m = 1/(g_m + g_π) from ngspice's own raw vectors."""
    op = operating_point(CE.replace(".end", TIGHT))
    vt, ic, ib = vt_at(27), op["IC1"], op["IB1"]
    vcb = op["VCE1"] - op["VBE1"]
    assert math.isclose(op["rpi1"], vt / ib, rel_tol=1e-6)
    assert math.isclose(op["ro1"], (100 + vcb) / ic, rel_tol=1e-6)
    assert math.isclose(op["gm1"], ic / vt - 1 / op["ro1"], rel_tol=1e-6)
    assert math.isclose(op["beta1"], 100 * (1 + (vcb - vt) / 100), rel_tol=1e-6)
    gm, gpi = op.raw["@q1[gm]"], op.raw["@q1[gpi]"]
    assert math.isclose(op["re1"], 1 / (gm + gpi), rel_tol=1e-12)
    assert math.isclose(op["alpha1"], gm / (gm + gpi), rel_tol=1e-12)


NO_EARLY = """npn without an Early voltage at {celsius} C
VCC vcc 0 12
RB vcc b 1.5meg
RC vcc c 4.7k
Q1 c b 0 QN
.model QN npn (BF=150 IS=1e-15)
.temp {celsius}
.options reltol=1e-9 vntol=1e-12 abstol=1e-15
"""


@pytest.mark.ngspice
@pytest.mark.parametrize("celsius", [27, 75])
def test_bridge_thermal_voltage(ngspice, celsius):
    """VT is kT/q at the temperature ngspice ran at: by hand, and as ngspice's own device has
    it (without V_AF, I_C = x + ..., g_m = x/V_T: V_T = I_C/g_m up to gmin, ~1e-8)."""
    op = operating_point(NO_EARLY.format(celsius=celsius))
    assert math.isclose(op["VT"], vt_at(celsius), rel_tol=1e-6)
    assert math.isclose(op["VT"], op["IC1"] / op["gm1"], rel_tol=1e-6)


@pytest.mark.ngspice
def test_mosfet_capacitances_hand_formulas(ngspice):
    """Level 1 in saturation, Meyer: C_gs = (2/3) C_ox W L + CGSO W, C_gd = CGDO W, with
    C_ox = 3.9 ε_0/TOX; junctions C_db = CBD/√(1 + V_DB/PB), C_sb = CBS/√(1 + V_SB/PB)
    (MJ = 0.5 and PB = 0.8 V, SPICE's defaults). W = 20 µm, L = 2 µm, body at ground."""
    op = operating_point(CS_CAPS.replace(".end", TIGHT))
    cox = 3.9 * 8.854214871e-12 / 20e-9
    w, length = 20e-6, 2e-6
    assert math.isclose(op["cgs1"], 2 / 3 * cox * w * length + 0.3e-9 * w, rel_tol=1e-9)
    assert math.isclose(op["cgd1"], 0.3e-9 * w, rel_tol=1e-9)
    v_db, v_sb = op.nodes["d"], op.nodes["s"]
    assert math.isclose(op["cdb1"], 40e-15 / math.sqrt(1 + v_db / 0.8), rel_tol=1e-9)
    assert math.isclose(op["csb1"], 40e-15 / math.sqrt(1 + v_sb / 0.8), rel_tol=1e-9)


@pytest.mark.ngspice
def test_pmos_overdrive_and_transconductance(ngspice):
    """A pmos's V_ov is V_SG − |V_TO| (ngspice's von carries the pmos's sign, its V_GS does
    not), and level 1's g_m = 2 I_D/V_ov: the mirror of DIFF_MOS, bodies tied to sources."""
    op = operating_point(DIFF_MOS.replace(".end", TIGHT))
    for m in ("3", "4"):
        assert math.isclose(op[f"Vov{m}"], op[f"VSG{m}"] - 0.8, rel_tol=1e-9)
        assert math.isclose(op[f"gm{m}"], 2 * op[f"ID{m}"] / op[f"Vov{m}"], rel_tol=1e-6)
    for m in ("1", "2"):  # the nmos pair: sources above the body, V_th with the body effect
        vsb = op.nodes["t"] + 5  # body at vss = -5 V
        vth = 0.7 + 0.5 * (math.sqrt(0.7 + vsb) - math.sqrt(0.7))
        assert math.isclose(op[f"Vov{m}"], op[f"VGS{m}"] - vth, rel_tol=1e-9)


@pytest.mark.ngspice
def test_pnp_bias_signs(ngspice):
    """A pnp's bias the textbook way: I_C, I_B, V_EB, V_EC positive in the active region, and
    I_C/I_B is β_DC = BF (1 + V_CB/V_AF) by the Gummel–Poon law (I_S terms aside)."""
    from tests.test_real_devices import PNP_CE

    op = operating_point(PNP_CE.replace(".end", TIGHT))
    assert op["IC7"] > 0 and op["IB7"] > 0 and op["VEB7"] > 0 and op["VEC7"] > 0
    vcb = op["VEC7"] - op["VEB7"]
    assert math.isclose(op["IC7"] / op["IB7"], 80 * (1 + vcb / 60), rel_tol=1e-6)


@pytest.mark.ngspice
@pytest.mark.parametrize("case", ["27C", "75C", "0C-tnom50"])
def test_bridge_names_against_the_exponential_route(ngspice, case):
    """A second route to every name the bridge hands out: the exponential method computes the
    same quantities from the same laws itself (tests/test_bias_exponential.py pins it to
    ngspice's raw vectors), so on the netlist with every kind of device, each of its names
    (IC2 and VEB2 of the pnp, Vov of the pmos, gmb, re, cdb and csb, ...) must carry the same
    number in the bridge's map, to 1e-5."""
    from tests.test_bias_exponential import TIGHT, netlist_at

    text = netlist_at(case) + TIGHT + "\n"
    bridge = operating_point(text)
    ours = symsig_operating_point(parse(text), "exponential").values()
    assert {"IC2", "VEB2", "VEC2", "Vov5", "Vov7", "gmb6", "re1", "cdb7", "csb5",
            "rz9"} <= set(ours)
    off = {k: (v, bridge[k]) for k, v in ours.items()
           if abs(v - bridge[k]) > 1e-5 * abs(bridge[k]) + (1e-15 if k.startswith("gmb") else 0)}
    assert not off
