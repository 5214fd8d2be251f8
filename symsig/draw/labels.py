"""The words on a schematic: textbook labels for elements, node names and control voltages.

Labels are matplotlib mathtext (a subset of LaTeX that needs no LaTeX installation): a device's
model parts read as a textbook prints them (r_π1, g_m1 v_π1, r_o1, C_μ1), a resistor written
with a number shows its name and the number with its unit (R_C, 4.7 kΩ), a symbolic one its
symbol. The names symsig gives model parts (`Rpi_Q1`, `Gm_M2`) are read here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..circuit.netlist import GROUND, Circuit, Element
from ..forms.latex import latex, symbol_latex
from ..forms.units import eng

#: The unit of each element letter's value, for numbers shown on the drawing.
UNITS = {"R": "Ω", "C": "F", "L": "H", "V": "V", "I": "A", "G": "S", "H": "Ω"}
#: How a model part's name begins (letter and part) and the device it belongs to: Rpi_Q1.
_MODEL_PART = re.compile(r"([A-Z])([a-z]+)_([A-Za-z][\w.]*?)_*$")


@dataclass(frozen=True)
class Label:
    """What is written beside one element: its textbook name, and a second line (a number with
    its unit, a DC value) when there is one."""

    text: str
    value: str = ""

    @property
    def lines(self) -> list[str]:
        return [self.text] + ([self.value] if self.value else [])


def math(tex: str) -> str:
    return f"${tex}$"


def name_tex(name: str, signal: bool = False) -> str:
    """An element name as a textbook writes it: RC -> R_{C}, Vs -> v_{s} for a signal source,
    VCC -> V_{CC}, Q1 -> Q_{1}, TF1 -> TF_{1}; inside a subcircuit instance, X1.M1 ->
    M_{1,X1} (as its symbols print: g_{m1,X1})."""
    letter = device_letter(name)
    rest = device_index(name)
    if letter == "T" and rest[:1].upper() == "F":  # an ideal transformer: TF1
        letter, rest = "\\mathrm{TF}", rest[1:].lstrip("_")
    if signal:
        letter = letter.lower()
    return f"{letter}_{{{rest}}}" if rest else letter


def device_letter(name: str) -> str:
    """The element letter of a name, inside subcircuit instances too: X1.M1 -> M."""
    return name.rsplit(".", 1)[-1][:1].upper()


def device_index(name: str) -> str:
    """What follows the letter, as a subscript: Q12 -> 12, X1.M1 -> 1,X1."""
    *instances, own = name.split(".")
    return _escape(own[1:].lstrip("_")) + "".join(f",\\mathrm{{{_escape(x)}}}" for x in instances)


def node_tex(node: str) -> str:
    """A node voltage: v_{b1}."""
    return f"v_{{{_escape(node)}}}"


def _escape(text: str) -> str:
    """Characters mathtext would read as commands, written literally."""
    out = []
    for ch in text:
        if ch == "_":  # (schemdraw's own mathtext reader fails on a bare \\_ ending a group)
            out.append("\\_{}")
        elif ch in "#$%&{}":
            out.append("\\" + ch)
        elif ch.isalnum() or ch in ".,:;!?'()[]<>|/+-=*":
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def number(value: sympy.Expr, unit: str) -> str:
    return eng(float(value), unit)


def model_part(e: Element) -> tuple[str, str] | None:
    """(part, device) of an element symsig made from a device: Gm_Q1 -> ("Gm", "Q1")."""
    if e.origin is None:
        return None
    m = _MODEL_PART.fullmatch(e.name)
    if m is None:
        return None
    return m.group(1) + m.group(2), m.group(3)


def control_tex(circuit: Circuit, e: Element) -> str:
    """The controlling quantity of a controlled source: a node voltage or a branch current."""
    if e.kind in "EG":
        plus, minus = e.nodes[2], e.nodes[3]
        if minus == GROUND:
            return node_tex(plus)
        if plus == GROUND:
            return f"(-{node_tex(minus)})"
        return f"({node_tex(plus)} - {node_tex(minus)})"
    sense = circuit.find(e.control) if e.control else None
    sensed = model_part(sense) if sense is not None else None
    if sensed is not None and sensed[0] == "Vib":  # the base current of the model's device
        return f"i_{{b{device_index(sensed[1])}}}"
    return f"i_{{{name_tex(e.control or '?')}}}"


def control_voltage(part: str, device: str) -> str:
    """The textbook name of a model source's controlling voltage: v_π1, v_gs2, v_bs2."""
    k = device_index(device)
    gap = " " if k else ""
    if device_letter(device) == "Q":
        return f"v_{{\\pi{gap}{k}}}"
    if part == "Gmb":
        return f"v_{{bs{k}}}"
    return f"v_{{gs{k}}}"


def element_label(circuit: Circuit, e: Element, small_signal: bool = False) -> Label:
    """The label of one element as drawn (a device, a source, a passive or a model part)."""
    made = model_part(e)
    if made is not None:
        return _model_label(circuit, e, *made)
    kind = e.kind
    if kind in "QMDO":
        return Label(math(name_tex(e.name)))
    if kind in "VI":
        return _source_label(e, small_signal)
    if kind in "RCL":
        return _passive_label(e)
    gain = latex(e.value) if e.value is not None else "?"  # E, F, G, H: gain times control
    return Label(math(f"{gain}\\,{control_tex(circuit, e)}"))


