"""The AC equivalent: what a textbook draws before it writes the nodal equations.

DC voltage sources become shorts and DC current sources opens; capacitors are shorted at
mid-band (coupling and bypass) unless kept as 1/(sC); every device is replaced by its
small-signal model. Shorts merge nodes, and the merged names stay reachable through
`Circuit.aliases`, so `v(e)` still means the emitter after a bypass capacitor grounds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from fractions import Fraction

import sympy

from ..circuit.netlist import DEVICE_KINDS, GROUND, Circuit, Element, validate
from ..errors import NetlistError
from . import Options, expand

#: A netlist capacitor of at most this many farads is taken for a load or compensation
#: capacitance (high-frequency group), a larger one for a coupling or bypass capacitor.
SMALL_CAPACITOR = Fraction(1, 10**9)


def high_frequency_capacitors(circuit: Circuit) -> list[str]:
    """The capacitors a netlist with devices writes at its top level of 1 nF or less: a load,
    compensation or device capacitance, open at mid-band where coupling and bypass capacitors
    are shorts (the high-frequency group of `bands`). A circuit without devices keeps every
    capacitor as 1/(sC), and one inside a subcircuit belongs to its model; neither is here."""
    if not circuit.devices():
        return []
    return [e.name for e in circuit.elements if e.kind == "C" and not e.path
            and e.value is not None and e.value.is_number and 0 < e.value <= SMALL_CAPACITOR]


def small_signal(
    circuit: Circuit,
    options: Options | None = None,
    capacitors: str = "short",
    keep: Iterable[str] = (),
    sources: Iterable[str] = (),
    regions: Mapping[str, str] | None = None,
) -> Circuit:
    """The linear small-signal circuit of `circuit`.

    capacitors: "short" (every capacitor written in the netlist is a short, except those
    inside a subcircuit, which belong to its model, such as an op-amp macromodel's pole),
    "mid-band" (the same, but those of 1 nF or less, a load or compensation capacitor, are
    opens: what the command line solves) or "keep" (each stays 1/(sC)); `keep` names
    capacitors kept either way. `sources` names
    independent sources to keep as signal sources even without an AC part (e.g. VCC for
    supply rejection); any source with an AC part is kept, with its DC part dropped. A 0 V
    source with no AC part is an ammeter, not a supply: it stays (a 0 V branch), so its
    current can be asked for. `regions` (device name -> region, from a Q-point) makes a device
    that is cut off or reverse biased an open circuit, and a Zener in breakdown its r_z;
    without it every device is taken to be in its amplifying (or forward) region.
    """
    options = options or Options()
    if capacitors not in ("short", "keep", "mid-band"):
        raise NetlistError(f"capacitors must be 'short', 'mid-band' or 'keep', not "
                           f"{capacitors!r}")
    if capacitors == "mid-band":  # the load and compensation capacitors open, the rest short
        opened = [c for c in high_frequency_capacitors(circuit) if c.lower() not in
                  {k.lower() for k in keep}]
        circuit, capacitors = (circuit.without(*opened) if opened else circuit), "short"
    keep_c = {k.lower() for k in keep}
    signal = {k.lower() for k in sources}
    sensed = {e.control.lower() for e in circuit.elements if e.control}
    merged: dict[str, str] = {}
    terminals = {n for d in circuit.devices() for n in d.nodes}

    def find(node: str) -> str:
        while node in merged:
            node = merged[node]
        return node

    kept: list[Element] = []
    for e in circuit.elements:
        key = e.name.lower()
        if e.kind == "V" and (e.ac is None or e.ac == 0) and key not in signal | sensed \
                and e.value != 0:
            short = True
        elif e.kind == "C" and capacitors == "short" and key not in keep_c and not e.path:
            short = True  # a capacitor inside a subcircuit is its model's (a macromodel's pole)
        else:
            short = False
        if short:
            a, b = find(e.nodes[0]), find(e.nodes[1])
            if a != b:
                merged[_loser(a, b, terminals)] = _winner(a, b, terminals)
            continue
        if e.kind == "I" and (e.ac is None or e.ac == 0) and key not in signal:
            continue  # a DC current source is an open circuit
        if e.kind in "VI":
            e = replace(e, value=sympy.Integer(0), ac=e.ac if e.ac is not None else 0)
        kept.append(e)

    renamed = [replace(e, nodes=tuple(find(n) for n in e.nodes)) for e in kept]
    taken = {n for e in renamed for n in e.nodes}
    names = {e.name.lower() for e in circuit.elements}
    regions = {k.lower(): v for k, v in (regions or {}).items()}
    linear: list[Element] = []
    for e in renamed:
        if e.kind in DEVICE_KINDS:
            parts = expand(e, options, taken, circuit.symbol_suffix(e), names,
                           regions.get(e.name.lower(), ""))
            taken |= {n for p in parts for n in p.nodes}
            linear += parts
        else:
            linear.append(e)
    linear = [e for e in linear if not _shorted_out(e)]
    for e in linear:
        if e.kind in "VEH" and e.nodes[0] == e.nodes[1]:
            raise NetlistError(f"{e.label}: both its nodes are merged into {e.nodes[0]!r} by "
                               "shorted sources or capacitors", e.line)
    aliases = {old: find(new) for old, new in circuit.aliases.items()}  # earlier merges
    aliases.update({old: find(old) for old in merged})
    title = f"small-signal equivalent of: {circuit.title}" if circuit.title else ""
    out = Circuit(tuple(linear), dict(circuit.params), title, {}, aliases)
    validate(out, check_floating=False)  # the analysis checks it once its test sources are on
    return out


def _winner(a: str, b: str, terminals: set[str]) -> str:
    """Which name survives a merge: ground, then a device terminal (the textbook's b, c, e),
    then the first."""
    if GROUND in (a, b):
        return GROUND
    if b in terminals and a not in terminals:
        return b
    return a


def _loser(a: str, b: str, terminals: set[str]) -> str:
    return b if _winner(a, b, terminals) == a else a


def _shorted_out(e: Element) -> bool:
    """A two-terminal element (or a G source's output) whose ends were merged carries nothing."""
    return e.kind in "RCLGIF" and e.nodes[0] == e.nodes[1]
