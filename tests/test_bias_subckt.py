"""Bias numbers for netlists with subcircuits, coupled inductors and ideal transformers.

A device inside an instance (`X1.M1`) has the symbols the small-signal models give it
(`gm1_X1`, DESIGN §2 with the instance path), and its bias quantities follow the same rule
(`ID1_X1`, never `ID1.M1`). The ngspice bridge runs the deck `Circuit.to_spice` writes, so X, K
and TF lines reach ngspice as ngspice reads them.

Independent references: ngspice's own `.ac` of the same text (tests/ngspice.py imports nothing
from symsig), and a second route to the numbers (the exponential method's own Newton solution
against ngspice's `.op`).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from symsig import parse, transfer
from symsig.bias import numbers_at_the_end, operating_point
from symsig.cli import main
from symsig.devices.ac import small_signal
from tests.ngspice import ngspice_ac

TIGHT = ".options reltol=1e-9 vntol=1e-12 abstol=1e-15\n"

# Five-transistor OTA + common-source second stage, each a .subckt, level-1 models with the body
# effect (the input pair's sources sit above their body at vss). RF and CF close the loop at DC
# only, so the operating point is the op-amp's own; at 10 Hz CF (1 F) is 16 mΩ against RF's
# 1 GΩ and ngspice's .ac gain is the open-loop gain with the inverting input grounded.
OPAMP = """two-stage CMOS op-amp from subcircuit stages
VDD vdd 0 2.5
VSS vss 0 -2.5
IREF vdd bias 20u
M8 bias bias vss vss NM W=10u L=2u
Vs s 0 DC 0 AC 1
X1 s fb o1 vdd vss bias OTA
X2 o1 out vdd vss bias CS
RF out fb 1g
CF fb 0 1
.subckt OTA inp inn out vdd vss bias
M1 x inn t vss NM W=20u L=2u
M2 out inp t vss NM W=20u L=2u
M3 x x vdd vdd PM W=20u L=2u
M4 out x vdd vdd PM W=20u L=2u
M5 t bias vss vss NM W=20u L=2u
.ends
.subckt CS in out vdd vss bias
M6 out in vdd vdd PM W=80u L=2u
M7 out bias vss vss NM W=40u L=2u
.ends
.model NM nmos (LEVEL=1 KP=100u VTO=0.7 LAMBDA=0.02 GAMMA=0.4 PHI=0.7)
.model PM pmos (LEVEL=1 KP=50u VTO=-0.8 LAMBDA=0.02)
""" + TIGHT
OPAMP_DEVICES = ("M8", "X1.M1", "X1.M2", "X1.M3", "X1.M4", "X1.M5", "X2.M6", "X2.M7")


def _cli_json(capsys, tmp_path, *args: str) -> dict:
    net = tmp_path / "net.cir"
    net.write_text(OPAMP)
    assert main([args[0], str(net), *args[1:], "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.ngspice
@pytest.mark.parametrize("bias", ["ngspice", "exponential"])
def test_two_stage_opamp_gain_is_ngspices(ngspice, capsys, tmp_path, bias):
    """`symsig analyze --bias B` on the op-amp: the exact gain at the Q-point of either route
    is ngspice's .ac gain (a gain of ~5e4, so every g_m, g_mb and r_o counts)."""
    out = _cli_json(capsys, tmp_path, "analyze", "--source", "Vs", "--output", "out",
                    "--bias", bias)
    theirs = ngspice_ac(OPAMP, 10.0, "v(out)")
    assert abs(theirs) > 1e4
    assert abs(out["numeric"]["gain"] - theirs) <= 1e-5 * abs(theirs)
    assert out["warnings"] == []


@pytest.mark.ngspice
@pytest.mark.parametrize("bias", ["ngspice", "exponential", "constant-vbe"])
def test_subcircuit_devices_bias_names(ngspice, capsys, tmp_path, bias):
    """`symsig op`: X1.M1's bias quantities are ID1_X1, VGS1_X1, Vov1_X1 beside gm1_X1 (the
    names its small-signal model uses), and no name keeps the instance's dot."""
    devices = _cli_json(capsys, tmp_path, "op", "--bias", bias)["devices"]
    assert tuple(devices) == OPAMP_DEVICES
    m1 = devices["X1.M1"]["numeric"]
    assert {"ID1_X1", "VGS1_X1", "VDS1_X1", "Vov1_X1", "gm1_X1", "ro1_X1", "gmb1_X1"} <= set(m1)
    m6 = devices["X2.M6"]["numeric"]
    assert {"ID6_X2", "VSG6_X2", "VSD6_X2", "Vov6_X2", "gm6_X2"} <= set(m6)
    names = [k for d in devices.values() for k in d["numeric"]]
    assert not [k for k in names if "." in k]
    # the tail current splits evenly at balance; the mirror copies it (hand: I5 = 2 I_REF
    # (W5/W8 = 2) up to channel-length modulation, 1 + λV_DS within a few percent)
    i5 = float(devices["X1.M5"]["numeric"]["ID5_X1"])
    assert i5 == pytest.approx(40e-6, rel=0.05, abs=0)
    assert float(m1["ID1_X1"]) == pytest.approx(i5 / 2, rel=1e-3, abs=0)


