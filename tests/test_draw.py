"""Schematics: every listed topology drawn as written and as its small-signal equivalent, to SVG.

Each drawing is checked from its own geometry, independently of the placement code that made
it: schemdraw's bounding box of every symbol, matplotlib's extent of every text as rendered,
and the end points of every wire. No two symbols overlap, no text touches a symbol, a wire or
another text, no wire runs through a symbol, and no two wires cross. The labels expected on
each element are written here by hand, as a textbook writes them; every node of the netlist
must be named on the drawing (beside its wire, or in the line saying it is at AC ground or is a
supply).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # (schemdraw and matplotlib are symsig's own dependencies: no skip)

from symsig import parse  # noqa: E402
from symsig.circuit.netlist import Circuit  # noqa: E402
from symsig.cli import main  # noqa: E402
from symsig.cli.common import read_netlist  # noqa: E402
from symsig.devices import Options  # noqa: E402
from symsig.devices.ac import small_signal  # noqa: E402
from symsig.draw.schematic import (  # noqa: E402
    NODE_COLOR,
    PlacementError,
    circuit_svg,
    draw,
    save,
)
from symsig.errors import SymsigError  # noqa: E402

CIRCUITS = Path(__file__).parent / "draw_circuits"
ROOT = Path(__file__).parent.parent
# the two-stage op-amp's C_C and C_L are part of its small-signal circuit, not coupling caps
CAPACITORS = {"two_stage": "keep"}

# -- the labels a textbook writes on each element -------------------------------------------------
K, U = "kΩ", "µF"
AS_WRITTEN = {
    "ce": {"VCC": ["V_{CC}"], "Vs": ["v_{s}"], "Rs": ["R_{s}", f"1 {K}"],
           "C1": ["C_{1}", f"10 {U}"], "R1": ["R_{1}", f"47 {K}"], "R2": ["R_{2}", f"10 {K}"],
           "Q1": ["Q_{1}"], "RC": ["R_{C}", f"2.2 {K}"], "RE": ["R_{E}", f"1 {K}"],
           "CE": ["C_{E}", f"100 {U}"], "C2": ["C_{2}", f"10 {U}"], "RL": ["R_{L}", f"10 {K}"]},
    "cb": {"VCC": ["V_{CC}"], "Vs": ["v_{s}"], "Rs": ["R_{s}", "50 Ω"],
           "C1": ["C_{1}", f"10 {U}"], "RE": ["R_{E}", f"3.3 {K}"], "R1": ["R_{1}", f"47 {K}"],
           "R2": ["R_{2}", f"10 {K}"], "CB": ["C_{B}", f"100 {U}"], "Q1": ["Q_{1}"],
           "RC": ["R_{C}", f"4.7 {K}"], "C2": ["C_{2}", f"10 {U}"], "RL": ["R_{L}", f"10 {K}"]},
    "cc": {"VCC": ["V_{CC}"], "Vs": ["v_{s}"], "Rs": ["R_{s}", f"10 {K}"],
           "C1": ["C_{1}", f"10 {U}"], "R1": ["R_{1}", f"100 {K}"],
           "R2": ["R_{2}", f"100 {K}"], "Q1": ["Q_{1}"], "RE": ["R_{E}", f"4.7 {K}"],
           "C2": ["C_{2}", f"10 {U}"], "RL": ["R_{L}", f"1 {K}"]},
    "cs": {"VDD": ["V_{DD}"], "Vs": ["v_{s}"], "Rsig": ["R_{sig}", f"100 {K}"],
           "C1": ["C_{1}", "1 µF"], "RG1": ["R_{G1}", "2 MΩ"], "RG2": ["R_{G2}", "1 MΩ"],
           "M1": ["M_{1}"], "RD": ["R_{D}", f"10 {K}"], "RS": ["R_{S}", f"5 {K}"],
           "CS": ["C_{S}", f"100 {U}"], "C2": ["C_{2}", "1 µF"], "RL": ["R_{L}", f"20 {K}"]},
    "cg": {"VDD": ["V_{DD}"], "VG": ["V_{G}"], "Vs": ["v_{s}"], "Rsig": ["R_{sig}", "50 Ω"],
           "C1": ["C_{1}", f"10 {U}"], "RS": ["R_{S}", f"2 {K}"], "M1": ["M_{1}"],
           "RD": ["R_{D}", f"5 {K}"], "C2": ["C_{2}", f"10 {U}"], "RL": ["R_{L}", f"10 {K}"]},
    "cd": {"VDD": ["V_{DD}"], "Vs": ["v_{s}"], "Rsig": ["R_{sig}", f"1 {K}"],
           "C1": ["C_{1}", "1 µF"], "RG1": ["R_{G1}", "1 MΩ"], "RG2": ["R_{G2}", "1 MΩ"],
           "M1": ["M_{1}"], "RS": ["R_{S}", f"2 {K}"], "C2": ["C_{2}", f"10 {U}"],
           "RL": ["R_{L}", f"1 {K}"]},
    "cascode": {"VCC": ["V_{CC}"], "Vs": ["v_{s}", "DC 650 mV"], "Rs": ["R_{s}", f"1 {K}"],
                "VB2": ["V_{B2}"], "Q1": ["Q_{1}"], "Q2": ["Q_{2}"],
                "RC": ["R_{C}", f"10 {K}"]},
    "diff_pair": {"VCC": ["V_{CC}"], "VEE": ["V_{EE}"], "V1": ["v_{1}"],
                  "V2": ["v_{2}", "AC -1 V"], "Q1": ["Q_{1}"], "Q2": ["Q_{2}"],
                  "RC1": ["R_{C}"], "RC2": ["R_{C}"], "IEE": ["I_{EE}", "1 mA"]},
    "mirror": {"VCC": ["V_{CC}"], "IREF": ["I_{REF}", "1 mA"], "Q1": ["Q_{1}"],
               "Q2": ["Q_{2}"], "RL": ["R_{L}"]},
    "ota5": {"VDD": ["V_{DD}"], "VSS": ["V_{SS}"], "Vp": ["v_{p}"], "Vn": ["V_{n}", "0 V"],
             "M1": ["M_{1}"], "M2": ["M_{2}"], "M3": ["M_{3}"], "M4": ["M_{4}"],
             "ISS": ["I_{SS}", "200 µA"]},
    "two_stage": {"VDD": ["V_{DD}"], "VSS": ["V_{SS}"], "Vp": ["v_{p}"],
                  "Vn": ["V_{n}", "0 V"], "IB": ["I_{B}", "20 µA"],
                  **{f"M{k}": [f"M_{{{k}}}"] for k in range(1, 9)},
                  "CC": ["C_{C}", "3 pF"], "CL": ["C_{L}", "10 pF"]},
}
# supplies are drawn as a symbol at each pin, with their value said once under the drawing
SUPPLY_LINES = {
    "ce": ["V_{CC} = 12 V at node vcc"], "cb": ["V_{CC} = 12 V at node vcc"],
    "cc": ["V_{CC} = 12 V at node vcc"], "cs": ["V_{DD} = 15 V at node vdd"],
    "cg": ["V_{DD} = 10 V at node vdd", "V_{G} = 4 V at node g"],
    "cd": ["V_{DD} = 10 V at node vdd"],
    "cascode": ["V_{CC} = 12 V at node vcc", "V_{B2} = 2 V at node b2"],
    "diff_pair": ["V_{CC} = 12 V at node vcc", "V_{EE} = -12 V at node vee"],
    "mirror": ["V_{CC} = 10 V at node vcc"],
    "ota5": ["V_{DD} = 5 V at node vdd", "V_{SS} = -5 V at node vss"],
    "two_stage": ["V_{DD} = 2.5 V at node vdd", "V_{SS} = -2.5 V at node vss"],
}


def _bjt(k: str, like: str | None = None) -> dict[str, list[str]]:
    """Q<k>'s hybrid-pi parts; `like` names the device whose symbols it shares (.match)."""
    s = like or k
    return {f"Rpi_Q{k}": [rf"r_{{\pi {s}}}"], f"Gm_Q{k}": [rf"g_{{m{s}}} v_{{\pi {k}}}"],
            f"Ro_Q{k}": [f"r_{{o{s}}}"]}


