"""Every command's --help: an example, the definitions it uses, and the examples run as written."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from symsig.cli import build_parser, main  # noqa: E402
from symsig.cli.helptext import TEXTS, examples  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


def help_text(command: str, capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_every_command_has_its_help_written():
    assert sorted(TEXTS) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_has_an_example_and_its_definitions(command, capsys):
    text = help_text(command, capsys)
    assert "Example:\n  symsig " + command in text
    flat = " ".join(text.split())
    if "--source" in text:  # a command with a source and an output says how outputs are named
        assert "i(RL) the current through an element from its first node to its second" in flat
    if "--load" in text:  # ... and one that measures R_in and R_out says what they are
        assert "R_in: the impedance between the input node" in flat
        assert "with the driving source removed (open)" in flat
        assert "R_out: the impedance between the output node and ground, seen by a test " \
               "source there, with every independent source zeroed" in flat


@pytest.mark.parametrize("example", [e for c in COMMANDS for e in examples(c)])
def test_every_help_example_runs_as_written(example, tmp_path, monkeypatch, capsys):
    """From a folder holding the repository's examples/, as a reader would run it."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    words = shlex.split(example)
    assert words[0] == "symsig"
    code = main(words[1:])
    out = capsys.readouterr()
    assert code == 0, out.err
    for word in words:  # whatever it was asked to write, it wrote
        if word.endswith((".png", ".svg", ".tex", ".sp")) and not word.startswith("examples"):
            assert (tmp_path / word).stat().st_size > 0


# -- units in the terminal ------------------------------------------------------------------------
def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_op_prints_units_and_aligns_its_names(tmp_path, capsys):
    """Base-resistor bias, by hand: I_B = (10 - 0.7)/930k = 10 µA, I_C = 1 mA, g_m = I_C/V_T =
    1 mA/25.8649 mV = 38.6624 mS, r_π = β/g_m = 2.58649 kΩ, r_o = V_A/I_C = 50 kΩ."""
    net = tmp_path / "bias.cir"
    net.write_text("bias\nVCC vcc 0 10\nRB vcc b 930k\nRC vcc c 4.7k\nQ1 c b 0 QN\n"
                   ".model QN npn (BF=100 VAF=50)\n")
    lines = run(capsys, "op", str(net)).splitlines()
    numbers = {line.split()[0]: line.rsplit(" = ", 1)[1] for line in lines[1:]
               if line.startswith("  ") and " = " in line}
    assert numbers["IB1"] == "10 µA" and numbers["IC1"] == "1 mA"
    assert numbers["gm1"] == "38.6624 mS" and numbers["rpi1"] == "2.58649 kΩ"
    assert numbers["ro1"] == "50 kΩ" and numbers["beta1"] == "100"  # a ratio: no unit
    columns = {line.index(" = ") for line in lines[1:] if line.startswith("  ") and
               not line.startswith("   ") and " = " in line}
    assert len(columns) == 1  # every = in one column


def test_twoport_numbers_carry_their_units(tmp_path, capsys):
    """A T network, by hand: z11 = R1 + R3 = 4 kΩ, h11 = R1 + R2 ∥ R3 = 2.2 kΩ, h12 = R3/(R2 +
    R3) = 0.6, h22 = 1/(R2 + R3) = 200 µS, y11 = (R2 + R3)/(R1 R2 + R1 R3 + R2 R3) = 454.545 µS."""
    net = tmp_path / "tee.cir"
    net.write_text("tee\nR1 a m 1k\nR2 m b 2k\nR3 m 0 3k\n")
    out = run(capsys, "twoport", str(net), "--port1", "a,0", "--port2", "b,0", "--params",
              "z,h,y", "--numbers-in")  # the numbers in the entries (names: test_cli)
    for line in ("z11 = 4 kΩ", "h11 = 2.2 kΩ", "h12 = 0.6", "h22 = 200 µS", "y11 = 454.545 µS"):
        assert line in out.splitlines(), line


def test_tf_says_the_unit_of_its_gain(capsys):
    """examples/ce.cir, by hand: A_v = -g_m r_π (R_C ∥ R_L ∥ r_o)/(R_s + r_π) = -100 ·
    3098.22/3600 = -86.0617 V/V; i(RL)/v_s = A_v/R_L = -8.61 mS (a current over a voltage)."""
    args = ("tf", str(ROOT / "examples" / "ce.cir"), "--source", "Vs", "--at", "1k")
    assert "|H| = 86.0617 V/V (38.70 dB)" in run(capsys, *args, "--output", "c")
    assert "|H| = 8.61 mS" in run(capsys, *args, "--output", "i(RL)")
