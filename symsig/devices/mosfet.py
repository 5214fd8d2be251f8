"""MOSFET small-signal models: hybrid-π (g_m·v_gs, g_mb·v_bs) and T (1/g_m), n and p alike."""

from __future__ import annotations

from ..circuit.netlist import Element
from . import Namer, Options


def mosfet(device: Element, opts: Options, n: Namer) -> list[Element]:
    d, g, s = device.nodes[:3]
    b = device.nodes[3] if len(device.nodes) > 3 else s  # 3 terminals: body tied to source
    out: list[Element] = []
    if opts.model == "T":
        # 1/g_m from gate to source carries g_m·v_gs, supplied from the drain by the source:
        # the gate itself draws no current.
        out.append(n.element("R", "gm", (g, s), 1 / n.sym("gm")))
        out.append(n.element("G", "m", (d, g, g, s), n.sym("gm")))
    else:
        out.append(n.element("G", "m", (d, s, g, s), n.sym("gm")))
    if opts.gmb and b != s:
        out.append(n.element("G", "mb", (d, s, b, s), n.sym("gmb")))
    if opts.ro:
        out.append(n.element("R", "o", (d, s), n.sym("ro")))
    if opts.caps:
        out.append(n.element("C", "gs", (g, s), n.sym("cgs")))
        out.append(n.element("C", "gd", (g, d), n.sym("cgd")))
        out.append(n.element("C", "db", (d, b), n.sym("cdb")))
        if b != s:
            out.append(n.element("C", "sb", (s, b), n.sym("csb")))
    return out
