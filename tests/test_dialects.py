"""Netlists as KiCad, LTspice and ngspice write them.

Independent source of each expectation: hand formulas for the dialect's instance parameters
(an inductor's series resistance is s·L + R_ser, ...), and for the exported netlists in
tests/netlists/ ngspice itself: it simulates each file as written (the LTspice one through an
ngspice deck written here by hand, since ngspice does not read LTspice's `Rser=`), and symsig's
transfer function, evaluated at ngspice's own operating point, must give the same `.ac` numbers.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import sympy

from symsig import parse, transfer
from symsig.analysis.linear import impedance, param_values
from symsig.circuit.spice_out import spice_name
from symsig.devices.ac import small_signal
from symsig.errors import NetlistError
from tests.conftest import same

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
s = sympy.Symbol("s")
NETLISTS = Path(__file__).parent / "netlists"


# -- dialect features, by hand ---------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("10µ", sympy.Rational(1, 10**5)), ("10μF", sympy.Rational(1, 10**5)),
    ("{2*4.7µ}", sympy.Rational(94, 10**7)), ("1u", sympy.Rational(1, 10**6)),
])
def test_micro_is_written_either_way(text, value):
    assert parse(f"t\nV1 a 0 AC 1\nC1 a 0 {text}\n").element("C1").value == value


def test_ltspice_series_resistance_of_an_inductor_and_a_capacitor():
    c = parse("t\nI1 0 a AC 1\nL1 a 0 L Rser=RS\nI2 0 b AC 1\nC1 b 0 C Rser=ESR Lser=ESL\n")
    assert same(impedance(c, "a"), s * P("L") + P("RS"))
    assert same(impedance(c, "b"), 1 / (s * P("C")) + P("ESR") + s * P("ESL"))
    assert [e.name for e in c.elements] == ["I1", "L1", "Rser_L1", "I2", "C1", "Rser_C1",
                                            "Lser_C1"]
    assert c.element("Rser_L1").origin == "L1's Rser"


def test_ltspice_source_resistance_and_parallel_capacitance():
    c = parse("t\nV1 a 0 AC 1 Rser=50 Cpar=Cp\nR1 a 0 RL\n")
    RL, Cp = P("RL"), P("Cp")
    load = RL / (1 + s * RL * Cp)
    assert same(transfer(c, "a", "V1"), load / (50 + load))


def test_multiplier_and_annotations():
    c = parse("t\nV1 a 0 AC 1\nR1 a b 2k m=2\nR2 b 0 1k tol=1 pwr=0.25\nC1 b 0 1n m=3\n")
    assert c.element("R1").value == 1000 and c.element("C1").value == sympy.Rational(3, 10**9)
    assert c.notes == ("line 4: R2: tol=, pwr= ignored (no effect on a small-signal analysis "
                       "at the nominal temperature)",)
    assert "(on L symsig reads m=, Rser=)" in _error("L1 a 0 1m Rpar=1k")


def _error(line: str) -> str:
    with pytest.raises(NetlistError) as info:
        parse(f"t\nV1 a 0 AC 1\n{line}\n")
    return str(info.value)


@pytest.mark.parametrize("line, words", [
    ("L1 a 0 1m Rpar=1k", "Rpar= is not supported"),
    ("R1 a 0 1k ac=2k", "ac= is not supported"),
    ("R1 a 0 1k m=0", "must be positive"),
    ("V1 a 0 AC 1 Rser=1 Rser=2", "given twice"),
    ("R1 a 0 1k Rser=1", "Rser= is not supported"),
    ("R1 a 0 = 1k", "nodes"),
])
def test_instance_parameters_symsig_cannot_read_are_errors(line, words):
    with pytest.raises(NetlistError, match=words) as info:
        parse(f"t\nV9 a 0 AC 1\n{line}\n")
    assert info.value.line == 3


def test_kicad_node_names_and_title_card():
    c = parse(".title KiCad schematic\nV1 /in GND DC 0 AC 1\nR1 /in Net-(R1-Pad2) 1k\n"
              "R2 Net-(R1-Pad2) GND 1k\n.end\n")
    assert c.title == "KiCad schematic"
    assert c.element("R1").nodes == ("/in", "net-(r1-pad2)")
    assert same(transfer(c, "Net-(R1-Pad2)", "V1"), sympy.Rational(1, 2))


def test_ltspice_bjt_with_substrate_node_and_model_annotations():
    c = parse("* C:\\x.asc\nV1 b 0 AC 1\nQ1 c b 0 0 2N3904\nRC c 0 RC\n"
              ".model 2N3904 NPN(IS=1f BF=300 Vceo=40 Icrating=200m mfg=NXP)\n"
              ".model NPN NPN\n")
    assert c.title == "" and c.element("Q1").nodes == ("c", "b", "0")
    assert c.models["2n3904"].params == {"is": sympy.Rational(1, 10**15), "beta": 300}
    assert "substrate node '0' ignored" in c.notes[0]


def test_subcircuit_parameters_with_and_without_params_keyword():
    body = ".subckt amp i o {head}A=2\nE1 o 0 i 0 {{A}}\n.ends\n"
    for head, inst in (("params: ", "params: A=5"), ("", "A=5")):
        c = parse(f"t\nV1 a 0 AC 1\nX1 a b amp {inst}\nRL b 0 1\n" + body.format(head=head))
        assert c.element("X1.E1").value == 5


# -- the exported netlists, against ngspice -----------------------------------------------------
def _device_numbers(c, op: dict[str, float]) -> dict[str, float]:
    """symsig's symbols for each device, from ngspice's operating point (`op`: "@dev[param]" ->
    value)."""
    out = {}
    for d in c.devices():
        sfx, name = c.symbol_suffix(d), spice_name(d).lower()
        at = lambda p, name=name: op[f"@{name}[{p}]"]  # noqa: E731
        if d.kind == "Q":
            out |= {"gm" + sfx: at("gm"), "rpi" + sfx: 1 / at("gpi"), "ro" + sfx: 1 / at("go")}
            assert at("cpi") == 0 and at("cmu") == 0 and at("gx") == 0  # DC-only models
        else:
            out |= {"gm" + sfx: at("gm"), "ro" + sfx: 1 / at("gds"), "gmb" + sfx: at("gmbs")}
    return out


def _device_probes(c) -> list[str]:
    params = {"Q": ("gm", "gpi", "go", "cpi", "cmu", "gx"), "M": ("gm", "gds", "gmbs")}
    return [f"@{spice_name(d).lower()}[{p}]" for d in c.devices() for p in params[d.kind]]


def run_ngspice(folder: Path, name: str, deck: str, probes: list[str], output: str,
                freqs: list[float]) -> tuple[dict[str, float], list[complex]]:
    """ngspice on `deck` (saved as `name` in a copy of `folder`, so its includes resolve):
    the `probes` at its operating point and `output` at each frequency."""
    deck = re.sub(r"(?ims)^\.control.*?^\.endc\s*$", "", deck)
    deck = re.sub(r"(?im)^\.end\s*\Z", "", deck.rstrip() + "\n")
    control = ["set numdgt=16", "op", f"print {' '.join(probes)}"]
    for f in freqs:
        control += [f"ac lin 1 {f!r} {f!r}", f"print real({output}) imag({output})"]
    deck += ".control\n" + "\n".join(control) + "\nquit\n.endc\n.end\n"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "deck"
        shutil.copytree(folder, work)
        (work / name).write_text(deck, encoding="utf-8")
        run = subprocess.run([shutil.which("ngspice"), "-b", name], cwd=work, text=True,
                             capture_output=True, timeout=120, env={**os.environ, "HOME": tmp})
    values = dict(re.findall(r"^(\S+) = (\S+)$", run.stdout, re.M))
    assert all(p in values for p in probes), run.stdout + run.stderr
    op = {p: float(values[p]) for p in probes}
    pairs = re.findall(r"^real\(.*?\) = (\S+)\s*\n\s*imag\(.*?\) = (\S+)", run.stdout, re.M)
    assert len(pairs) == len(freqs), run.stdout + run.stderr
    return op, [complex(float(a), float(b)) for a, b in pairs]


def check_against_ngspice(folder: Path, file: str, source: str, output: str,
                          freqs: list[float], deck: str | None = None, tol: float = 1e-6):
    c = parse((folder / file).read_text(encoding="utf-8"), directory=folder)
    h = transfer(small_signal(c, capacitors="keep"), output, source)
    op, ac = run_ngspice(folder, file, deck or (folder / file).read_text(encoding="utf-8"),
                         _device_probes(c), f"v({output})", freqs)
    values = {**param_values(c), **_device_numbers(c, op)}
    for f, want in zip(freqs, ac, strict=True):
        got = h.evaluate(values, s=2j * math.pi * f)
        assert abs(got - want) <= tol * abs(want), (file, f, got, want)
    return c, h


@pytest.mark.ngspice
def test_kicad_export_against_ngspice(ngspice):
    c, h = check_against_ngspice(NETLISTS / "kicad", "ce_buffer.cir", "V2", "/out",
                                 [20.0, 1e3, 1e5])
    assert "XU1.G1" in {e.name for e in c.elements}
    assert {str(g) for g in h.generators} >= {"gm1", "rpi1", "ro1"}


LTSPICE_AS_NGSPICE = """tuned amplifier: tests/netlists/ltspice/tuned_amp.net written for ngspice
V1 N001 0 12
V2 N006 v2ser DC 0 AC 1
Rser_V2 v2ser 0 50
C1 N006 N004 100n
R1 N001 N004 47k
R2 N004 0 10k
Q1 N002 N004 N005 Q2N3904
R3 N005 0 1k
C2 N005 0 10u
L1 N001 l1ser 100u
Rser_L1 l1ser N002 2
C3 N001 N002 1.2n
L2 N003 l2ser 10u
Rser_L2 l2ser 0 0.5
R4 N003 0 1k
E1 xbuf 0 N003 0 1
Ro xbuf out 10
R5 out 0 10k
K1 L1 L2 0.95
.model Q2N3904 NPN(IS=6.734f BF=416.4 VAF=74.03)
.end
"""


@pytest.mark.ngspice
def test_ltspice_export_against_ngspice(ngspice):
    folder = NETLISTS / "ltspice"
    c = parse((folder / "tuned_amp.net").read_text(encoding="utf-8"), directory=folder)
    assert c.title == "" and len(c.notes) == 4
    assert c.params["M1"] == sympy.Rational(95, 100) * sympy.sqrt(10) / 10**5  # 0.95 √(1 mH²/10)
    check_against_ngspice(folder, "tuned_amp.net", "V2", "out", [1e4, 4.55e5, 2e6],
                          deck=LTSPICE_AS_NGSPICE)


@pytest.mark.ngspice
def test_ngspice_op_amp_against_ngspice(ngspice):
    c, h = check_against_ngspice(NETLISTS / "ngspice", "two_stage.cir", "Vin", "out",
                                 [10.0, 1e4, 1e7], tol=1e-5)
    assert c.notes[-1].endswith(".control ... .endc block ignored (simulator commands)")
    c2, h2 = check_against_ngspice(NETLISTS / "ngspice", "two_stage_flat.cir", "Vin", "out",
                                   [10.0, 1e4, 1e7], tol=1e-5)
