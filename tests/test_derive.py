"""`symsig derive` and `symsig.forms.derive`: worked derivations as LaTeX documents.

Each document is compiled with pdflatex (skipped without it, a failure under CI) and read
back: the pieces a student needs must be there, with no LaTeX error and no overfull line. The
expectations are independent of symsig: the MNA matrix of a small circuit written by hand, and
numbers from hand formulas (the textbook's Q-point and gain formulas).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from symsig import parse
from symsig.cli import main
from symsig.devices import Options
from symsig.forms.derive import derivation, escape, node_tex
from tests.conftest import require_tool

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
VT = 0.0258649  # kT/q at 27 C, the default symsig states in the document


@pytest.fixture
def pdflatex():
    """pdflatex's path; a skip without it, a failure under CI (tests/conftest.py)."""
    return require_tool("pdflatex", "apt-get install texlive-latex-recommended")


def compiled(tex: str, tmp_path: Path, name: str = "doc") -> tuple[str, str]:
    """Compile the document; return (the PDF's text, or the .tex when pdftotext is missing,
    and the log). Fails on any LaTeX error or an overfull line wider than 1 pt."""
    (tmp_path / f"{name}.tex").write_text(tex, encoding="utf-8")
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                          f"{name}.tex"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and not errors, errors or run.stdout[-2000:]
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000
    overfull = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide", log)]
    assert all(w <= 1.0 for w in overfull), f"overfull lines: {overfull}"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", f"{name}.pdf", "-"], cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout
    else:
        text = tex
    return text, log


def sections(tex: str) -> list[str]:
    return re.findall(r"\\section\{([^}]*)\}", tex)


def matrices(tex: str) -> list[list[list[str]]]:
    """The bmatrix bodies of the nodal-equation display, each as rows of cells with the
    alignment struts (\\vphantom{...}) removed."""
    start = tex.index("KCL at")
    block = tex[start:tex.index("\\]", start)]
    out = []
    for body in re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", block, re.S):
        rows = []
        for row in body.split("\\\\"):
            cells = [_without_phantom(c).strip() for c in row.split("&")]
            if any(cells):
                rows.append([" ".join(c.split()) for c in cells])
        out.append(rows)
    return out


def _without_phantom(text: str) -> str:
    while "\\vphantom{" in text:
        i = text.index("\\vphantom{")
        depth, j = 0, i + len("\\vphantom")
        while True:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        text = text[:i] + text[j:]
    return text


# -- the nodal equations against a matrix written by hand ---------------------------------------
def test_matrix_equals_the_one_written_by_hand():
    # Hand-written MNA: unknowns v_in, v_out, i_Vs (into Vs's + node). KCL at in: the current
    # leaving through R1 is (v_in - v_out)/R1, plus i_Vs; at out: (v_out - v_in)/R1 + v_out/R2
    # + gm*v_in (G1's current leaves out); the Vs row: v_in = V_s.
    c = parse("hand\nVs in 0 AC 1\nR1 in out R1\nR2 out 0 R2\nG1 out 0 in 0 gm\n")
    a, x, b = matrices(derivation(c, "Vs", "out"))
    assert a == [[r"\frac{1}{R_{1}}", r"-\frac{1}{R_{1}}", "1"],
                 [r"-\frac{1}{R_{1}} + g_{m}", r"\frac{1}{R_{1}} + \frac{1}{R_{2}}", "0"],
                 ["1", "0", "0"]]
    assert x == [[r"v_{\mathrm{in}}"], [r"v_{\mathrm{out}}"], [r"i_{V_{s}}"]]
    assert b == [["0"], ["0"], [r"V_{s}"]]


