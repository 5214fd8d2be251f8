"""A device's capacitances at its Q-point, from its `.model` card, as SPICE computes them.

Every junction is a depletion capacitance C_J0/(1 − V/V_J)^M, continued by its tangent past
FC·V_J (where the power law would grow without bound), plus, where the junction carries a
diffusion current, the transit time times that current's slope:
- BJT: C_π = TF·g_be/q_b + C_je(V_BE), C_μ = TR·g_bc + C_jc(V_BC), with g_be, g_bc the slopes
  of the Gummel–Poon diode currents I_S·e^{V/(N·V_T)} and q_b = 1/(1 − V_BC/V_AF);
- diode: C_d = TT·g_d + C_j(V_D);
- MOSFET (level 1): Meyer's gate capacitances from C_ox·W·L_eff (2/3 of it to the source in
  saturation, split between source and drain in triode), plus the overlaps CGSO·W and CGDO·W;
  the drain and source junctions to the body from CBD/CBS, or CJ times AD/AS and CJSW times
  PD/PS.
C_J0 and V_J follow the temperature as SPICE moves them (`temperature.py`). A capacitance whose
card sets none of its parameters is not given (its symbol stays a symbol); one whose card uses
what these formulas leave out (XTF, ITF, XCJC < 1, ...) is not given either, with a note.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from ..errors import SymsigError
from .newton import EPS_OX, DeviceLaw
from .temperature import junction_at_temperature

#: SPICE's defaults for the capacitance parameters of a card (None: absent, nothing follows).
DEFAULTS = {
    "Q": {"cje": 0.0, "vje": 0.75, "mje": 0.33, "cjc": 0.0, "vjc": 0.75, "mjc": 0.33,
          "tf": 0.0, "tr": 0.0, "fc": 0.5},
    "D": {"cjo": 0.0, "vj": 1.0, "m": 0.5, "tt": 0.0, "fc": 0.5},
    "M": {"tox": 0.0, "cgso": 0.0, "cgdo": 0.0, "cbd": None, "cbs": None, "cj": None,
          "cjsw": None, "mj": 0.5, "mjsw": 0.5, "pb": 0.8, "fc": 0.5, "ad": 0.0, "as": 0.0,
          "pd": 0.0, "ps": 0.0},
}
#: Each capacitance and the card parameters that make it the model's rather than a symbol.
_SET_BY = {"cpi": ("cje", "tf"), "cmu": ("cjc", "tr"), "cd": ("cjo", "tt"),
           "cgs": ("tox", "cgso"), "cgd": ("tox", "cgdo"), "cdb": ("cbd", "cj", "cjsw"),
           "csb": ("cbs", "cj", "cjsw")}
#: Card parameters these formulas leave out, and the capacitances they would change.
_LEFT_OUT = {"xtf": ("cpi",), "itf": ("cpi",), "vtf": ("cpi",), "ptf": ("cpi",),
             "ikf": ("cpi",), "var": ("cpi", "cmu"), "xcjc": ("cmu",), "cjsw": ("cd",),
             "cgbo": (), "nsub": ("cgs", "cgd", "cdb", "csb")}


def capacitances(law: DeviceLaw, card, voltages: Mapping[str, float],
                 num: Callable[[object], float], slopes: Mapping[str, float]
                 ) -> tuple[dict[str, float], list[str]]:
    """The capacitances of one device (stems: cpi, cmu / cgs, cgd, cdb, csb / cd) and notes.

    `voltages` are the device's n-normalised bias voltages (vbe, vbc / vgs, vds, vbs / vd);
    `slopes` the conductances of its diffusion currents (gbe/qb and gbc for a BJT, gd for a
    diode): the exponential method gives SPICE's, the constant drop its textbook g_m."""
    kind = law.kind
    given = {k: v for k, v in [*card.params.items(), *law.element.params] if k in DEFAULTS[kind]
             or k in _LEFT_OUT}
    wanted = [c for c, keys in _SET_BY.items() if c in _STEMS[kind] and given.keys() & set(keys)]
    if not wanted:
        return {}, []
    try:
        p = {**DEFAULTS[kind], **{k: num(v) for k, v in given.items() if k in DEFAULTS[kind]}}
    except SymsigError as exc:  # a symbolic capacitance parameter: the Q-point stands
        return {}, [f"{law.element.name}: its capacitances stay symbols ({exc})"]
    found = _FORMULAS[kind](law, p, voltages, slopes)
    out, notes = {}, []
    for name in wanted:
        blocked = [k for k in given if name in _LEFT_OUT.get(k, ()) and not _inert(k, given, num)]
        if blocked:
            notes.append(f"{law.element.name}: {name} is left a symbol: the card's "
                         f"{', '.join(k.upper() for k in blocked)} is beyond symsig's "
                         "capacitance formulas")
        else:
            out[name] = found[name]
    return out, notes


_STEMS = {"Q": ("cpi", "cmu"), "D": ("cd",), "M": ("cgs", "cgd", "cdb", "csb")}


def _inert(key: str, given: Mapping[str, object], num) -> bool:
    """A left-out parameter at the value that leaves the formulas exact (XCJC = 1, XTF = 0)."""
    value = num(given[key])
    return value == (1.0 if key == "xcjc" else 0.0)


