"""What a notebook shows: `_repr_latex_`, `_repr_html_` and `_repr_svg_` of symsig's results.

Each representation is read back here without the code that wrote it: the LaTeX by its
delimiters and the textbook symbols in it (compared with symbols and numbers written here by
hand), the HTML and SVG by an XML parser.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import sympy

matplotlib.use("Agg")

from symsig import Circuit, amplifier, operating_point, parse, transfer  # noqa: E402
from symsig.analysis.twoport import TwoPort, two_port  # noqa: E402

CIRCUITS = Path(__file__).parent / "draw_circuits"
# a symbolic common-emitter stage, hybrid-π with r_o, no bypass: textbook A_v = -g_m (R_C ∥ r_o
# ∥ R_L) as seen from the base
CE = """CE stage, every value a symbol
Vs b 0 AC 1
G1 c 0 b 0 gm
Rpi b 0 rpi
Ro c 0 ro
RC c 0 RC
RL c 0 RL
"""
# a resistive divider with numbers: A_v = 3k/(1k + 3k) = 3/4, R_in = 4 kΩ, R_out = 1k ∥ 3k = 750 Ω
DIVIDER = "divider\nVs a 0 AC 1\nR1 a out 1k\nR2 out 0 3k\n"


def math_body(tex: str) -> str:
    """The LaTeX between MathJax's display delimiters, checked to be well formed."""
    assert tex.startswith("$$") and tex.endswith("$$") and tex.count("$$") == 2
    body = tex[2:-2]
    depth = 0
    for ch in re.sub(r"\\[{}]", "", body):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, "a } closes nothing"
    assert depth == 0, "a { is never closed"
    for env in re.findall(r"\\begin\{(\w+)\}", body):
        assert body.count(rf"\begin{{{env}}}") == body.count(rf"\end{{{env}}}")
    return body


def symbols_in(tex: str) -> set[str]:
    """Every subscripted symbol in LaTeX: g_{m}, r_{\\pi 1}, R_{C}, ... (spaces dropped)."""
    return {re.sub(r"\s", "", m) for m in re.findall(r"\\?[A-Za-z]+_\{[^{}]*\}", tex)}


def table(html: str) -> list[list[str]]:
    """The rows of an HTML table, each cell's text (the HTML must be well formed)."""
    root = ET.fromstring(html)
    return [["".join(td.itertext()) for td in tr] for tr in root.iter("tr")]


# -- RationalFunction -----------------------------------------------------------------------------
def test_a_result_shows_its_textbook_form_with_parallel_bars():
    gain = transfer(parse(CE), "c", "Vs")
    body = math_body(gain._repr_latex_())
    assert body.count(r"\parallel") == 2  # R_C ∥ R_L ∥ r_o: three resistors, two bars
    assert symbols_in(body) == {"g_{m}", "R_{C}", "R_{L}", "r_{o}"}  # r_π is not in A_v
    assert body.lstrip().startswith("-")  # inverting


def test_a_number_shows_exactly_and_as_a_decimal():
    body = math_body(transfer(parse(DIVIDER), "out", "Vs")._repr_latex_())
    assert body == r"\frac{3}{4} \approx 0.75"


def test_a_large_result_shows_its_size_not_megabytes_of_latex():
    """cascade5: 15,584 terms (the benchmark's README); shown in under a second or two."""
    circuit = parse((CIRCUITS / "bench" / "cascade5.cir").read_text())
    gain = transfer(circuit, "c5", "Vs")
    start = time.perf_counter()
    tex = gain._repr_latex_()
    assert time.perf_counter() - start < 10
    body = math_body(tex)
    assert len(tex) < 3000
    num, den = (int(x.replace(",", "")) for x in
                re.search(r"exact: ([\d,]+) \+ ([\d,]+) terms", body).groups())
    assert num + den == 15584
    assert body.count(r"\cdots") == 2


# -- Amplifier ------------------------------------------------------------------------------------
def test_an_amplifier_shows_gain_rin_rout_aligned():
    amp = amplifier(parse(CE), "Vs", "c")
    body = math_body(amp._repr_latex_())
    rows = body.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
    assert [r.split("&=")[0].strip() for r in rows] == ["A_v", "R_{in}", "R_{out}"]
    formulas = [r.split("&=")[1] for r in rows]
    assert symbols_in(formulas[1]) == {"r_{\\pi}"}  # R_in = r_π (the source drives the base)
    assert formulas[2].count(r"\parallel") == 2  # R_out = R_C ∥ R_L ∥ r_o