def test_matrix_of_an_op_amp_and_a_numeric_resistor_by_hand():
    # The nullor adds the unknown i_O1 (its output current, from out to ground) to KCL at out,
    # and the row v(inp) - v(inn) = 0 with inp grounded: -v_n1 = 0. With symbolic=False the
    # 1k resistor stays the number 1/1000 in the matrix.
    c = parse("inv\nVi a 0 AC 1\nR1 a n1 1k\nR2 n1 o R2\nO1 o 0 n1\n")
    a, x, _ = matrices(derivation(c, "Vi", "o", symbolic=False))
    assert x == [[r"v_{a}"], [r"v_{\mathrm{n1}}"], [r"v_{o}"], [r"i_{V_{i}}"], [r"i_{O_{1}}"]]
    assert a == [[r"\frac{1}{1000}", r"-\frac{1}{1000}", "0", "1", "0"],
                 [r"-\frac{1}{1000}", r"\frac{1}{1000} + \frac{1}{R_{2}}", r"-\frac{1}{R_{2}}",
                  "0", "0"],
                 ["0", r"-\frac{1}{R_{2}}", r"\frac{1}{R_{2}}", "0", "1"],
                 ["1", "0", "0", "0", "0"],
                 ["0", "-1", "0", "0", "0"]]


# -- whole documents, compiled ------------------------------------------------------------------
def test_common_emitter_document(pdflatex, tmp_path):
    tex = derivation(parse((EXAMPLES / "ce_bias.cir").read_text()), "Vs", "out",
                     input_node="b", load="RL")
    text, _ = compiled(tex, tmp_path)
    assert sections(tex) == ["The circuit", "The nodal equations", "The solution",
                             "Approximations", "The numbers"]
    assert "\\begin{bmatrix}" in tex and "KCL at" in text
    assert "small-signal equivalent" in text.lower() and r"g_m v_{\pi}" in tex
    assert "In textbook form" in text and r"\parallel" in tex
    assert r"r_o \to \infty" in tex
    # Hand Q-point (constant V_BE = 0.7 V): Thevenin 12*10k/57k behind 47k || 10k, beta = 100
    vth, rth = 12 * 10 / 57, 47e3 * 10e3 / 57e3
    ic = 100 * (vth - 0.7) / (rth + 101 * 1e3)
    gm, rpi, ro = ic / VT, 100 * VT / ic, 100 / ic
    par = lambda *r: 1 / sum(1 / x for x in r)  # noqa: E731
    rin = par(47e3, 10e3, rpi)
    gain = -gm * par(ro, 2.2e3, 10e3) * rin / (1e3 + rin)  # textbook CE gain with R_s
    assert f"{gain:.4g}" in text.replace("\u2212", "-")
    assert f"{ic * 1e3:.4g}" in text  # I_C in mA in the Q-point table
    assert f"{rin / 1e3:.4g}" in text  # R_in in kOhm


def test_mos_cascode_document(pdflatex, tmp_path):
    c = parse("""MOS cascode, resistive load
VDD vdd 0 DC 5
Vs in 0 DC 1 AC 1
M1 x in 0 0 NM W=10u L=1u
M2 out vb x NM W=10u L=1u
Vb vb 0 DC 2.5
RD vdd out 10k
.model NM nmos (KP=200u VTO=0.7 LAMBDA=0.05)
""")
    # the bias as a textbook problem states it: I_D = 100 uA, V_ov = 0.2 V for both
    given = {"ID1": "100u", "ID2": "100u", "Vov1": "0.2", "Vov2": "0.2"}
    tex = derivation(c, "Vs", "out", values=given)
    text, _ = compiled(tex, tmp_path)
    assert "$g_m v_{gs}$" in tex and "$r_o$" in tex  # the model parts, labelled
    assert "KCL at \\textsf{x}" in tex
    assert "R_{in} = \\infty" in tex  # R_in looks into a MOS gate
    assert r"R_{D} \parallel" in tex  # R_out = R_D || (the cascode's own resistance)
    # By hand: g_m = 2 I_D / V_ov = 1 mS, r_o = 1/(lambda I_D) = 200 k; the cascode's gain
    # -g_m1 R_D || R_up with R_up = r_o1 + r_o2 + g_m2 r_o1 r_o2 seen up into M2, times the
    # fraction of g_m1 v_in that reaches the load, (g_m2 r_o2 + 1) r_o1 / R_up
    gm, ro, rd = 1e-3, 200e3, 10e3
    up = ro + ro + gm * ro * ro
    gain = -gm * (rd * up / (rd + up)) * (gm * ro + 1) * ro / up
    assert f"{gain:.4g}" in text.replace("\u2212", "-")
    assert f"{rd * up / (rd + up) / 1e3:.4g}" in text  # R_out in kOhm