def _mos(k: str, like: str | None = None, diode: bool = False) -> dict[str, list[str]]:
    s = like or k
    gm = f"1/g_{{m{s}}}" if diode else f"g_{{m{s}}} v_{{gs{k}}}"  # diode-connected: 1/g_m
    return {f"Gm_M{k}": [gm], f"Ro_M{k}": [f"r_{{o{s}}}"]}


SMALL_SIGNAL = {
    "ce": {"Vs": ["v_{s}"], "Rs": ["R_{s}", f"1 {K}"], "R1": ["R_{1}", f"47 {K}"],
           "R2": ["R_{2}", f"10 {K}"], **_bjt("1"), "RC": ["R_{C}", f"2.2 {K}"],
           "RL": ["R_{L}", f"10 {K}"]},
    "cb": {"Vs": ["v_{s}"], "Rs": ["R_{s}", "50 Ω"], "RE": ["R_{E}", f"3.3 {K}"], **_bjt("1"),
           "RC": ["R_{C}", f"4.7 {K}"], "RL": ["R_{L}", f"10 {K}"]},
    "cc": {"Vs": ["v_{s}"], "Rs": ["R_{s}", f"10 {K}"], "R1": ["R_{1}", f"100 {K}"],
           "R2": ["R_{2}", f"100 {K}"], **_bjt("1"), "RE": ["R_{E}", f"4.7 {K}"],
           "RL": ["R_{L}", f"1 {K}"]},
    "cs": {"Vs": ["v_{s}"], "Rsig": ["R_{sig}", f"100 {K}"], "RG1": ["R_{G1}", "2 MΩ"],
           "RG2": ["R_{G2}", "1 MΩ"], **_mos("1"), "RD": ["R_{D}", f"10 {K}"],
           "RL": ["R_{L}", f"20 {K}"]},
    "cg": {"Vs": ["v_{s}"], "Rsig": ["R_{sig}", "50 Ω"], "RS": ["R_{S}", f"2 {K}"],
           **_mos("1"), "RD": ["R_{D}", f"5 {K}"], "RL": ["R_{L}", f"10 {K}"]},
    "cd": {"Vs": ["v_{s}"], "Rsig": ["R_{sig}", f"1 {K}"], "RG1": ["R_{G1}", "1 MΩ"],
           "RG2": ["R_{G2}", "1 MΩ"], **_mos("1"), "RS": ["R_{S}", f"2 {K}"],
           "RL": ["R_{L}", f"1 {K}"]},
    "cascode": {"Vs": ["v_{s}"], "Rs": ["R_{s}", f"1 {K}"], **_bjt("1"), **_bjt("2"),
                "RC": ["R_{C}", f"10 {K}"]},
    "diff_pair": {"V1": ["v_{1}"], "V2": ["v_{2}", "AC -1 V"], **_bjt("1"), **_bjt("2", "1"),
                  "RC1": ["R_{C}"], "RC2": ["R_{C}"]},
    "mirror": {"Rpi_Q1": [r"r_{\pi 1}"], "Gm_Q1": ["1/g_{m1}"], "Ro_Q1": ["r_{o1}"],
               **_bjt("2", "1"), "RL": ["R_{L}"]},
    "ota5": {"Vp": ["v_{p}"], "Vn": ["V_{n}", "0 V"], **_mos("1"), **_mos("2", "1"),
             **_mos("3", diode=True), **_mos("4", "3")},
    "two_stage": {"Vp": ["v_{p}"], "Vn": ["V_{n}", "0 V"], **_mos("8", diode=True),
                  **_mos("5"), **_mos("1"), **_mos("2"), **_mos("3", diode=True),
                  **_mos("4"), **_mos("6"), **_mos("7"), "CC": ["C_{C}", "3 pF"],
                  "CL": ["C_{L}", "10 pF"]},
}
# the voltage each controlled source is controlled by must be named on the drawing: marked
# + and - across r_pi (or across the open gate of a MOSFET), or said under the drawing
CONTROL = {
    "ce": [r"v_{\pi 1}"], "cb": [r"v_{\pi 1}"], "cc": [r"v_{\pi 1}"], "cs": ["v_{gs1} = v_{g}"],
    "cg": ["v_{gs1} = -v_{src}"], "cd": ["v_{gs1}"], "cascode": [r"v_{\pi 1}", r"v_{\pi 2}"],
    "diff_pair": [r"v_{\pi 1}", r"v_{\pi 2}"], "mirror": [r"v_{\pi 2}"],
    "ota5": ["v_{gs1}", "v_{gs2}", "v_{gs4} = v_{x}"],
    "two_stage": ["v_{gs5} = v_{bias}", "v_{gs1}", "v_{gs2}", "v_{gs4} = v_{x}",
                  "v_{gs6} = v_{o1}", "v_{gs7} = v_{bias}"],
}
TOPOLOGIES = sorted(AS_WRITTEN)


