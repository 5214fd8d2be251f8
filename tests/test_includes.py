"""Files that include files: `.include`, `.lib FILE SECTION`, `.lib FILE`, and the cards symsig
reads and ignores with a note.

Independent source of each expectation: the divider formula written by hand (R2/(R1 + R2)),
and SPICE's rules for where included files are found (relative to the including file).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy

from symsig import parse, transfer
from symsig.circuit.files import NetlistText
from symsig.cli import main
from symsig.errors import NetlistError

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
HALF = sympy.Rational(1, 2)
REPO = Path(__file__).resolve().parent.parent


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def gain(c, out="b", source="V1"):
    return transfer(c, out, source).expr


def test_include_is_relative_to_the_including_file(tmp_path):
    write(tmp_path, {
        "main.cir": "t\nV1 a 0 AC 1\n.include parts/r1.inc\nR2 b 0 R2\n",
        "parts/r1.inc": "* the series resistor, and its value from a file beside it\n"
                        "R1 a b R1\n.include values.inc\n",
        "parts/values.inc": ".param R1=1k R2={2*R1}\n",
    })
    c = parse((tmp_path / "main.cir").read_text(), directory=tmp_path)
    assert [e.name for e in c.elements] == ["V1", "R1", "R2"]
    assert gain(c) == P("R2") / (P("R1") + P("R2"))  # hand formula: a divider
    assert c.params == {"R1": 1000, "R2": 2 * P("R1")}
    r1 = c.element("R1")
    assert r1.line == 3 and r1.source == "parts/r1.inc line 2"  # the include's own line


def test_the_command_line_reads_includes_beside_the_netlist(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"sub/amp.cir": "t\nV1 a 0 AC 1\n.include half.inc\n",
                     "sub/half.inc": "R1 a b 1k\nR2 b 0 1k\n"})
    monkeypatch.chdir(tmp_path)  # not the netlist's folder
    assert main(["analyze", "sub/amp.cir", "--source", "V1", "--output", "b"]) == 0
    assert "gain v(b)/V1 = R2/(R1 + R2)\n    = 0.5 V/V\n" in capsys.readouterr().out


def test_standard_input_includes_relative_to_the_working_directory(tmp_path):
    write(tmp_path, {"half.inc": "R1 a b 1k\nR2 b 0 1k\n"})
    run = subprocess.run([sys.executable, "-m", "symsig.cli", "analyze", "-", "--source", "V1",
                          "--output", "b"], input="t\nV1 a 0 AC 1\n.include half.inc\n",
                         capture_output=True, text=True, cwd=tmp_path, timeout=120,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert "gain v(b)/V1 = R2/(R1 + R2)\n    = 0.5 V/V\n" in run.stdout


def test_netlist_text_carries_its_folder(tmp_path):
    write(tmp_path, {"half.inc": "R1 a b 1k\nR2 b 0 1k\n"})
    c = parse(NetlistText("t\nV1 a 0 AC 1\n.include half.inc\n", tmp_path))
    assert gain(c) == HALF


LIBRARY = """* corners
.lib tt
.param R1=1k
.endl tt
.lib ff
.param R1=3k
.include nested.inc
.endl
.param R1=99k
"""


def test_lib_reads_one_section(tmp_path):
    write(tmp_path, {"corners.lib": LIBRARY, "nested.inc": ".param R2=1k\n"})
    base = "t\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 1k\n"
    tt = parse(base + ".lib corners.lib tt\n", directory=tmp_path)
    assert tt.params == {"R1": 1000}  # the lines outside the sections are not read
    ff = parse(base + ".lib 'corners.lib' FF\n", directory=tmp_path)  # section: any case
    assert ff.params == {"R1": 3000, "R2": 1000}
    with pytest.raises(NetlistError, match=r"no section 'sf' in corners.lib \(its sections: "
                                           r"tt, ff\)") as info:
        parse(base + ".lib corners.lib sf\n", directory=tmp_path)
    assert info.value.line == 5


def test_lib_without_a_section_reads_the_whole_file_as_ltspice_does(tmp_path):
    write(tmp_path, {"models.lib": ".model QN npn (BF=80)\n.lib tt\n.param x=1\n.endl\n"})
    c = parse("t\nVs b 0 AC 1\nQ1 c b 0 QN\nRC c 0 RC\n.lib models.lib\n", directory=tmp_path)
    assert c.models["qn"].params["beta"] == 80
    assert "x" not in c.params  # a section nobody asked for is skipped ...
    assert any("section 'tt' not asked for" in n for n in c.notes)  # ... with a note


def test_ltspice_standard_library_is_skipped_with_a_note(tmp_path):
    text = ("* C:\\sim\\amp.asc\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n"
            ".lib C:\\Users\\me\\Documents\\LTspiceXVII\\lib\\cmp\\standard.bjt\n")
    c = parse(text, directory=tmp_path)
    assert gain(c) == HALF
    assert any("standard.bjt is not here" in n for n in c.notes)
    with pytest.raises(NetlistError, match="cannot read mine.lib"):
        parse(text + ".lib mine.lib\n", directory=tmp_path)  # any other library must be there


@pytest.mark.parametrize("files, line, words", [
    ({"a.inc": ".include b.inc\n", "b.inc": ".include a.inc\n"}, 3,
     r"cycle of included files: a.inc -> b.inc -> a.inc"),
    ({"a.inc": ".include a.inc\n"}, 3, "cycle of included files: a.inc -> a.inc"),
    ({"a.inc": "R1 a b 1k\nR9 b 0\n"}, 3, r"in a.inc line 2: R9: wrong number of fields"),
    ({"a.inc": ".include b.inc\n", "b.inc": "\n\nZ1 a 0 1\n"}, 3,
     r"in b.inc line 3, included by a.inc line 1: unknown element"),
    ({"a.inc": "R1 a b 1\n.lib x.lib\n"}, 3, "cannot read x.lib"),
    ({}, 3, "cannot read a.inc: No such file"),
    ({"a.inc/x": ""}, 3, "cannot read a.inc: Is a directory"),
    ({"a.inc": b"R1 a b 10\xb5\n"}, 3, "a.inc line 1: not UTF-8"),
    ({"a.inc": ".control\nrun\n"}, 3, ".control has no .endc"),
    ({"a.inc": ".endl\n"}, 3, ".endl without"),
    ({"a.inc": ".include\n"}, 3, "expects one file name"),
])
def test_include_errors_name_the_line_and_the_file(tmp_path, files, line, words):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(NetlistError, match=words) as info:
        parse("t\nV1 a 0 AC 1\n.include a.inc\nR2 b 0 1k\n", directory=tmp_path)
    assert info.value.line == line


def test_a_structural_error_in_an_included_element_names_its_file(tmp_path):
    write(tmp_path, {"a.inc": "\nR3 x y 1k\n"})
    with pytest.raises(NetlistError, match="floating") as info:
        parse("t\nV1 a 0 AC 1\nR1 a 0 1k\n.include a.inc\n", directory=tmp_path)
    assert info.value.line == 4


def test_include_depth_and_file_count_are_bounded(tmp_path):
    for i in range(20):
        (tmp_path / f"f{i}.inc").write_text(f".include f{i + 1}.inc\n")
    (tmp_path / "f20.inc").write_text("R2 b 0 1k\n")
    with pytest.raises(NetlistError, match="included more than 16 deep"):
        parse("t\nV1 a 0 AC 1\nR1 a b 1k\n.include f0.inc\n", directory=tmp_path)
    # each file includes the next twice: 2^12 reads if nothing stopped it
    for i in range(12):
        (tmp_path / f"g{i}.inc").write_text(f".include g{i + 1}.inc\n.include g{i + 1}.inc\n")
    (tmp_path / "g12.inc").write_text("* nothing\n")
    start = time.perf_counter()
    with pytest.raises(NetlistError, match="more than 1000 files"):
        parse("t\nV1 a 0 AC 1\nR1 a 0 1k\n.include g0.inc\n", directory=tmp_path)
    assert time.perf_counter() - start < 5


def test_reading_files_can_be_turned_off(tmp_path):
    write(tmp_path, {"a.inc": "R2 b 0 1k\n"})
    with pytest.raises(NetlistError, match="reading other files is turned off"):
        parse("t\nV1 a 0 AC 1\nR1 a b 1k\n.include a.inc\n", directory=tmp_path, files=False)


def test_end_ends_only_the_file_it_is_in(tmp_path):
    write(tmp_path, {"a.inc": "R1 a b 1k\n.end\nZ9 garbage\n"})
    c = parse("t\nV1 a 0 AC 1\n.include a.inc\nR2 b 0 1k\n.end\n.include missing.inc\n",
              directory=tmp_path)
    assert gain(c) == HALF


def test_analysis_and_option_cards_are_read_and_ignored_with_a_note():
    text = """cards other tools write
V1 a 0 DC 0 AC 1
R1 a b 1k
R2 b 0 1k
.options reltol=1e-4
.temp 50
.op
.ac dec 10 1 1meg
.tran 1n 1u
.save all
.probe alli
.meas ac gmax max vdb(b)
.step param R1 list 1k 2k
.backanno
.control
run
plot v(b)
.endc
.end
"""
    c = parse(text)
    assert gain(c) == HALF
    assert c.spice_options == (".options reltol=1e-4", ".temp 50")
    assert len(c.notes) == 11
    assert c.notes[0].startswith("line 5: .options read: simulator options")
    assert c.notes[-1] == "line 15: .control ... .endc block ignored (simulator commands)"
    assert all(n.startswith("line ") for n in c.notes)


@pytest.mark.parametrize("card, words", [
    (".func f(x) {2*x}", "user functions are not supported"),
    (".if (a > 1)", "conditional netlists are not supported"),
    (".frobnicate", "unknown command"),
])
def test_cards_that_would_change_the_circuit_are_errors(card, words):
    with pytest.raises(NetlistError, match=words) as info:
        parse(f"t\nV1 a 0 AC 1\nR1 a 0 1k\n{card}\n")
    assert info.value.line == 4
