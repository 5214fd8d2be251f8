"""BJT small-signal models: hybrid-π (g_m·v_π or β·i_b), T (α·i_e) and the common-emitter
h-parameter two-port, npn and pnp alike; and the relations from h-parameters to hybrid-π."""

from __future__ import annotations

from collections.abc import Mapping

import sympy

from ..circuit.netlist import Element
from ..errors import NetlistError
from . import Namer, Options

#: The h-parameter stems, in the order of the h matrix: h11 = h_ie, h12 = h_re, ...
H_STEMS = ("hie", "hre", "hfe", "hoe")


def bjt(device: Element, opts: Options, n: Namer) -> list[Element]:
    c, b, e = device.nodes[:3]
    if opts.model == "h":
        return _h_model(device, opts, n)
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


def _h_model(device: Element, opts: Options, n: Namer) -> list[Element]:
    """The common-emitter h-parameter two-port, drawn as textbooks draw it:
    v_be = h_ie·i_b + h_re·v_ce (h_ie in series at the base, then the source h_re·v_ce) and
    i_c = h_fe·i_b + h_oe·v_ce (h_fe·i_b and 1/h_oe from collector to emitter)."""
    if opts.caps:
        raise NetlistError(f"{device.name}: the h-parameter model is a low-frequency two-port "
                           "with no capacitances; use --model hybrid-pi with --include caps",
                           device.line)
    c, b, e = device.nodes[:3]
    sense = n.node("ib")  # i_b is sensed by a 0 V source at the base, as for β·i_b
    out = [n.element("V", "ib", (b, sense), sympy.Integer(0))]
    if opts.hre:
        inner = n.node("h")
        out.append(n.element("R", "ie", (sense, inner), n.sym("hie")))
        out.append(n.element("E", "re", (inner, e, c, e), n.sym("hre")))
    else:
        out.append(n.element("R", "ie", (sense, e), n.sym("hie")))
    out.append(n.element("F", "fe", (c, e), n.sym("hfe"), control=n.name("V", "ib")))
    if opts.hoe and opts.ro:  # h_oe is the output conductance 1/r_o: --exclude ro drops it too
        out.append(n.element("R", "oe", (c, e), 1 / n.sym("hoe")))
    return out


def h_relations(device: Element, suffix: str | None = None, rx: bool = False
                ) -> dict[sympy.Symbol, sympy.Expr]:
    """The h-parameters of symsig's hybrid-π model, exactly, for substitution at the end:
    h_ie = r_π (+ r_x when it is modelled), h_re = 0 (the model has no r_μ), h_fe = β = g_m·r_π,
    h_oe = 1/r_o. `suffix` is the symbols' suffix (a matched device's partner's)."""
    n = Namer(device, frozenset(), suffix or "")
    hie = n.sym("rpi") + (n.sym("rx") if rx else 0)
    return {n.sym("hie"): hie, n.sym("hre"): sympy.Integer(0), n.sym("hfe"): n.sym("beta"),
            n.sym("hoe"): 1 / n.sym("ro")}


def h_parameter_values(values: Mapping[str, sympy.Expr], suffix: str
                       ) -> dict[str, sympy.Expr]:
    """Numbers for the h-parameters of the BJT whose symbols end in `suffix`, from the
    hybrid-π numbers in `values` by `h_relations` (r_x counted when it has a number; β from
    g_m·r_π when only those are known; r_o = ∞ gives h_oe = 0). Names already in `values` and
    h-parameters whose hybrid-π numbers are missing are left out."""
    def known(stem: str) -> sympy.Expr | None:
        v = values.get(stem + suffix)
        return v if v is not None and v.is_number else None

    out: dict[str, sympy.Expr] = {}
    rpi, rx, ro = known("rpi"), known("rx"), known("ro")
    beta = known("beta")
    if rpi is None and ro is None and beta is None:
        return out  # no hybrid-π numbers: nothing follows, not even h_re = 0
    if beta is None and known("gm") is not None and rpi is not None and rpi != sympy.oo:
        beta = known("gm") * rpi
    if rpi is not None:
        out["hie"] = rpi + (rx if rx is not None else 0)
    out["hre"] = sympy.Integer(0)  # the hybrid-π model has no r_μ
    if beta is not None:
        out["hfe"] = beta
    if ro is not None and ro != 0:
        out["hoe"] = sympy.Integer(0) if ro == sympy.oo else 1 / ro
    return {stem + suffix: v for stem, v in out.items() if stem + suffix not in values}
