"""Every class of bad input gets a clear message naming the line and the problem."""

import subprocess
import sys

import pytest

from symsig import AnalysisError, Circuit, NetlistError, impedance, parse, rin, transfer
from symsig.cli import main

TITLE = "test circuit\n"


def error_of(text: str) -> str:
    with pytest.raises(NetlistError) as info:
        parse(text)
    return str(info.value)


def test_unknown_element():
    msg = error_of(TITLE + "V1 a 0 AC 1\nZ1 a 0 50\n")
    assert msg.startswith("line 3:") and "unknown element 'Z1'" in msg


def test_wrong_number_of_nodes():
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0\n")
    assert msg.startswith("line 3:") and "R1 n1 n2 VALUE" in msg
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 b 1k\nR2 a 0 1k\n")
    assert msg.startswith("line 3:") and "wrong number of fields" in msg
    msg = error_of(TITLE + "V1 a 0 AC 1\nG1 a 0 a\n")
    assert msg.startswith("line 3:") and "needs 4 nodes" in msg


@pytest.mark.parametrize("value", ["{RE*}", "4.7.3", "{2*(RE}", "{RE@2}", "{s*RE}", "{foo(2)}"])
def test_bad_value(value):
    msg = error_of(TITLE + f"V1 a 0 AC 1\nR1 a 0 {value}\n")
    assert msg.startswith("line 3:")
    assert any(w in msg for w in ("bad expression", "bad character", "reserved"))


def test_value_named_s_is_reserved():
    assert "reserved for the Laplace variable" in error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 s\n")


def test_duplicate_name():
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 1k\nr1 a 0 2k\n")
    assert msg.startswith("line 4:") and "duplicate element name 'r1'" in msg and "line 3" in msg


def test_unknown_controlling_source():
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 1k\nF1 a 0 Vnope 2\n")
    assert msg.startswith("line 4:") and "unknown controlling source 'Vnope'" in msg
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 1k\nH1 a 0 R1 2\n")
    assert msg.startswith("line 4:") and "not a voltage source" in msg


def test_floating_node():
    msg = error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 1k\nR2 x y 1k\n")
    assert msg.startswith("line 4:") and "'x' has no path to ground (floating)" in msg


def test_loop_of_voltage_sources():
    msg = error_of(TITLE + "V1 a 0 AC 1\nE1 b 0 a 0 2\nV2 a b 1\nR1 a 0 1k\n")
    assert msg.startswith("line 4:") and "loop of voltage sources" in msg


def test_singular_system():
    # Node m is reached only through two current sources in series: KCL there fixes nothing.
    c = parse(TITLE + "I1 0 m AC 1\nI2 m b 1\nR1 b 0 1k\n")
    with pytest.raises(AnalysisError, match="singular"):
        transfer(c, "b", "I1")


def test_query_missing_node_or_element():
    c = parse(TITLE + "V1 a 0 AC 1\nR1 a 0 1k\n")
    with pytest.raises(AnalysisError, match="no node named 'zz'"):
        transfer(c, "zz", "V1")
    with pytest.raises(AnalysisError, match="no source named 'V9'"):
        transfer(c, "a", "V9")
    with pytest.raises(AnalysisError, match="R1 is a resistor, not an independent source"):
        rin(c, "R1")
    with pytest.raises(AnalysisError, match="no element named 'R7'"):
        transfer(c, "i(R7)", "V1")
    with pytest.raises(NetlistError, match="no element named 'R5'"):
        impedance(c, "a", remove=["R5"])


def test_zero_resistor_and_unsupported_forms():
    assert "zero-valued resistor" in error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 0\n")
    assert "POLY forms are not supported" in error_of(
        TITLE + "V1 a 0 AC 1\nR1 a 0 1\nE1 b 0 POLY(1) a 0 0 1\nR2 b 0 1\n")
    assert "unknown command '.foo'" in error_of(TITLE + "V1 a 0 AC 1\nR1 a 0 1\n.foo\n")


def test_python_builder_errors():
    with pytest.raises(NetlistError, match="must start with 'R'"):
        Circuit().R("X1", "a", "0", 1)
    with pytest.raises(NetlistError, match="duplicate element name"):
        Circuit().R("R1", "a", "0", 1).R("R1", "a", "0", 2)
    with pytest.raises(NetlistError, match="bad value"):
        Circuit().R("R1", "a", "0", [1])


def test_cli_error_exit_code_and_message(tmp_path, capsys):
    bad = tmp_path / "bad.cir"
    bad.write_text(TITLE + "V1 a 0 AC 1\nZ1 a b\n")
    assert main(["analyze", str(bad), "--source", "V1", "--output", "a"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("symsig: error: line 3: unknown element 'Z1'")
    assert main(["analyze", str(tmp_path / "missing.cir"), "--source", "V1", "--output", "a"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_cli_error_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.cir"
    bad.write_text(TITLE + "V1 a 0 AC 1\nR1 a 0 {RE/}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "symsig.cli", "analyze", str(bad), "--source", "V1", "--output",
         "a"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "line 3" in proc.stderr


def test_devices_whose_symbols_would_clash():
    msg = error_of(TITLE + "V1 g 0 AC 1\nM1 d g 0\nQ1 d g 0\nR1 d 0 1k\n")
    assert msg.startswith("line 4:") and "share the symbol" in msg
    msg = error_of(TITLE + "V1 g 0 AC 1\nM1 d g 0 0\nMb1 d g 0\nR1 d 0 1k\n")
    assert "'gmb1'" in msg