def test_an_amplifier_table_has_numbers_with_units():
    rows = table(amplifier(parse(DIVIDER), "Vs", "out")._repr_html_())
    assert rows[0] == ["", "", "formula", "value"]
    values = {r[0]: r[3] for r in rows[1:]}
    assert values == {r"\(A_v\)": "0.75 V/V", r"\(R_{in}\)": "4 kΩ", r"\(R_{out}\)": "750 Ω"}


# -- TwoPort --------------------------------------------------------------------------------------
def test_a_two_port_shows_its_matrix_and_a_table_with_units():
    """A T network: z11 = R1 + R3, z12 = z21 = R3, z22 = R2 + R3 (any circuits text)."""
    tee = parse("tee\nR1 a m R1\nR2 m b R2\nR3 m 0 R3\n", check_floating=False)
    net = two_port(tee, "a,0", "b,0", "z")
    body = math_body(net._repr_latex_())
    assert body.startswith(r"\mathbf{z} = \begin{pmatrix}")
    cells = [c.strip() for c in re.split(r"&|\\\\", body.split(r"\begin{pmatrix}")[1]
                                          .split(r"\end{pmatrix}")[0])]
    assert [symbols_in(c) for c in cells] == [{"R_{1}", "R_{3}"}, {"R_{3}"}, {"R_{3}"},
                                              {"R_{2}", "R_{3}"}]
    rows = table(net._repr_html_())
    assert [r[0] for r in rows[1:]] == [rf"\(z_{{{k}}}\)" for k in ("11", "12", "21", "22")]
    assert {r[2] for r in rows[1:]} == {"Ω"}
    h = table(TwoPort("h", net.h)._repr_html_())
    assert [r[2] for r in h[1:]] == ["Ω", "–", "–", "S"]  # h11 Ω, h12 and h21 ratios, h22 S


def test_a_two_port_entry_too_long_to_typeset_is_named_by_its_size():
    big = sympy.Add(*(sympy.Symbol(f"x{k}") * sympy.Symbol(f"y{k}") for k in range(2000)))
    body = math_body(TwoPort("z", [[big, 0], [0, 1]])._repr_latex_())
    assert "operations" in body and len(body) < 2000


# -- OperatingPoint -------------------------------------------------------------------------------
def test_an_operating_point_shows_each_quantity_with_its_unit():
    """Base-resistor bias, by hand: I_B = (10 - 0.7)/930k = 10 µA, I_C = β I_B = 1 mA,
    g_m = I_C/V_T = 1 mA/25.8649 mV = 38.6624 mS, r_π = β/g_m = 2.58649 kΩ."""
    circuit = parse("bias\nVCC vcc 0 10\nRB vcc b 930k\nRC vcc c 4.7k\nQ1 c b 0 QN\n"
                    ".model QN npn (BF=100)\n")
    body = math_body(operating_point(circuit)._repr_latex_())
    assert r"\text{Q1 (npn): active}" in body
    for quantity in (r"= \text{10 µA}", r"= \text{1 mA}",
                     r"\text{38.6624 mS}", r"\text{2.58649 kΩ}"):
        assert quantity in body, quantity
    assert r"\text{(assumed: VT = 0.0258649 V" in body


# -- Circuit --------------------------------------------------------------------------------------
def test_a_circuit_shows_its_schematic_as_svg_with_its_labels():
    circuit = parse((CIRCUITS / "ce.cir").read_text())
    svg = circuit._repr_svg_()
    assert ET.fromstring(svg).tag.endswith("svg")
    texts = set(re.findall(r"<!-- (.*?) -->", svg))  # matplotlib keeps each text beside its path
    assert {"$R_{C}$", "2.2 kΩ", "$Q_{1}$", "$v_{s}$", "out"} <= texts


def test_a_circuit_that_cannot_be_placed_shows_no_svg():
    """(the notebook then shows its text form): an empty circuit, and a dense mesh."""
    assert Circuit()._repr_svg_() is None
    nodes = [f"a{k}" for k in range(10)]
    mesh = ["mesh", "V1 a0 0 AC 1"] + [f"R{i}{j} {a} {b} 1k" for i, a in enumerate(nodes)
                                       for j, b in enumerate(nodes) if i < j and (i + j) % 3]
    assert parse("\n".join(mesh) + "\n")._repr_svg_() is None