def test_differential_pair_document(pdflatex, tmp_path):
    tex = derivation(parse(DIFF_PAIR), "Vd", "c2")
    text, _ = compiled(tex, tmp_path)
    assert "shares the symbols of" in text
    assert r"\frac{R_{C} g_{m1}}{2}" in tex  # r_o -> oo: the textbook g_m R_C / 2
    # Hand numbers: each side carries half the 1 mA tail, I_C = alpha * 0.5 mA, so with
    # r_o -> oo the gain to c2 is g_m R_C / 2
    gm = (100 / 101) * 0.5e-3 / VT
    assert f"{gm * 10e3 / 2:.4g}" in text


DIFF_PAIR = """BJT differential pair, matched
VCC vcc 0 12
VEE vee 0 -12
Vd inp 0 AC 1
Q1 c1 inp e QN
Q2 c2 0 e QN
RC1 vcc c1 RC
RC2 vcc c2 RC
IEE e vee 1m
.match Q1 Q2
.model QN npn (BF=100 VAF=100)
.param RC=10k
"""


def test_op_amp_document(pdflatex, tmp_path):
    c = parse("Inverting amplifier\nVin in 0 AC 1\nR1 in n_1 R1\nR2 n_1 out R2\n"
              "O1 out 0 n_1\nRL out 0 RL\n")
    tex = derivation(c, "Vin", "out", load="RL")
    text, _ = compiled(tex, tmp_path)
    assert r"A_v &= - \frac{R_{2}}{R_{1}}" in tex  # the textbook -R2/R1
    assert r"R_{in} &= R_{1}" in tex
    assert r"R_{out} = 0" in tex
    assert r"v_{+} = v_{-}" in tex and r"\textsf{n\_1}" in tex  # node n_1 escaped
    assert "no numbers" in text


def test_capacitors_kept_and_long_results_stay_on_the_page(pdflatex, tmp_path):
    c = parse("Two-stage CE\nVs s 0 AC 1\nRs s b1 Rs\nQ1 c1 b1 0\nRC1 c1 0 RC1\n"
              "Q2 c2 c1 0\nRC2 c2 0 RC2\nRL c2 0 RL\n")
    tex = derivation(c, "Vs", "c2", input_node="b1", load="RL",
                     options=Options.build("hybrid-pi", ["caps"]))
    text, _ = compiled(tex, tmp_path)  # no overfull line, however long the results
    assert "too long to write out" in text
    assert "coefficients of the powers of" in text  # H(s) as polynomials in s
    assert "where the entries too wide to print in place are" in text  # a wide matrix


def test_user_text_is_escaped(pdflatex, tmp_path):
    c = parse("Test #1 & 50% _x_ β ∥ 日本 {x} $5 ~ ^ \\ <a|b>\nVs n_1 0 AC 1\n"
              "R_a n_1 a#b 1k\nRb a#b x%y {2*Rq}\nG1 out&1 0 a#b 0 gm\nRload out&1 0 RL\n")
    tex = derivation(c, "Vs", "v(out&1)")
    text, _ = compiled(tex, tmp_path)
    assert r"Test \#1 \& 50\% \_x\_ $\beta$ $\parallel$ ?? \{x\} \$5" in tex
    assert "out&1" in text and "a#b" in text