def depletion(c0: float, v: float, potential: float, grading: float, fc: float) -> float:
    """C_J0/(1 − V/V_J)^M below FC·V_J, and the tangent of C·(1−V/V_J) there beyond it (SPICE's
    continuation: C_J0/(1−FC)^(1+M)·(1 − FC(1+M) + M·V/V_J))."""
    if c0 == 0:
        return 0.0
    if v < fc * potential:
        return c0 * (1 - v / potential) ** -grading
    return c0 / (1 - fc) ** (1 + grading) * (1 - fc * (1 + grading) + grading * v / potential)


def _junction(law: DeviceLaw, c0: float, potential: float, grading: float, fc: float,
              v: float) -> float:
    c0, potential = junction_at_temperature(c0, potential, grading, law.temp, law.tnom)
    return depletion(c0, v, potential, grading, fc)


def _bjt(law: DeviceLaw, p: dict[str, float], v: Mapping[str, float],
         slopes: Mapping[str, float]) -> dict[str, float]:
    return {"cpi": p["tf"] * slopes["gbe"] + _junction(law, p["cje"], p["vje"], p["mje"],
                                                       p["fc"], v["vbe"]),
            "cmu": p["tr"] * slopes["gbc"] + _junction(law, p["cjc"], p["vjc"], p["mjc"],
                                                       p["fc"], v["vbc"])}


def _diode(law: DeviceLaw, p: dict[str, float], v: Mapping[str, float],
           slopes: Mapping[str, float]) -> dict[str, float]:
    c0, potential = junction_at_temperature(p["cjo"], p["vj"], p["m"], law.temp, law.tnom)
    potential = min(potential, 1 / p["fc"])  # SPICE caps FC·V_J at 1 V
    return {"cd": p["tt"] * slopes["gd"] + depletion(c0, v["vd"], potential, p["m"], p["fc"])}


def _mosfet(law: DeviceLaw, p: dict[str, float], v: Mapping[str, float],
            slopes: Mapping[str, float]) -> dict[str, float]:
    vgs, vds, vbs = v["vgs"], v["vds"], v["vbs"]
    reverse = vds < 0  # the source is the lower end: the drain plays the source
    if reverse:
        vgs, vbs, vds = vgs - vds, vbs - vds, -vds
    w = law.params["w"]
    cox = EPS_OX / p["tox"] * w * law.channel_length if p["tox"] else 0.0
    cgs, cgd = _meyer(vgs - law.threshold(vbs), vds, cox, law.params["phi"])
    if reverse:
        cgs, cgd = cgd, cgs
    vbd = v["vbs"] - v["vds"]
    return {"cgs": cgs + p["cgso"] * w, "cgd": cgd + p["cgdo"] * w,
            "cdb": _bulk(law, p, p["cbd"], p["ad"], p["pd"], vbd),
            "csb": _bulk(law, p, p["cbs"], p["as"], p["ps"], v["vbs"])}


def _meyer(vgst: float, vds: float, cox: float, phi: float) -> tuple[float, float]:
    """Meyer's C_gs, C_gd of the channel (overlaps apart) at V_GS − V_th = vgst, V_DS = vds ≥ 0:
    (2/3)C_ox to the source in saturation; in triode (2/3)C_ox·[1 − (V_sat − V_DS)²/(2V_sat −
    V_DS)²] and (2/3)C_ox·[1 − V_sat²/(2V_sat − V_DS)²]; below threshold C_gs fades to 0 over
    φ/2 (SPICE floors V_sat at 25 mV)."""
    if vgst <= -phi / 2:
        return 0.0, 0.0
    vdsat = max(vgst, 0.025)
    full = 2 * cox / 3 if vgst > 0 else 2 * (vgst * cox / (1.5 * phi) + cox / 3)
    if vds >= vdsat:
        return full, 0.0
    span = (2 * vdsat - vds) ** 2
    return full * (1 - (vdsat - vds) ** 2 / span), full * (1 - vdsat**2 / span)


def _bulk(law: DeviceLaw, p: dict[str, float], given: float | None, area: float,
          perimeter: float, v_body: float) -> float:
    """A drain or source junction to the body at V_B − V_D (or V_B − V_S): its bottom (CBD or
    CBS, else CJ·area) and its sidewall (CJSW·perimeter), each with its own grading."""
    bottom = given if given is not None else (p["cj"] or 0.0) * area
    side = (p["cjsw"] or 0.0) * perimeter
    return (_junction(law, bottom, p["pb"], p["mj"], p["fc"], v_body)
            + _junction(law, side, p["pb"], p["mjsw"], p["fc"], v_body))


def bjt_slopes(law: DeviceLaw, vbe: float, vbc: float) -> dict[str, float]:
    """The slopes the transit times multiply, as the Gummel–Poon law has them: g_be/q_b (the
    forward diffusion current over the base charge) and g_bc."""
    p, vt = law.params, law.vt
    gbe = p["is"] * math.exp(min(vbe / (p["n"] * vt), 80)) / (p["n"] * vt)
    gbc = p["is"] * math.exp(min(vbc / (p["nr"] * vt), 80)) / (p["nr"] * vt)
    if vbe > 0 and math.isfinite(p["va"]):  # SPICE divides by q_b only when forward-biased
        gbe *= 1 - vbc / p["va"]
    return {"gbe": gbe, "gbc": gbc}


_FORMULAS = {"Q": _bjt, "D": _diode, "M": _mosfet}