def norm(text: str) -> str:
    """Label text compared without spacing and braces: $r_{\\pi 1}$ and r_\\pi1 are one."""
    return re.sub(r"[\s{}$]|\\,", "", text)


# -- geometry, from the drawing itself ------------------------------------------------------------
class Drawn:
    """What a rendered drawing holds: symbol boxes, wires (end points) and texts with their
    rendered extents, all in drawing units."""

    def __init__(self, drawing):
        import io

        import matplotlib.pyplot as plt

        figure = drawing.draw(show=False)
        fig = figure.getfig()
        ax = figure.ax
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", bbox_inches="tight")  # the SVG, from this very figure
        self.svg = svg.getvalue()
        renderer = fig.canvas.get_renderer()
        to_data = ax.transData.inverted()
        self.symbols, self.wires, self.texts = [], [], []
        for e in drawing.elements:
            kind = type(e).__name__
            if kind in ("Line", "Arrow"):
                (x1, y1), (x2, y2) = e.absanchors["start"], e.absanchors["end"]
                self.wires.append((float(x1), float(y1), float(x2), float(y2)))
            elif kind not in ("Dot", "Label"):
                b = e.get_bbox(transform=True, includetext=False)
                self.symbols.append((kind, (b.xmin, b.ymin, b.xmax, b.ymax)))
        for t in ax.texts:
            b = t.get_window_extent(renderer).transformed(to_data)
            self.texts.append((t.get_text(), t.get_color(), (b.x0, b.y0, b.x1, b.y1)))
        plt.close(fig)

    def lines(self) -> set[str]:
        return {norm(line) for text, _, _ in self.texts for line in text.split("\n")}

    def node_texts(self) -> list[str]:
        """Node names beside wires (drawn in their own colour) and the lines under the drawing
        that name nodes."""
        import matplotlib.colors as mcolors

        blue = mcolors.to_rgba(NODE_COLOR)
        return [text for text, color, _ in self.texts
                if mcolors.to_rgba(color) == blue or "AC ground:" in text
                or " at node " in text]


