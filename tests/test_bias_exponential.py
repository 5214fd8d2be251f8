"""The exponential (SPICE-law) operating point, number by number, against ngspice.

Independent sources of the expectations:
- ngspice's own `.op` device vectors (`@q1[gm]`, `@m6[gmbs]`, `@q1[cpi]`, ...) for one netlist
  holding every kind of device (npn, pnp, diode, Zener in breakdown, nmos, pmos, both with and
  without the body effect, one with a forward-biased body, one in triode), each card with its
  capacitances (junctions CJE/CJC/CJO, CBD/CBS or CJ·AD and CJSW·PD with their potentials and
  gradings, transit times TF/TR/TT, TOX with overlaps and LD), at 27 °C, at 75 °C, and at 0 °C
  with the cards' parameters given at TNOM = 50 °C, read with tests/ngspice.py
  (which imports nothing from symsig). ngspice runs with tight tolerances (RELTOL 1e-9): its
  device state is the linearisation at its last Newton iterate, which at the default RELTOL sits
  up to ~1e-3 from the solution, so a comparison at 1e-5 needs them. What is left (~6e-7) is
  the two programs' k/q: symsig takes the exact SI 2019 values, ngspice-39 CODATA 2014's.
- ngspice's `.ac` gain of a CE stage: symsig's formula evaluated at the exponential Q-point.
tests/test_bias_laws.py checks the same method against its laws written out by hand.
"""

from __future__ import annotations

import functools
import math

import pytest
import sympy

from symsig import parse, transfer
from symsig.bias import numbers_at_the_end, operating_point
from symsig.devices import Options
from symsig.devices.ac import small_signal
from symsig.errors import AnalysisError
from tests.ngspice import ngspice_ac, run_op

TOL = 1e-5
K, Q = 1.380649e-23, 1.602176634e-19  # SI 2019, exact


def vt_at(celsius: float) -> float:
    """kT/q, by hand."""
    return K * (celsius + 273.15) / Q


TIGHT = ".options reltol=1e-9 vntol=1e-12 abstol=1e-15"

EVERY_DEVICE = """every kind of device, exponential models
VCC vcc 0 12
R1 vcc b 47k
R2 b 0 10k
Q1 c b e QN
RC vcc c 2.2k
RE e 0 1k
Q2 c2 b2 e2 QP
R3 0 b2 39k
R4 b2 vcc 12k
RC2 c2 0 3.3k
RE2 vcc e2 1.5k
D3 vcc d3 DM
RD3 d3 0 10k
D9 0 z DZ
RZ vcc z 2k
M4 d4 g4 0 0 NM W=10u L=1u
RG1 vcc g4 300k
RG2 g4 0 30k
RD4 vcc d4 10k
M5 d5 g5 vcc vcc PM W=20u L=1u AD=40p AS=40p PD=24u PS=24u
RG3 g5 0 400k
RG4 vcc g5 50k
RD5 d5 0 2k
M6 d6 g6 s6 0 NB W=10u L=1u
RG5 vcc g6 100k
RG6 g6 0 50k
RD6 vcc d6 2k
RS6 s6 0 2k
M7 d7 g7 s7 vcc PB W=20u L=1u
RS7 vcc s7 3k
RG7 g7 0 150k
RG8 vcc g7 100k
RD7 d7 0 3k
M8 d8 g8 0 bf NB W=10u L=1u
VBF bf 0 0.2
RG9 vcc g8 300k
RG10 g8 0 30k
RD8 vcc d8 10k
M10 d10 vcc 0 0 NM W=10u L=1u
RD10 vcc d10 50k
.model QN npn (BF=100 VAF=100 IS=1e-15 NF=1.02 BR=2 CJE=20p VJE=0.8 MJE=0.4 CJC=5p VJC=0.6
+ MJC=0.35 TF=0.3n TR=10n)
.model QP pnp (BF=80 VAF=50 IS=2e-15 XTB=1.5 CJE=15p CJC=8p TF=0.5n)
.model DM d (IS=1e-14 N=1.5 CJO=4p VJ=0.7 M=0.4 TT=5n)
.model DZ d (IS=1e-14 BV=5.1 IBV=1m CJO=10p)
.model NM nmos (KP=200u VTO=0.5 LAMBDA=0.02 TOX=20n CGSO=0.3n CGDO=0.3n CBD=40f CBS=40f)
.model PM pmos (KP=100u VTO=-0.6 LAMBDA=0.01 TOX=25n CGSO=0.2n CGDO=0.25n CJ=0.3m CJSW=0.4n
+ MJSW=0.33 PB=0.9)
.model NB nmos (KP=200u VTO=0.5 LAMBDA=0.02 GAMMA=0.4 PHI=0.7 TOX=20n LD=0.1u CJ=0.2m CBS=30f
+ CGSO=0.1n)
.model PB pmos (KP=100u VTO=-0.7 LAMBDA=0.03 GAMMA=0.5 PHI=0.65 TOX=15n CBD=20f MJ=0.4 FC=0.3)
"""
DEVICES = {"Q1": "active", "Q2": "active", "D3": "forward", "D9": "breakdown",
           "M4": "saturation", "M5": "saturation", "M6": "saturation", "M7": "saturation",
           "M8": "saturation", "M10": "triode"}
