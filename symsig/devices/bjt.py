"""BJT small-signal models: hybrid-π (g_m·v_π or β·i_b) and T (α·i_e), npn and pnp alike."""

from __future__ import annotations

import sympy

from ..circuit.netlist import Element
from . import Namer, Options


def bjt(device: Element, opts: Options, n: Namer) -> list[Element]:
    c, b, e = device.nodes[:3]
    out: list[Element] = []
    bi = b
    if opts.rx:  # base spreading resistance: the intrinsic base is an internal node
        bi = n.node("b")
        out.append(n.element("R", "x", (b, bi), n.sym("rx")))
    if opts.model == "T":
        # r_e from the intrinsic base to the emitter carries i_e = v_be/r_e; α·i_e flows
        # from the collector into the intrinsic base.
        out.append(n.element("R", "e", (bi, e), n.sym("re")))
        out.append(n.element("G", "m", (c, bi, bi, e), n.sym("alpha") / n.sym("re")))
    elif opts.model == "hybrid-pi-beta":
        # i_b sensed by a 0 V source in series with r_π; β·i_b from collector to emitter.
        bx = n.node("ib")
        out.append(n.element("V", "ib", (bi, bx), sympy.Integer(0)))
        out.append(n.element("R", "pi", (bx, e), n.sym("rpi")))
        out.append(n.element("F", "b", (c, e), n.sym("beta"), control=n.name("V", "ib")))
    else:
        out.append(n.element("R", "pi", (bi, e), n.sym("rpi")))
        out.append(n.element("G", "m", (c, e, bi, e), n.sym("gm")))
    if opts.ro:
        out.append(n.element("R", "o", (c, e), n.sym("ro")))
    if opts.caps:
        out.append(n.element("C", "pi", (bi, e), n.sym("cpi")))
        out.append(n.element("C", "mu", (bi, c), n.sym("cmu")))
    return out