def _overlap(a, b, tol: float) -> bool:
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def _through(wire, box, tol: float) -> bool:
    x1, y1, x2, y2 = wire
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    return x1 < box[2] - tol and x2 > box[0] + tol and y1 < box[3] - tol and y2 > box[1] + tol


def _cross(v, h) -> bool:
    """A vertical and a horizontal wire crossing inside both (a T-junction is not a cross)."""
    if abs(v[0] - v[2]) > 1e-9 or abs(h[1] - h[3]) > 1e-9:
        return False
    x, y, e = v[0], h[1], 1e-6
    return (min(h[0], h[2]) + e < x < max(h[0], h[2]) - e
            and min(v[1], v[3]) + e < y < max(v[1], v[3]) - e)


def overlaps(d: Drawn) -> list[str]:
    out = []
    tol = 0.03  # symbols meeting at a shared terminal touch along an edge
    for i, (k1, b1) in enumerate(d.symbols):
        out += [f"{k1} overlaps {k2}" for k2, b2 in d.symbols[i + 1:] if _overlap(b1, b2, tol)]
    for i, (t1, _, b1) in enumerate(d.texts):
        out += [f"{t1!r} overlaps {t2!r}" for t2, _, b2 in d.texts[i + 1:]
                if _overlap(b1, b2, 0.0)]
        out += [f"{t1!r} overlaps a {k}" for k, b in d.symbols if _overlap(b1, b, 0.0)]
        out += [f"{t1!r} touches a wire" for w in d.wires if _through(w, b1, 0.0)]
    for k, b in d.symbols:
        out += [f"a wire runs through a {k}" for w in d.wires if _through(w, b, tol)]
    for v in d.wires:
        out += ["two wires cross" for h in d.wires if _cross(v, h)]
    return out