TEMPERATURES = (27, 75)
# the simulated temperature, and the lines that set it: 27 °C (SPICE's default), 75 °C, and
# 0 °C with the cards' parameters given at TNOM = 50 °C
CASES = {"27C": (27, ""), "75C": (75, ".temp 75\n"),
         "0C-tnom50": (0, ".temp 0\n.options tnom=50\n")}
_VECTORS = {"Q": ("ic", "ib", "vbe", "vbc", "gm", "gpi", "go", "cpi", "cmu"),
            "D": ("id", "vd", "gd", "cd"),
            "M": ("id", "vgs", "vds", "von", "gm", "gds", "gmbs", "cgs", "cgd", "cbd", "cbs")}


def netlist_at(case: str) -> str:
    return EVERY_DEVICE + CASES[case][1]


@functools.cache
def spice_vectors(case: str) -> dict[str, float]:
    """ngspice's .op device vectors for EVERY_DEVICE in `case`, tight tolerances."""
    body = "\n".join(netlist_at(case).splitlines()[1:]) + "\n" + TIGHT
    probes = [f"@{name.lower()}[{v}]" for name in DEVICES for v in _VECTORS[name[0]]]
    return run_op(body, probes)


def spice_numbers(name: str, sim: dict[str, float]) -> dict[str, float]:
    """One device's quantities from ngspice's vectors, under symsig's stems, each by its
    definition: r_π = 1/g_π, r_o = 1/g_o, β = g_m/g_π, α = g_m/(g_m + g_π), r_e = α/g_m,
    V_CE = V_BE − V_BC; a MOSFET's V_ov = V_GS − V_th. ngspice's V_BE, V_GS, V_DS, I_D are
    polarity-normalised (positive for a conducting pnp/pmos) and its V_th (von) is not."""
    v = {k: sim[f"@{name.lower()}[{k}]"] for k in _VECTORS[name[0]]}
    p = -1.0 if name in ("Q2", "M5", "M7") else 1.0
    if name[0] == "Q":
        gm, gpi = v["gm"], v["gpi"]
        return {"IC": p * v["ic"], "IB": p * v["ib"], "VBE": v["vbe"], "VCE": v["vbe"] - v["vbc"],
                "gm": gm, "rpi": 1 / gpi, "ro": 1 / v["go"], "beta": gm / gpi,
                "alpha": gm / (gm + gpi), "re": 1 / (gm + gpi), "cpi": v["cpi"],
                "cmu": v["cmu"]}
    if name[0] == "D":
        r = "rz" if DEVICES[name] == "breakdown" else "rd"
        return {"ID": v["id"], "VD": v["vd"], r: 1 / v["gd"], "cd": v["cd"]}
    return {"ID": v["id"], "VGS": v["vgs"], "VDS": v["vds"], "Vov": v["vgs"] - p * v["von"],
            "gm": v["gm"], "gmb": v["gmbs"], "ro": 1 / v["gds"], "cgs": v["cgs"],
            "cgd": v["cgd"], "cdb": v["cbd"], "csb": v["cbs"]}


@functools.cache
def symsig_devices(case: str):
    op = operating_point(parse(netlist_at(case)), method="exponential")
    return op, {d.name: d for d in op.devices}


# symsig names a pnp's and a pmos's bias the textbook way: V_EB, V_EC, V_SG, V_SD
_TEXTBOOK = {"VEB": "VBE", "VEC": "VCE", "VSG": "VGS", "VSD": "VDS"}