def _passive_label(e: Element) -> Label:
    value = e.value
    if value is None:
        return Label(math(name_tex(e.name)))
    if isinstance(value, sympy.Symbol):
        return Label(math(symbol_latex(value.name)))
    if value.is_number:
        return Label(math(name_tex(e.name)), number(value, UNITS[e.kind]))
    return Label(math(f"{name_tex(e.name)} = {latex(value)}"))


def _source_label(e: Element, small_signal: bool) -> Label:
    dc = e.value if e.value is not None else sympy.Integer(0)
    ac = e.ac if e.ac is not None else sympy.Integer(0)
    unit = UNITS[e.kind]
    if ac != 0:  # a signal source: lower case, as v_s
        text = math(name_tex(e.name, signal=True))
        parts = []
        if ac != 1:
            parts.append("AC " + _value_text(ac, unit))
        if dc != 0 and not small_signal:
            parts.append("DC " + _value_text(dc, unit))
        return Label(text, ", ".join(parts))
    text = math(name_tex(e.name))
    if dc == 0:
        return Label(text, "0 V" if e.kind == "V" else "0 A")
    return Label(text, _value_text(dc, unit))


def _value_text(value: sympy.Expr, unit: str) -> str:
    if value.is_number:
        return number(value, unit)
    return math(latex(value))


def _model_label(circuit: Circuit, e: Element, part: str, device: str) -> Label:
    """r_π1, g_m1 v_π1, r_o1, C_μ1 ...: the value's own symbols, and for a source the textbook
    controlling voltage of the device it models (v_π2 for Q2 even when Q2 shares Q1's g_m1)."""
    value = latex(e.value) if e.value is not None else "?"
    k = device_index(device)
    if part in ("Gm", "Gmb"):
        if _is_t_model(e):  # the T model's source: alpha i_e
            alpha = symbol_latex(f"alpha{_suffix(e.value, 'alpha')}")
            return Label(math(f"{alpha}\\, i_{{e{k}}}"))
        return Label(math(f"{value}\\, {control_voltage(part, device)}"))
    if part in ("Fb", "Ffe"):
        return Label(math(f"{value}\\, i_{{b{k}}}"))
    if part == "Ere":
        return Label(math(f"{value}\\, v_{{ce{k}}}"))
    if part == "Vib":
        return Label(math(f"i_{{b{k}}}"))
    return Label(math(_inline(e.value)))


def conductance_label(value: sympy.Expr | None) -> Label:
    """A source controlled by its own voltage is a conductance: labelled 1/g_m3, as the
    resistor textbooks draw for a diode-connected transistor."""
    if value is None:
        return Label(math("?"))
    return Label(math(_inline(1 / value)))


def _inline(value: sympy.Expr | None) -> str:
    """1/h_oe written on one line (a stacked fraction is too small beside a resistor)."""
    if value is None:
        return "?"
    if isinstance(value, sympy.Pow) and value.exp == -1:
        return f"1/{latex(value.base)}"
    return latex(value)


def _is_t_model(e: Element) -> bool:
    """A BJT's T model writes its source as (alpha/r_e)·v_be."""
    return any(x.name.startswith("alpha") for x in getattr(e.value, "free_symbols", ()))


def _suffix(value: sympy.Expr | None, stem: str) -> str:
    """The device suffix of a model value's symbols: alpha1/re1 -> '1'."""
    for x in sorted(getattr(value, "free_symbols", ()), key=str):
        if x.name.startswith(stem):
            return x.name[len(stem):]
    return ""


def control_legend(circuit: Circuit, e: Element) -> tuple[str, str] | None:
    """(voltage, a line under the drawing saying what it is) for a model source's controlling
    voltage, for when no element of the drawing carries it (a diode-connected MOSFET's v_gs)."""
    made = model_part(e)
    if made is None or e.kind not in "G" or tuple(e.nodes[2:4]) == tuple(e.nodes[:2]):
        return None  # (a source controlled by its own voltage is drawn as 1/g_m)
    part, device = made
    if _is_t_model(e):
        k = device_index(device)
        re_name = symbol_latex(f"re{_suffix(e.value, 're')}")
        return math(f"i_{{e{k}}}"), math(f"i_{{e{k}}} = v_{{be{k}}} / {re_name}")
    if device_letter(device) == "Q":
        return None  # v_π is marked across r_π
    voltage = control_voltage(part, device)
    return math(voltage), math(f"{voltage} = {_difference(e.nodes[2], e.nodes[3])}")


def _difference(plus: str, minus: str) -> str:
    if minus == GROUND:
        return node_tex(plus) if plus != GROUND else "0"
    if plus == GROUND:
        return f"-{node_tex(minus)}"
    return f"{node_tex(plus)} - {node_tex(minus)}"


def polarity_marks(circuit: Circuit, e: Element) -> tuple[str, str] | None:
    """(+ node, voltage) when this element carries a model source's controlling voltage, as
    r_π carries v_π: the drawing marks + and - across it."""
    made = model_part(e)
    if made is None or made[0] not in ("Rpi", "Cpi", "Cgs"):
        return None
    part, device = made
    if part == "Cpi" and any(model_part(x) == ("Rpi", device) for x in circuit.elements):
        return None  # marked once, on r_π
    source = circuit.find(f"Gm_{device}")
    if source is not None and tuple(source.nodes[2:4]) == tuple(source.nodes[:2]):
        return None  # a diode-connected device: its g_m is drawn as 1/g_m, v_π not used
    return e.nodes[0], math(control_voltage("Gm", device))