def missing(lines: set[str], expected: dict[str, list[str]]) -> list[str]:
    """The expected labels (element: label) that are not on the drawing."""
    return [f"{element}: {label}" for element, labels in expected.items() for label in labels
            if norm(label) not in lines]


def unnamed(d: Drawn, circuit: Circuit) -> list[str]:
    """The nodes of the netlist that are named nowhere on the drawing."""
    named = " ".join(d.node_texts())
    return [n for n in circuit.nodes()
            if not re.search(rf"(?<![\w.]){re.escape(n)}(?![\w.])", named)]


def drawing_of(name: str, small: bool):
    circuit = parse((CIRCUITS / f"{name}.cir").read_text())
    return circuit, draw(circuit, small_signal=small, capacitors=CAPACITORS.get(name, "short"))


# -- every topology, both views -------------------------------------------------------------------
@pytest.mark.parametrize("name", TOPOLOGIES)
def test_netlist_drawing_has_every_label_and_node_and_no_overlap(name):
    circuit, drawing = drawing_of(name, small=False)
    d = Drawn(drawing)
    assert ET.fromstring(d.svg).tag.endswith("svg")
    expected = AS_WRITTEN[name]
    assert sorted(expected) == sorted(e.name for e in circuit.elements)  # none forgotten
    lines = d.lines()
    assert missing(lines, expected) == []
    for line in SUPPLY_LINES[name]:
        assert norm(line) in lines
    assert unnamed(d, circuit) == []
    assert overlaps(d) == []


@pytest.mark.parametrize("name", TOPOLOGIES)
def test_small_signal_drawing_has_textbook_labels_and_every_node(name):
    circuit, drawing = drawing_of(name, small=True)
    d = Drawn(drawing)
    assert ET.fromstring(d.svg).tag.endswith("svg")
    expected = SMALL_SIGNAL[name]
    linear = small_signal(circuit, capacitors=CAPACITORS.get(name, "short"))
    assert sorted(expected) == sorted(e.name for e in linear.elements)
    lines = d.lines()
    assert missing(lines, expected) == []
    for voltage in CONTROL[name]:
        assert norm(voltage) in lines, f"the controlling voltage {voltage} is not named"
    assert unnamed(d, circuit) == []  # merged nodes are named too: c = out, AC ground: vcc
    assert overlaps(d) == []


def test_small_signal_of_a_bypassed_stage_says_what_is_at_ac_ground():
    _, drawing = drawing_of("ce", small=True)
    texts = [t for t, _, _ in Drawn(drawing).texts]
    assert "AC ground: e, vcc" in texts  # RE bypassed by CE, and the supply
    assert "c = out" in texts and "b = x" in texts  # C2 and C1 shorted at mid-band


def test_vpi_is_marked_plus_at_the_base():
    """+ v_π - across r_π with + at the base end, as a textbook marks it."""
    _, drawing = drawing_of("ce", small=True)
    d = Drawn(drawing)
    rpi = next(t for t in d.texts if norm(t[0]) == norm(r"$r_{\pi 1}$"))
    marks = {t[0]: t[2] for t in d.texts if t[0] in ("+", "−")
             and abs((t[2][1] + t[2][3]) / 2 - (rpi[2][1] + rpi[2][3]) / 2) < 1.5}
    assert (marks["+"][1] + marks["+"][3]) / 2 > (marks["−"][1] + marks["−"][3]) / 2  # b above e