@pytest.mark.ngspice
def test_exponential_q_point_of_the_opamp_is_ngspices(ngspice):
    """Every device's I_D, V_GS, V_DS, V_ov, g_m, g_mb and r_o by the exponential method against
    the ngspice bridge, to 1e-5 (both at tight tolerances; symsig's k/q differs from ngspice's by
    3.4e-7, which no MOS number here depends on)."""
    circuit = parse(OPAMP)
    ours = operating_point(circuit, "exponential").values()
    theirs = operating_point(circuit, "ngspice").values()
    compared = [k for k in ours if k[:2] in ("ID", "VG", "VS", "VD", "Vo", "gm", "ro")]
    assert len(compared) >= 7 * len(OPAMP_DEVICES)
    off = {k: (ours[k], theirs[k]) for k in compared
           if abs(ours[k] - theirs[k]) > 1e-5 * abs(theirs[k]) + 1e-15}
    assert not off
    assert theirs["gmb1_X1"] > 0.05 * theirs["gm1_X1"]  # the body effect is in play


# A CE stage with an ideal transformer at its input (TF, which ngspice lacks: to_spice writes
# it with ngspice's own E and F) and its collector load coupled by K1 to the load RL.
COUPLED = """CE stage, ideal transformer in, coupled inductors out
VCC vcc 0 12
Vs s 0 DC 0 AC 1
Rs s p 50
TF1 p 0 bb 0 0.5
Cb bb b 1
R1 vcc b 47k
R2 b 0 10k
Q1 c b e QN
RE e 0 1k
CE e 0 1
L1 vcc c 10m
L2 out 0 2.5m
K1 L1 L2 0.99
RL out 0 1k
.model QN npn (BF=100 VAF=100 IS=1e-15)
""" + TIGHT
# ngspice's TF is a transmission line: its reference deck has the ideal transformer written by
# hand from controlled sources, v(p) = n·v(bb) (E1, Vsense carrying the primary current i1)
# and i(bb) = −n·i1 into the secondary (F1)
COUPLED_FOR_NGSPICE = COUPLED.replace(
    "TF1 p 0 bb 0 0.5\n", "E1 p m bb 0 0.5\nVsense m 0 DC 0\nF1 bb 0 Vsense -0.5\n")


@pytest.mark.ngspice
@pytest.mark.parametrize("bias", ["ngspice", "exponential"])
def test_transformer_and_coupled_coils_through_the_bias_layer(ngspice, bias):
    """With the coupling capacitors shorted (1 F: 16 µΩ at 10 kHz) and the coils
    kept as sL with their mutual inductance, the gain at the Q-point of either route is
    ngspice's .ac gain at 10 kHz."""
    circuit = parse(COUPLED)
    values = numbers_at_the_end(circuit, method=bias).values
    assert float(values["IC1"]) == pytest.approx(1.279e-3, rel=1e-3, abs=0)  # as ngspice's .op
    gain = transfer(small_signal(circuit, capacitors="short"), "out", "Vs")
    freq = 1e4
    ours = complex(gain.evaluate(values, s=2j * math.pi * freq))
    theirs = ngspice_ac(COUPLED_FOR_NGSPICE, freq, "v(out)")
    assert abs(theirs) > 1
    assert abs(ours - theirs) <= 1e-5 * abs(theirs)


@pytest.mark.parametrize("bias", ["exponential", pytest.param("ngspice",
                                                              marks=pytest.mark.ngspice)])
def test_users_bias_names_an_instances_device(request, capsys, tmp_path, bias):
    """`--subs ID2_X1=25u,Vov2_X1=0.25`: X1.M2's own bias, by the name its symbols carry, wins
    over the Q-point: g_m2 = 2 I_D/V_ov = 200 µS and r_o2 = 1/(λ I_D) = 2 MΩ by the relations
    (λ = 0.02), while X1.M1 keeps its Q-point numbers."""
    if bias == "ngspice":
        request.getfixturevalue("ngspice")
    out = _cli_json(capsys, tmp_path, "analyze", "--source", "Vs", "--output", "out", "--bias",
                    bias, "--subs", "ID2_X1=25u,Vov2_X1=0.25")
    values = {k: float(Fraction(v)) for k, v in out["values"].items()
              if k[:2] in ("gm", "ro", "ID")}  # exact numbers, as 1/40000
    assert values["gm2_X1"] == pytest.approx(2 * 25e-6 / 0.25, rel=1e-12, abs=0)
    assert values["ro2_X1"] == pytest.approx(1 / (0.02 * 25e-6), rel=1e-12, abs=0)
    assert values["ID1_X1"] == pytest.approx(20.2e-6, rel=0.01, abs=0)  # the Q-point's, not 25 µA
