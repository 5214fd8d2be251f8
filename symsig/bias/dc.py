"""What every bias method starts from: the DC circuit, each device's polarity and the names of
its bias quantities, and the numbers its `.model` card gives."""

from __future__ import annotations

from dataclasses import replace

import sympy

from ..circuit.netlist import DEVICE_KINDS, GROUND, Circuit, Element, _Sets, conducting_pairs

#: Thermal voltage kT/q at SPICE's default 27 °C (k and q exact since SI 2019).
VT_27C = 1.380649e-23 * 300.15 / 1.602176634e-19

#: Textbook numbers a method falls back on when the netlist gives none (each reported when used).
VBE_ON = sympy.Rational(7, 10)
VCE_SAT = sympy.Rational(2, 10)

# .model card parameter -> symbol stem on the device (beta -> beta1 for Q1); the constant drop
# of a pnp is its V_EB, so its card's VBE names VEB<k>.
_CARD_SYMBOLS = {
    "npn": {"beta": "beta", "va": "VA", "vbe": "VBE", "is": "IS", "rx": "rx", "n": "n"},
    "pnp": {"beta": "beta", "va": "VA", "vbe": "VEB", "is": "IS", "rx": "rx", "n": "n"},
    "nmos": {"kp": "kp", "vth": "Vth", "lambda": "lambda", "w": "W", "l": "L", "chi": "chi"},
    "pmos": {"kp": "kp", "vth": "Vth", "lambda": "lambda", "w": "W", "l": "L", "chi": "chi"},
    "d": {"is": "IS", "n": "n", "nbv": "nbv", "vd": "VD"},
}


def polarity(device_type: str) -> int:
    """+1 for npn/nmos/diode, -1 for pnp/pmos: the p devices are the n ones mirrored."""
    return -1 if device_type in ("pnp", "pmos") else 1


def quantity_names(device_type: str) -> dict[str, str]:
    """Bias quantities named with the signs a textbook uses: V_BE and V_CE for an npn, V_EB
    and V_EC for a pnp, V_GS/V_DS and V_SG/V_SD for MOS; currents flow the usual way, so they
    are positive when the device conducts."""
    return {
        "npn": {"vbe": "VBE", "vce": "VCE"}, "pnp": {"vbe": "VEB", "vce": "VEC"},
        "nmos": {"vgs": "VGS", "vds": "VDS"}, "pmos": {"vgs": "VSG", "vds": "VSD"},
        "d": {"vd": "VD"},
    }[device_type]


def card_values(circuit: Circuit) -> dict[str, sympy.Expr]:
    """Numbers a device's .model card (and instance W=, L=) give its symbols: beta1 = 100.

    A pmos threshold is kept as its magnitude |V_TO|, the way the square law V_SG - |V_t| uses
    it. Matched devices (.match) write their partner's symbols."""
    out: dict[str, sympy.Expr] = {}
    for d in circuit.devices():
        card = circuit.model_of(d)
        stems = _CARD_SYMBOLS[card.type]
        suffix = circuit.symbol_suffix(d)
        for key, value in [*card.params.items(), *d.params]:
            if key in stems:
                if key == "vth" and card.type == "pmos":
                    value = abs(value) if value.is_number else value
                out[stems[key] + suffix] = value
    return out


def dc_circuit(circuit: Circuit) -> Circuit:
    """Capacitors open, inductors shorted (0 V sources), sources at their DC values; parts left
    without a path to ground (behind a coupling capacitor) carry no DC and are dropped."""
    kept: list[Element] = []
    for e in circuit.elements:
        if e.kind == "C":
            continue
        if e.kind == "L":
            e = Element(circuit.fresh_name(f"V_{e.name}"), e.nodes, sympy.Integer(0),
                        sympy.Integer(0), line=e.line, origin=f"{e.name} (a short at DC)")
        elif e.kind in "VI":
            e = replace(e, ac=sympy.Integer(0))
        kept.append(e)
    sets = _Sets()
    for e in kept:
        for a, b in conducting_pairs(e):
            sets.union(a, b)
    ground = sets.find(GROUND)
    kept = _without_dangling([e for e in kept if sets.find(e.nodes[0]) == ground])
    return replace(circuit, elements=tuple(kept), aliases={})


def _without_dangling(elements: list[Element]) -> list[Element]:
    """Drop resistors that hang from one node only (a load behind a coupling capacitor): they
    carry no DC, and their values (a symbol, a negative resistance) should not hold up the
    numbers."""
    while True:
        uses: dict[str, int] = {}
        for e in elements:
            for n in set(e.nodes):
                uses[n] = uses.get(n, 0) + 1
        dangling = [e for e in elements if e.kind == "R" and any(
            n != GROUND and uses[n] == 1 for n in e.nodes)]
        if not dangling:
            return elements
        elements = [e for e in elements if e not in dangling]


def is_device(e: Element) -> bool:
    return e.kind in DEVICE_KINDS