# -- beyond the list: the general placement -------------------------------------------------------
OTHERS = {
    "inverting amplifier": "V1 in 0 AC 1\nR1 in m R1\nR2 m out R2\nO1 out 0 m\n",
    "integrator": "V1 in 0 AC 1\nR1 in m R\nC1 m out C\nO1 out 0 m\n",
    "Sallen-Key": "V1 in 0 AC 1\nR1 in a R1\nR2 a b R2\nC1 a out C1\nC2 b 0 C2\nO1 out b out\n",
    "bridge": "V1 a 0 AC 1\nR1 a b R1\nR2 a c R2\nR3 b c R3\nR4 b 0 R4\nR5 c 0 R5\n",
    # K5: no drawing of it is planar, so some node is drawn as named stubs
    "K5": "V1 a 0 AC 1\n" + "".join(f"R{i}{j} {i} {j} 1k\n" for i, j in
                                     [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"),
                                      ("b", "d"), ("c", "d"), ("a", "0"), ("b", "0"),
                                      ("c", "0"), ("d", "0")]),
}


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_general_placement_never_overlaps(name):
    circuit = parse(f"{name}\n{OTHERS[name]}")
    drawing = draw(circuit)
    d = Drawn(drawing)
    assert overlaps(d) == []
    assert unnamed(d, circuit) == []


def test_inverting_amplifier_feedback_resistor_bridges_the_op_amp():
    """R2 drawn above the op-amp from its - input to its output, as every textbook draws it:
    node m is one wire, not two named stubs."""
    drawing = draw(parse("inv\n" + OTHERS["inverting amplifier"]))
    d = Drawn(drawing)
    assert [t for t in d.node_texts() if t == "m"] == ["m"]
    opamp = next(b for k, b in d.symbols if k == "Opamp")
    r2 = next(t[2] for t in d.texts if norm(t[0]) == "R_2")
    assert r2[1] > opamp[3]


# every netlist the project ships draws cleanly, or is refused with a reason: these are refused
NETLISTS = sorted([*(ROOT / "examples").glob("*.cir"), *(CIRCUITS / "bench").glob("*.cir"),
                   *(ROOT / "tests" / "netlists").glob("*/*.cir"),
                   *(ROOT / "tests" / "netlists").glob("*/*.net")])
REFUSED: dict[tuple[str, bool], str] = {}


