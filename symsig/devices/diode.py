"""Diode small-signal model: r_d = n·V_T/I_D forward, r_z in breakdown (a Zener), with its
capacitance on request."""

from __future__ import annotations

from ..circuit.netlist import Element
from . import Namer, Options


def diode(device: Element, opts: Options, n: Namer) -> list[Element]:
    a, k = device.nodes
    if n.region == "breakdown":  # a Zener holding its voltage: the slope there is r_z
        out = [n.element("R", "z", (a, k), n.sym("rz"))]
    else:
        out = [n.element("R", "d", (a, k), n.sym("rd"))]
    if opts.caps:  # junction and diffusion capacitance together
        out.append(n.element("C", "d", (a, k), n.sym("cd")))
    return out
