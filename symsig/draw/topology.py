"""What a schematic shows: each element as a symbol with its terminals, which way up it wants to
stand, and its textbook label; the supplies and ground; the names of the nodes.

Two views of one netlist. The *netlist* view draws what the user wrote: transistors as
transistors, supplies as V_CC symbols at each pin (the supply source itself is the symbol), DC
current sources as sources. The *small-signal* view draws the circuit symsig analyses
(`devices.ac.small_signal`): supplies and bypassed nodes merged into ground, each device replaced
by its model (r_π1, g_m1 v_π1, r_o1 ...), with the controlling voltage marked + and - across r_π
or stated under the drawing when no element carries it (a MOSFET's v_gs).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from ..circuit.netlist import GROUND, Circuit, Element
from ..devices import Options
from ..devices.ac import small_signal as small_signal_circuit
from ..forms.latex import latex, symbol_latex
from .labels import (
    Label,
    conductance_label,
    control_legend,
    control_voltage,
    device_index,
    device_letter,
    element_label,
    math,
    model_part,
    name_tex,
    number,
    polarity_marks,
)

#: The symbol each element letter is drawn as.
_SYMBOL = {"R": "resistor", "C": "capacitor", "L": "inductor", "V": "vsource", "I": "isource",
           "E": "vcvs", "G": "vccs", "F": "cccs", "H": "ccvs", "D": "diode"}
#: Model parts that stand upright in a textbook's model (first node on top), and those that lie
#: across it (r_x before the intrinsic base, C_μ from base to collector, the sensed i_b).
_UPRIGHT = {"Rpi", "Gm", "Ro", "Cpi", "Re", "Rgm", "Gmb", "Cgs", "Cdb", "Csb", "Rd", "Rz",
            "Fb", "Ffe", "Roe", "Ere", "Cd"}
_LYING = {"Rx", "Cmu", "Cgd", "Vib", "Rie"}


@dataclass(frozen=True)
class Drawn:
    """One element as drawn."""

    name: str
    symbol: str  # resistor, capacitor, ..., sense (a 0 V current sense), npn, pmos, opamp
    shape: str  # "two", "bjt", "mos", "opamp"
    nodes: tuple[str, ...]
    label: Label
    up: int | None = None
    inverted: bool = False
    marks: tuple[str, str] | None = None  # (node at +, the voltage's name)
    drive: tuple[str, ...] = ()
    lying: bool = False
    label2: Label | None = None  # a pair of windings: the second winding's label
    middle: str = ""  # a pair of windings: what is written between them (n:1, k = 0.9)


@dataclass(frozen=True)
class Sketch:
    """Everything a drawing of one view needs, before placement."""

    parts: tuple[Drawn, ...]
    private: dict[str, str]  # ground and supply nodes -> "ground" | "supply" | "negative"
    supply_labels: dict[str, str]  # supply node -> its name on the symbol (V_CC)
    node_names: dict[str, str]  # node -> the text written beside it
    legend: tuple[str, ...]
    start: str | None  # the input source's name
    small_signal: bool = False
    alike: tuple[tuple[str, str], ...] = ()  # nodes that mirror each other (a pair's collectors)


def sketch(circuit: Circuit, small_signal: bool = False, options: Options | None = None,
           capacitors: str = "short") -> Sketch:
    """The view of `circuit` to draw: as written, or its small-signal equivalent."""
    if small_signal:
        return _small_signal_sketch(circuit, options, capacitors)
    return _netlist_sketch(circuit)


# -- the netlist as written -----------------------------------------------------------------------
def _supplies(circuit: Circuit) -> dict[str, tuple[Element, str]]:
    """Supply nodes: held by a DC voltage source to ground with no signal on it."""
    out: dict[str, tuple[Element, str]] = {}
    for e in circuit.elements:
        if e.kind != "V" or (e.ac is not None and e.ac != 0) or e.value is None or e.value == 0:
            continue
        if e.control is not None or GROUND not in e.nodes or e.nodes[0] == e.nodes[1]:
            continue
        node = e.nodes[0] if e.nodes[1] == GROUND else e.nodes[1]
        sign = 1 if node == e.nodes[0] else -1
        negative = e.value.is_number and sign * e.value < 0
        if not e.value.is_number and sign < 0:
            negative = True
        if node in out:
            continue
        users = [x for x in circuit.elements if x is not e and node in x.nodes]
        if users:
            out[node] = (e, "negative" if negative else "supply")
    return out


def _netlist_sketch(circuit: Circuit) -> Sketch:
    supplies = _supplies(circuit)
    private = {GROUND: "ground"}
    supply_labels: dict[str, str] = {}
    legend: list[str] = []
    hidden = set()
    for node, (source, kind) in supplies.items():
        private[node] = kind
        supply_labels[node] = math(name_tex(source.name))
        hidden.add(source.name)
        value = _dc_text(source, node)
        same = value == supply_labels[node]  # VCC vcc 0 VCC: no "V_CC = V_CC"
        legend.append(f"{supply_labels[node]}{'' if same else ' = ' + value} at node {node}")
    pairs, paired = _pairs(circuit)
    parts = [_drawn(circuit, e, small=False) for e in circuit.elements
             if e.name not in hidden and e.name not in paired and e.kind not in "KT"] + pairs
    legend += _couplings(circuit)
    names = {n: n for n in circuit.nodes() if n not in private}
    return Sketch(tuple(parts), private, supply_labels, names, tuple(legend),
                  _input_source(circuit), False, _alike(circuit))


def _dc_text(source: Element, node: str) -> str:
    value = source.value if node == source.nodes[0] else -source.value
    if value.is_number:
        return number(value, "V")
    return math(symbol_latex(value.name) if isinstance(value, sympy.Symbol) else latex(value))


def _input_source(circuit: Circuit) -> str | None:
    for e in circuit.elements:
        if e.kind in "VI" and e.ac is not None and e.ac != 0:
            return e.name
    for e in circuit.elements:
        if e.kind in "VI":
            return e.name
    return None


# -- the small-signal equivalent ------------------------------------------------------------------
def _small_signal_sketch(circuit: Circuit, options: Options | None, capacitors: str) -> Sketch:
    # as the analysis does: a netlist with no devices is its own small-signal circuit
    linear = (small_signal_circuit(circuit, options, capacitors=capacitors)
              if circuit.devices() else circuit)
    private = {GROUND: "ground"}
    pairs, paired = _pairs(linear)
    parts = [_drawn(linear, e, small=True) for e in linear.elements
             if e.name not in paired and e.kind not in "KT"] + pairs
    parts += _gate_gaps(linear)
    marked = {p.marks[1] for p in parts if p.marks}
    legend: list[str] = []
    for e in linear.elements:
        said = control_legend(linear, e)
        if said and said[0] not in marked:
            legend.append(said[1])
    original = set(circuit.nodes())
    merged: dict[str, list[str]] = {}
    for old, new in linear.aliases.items():
        if old != new and old in original:
            merged.setdefault(new, []).append(old)
    grounded = sorted(merged.pop(GROUND, []))
    if grounded:
        legend.append("AC ground: " + ", ".join(grounded))
    legend += _couplings(linear)
    names: dict[str, str] = {}
    for n in linear.nodes():
        if n in original or n in merged:
            names[n] = " = ".join([n] + sorted(merged.get(n, [])))
        else:
            internal = _internal_name(n, circuit)
            if internal:
                names[n] = internal
    resolve = {old: new for old, new in linear.aliases.items()}
    alike = tuple((resolve.get(a, a), resolve.get(b, b)) for a, b in _alike(circuit)
                  if GROUND not in (resolve.get(a, a), resolve.get(b, b)))
    return Sketch(tuple(parts), private, {}, names, tuple(dict.fromkeys(legend)),
                  _input_source(linear), True, alike)


def _gate_gaps(linear: Circuit) -> list[Drawn]:
    """A MOSFET's gate draws no current, so nothing of its model stands between gate and
    source: textbooks draw an open gap there marked + v_gs -, down to ground where the source
    is grounded. One per MOSFET with no element across gate and source already."""
    out = []
    for e in linear.elements:
        made = model_part(e)
        if made is None or made[0] != "Gm" or device_letter(made[1]) != "M" or e.kind != "G":
            continue
        gate, source = e.nodes[2], e.nodes[3]
        if gate == source or e.nodes[1] == gate or tuple(e.nodes[2:4]) == tuple(e.nodes[:2]):
            continue  # (no v_gs, the T model's 1/g_m, or a diode drawn as 1/g_m)
        if any(set(x.nodes[:2]) == {gate, source} for x in linear.elements if x is not e):
            continue
        voltage = math(control_voltage("Gm", made[1]))
        out.append(Drawn(f"gap_{made[1]}", "gap", "two", (gate, source), Label(""), up=0,
                         marks=(gate, voltage)))
    return out


def _couplings(circuit: Circuit) -> list[str]:
    """A K element couples two inductors drawn elsewhere: said under the drawing."""
    out = []
    for e in circuit.elements:
        if e.kind == "K":  # the inductors named as they are labelled on the drawing
            first, second = (element_label(circuit, circuit.element(x)).text
                             for x in e.coupled)
            value = f"{float(e.value):.3g}" if e.value.is_number else math(latex(e.value))
            said = "by k" if value == "$k$" else f"with k = {value}"
            out.append(f"{math(name_tex(e.name))}: {first} and {second} coupled {said}")
    return out


def _pairs(circuit: Circuit) -> tuple[list[Drawn], set[str]]:
    """Two windings drawn side by side, dotted at their first nodes: each ideal transformer
    (n:1 and a core between them) and each pair of coupled inductors (k between them); and the
    names of the inductors so drawn. An inductor coupled to more than one other is drawn on
    its own, its couplings said under the drawing."""
    out: list[Drawn] = []
    paired: set[str] = set()
    couplings = [e for e in circuit.elements if e.kind == "K"]
    times: dict[str, int] = {}
    for k in couplings:
        for name in k.coupled:
            times[name] = times.get(name, 0) + 1
    for e in circuit.elements:
        if e.kind == "T":
            ratio = _ratio_text(e.value)
            out.append(Drawn(e.name, "transformer", "pair", e.nodes[:4],
                             Label(math(name_tex(e.name))), middle=f"{ratio}:1"))
        elif e.kind == "K" and len(e.coupled) == 2 and all(times[n] == 1 for n in e.coupled):
            first, second = (circuit.find(n) for n in e.coupled)
            if first is None or second is None or first.kind != "L" or second.kind != "L":
                continue  # (a derived circuit without them couples nothing)
            out.append(Drawn(e.name, "coupled", "pair", first.nodes[:2] + second.nodes[:2],
                             element_label(circuit, first), label2=element_label(circuit, second),
                             middle=_coupling_text(e.value)))
            paired |= set(e.coupled)
    return out, paired


def _coupling_text(value: sympy.Expr | None) -> str:
    """k = 0.9 between coupled coils (a symbol k alone: k)."""
    if value is None or isinstance(value, sympy.Symbol) and value.name == "k":
        return "$k$"
    if value.is_number:
        return f"$k$ = {float(value):.3g}"
    return math(f"k = {latex(value)}")


def _ratio_text(value: sympy.Expr | None) -> str:
    if value is None:
        return "?"
    if value.is_number:
        return f"{float(value):.4g}"
    return math(latex(value))


def _alike(circuit: Circuit) -> tuple[tuple[str, str], ...]:
    """Nodes of two devices that mirror each other: the collectors and bases of a pair sharing
    an emitter, the collectors of a mirror sharing a base."""
    devices = [d for d in circuit.devices() if d.kind in "QM"]
    out = []
    for i, p in enumerate(devices):
        for q in devices[i + 1:]:
            if p.kind != q.kind:
                continue
            if p.nodes[2] == q.nodes[2] and p.nodes[2] != GROUND:
                out += [(p.nodes[0], q.nodes[0]), (p.nodes[1], q.nodes[1])]
            elif p.nodes[1] == q.nodes[1]:
                out += [(p.nodes[0], q.nodes[0])]
    return tuple((a, b) for a, b in out if a != b)


def _internal_name(node: str, circuit: Circuit) -> str | None:
    """A node a device model made: the intrinsic base behind r_x is the textbook's b'."""
    device, _, terminal = node.rstrip("_").rpartition("_")
    if terminal == "b" and circuit.find(device) is not None:
        return f"b'{device_index(device)}"
    return None


# -- one element ----------------------------------------------------------------------------------
def _drawn(circuit: Circuit, e: Element, small: bool) -> Drawn:
    kind = e.kind
    label = element_label(circuit, e, small_signal=small)
    if kind == "Q":
        inverted = circuit.model_of(e).type == "pnp"
        return Drawn(e.name, "pnp" if inverted else "npn", "bjt", e.nodes[:3], label,
                     inverted=inverted)
    if kind == "M":
        inverted = circuit.model_of(e).type == "pmos"
        nodes = e.nodes[:3]
        if len(e.nodes) > 3 and e.nodes[3] != e.nodes[2]:
            label = Label(label.text, " ".join(filter(None, [label.value,
                                                             f"body: {e.nodes[3]}"])))
        return Drawn(e.name, "pmos" if inverted else "nmos", "mos", nodes, label,
                     inverted=inverted)
    if kind == "O":
        return Drawn(e.name, "opamp", "opamp", e.nodes, label)
    made = model_part(e)
    symbol = _SYMBOL[kind]
    if kind == "D" and "bv" in circuit.model_of(e).params:
        symbol = "zener"  # a breakdown voltage on its card: drawn as a Zener
    if kind == "G" and tuple(e.nodes[2:4]) == tuple(e.nodes[:2]):
        # controlled by its own voltage (a diode-connected transistor): a conductance g_m,
        # drawn as textbooks draw it, a resistor 1/g_m
        return Drawn(e.name, "resistor", "two", e.nodes[:2], conductance_label(e.value), up=0)
    if small and kind == "V" and (e.ac is None or e.ac == 0) and (
            e.value is None or e.value == 0) and _sensed(circuit, e):
        symbol = "sense"  # a 0 V source that senses a current: a wire with the current's arrow
    up: int | None = 0 if kind in "VIEGFHD" else None
    lying = False
    if made is not None:
        if made[0] in _UPRIGHT or made[0] == "Vib" and circuit.find(f"Rpi_{made[1]}"):
            up = 0  # (i_b flows down into r_pi in the beta i_b model)
        elif made[0] in _LYING:
            up, lying = None, True
    elif kind in "RCL":
        up = _across_control(circuit, e)
    if symbol == "sense" and made is None:
        up, lying = None, True
    drive: tuple[str, ...] = ()
    if kind in "EG":
        drive = tuple(n for n in e.nodes[2:4] if n != GROUND)
    elif kind in "FH" and e.control:
        sensed = circuit.find(e.control)
        if sensed is not None:
            drive = tuple(n for n in sensed.nodes if n != GROUND)
    marks = polarity_marks(circuit, e)
    return Drawn(e.name, symbol, "two", e.nodes[:2], label, up=up, marks=marks, drive=drive,
                 lying=lying)


def _sensed(circuit: Circuit, e: Element) -> bool:
    """True when a current-controlled source (F, H) is controlled by the current through e."""
    return any(x.kind in "FH" and x.control == e.name for x in circuit.elements)


def _across_control(circuit: Circuit, e: Element) -> int | None:
    """A resistor across a controlled source's controlling nodes stands with + on top, as r_π
    stands across v_π."""
    for g in circuit.elements:
        if g.kind in "EG" and {g.nodes[2], g.nodes[3]} == set(e.nodes[:2]):
            return 0 if e.nodes[0] == g.nodes[2] else 1
    return None


__all__ = ["Drawn", "Sketch", "sketch"]
