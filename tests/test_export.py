"""`Circuit.to_spice` and `symsig export`: numeric netlists that ngspice runs as they are.

Independent source of every expectation: ngspice, run on the exported text itself (with a
`.control` block added only to print the results), against symsig's own numbers for the same
circuit at the same values.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import sympy

from symsig import parse, transfer
from symsig.analysis.linear import param_values
from symsig.bias import numbers_at_the_end
from symsig.circuit.spice_out import spice_name
from symsig.cli import main
from symsig.devices.ac import small_signal
from symsig.errors import NetlistError
from tests.randcircuits import random_circuit

NETLISTS = Path(__file__).parent / "netlists"
FREQS = [1e2, 3e4, 2e6]
REPO = Path(__file__).resolve().parent.parent


def ngspice_ac(netlist: str, probes: list[str], freqs=FREQS) -> dict[str, np.ndarray]:
    """Run `netlist` (a whole deck, as exported) in ngspice with a control block that prints
    the probes at each frequency."""
    control = ["set filetype=ascii", "set numdgt=16", "set wr_singlescale"]
    for k, f in enumerate(freqs):
        control.append(f"ac lin 1 {f!r} {f!r}")
        control += [f"wrdata p{k}_{j}.txt real({p}) imag({p})" for j, p in enumerate(probes)]
    control.append("quit")
    body = netlist.rstrip()
    assert body.lower().endswith(".end")
    deck = body[:-4] + ".options noopac\n.control\n" + "\n".join(control) + "\n.endc\n.end\n"
    out = {p: np.empty(len(freqs), dtype=complex) for p in probes}
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "deck.cir").write_text(deck)
        run = subprocess.run([shutil.which("ngspice"), "-b", "deck.cir"], cwd=tmp,
                             capture_output=True, text=True, timeout=120,
                             env={**os.environ, "HOME": tmp})
        for k in range(len(freqs)):
            for j, p in enumerate(probes):
                path = Path(tmp, f"p{k}_{j}.txt")
                assert path.exists(), f"ngspice gave no {p}\n{deck}\n{run.stdout}\n{run.stderr}"
                row = np.loadtxt(path, ndmin=2)[0]
                out[p][k] = complex(row[1], row[2])
    return out


def agree(h, values, reference, tol=1e-9):
    for i, f in enumerate(FREQS):
        got = h.evaluate(values, s=2j * math.pi * f)
        want = reference[i]
        assert abs(got - want) <= tol * max(abs(want), 1e-12), (f, got, want)


@pytest.mark.ngspice
@pytest.mark.parametrize("seed", range(12))
def test_random_circuits_exported_run_in_ngspice(ngspice, seed):
    rc = random_circuit(random.Random(1000 + seed))
    c = parse(rc.symbolic)
    text = c.to_spice(rc.values)
    assert all(x in text for x in (".end", "written by symsig"))
    node = rc.nodes[-1]
    ref = ngspice_ac(text, [f"v({node})"])[f"v({node})"]
    agree(transfer(c, node, rc.sources[0]), rc.values, ref)


@pytest.mark.ngspice
def test_controlled_sources_and_subcircuits_keep_their_references(ngspice):
    text = """subcircuits with controlled sources
V1 in 0 AC 1
X1 in mid stage g=2m
X2 mid out stage g=5m
RL out 0 10k
.subckt stage i o params: g=1m
Rin i 0 50k
Vs i m 0
Rm m 0 100k
F1 0 o Vs 20
G1 0 o i 0 {g}
H1 h 0 Vs 1k
Rh h 0 1k
E1 e 0 h 0 3
Re e o 47k
Ro o 0 5k
.ends
"""
    c = parse(text)
    exported = c.to_spice()
    assert "f.x1.f1 0 mid v.x1.vs 20" in exported  # ngspice's own names for X1.F1, X1.Vs
    assert spice_name(c.element("X2.H1")) == "h.x2.h1"
    ref = ngspice_ac(exported, ["v(out)", "v(x1.h)"])
    agree(transfer(c, "out", "V1"), {}, ref["v(out)"])
    agree(transfer(c, "x1.h", "V1"), {}, ref["v(x1.h)"])


@pytest.mark.ngspice
def test_coupled_inductors_transformer_and_opamp(ngspice):
    text = """K, TF and O