@pytest.mark.parametrize("path", NETLISTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_netlist_draws_cleanly_or_is_refused_with_a_reason(path):
    circuit = parse(read_netlist(str(path)))
    views = (False, True) if circuit.devices() else (False,)  # (linear: one and the same)
    for small in views:
        key = (path.name, small)
        try:
            d = Drawn(draw(circuit, small_signal=small))
        except PlacementError as exc:
            assert key in REFUSED and REFUSED[key] in str(exc), (key, str(exc))
            continue
        assert key not in REFUSED, f"{key} was refused and now draws: update REFUSED"
        assert overlaps(d) == [], key
        assert unnamed(d, circuit) == [], key


# -- the other device models, and the devices' capacitances ------------------------------------
def _model_labels(model: str, device: str, like: str, circuit: Circuit) -> list[str]:
    """The labels a textbook writes on one device's model (hand-written per model): `like`
    is the device whose symbols it shares (.match), its own index names its voltages."""
    k, s = device[1:], like[1:]
    if model == "T":
        if device[0] == "Q":  # (a diode-connected one's source joins c to b = c: none)
            return [f"r_{{e{s}}}", f"r_{{o{s}}}"] + (
                [] if _diode(circuit, device) else [rf"\alpha_{{{s}}}\, i_{{e{k}}}"])
        return [f"r_{{o{s}}}"] + ([f"1/g_{{m{s}}}"] if not _diode(circuit, device) else [])
    if model == "h":
        return [f"h_{{ie{s}}}", rf"h_{{fe{s}}}\, i_{{b{k}}}", f"1/h_{{oe{s}}}",
                rf"h_{{re{s}}}\, v_{{ce{k}}}", f"i_{{b{k}}}"]
    if device[0] == "Q":  # caps
        return [rf"C_{{\pi {s}}}"] + ([] if _diode(circuit, device) else [rf"C_{{\mu {s}}}"])
    return [f"C_{{gs{s}}}"] + ([] if _diode(circuit, device) else [f"C_{{gd{s}}}"])


def _diode(circuit: Circuit, device: str) -> bool:
    """A diode-connected device (base or gate tied to the collector or drain)."""
    e = circuit.element(device)
    return e.nodes[0] == e.nodes[1]


MATCHED = {"diff_pair": {"Q2": "Q1"}, "mirror": {"Q2": "Q1"}, "ota5": {"M2": "M1", "M4": "M3"}}
VARIANTS = [(name, model) for name in TOPOLOGIES for model in ("T", "h", "caps")
            if not (model == "h" and "Q" not in "".join(AS_WRITTEN[name]))]
# the two-stage op-amp with every capacitance of its eight transistors is refused
REFUSED_VARIANTS = {("two_stage", "caps"): "too densely to draw clearly"}


@pytest.mark.parametrize("name, model", VARIANTS)
def test_small_signal_in_other_models_has_their_labels_and_no_overlap(name, model):
    circuit = parse((CIRCUITS / f"{name}.cir").read_text())
    options = Options.build("hybrid-pi", ["caps"]) if model == "caps" else Options.build(model)
    try:
        d = Drawn(draw(circuit, small_signal=True, options=options,
                       capacitors=CAPACITORS.get(name, "short")))
    except PlacementError as exc:
        assert REFUSED_VARIANTS.get((name, model), "never refused") in str(exc)
        assert "draw a smaller part" in str(exc)
        return
    assert (name, model) not in REFUSED_VARIANTS
    lines = d.lines()
    for device in (e.name for e in circuit.devices()):
        like = MATCHED.get(name, {}).get(device, device)
        for label in _model_labels(model, device, like, circuit):
            assert norm(label) in lines, f"{device}: {label!r} is not on the drawing"
    assert unnamed(d, circuit) == []
    assert overlaps(d) == []


# -- transformers, coupled coils and subcircuits --------------------------------------------------
def test_an_ideal_transformer_is_two_windings_with_a_core_and_n_to_1():
    circuit = parse("tf\nVs a 0 AC 1\nRs a p 50\nTF1 p 0 s 0 n\nRL s 0 RL\n")
    for small in (False, True):
        d = Drawn(draw(circuit, small_signal=small))
        assert [k for k, _ in d.symbols].count("Inductor2") == 2
        lines = d.lines()
        assert norm("$n$:1") in lines and norm(r"$\mathrm{TF}_{1}$") in lines
        assert unnamed(d, circuit) == [] and overlaps(d) == []
    numeric = Drawn(draw(parse("tf\nVs a 0 AC 1\nTF1 a 0 s 0 10\nRL s 0 8\n")))
    assert "10:1" in numeric.lines()


def test_coupled_coils_are_drawn_side_by_side_with_k_between_them():
    circuit = parse((ROOT / "examples" / "coupled.cir").read_text())
    d = Drawn(draw(circuit))
    coils = [b for k, b in d.symbols if k == "Inductor2"]
    assert len(coils) == 2
    (a, b) = sorted(coils)
    assert abs(a[1] - b[1]) < 1e-6 and abs(a[3] - b[3]) < 1e-6  # level with each other
    k = next(t[2] for t in d.texts if norm(t[0]) == "k")
    assert a[2] < k[0] and k[2] < b[0]  # written between them
    assert norm("$L_{p}$") in d.lines() and norm("$L_{s}$") in d.lines()
    assert overlaps(d) == []


@pytest.mark.parametrize("small", [False, True])
def test_cli_draws_transformers_couplings_and_subcircuits(tmp_path, capsys, small):
    """Once a KeyError: a netlist with TF, K and X lines draws (an X instance flattened)."""
    netlist = tmp_path / "mixed.cir"
    netlist.write_text("mixed\nVs a 0 AC 1\nL1 a 0 1m\nL2 b 0 4m\nK1 L1 L2 0.5\n"
                       "X1 b c amp\nTF1 c 0 out 0 2\nRL out 0 8\n"
                       ".subckt amp i o\nR1 i o 1k\nR2 o 0 2k\n.ends\n")
    target = tmp_path / "mixed.svg"
    code, _, err = run_cli(capsys, str(netlist), "-o", str(target),
                           *(["--small-signal"] if small else []))
    assert code == 0, err
    assert ET.parse(target).getroot().tag.endswith("svg")
    d = Drawn(draw(parse(netlist.read_text()), small_signal=small))
    lines = d.lines()
    assert norm("$k$ = 0.5") in lines and "2:1" in lines
    assert norm(r"$R_{1,\mathrm{X1}}$") in lines and norm(r"$R_{2,\mathrm{X1}}$") in lines
    assert overlaps(d) == []


def test_random_circuits_draw_cleanly_or_are_refused_with_a_reason():
    """The general placement on random linear circuits (R, C, L, E, F, G, H, sense sources):
    a drawing with nothing overlapping, or a PlacementError that says why; never a crash."""
    import random

    from tests.randcircuits import random_circuit

    drawn = 0
    for seed in range(8):
        circuit = parse(random_circuit(random.Random(seed)).symbolic)
        try:
            drawing = draw(circuit)
        except PlacementError as exc:
            assert "draw a smaller part" in str(exc)
            continue
        assert overlaps(Drawn(drawing)) == [], seed
        drawn += 1
    assert drawn >= 6


def test_a_densely_wired_circuit_is_refused_not_tangled():
    nodes = [f"a{k}" for k in range(10)]
    lines = ["mesh", "V1 a0 0 AC 1"]
    lines += [f"R{i}{j} {a} {b} 1k" for i, a in enumerate(nodes) for j, b in enumerate(nodes)
              if i < j and (i + j) % 3 != 0]
    with pytest.raises(PlacementError, match="too densely to draw clearly"):
        draw(parse("\n".join(lines) + "\n"))


def test_subcircuit_devices_and_couplings_are_named_as_their_symbols_print():
    d = Drawn(draw(parse((Path(__file__).parent.parent / "examples" / "two_stages.cir")
                         .read_text()), small_signal=True))
    lines = d.lines()
    # X1.M1's symbols print g_{m1,X1}: its source reads g_m1,X1 v_gs1,X1
    assert norm(r"$g_{m1,\mathrm{X1}}\, v_{gs1,\mathrm{X1}}$") in lines
    circuit = parse("coupled\nV1 a 0 AC 1\nL1 a 0 1m\nL2 b 0 2m\nK1 L1 L2 0.9\nR1 b 0 1k\n")
    texts = [t for t, _, _ in Drawn(draw(circuit)).texts]
    assert "$K_{1}$: $L_{1}$ and $L_{2}$ coupled with k = 0.9" in texts


def test_too_many_parts_is_refused_with_a_message():
    circuit = Circuit().V("V1", "n0", "0", ac=1)
    for k in range(70):
        circuit = circuit.R(f"R{k}", f"n{k}", f"n{k + 1}", 1000)
    with pytest.raises(PlacementError, match="too many to draw"):
        draw(circuit)


# -- the library's entry points and the command line ----------------------------------------------
def test_circuit_svg_and_save(tmp_path):
    circuit = parse((CIRCUITS / "cs.cir").read_text())
    assert "<svg" in circuit_svg(circuit, small_signal=True)
    target = tmp_path / "cs.png"
    save(draw(circuit), target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(SymsigError, match=r"\.svg or \.png"):
        save(draw(circuit), tmp_path / "cs.pdf")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["draw", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_writes_svg_and_says_so(tmp_path, capsys):
    target = tmp_path / "ce.svg"
    code, _, err = run_cli(capsys, str(CIRCUITS / "ce.cir"), "--small-signal", "-o", str(target))
    assert code == 0, err
    assert "wrote the small-signal equivalent" in err
    assert ET.parse(target).getroot().tag.endswith("svg")


def test_cli_prints_svg_without_output_and_takes_model_options(capsys):
    code, out, err = run_cli(capsys, str(CIRCUITS / "cc.cir"), "--small-signal", "--model", "T")
    assert code == 0, err
    assert ET.fromstring(out).tag.endswith("svg")


@pytest.mark.parametrize("args, message", [
    (["-o", "x.pdf"], "written as .svg or .png"),
    (["--small-signal", "--model", "pi"], "unknown device model"),
])
def test_cli_bad_input_is_one_line(capsys, args, message):
    code, _, err = run_cli(capsys, str(CIRCUITS / "ce.cir"), *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_bad_netlist_names_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.cir"
    bad.write_text("title\nR1 a\n")
    code, _, err = run_cli(capsys, str(bad))
    assert code == 2 and "line 2" in err


def test_cli_as_a_program(tmp_path):
    """The installed entry point, once: a PNG and its message, exit 0."""
    target = tmp_path / "ota.png"
    out = subprocess.run([sys.executable, "-m", "symsig.cli", "draw", str(CIRCUITS / "ota5.cir"),
                          "-o", str(target)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