@pytest.mark.ngspice
@pytest.mark.parametrize("name", list(DEVICES))
@pytest.mark.parametrize("case", list(CASES))
def test_every_number_matches_ngspice_op(ngspice, case, name):
    """Currents, voltages and every small-signal parameter, to 1e-5 relative."""
    _, devices = symsig_devices(case)
    d = devices[name]
    assert d.region == DEVICES[name]
    want = spice_numbers(name, spice_vectors(case))
    got = {_TEXTBOOK.get(k, k): float(v) for k, v in d.bias.items()}
    got.update({k.removesuffix(name[1:]): float(v) for k, v in d.small_signal.items()})
    # a capacitance the card sets nothing for stays a symbol (ngspice: 0 F)
    unset = {k for k in want if k.startswith("c") and k not in got}
    assert all(want[k] == 0 for k in unset), unset
    assert set(want) - unset <= set(got), f"symsig gives no {set(want) - set(got)}"
    # g_mb is exactly 0 for a source tied to the body, C_gd in saturation without CGDO and a
    # junction without a capacitance (ngspice too): those compare absolutely
    off = {k: (got[k], want[k]) for k in set(want) - unset
           if abs(got[k] - want[k]) > TOL * abs(want[k]) + _ZERO.get(k[:2], 0.0)}
    assert not off, f"{name} ({case}): symsig vs ngspice {off}"


_ZERO = {"gm": 1e-15, "cg": 1e-24, "cd": 1e-24, "cs": 1e-24}  # S, F


@pytest.mark.ngspice
@pytest.mark.parametrize("case", list(CASES))
def test_thermal_voltage_at_the_netlists_temperature(ngspice, case):
    """V_T = kT/q at the .temp of the netlist, said among the assumptions, and the one ngspice
    uses (its diode's own N·V_T = (I_D + I_S)/g_d, nearly: g_d holds gmin = 1e-12 S)."""
    celsius = CASES[case][0]
    op, devices = symsig_devices(case)
    assert f"VT = {vt_at(celsius):.6g} V (kT/q at {celsius} C)" in op.assumed
    sim = spice_vectors(case)
    spice_vt = sim["@d3[id]"] / sim["@d3[gd]"] / 1.5  # N = 1.5; I_S(T) << I_D
    assert vt_at(celsius) == pytest.approx(spice_vt, rel=1e-6, abs=0)
    rd = float(devices["D3"].small_signal["rd3"])
    i_d = float(devices["D3"].bias["ID"])
    assert rd == pytest.approx(1.5 * vt_at(celsius) / i_d, rel=1e-6, abs=0)


# -- the whole chain: formulas at the exponential Q-point give ngspice's .ac gain ---------------

CE = """CE stage with an Early voltage, emitter partly bypassed
VCC vcc 0 DC 12
Vs sig 0 DC 0 AC 1
Rs sig in 1k
Cin in b 1000u
R1 vcc b 47k
R2 b 0 10k
RC vcc c 4.7k
RE1 e e2 100
RE2 e2 0 1k
CE e2 0 1000u
Cout c out 1000u
RL out 0 10k
Q1 c b e QN
.model QN npn (BF=100 VAF=100 IS=1e-15)
"""


@pytest.mark.ngspice
@pytest.mark.parametrize("model", ["hybrid-pi", "hybrid-pi-beta", "T"])
@pytest.mark.parametrize("celsius", TEMPERATURES)
def test_gain_at_the_exponential_q_point_is_ngspices(ngspice, model, celsius):
    """With R_E1 unbypassed, g_m, r_π (or β, r_e) and r_o all shape the gain; at 1 MHz the
    1000 µF capacitors are shorts and the device has no capacitance, so ngspice's .ac there is
    the mid-band gain."""
    text = CE + ("" if celsius == 27 else f".temp {celsius}\n")
    values = numbers_at_the_end(parse(text), method="exponential").values
    linear = small_signal(parse(text), Options.build(model))
    ours = complex(transfer(linear, "out", "Vs").evaluate(values))
    theirs = ngspice_ac(text + TIGHT + "\n", 1e6, "v(out)")
    assert abs(theirs) > 10
    assert abs(ours - theirs) <= TOL * abs(theirs)