Vs in 0 AC 1
Rs in p 50
L1 p 0 1m
L2 q 0 2m
K1 L1 L2 0.8
Rq q 0 100
TF1 t 0 q 0 3
Rt t 0 1k
R1 t n 10k
R2 n o 47k
O1 o 0 n
Ro o 0 2k
"""
    c = parse(text)
    assert c.params["M1"].has(sympy.sqrt(2))  # M = 0.8 sqrt(2) mH, kept as its relation
    exported = c.to_spice()
    assert "K1 L1 L2 0.8" in exported and "EO1 o 0 0 n 1000000000" in exported
    ref = ngspice_ac(exported, ["v(q)", "v(t)", "v(o)"])
    values = param_values(c)
    agree(transfer(c, "q", "Vs"), values, ref["v(q)"])
    agree(transfer(c, "t", "Vs"), values, ref["v(t)"])  # the transformer: exact in ngspice
    agree(transfer(c, "o", "Vs"), values, ref["v(o)"], tol=1e-7)  # the op-amp: gain 1e9


@pytest.mark.ngspice
def test_a_source_phase_and_an_open_element(ngspice):
    c = parse("t\nV1 a 0 AC 2 45\nR1 a b 1k\nR2 b 0 ro\nC1 b 0 1u\n")
    exported = c.to_spice({"ro": sympy.oo})
    assert "V1 a 0 DC 0 AC 2 45" in exported
    assert not any(line.startswith("R2 ") for line in exported.splitlines())
    assert "* R2 = oo: an open circuit, left out" in exported
    ref = ngspice_ac(exported, ["v(b)"])["v(b)"]
    h = transfer(c.without("R2"), "b", "V1")
    agree(h, {}, ref / (2 * np.exp(1j * math.pi / 4)))


@pytest.mark.ngspice
def test_missing_numbers_are_named(ngspice):
    c = parse("t\nV1 a 0 AC 1\nR1 a b RA\nR2 b 0 RB\n.param RB=1k\n")
    with pytest.raises(NetlistError, match="needs numbers for RA"):
        c.to_spice()
    exported = c.to_spice({"RA": 2200})
    assert "R1 a b 2200" in exported and "R2 b 0 1000" in exported
    agree(transfer(c, "b", "V1"), {"RA": 2200, "RB": 1000},
          ngspice_ac(exported, ["v(b)"])["v(b)"])


def _device_circuit():
    return parse((REPO / "examples" / "ce_bias.cir").read_text())


@pytest.mark.ngspice
def test_original_and_small_signal_exports_reproduce_symsigs_numbers(ngspice, tmp_path):
    """The CE stage as written (with its BJT and .model card) and its small-signal equivalent
    (numbers from ngspice's own Q-point) both run in ngspice and give symsig's H(s)."""
    circuit = _device_circuit()
    numbers = numbers_at_the_end(circuit, {}, "ngspice")
    h = transfer(small_signal(circuit, capacitors="keep"), "out", "Vs")
    original = tmp_path / "ce.cir"
    linear = tmp_path / "ce_ss.cir"
    source = str(REPO / "examples" / "ce_bias.cir")
    assert main(["export", source, "--spice", str(original)]) == 0
    assert main(["export", source, "--spice", str(linear), "--small-signal", "--caps", "keep",
                 "--bias", "ngspice"]) == 0
    text = original.read_text()
    assert "Q1 c b e qn" in text and ".model qn npn (bf=100 vaf=100 is=1e-15)" in text
    assert "Rpi_Q1" in linear.read_text()
    for path in (original, linear):
        ref = ngspice_ac(path.read_text(), ["v(out)"])["v(out)"]
        agree(h, numbers.values, ref, tol=2e-6)


@pytest.mark.ngspice
def test_a_netlist_from_kicad_exports_with_ngspice_names(ngspice):
    folder = NETLISTS / "kicad"
    c = parse((folder / "ce_buffer.cir").read_text(), directory=folder)
    ss = small_signal(c, capacitors="keep")
    values = {"gm1": 0.04, "rpi1": 7000, "ro1": 60000}
    exported = ss.to_spice(values)
    assert "r.xu1.rin net-_u1-+_ /out 2000000" in exported  # no parentheses for ngspice
    ref = ngspice_ac(exported, ["v(/out)"])["v(/out)"]
    agree(transfer(ss, "/out", "V2"), values, ref)


@pytest.mark.ngspice
def test_cli_writes_to_standard_output_and_checks_its_options(ngspice, capsys):
    source = str(REPO / "examples" / "ce.cir")
    circuit = parse((REPO / "examples" / "ce.cir").read_text())
    assert main(["export", source, "--analysis", "none"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("* Common-emitter") and ".op" not in out and out.endswith(".end\n")
    agree(transfer(circuit, "c", "Vs"), param_values(circuit), ngspice_ac(out, ["v(c)"])["v(c)"])
    assert main(["export", source, "--subs", "RC=oo"]) == 0
    out = capsys.readouterr().out
    assert "RC = oo: an open circuit" in out and ".op\n.end" in out
    agree(transfer(circuit.without("RC"), "c", "Vs"), param_values(circuit),
          ngspice_ac(out, ["v(c)"])["v(c)"])
    assert main(["export", source, "--analysis", "ac dec 10 1 1g"]) == 2
    assert "--analysis" in capsys.readouterr().err