def test_a_large_system_is_described_by_its_size(pdflatex, tmp_path):
    lines = ["RC ladder", "Vs n0 0 AC 1"]
    for k in range(14):
        lines += [f"R{k + 1} n{k} n{k + 1} 1k", f"C{k + 1} n{k + 1} 0 1n"]
    tex = derivation(parse("\n".join(lines)), "Vs", "n14", capacitors="keep", symbolic=False)
    text, _ = compiled(tex, tmp_path)
    assert "16 unknowns" in text and "\\begin{bmatrix}" not in tex


def test_escape_and_node_names():
    assert escape("a_b#c%d&e$f{g}h~i^j\\k") == (r"a\_b\#c\%d\&e\$f\{g\}h\~{}i\^{}j"
                                               r"\textbackslash{}k")
    assert escape("Ω ∥ 日") == r"$\Omega$ $\parallel$ ?"
    assert node_tex("b") == "b" and node_tex("out") == r"\mathrm{out}"
    assert node_tex("n_1") == r"\text{n\_1}"


# -- the command --------------------------------------------------------------------------------
def test_cli_writes_the_document(tmp_path, capsys):
    out = tmp_path / "ce.tex"
    code = main(["derive", str(EXAMPLES / "ce.cir"), "--source", "Vs", "--output", "c",
                 "--input-node", "b", "--load", "RL", "--latex-doc", str(out)])
    assert code == 0
    tex = out.read_text()
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert "ce.tex" in capsys.readouterr().err


def test_cli_prints_to_stdout_and_takes_subs_for_named_values(capsys):
    code = main(["derive", str(EXAMPLES / "ce_bias.cir"), "--source", "Vs", "--output", "out",
                 "--subs", "RL=1meg", "--model", "T"])
    assert code == 0
    tex = capsys.readouterr().out
    assert "\\begin{document}" in tex and r"$R_{L}$ & $1\,\mathrm{M}\Omega$ & given" in tex


@pytest.mark.parametrize("args", [
    ["--source", "Vx", "--output", "c"],
    ["--source", "RC", "--output", "c"],
    ["--source", "Vs", "--output", "nowhere"],
    ["--source", "Vs", "--output", "c", "--load", "R9"],
    ["--source", "Vs", "--output", "c", "--input-node", "q"],
    ["--source", "Vs", "--output", "c", "--subs", "Rx=1"],
    ["--source", "Vs", "--output", "c", "--model", "pi"],
    ["--source", "Vs", "--output", "c", "--latex-doc", "/nonexistent/dir/x.tex"],
    ["--output", "c"],
    ["--source", "Vs", "--output", "c", "--bias", "guess"],
])
def test_cli_bad_options_exit_2_with_one_line(args, capsys):
    try:
        code = main(["derive", str(EXAMPLES / "ce.cir"), *args])
    except SystemExit as exc:  # argparse's own errors (a missing or misspelt option)
        code = exc.code
    assert code == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("symsig: error: ") and captured.err.count("\n") == 1, \
        captured.err
    assert captured.out == ""


def test_derivation_opens_the_load_and_miller_capacitors_at_mid_band():
    """The two-stage op-amp: C_C and C_L (pF) are opens at mid-band, and the derivation says
    so (they stay in the netlist table); R_out is then r_o6 ∥ r_o7 (by hand: the output node
    sees M6's and M7's r_o, both sources' controls held)."""
    text = (Path(__file__).parent / "draw_circuits" / "two_stage.cir").read_text()
    doc = derivation(parse(text), "Vp", "out")
    assert "$C_{C}$ & capacitor" in doc and "$C_{L}$ & capacitor" in doc
    assert "$C_{C}$ and $C_{L}$ are open at mid-band (1 nF or less" in doc
    assert "shorted at mid-band" not in doc
    assert r"r_{o6} \parallel r_{o7}" in doc