@pytest.mark.ngspice
@pytest.mark.parametrize("freq", [10e6, 100e6])
@pytest.mark.parametrize("stage", ["CE", "CS"])
def test_gain_with_the_cards_capacitances_is_ngspices(ngspice, stage, freq):
    """C_π, C_μ (CJE, CJC, TF) of the CE stage and C_gs, C_gd, C_db, C_sb (TOX, overlaps, CBD,
    CBS) of the CS stage, computed from the cards at the exponential Q-point, give ngspice's
    .ac gain above the corner, magnitude and phase (the CE card has no V_AF: with it ngspice
    adds a transcapacitance symsig's hybrid-π has no element for, tests/test_real_devices.py)."""
    from tests.test_real_devices import CE_CAPS_TF, CS_CAPS

    text = (CE_CAPS_TF if stage == "CE" else CS_CAPS).replace(".end", TIGHT)
    values = numbers_at_the_end(parse(text), method="exponential").values
    caps = ("cpi1", "cmu1") if stage == "CE" else ("cgs1", "cgd1", "cdb1", "csb1")
    assert all(float(values[c]) > 1e-15 for c in caps)
    no_ro = ["ro"] if values["ro1"] == sympy.oo else []  # no V_AF: r_o is an open circuit
    linear = small_signal(parse(text), Options.build(include=["caps"], exclude=no_ro),
                          capacitors="short")
    ours = complex(transfer(linear, "out", "Vs").evaluate(values, s=2j * math.pi * freq))
    theirs = ngspice_ac(text, freq, "v(out)")
    assert abs(ours - theirs) <= TOL * abs(theirs)


# A two-stage CMOS op-amp (5-transistor OTA and a common-source stage, level 1, W/L given,
# ±15 V) closed as a non-inverting amplifier of gain 1 + RF/RI = 11, every device saturated:
# Newton from 0 V circles here without settling; SPICE's homotopies, gmin stepping and source
# stepping, each reach ngspice's solution.
CIRCLING = """two-stage CMOS op-amp on which plain Newton circles
VDD vdd 0 15
VSS vss 0 -15
IREF vdd bias 10u
M8 bias bias vss vss NM W=1u L=2u
Vs inp 0 DC 0 AC 1
RF out inn 10k
RI inn 0 1k
M1 x inn t vss NM W=1000u L=2u
M2 o1 inp t vss NM W=1000u L=2u
M3 x x vdd vdd PM W=100u L=2u
M4 o1 x vdd vdd PM W=100u L=2u
M5 t bias vss vss NM W=100u L=2u
M6 out o1 vdd vdd PM W=10u L=2u
M7 out bias vss vss NM W=10u L=2u
.model NM nmos (LEVEL=1 KP=300u VTO=0.2 LAMBDA=0.01 GAMMA=0.5 PHI=0.7)
.model PM pmos (LEVEL=1 KP=50u VTO=-0.8 LAMBDA=0.01 GAMMA=0.5 PHI=0.7)
""" + TIGHT + "\n"


def _none(*_):
    return None


@pytest.mark.ngspice
@pytest.mark.parametrize("homotopies", ["both", "gmin stepping", "source stepping", "neither"])
def test_newton_that_circles_is_rescued_by_spices_homotopies(ngspice, monkeypatch, homotopies):
    """Every device's region, I_D, V_GS, V_DS and V_ov against ngspice's .op (to 1e-5), by either
    homotopy alone; without them the method says it did not converge (so this netlist needs
    them); and the closed-loop gain at the Q-point is ngspice's .ac gain, a little under 11."""
    from symsig.bias import newton

    if homotopies in ("source stepping", "neither"):
        monkeypatch.setattr(newton, "_gmin_stepping", _none)
    if homotopies in ("gmin stepping", "neither"):
        monkeypatch.setattr(newton, "_source_stepping", _none)
    circuit = parse(CIRCLING)
    if homotopies == "neither":
        with pytest.raises(AnalysisError, match="did not converge"):
            operating_point(circuit, method="exponential")
        return
    ours = operating_point(circuit, method="exponential")
    spice = operating_point(circuit, method="ngspice")
    assert [d.region for d in ours.devices] == [d.region for d in spice.devices] == \
        ["saturation"] * 8
    theirs, ours = spice.values(), ours.values()
    compared = [k for k in ours if k[:2] in ("ID", "VG", "VS", "VD", "Vo")]
    off = {k: (ours[k], theirs[k]) for k in compared
           if abs(ours[k] - theirs[k]) > TOL * abs(theirs[k])}
    assert len(compared) == 8 * 4 and not off
    values = numbers_at_the_end(circuit, method="exponential").values
    gain = complex(transfer(small_signal(circuit), "out", "Vs").evaluate(values))
    reference = ngspice_ac(CIRCLING, 1e3, "v(out)")
    assert 10 < abs(reference) < 11 and abs(gain - reference) <= TOL * abs(reference)
