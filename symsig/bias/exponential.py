"""The exponential-model operating point: every device by its SPICE law, solved by Newton.

The small-signal parameters are the derivatives of the same laws at the solution, as SPICE
defines them for its hybrid-π (g_m = ∂I_C/∂V_BE at fixed V_CE, g_π = ∂I_B/∂V_BE at fixed V_BC,
g_o = ∂I_C/∂V_CE at fixed V_BE; MOS g_m, g_mb, g_ds; diode g_d), so a formula evaluated at these
numbers is the simulator's small-signal answer. A `.temp` line moves the cards' parameters and
V_T to the simulated temperature as SPICE does (`temperature.py`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy

from ..analysis.linear import param_values
from ..circuit.netlist import DEVICE_KINDS, Circuit
from ..circuit.values import symbol
from .capacitance import bjt_slopes, capacitances
from .dc import dc_circuit, polarity, quantity_names
from .newton import DeviceLaw, numeric, solve_dc
from .operating_point import DeviceBias, OperatingPoint, off_region_warning
from .temperature import celsius, temperatures, thermal_voltage

_H = 1e-6  # volts: central-difference step for the derivatives (error ~1e-10 relative)


def exponential(circuit: Circuit, given: Mapping[str, object]) -> OperatingPoint:
    """Newton on the DC circuit with every BJT, diode and MOSFET nonlinear."""
    dc = dc_circuit(circuit)
    numbers = param_values(circuit, given)
    num = numeric({symbol(k): v for k, v in numbers.items() if k != "s"})
    temps = temperatures(circuit)
    vt = num(numbers["VT"]) if "VT" in numbers else thermal_voltage(temps[0])
    linear = Circuit(tuple(x for x in dc.elements if x.kind not in DEVICE_KINDS), dc.params)
    devices = dc.devices()
    laws: list[DeviceLaw] = []

    def make(rows):
        laws[:] = [DeviceLaw.of(d, dc.model_of(d), rows, num, vt, temps) for d in devices]
        return laws

    solution = solve_dc(linear, make, num, [n for d in devices for n in d.nodes])
    reports = {law.element.name: report(law, law.voltages(solution.x), circuit, num)
               for law in laws}
    out = []
    for d in circuit.devices():
        if d.name in reports:
            out.append(reports[d.name])
        else:
            out.append(DeviceBias(d.name, circuit.model_of(d).type, "no DC path", {}, {},
                                  [f"{d.name}: no DC path to ground; left unbiased"]))
    assumed = [] if "VT" in numbers else [f"VT = {vt:.6g} V (kT/q at {celsius(temps[0])} C)"]
    defaults = _defaults_used(circuit)
    return OperatingPoint("exponential", out, assumed + defaults)


def _defaults_used(circuit: Circuit) -> list[str]:
    """SPICE's defaults the cards left to this method (IS, BF), said once each."""
    said: list[str] = []
    for d in circuit.devices():
        card = circuit.model_of(d)
        if d.kind == "Q":
            for key, text in (("is", "IS = 1e-16 A"), ("beta", "BF = 100")):
                if key not in card.params and f"{text} (SPICE default)" not in said:
                    said.append(f"{text} (SPICE default)")
        if d.kind == "D" and "is" not in card.params and "IS = 1e-14 A" not in " ".join(said):
            said.append("IS = 1e-14 A (SPICE default)")
    return said


def report(law: DeviceLaw, v: list[float], circuit: Circuit, num: Callable[[object], float]
           ) -> DeviceBias:
    """Bias quantities, region and small-signal parameters of one solved device, with the
    capacitances its card gives (`capacitance.py`)."""
    e = law.element
    sgn = polarity(law.type)
    names = quantity_names(law.type)
    suffix = circuit.symbol_suffix(e)
    own = e.suffix
    f = sympy.Float
    if e.kind == "Q":
        vbe, vbc = sgn * (v[1] - v[2]), sgn * (v[1] - v[0])
        ic, ib = law.bjt_currents(vbe, vbc)
        vce = vbe - vbc
        bias = {"IC": ic, "IB": ib, names["vbe"]: vbe, names["vce"]: vce}
        region = "cutoff" if ic < 1e-12 else ("saturation" if vbc > 0.4 else "active")

        def ic_of(a, b):
            return law.bjt_currents(a, b)[0]

        # g_m at fixed V_CE (V_BE and V_BC move together): the hybrid-π's g_m·v_be is the
        # collector current with r_o's share v_ce/r_o taken out
        gm = (ic_of(vbe + _H, vbc + _H) - ic_of(vbe - _H, vbc - _H)) / (2 * _H)
        gmu_total = (ic_of(vbe, vbc + _H) - ic_of(vbe, vbc - _H)) / (2 * _H)
        gpi = (law.bjt_currents(vbe + _H, vbc)[1] - law.bjt_currents(vbe - _H, vbc)[1]) / (2 * _H)
        go = -gmu_total  # ∂I_C/∂V_CE at fixed V_BE is -∂I_C/∂V_BC
        small = {"gm": gm, "rpi": _inverse(gpi), "ro": _inverse(go)}
        if gpi > 0:
            beta = gm / gpi
            small.update({"beta": beta, "alpha": beta / (beta + 1), "re": beta / (beta + 1) / gm})
        at = {"vbe": vbe, "vbc": vbc}
        slopes = bjt_slopes(law, vbe, vbc)
    elif e.kind == "D":
        vd = sgn * (v[0] - v[1])
        i_d = law.diode_current(vd)
        bias = {"ID": i_d, "VD": vd}
        p = law.params
        if math.isfinite(p["bv"]) and i_d < -100 * p["is"]:
            region = "breakdown"
        else:
            region = "forward" if i_d > 0 else "off"
        gd = (law.diode_current(vd + _H) - law.diode_current(vd - _H)) / (2 * _H)
        small = {"rz" if region == "breakdown" else "rd": _inverse(gd)}
        at, slopes = {"vd": vd}, {"gd": gd}
    else:
        vgs, vds = sgn * (v[1] - v[2]), sgn * (v[0] - v[2])
        vbs = sgn * (v[3] - v[2]) if len(v) > 3 else 0.0
        i_d = law.mos_current(vgs, vds, vbs)
        vov = vgs - law.threshold(vbs)
        bias = {"ID": i_d, names["vgs"]: vgs, names["vds"]: vds, "Vov": vov}
        region = mos_region(vov, vds)
        gm, gds, gmb = mos_derivatives(law, vgs, vds, vbs)
        small = {"gm": gm, "ro": _inverse(gds), "gmb": gmb}
        at, slopes = {"vgs": vgs, "vds": vds, "vbs": vbs}, {}
    caps, notes = capacitances(law, circuit.model_of(e), at, num, slopes)
    small.update(caps)
    numbers = {k + own: x for k, x in bias.items()}
    numbers.update({k + suffix: x for k, x in small.items()})
    return DeviceBias(e.name, law.type, region, {k: f(x) for k, x in bias.items()},
                      {k + suffix: (f(x) if math.isfinite(x) else sympy.oo)
                       for k, x in small.items()},
                      off_region_warning(e.name, region, e.kind) + notes, numbers)


def mos_region(vov: float, vds: float) -> str:
    return "cutoff" if vov <= 0 else ("triode" if vds < vov else "saturation")


def mos_derivatives(law: DeviceLaw, vgs: float, vds: float, vbs: float
                    ) -> tuple[float, float, float]:
    """g_m, g_ds, g_mb of the level-1 law at a bias point (central differences)."""
    d = 2 * _H
    f = law.mos_current
    gm = (f(vgs + _H, vds, vbs) - f(vgs - _H, vds, vbs)) / d
    gds = (f(vgs, vds + _H, vbs) - f(vgs, vds - _H, vbs)) / d
    if vbs > 0 and vds >= 0:  # a forward-biased body: SPICE's g_mb (see `body_factor`)
        return gm, gds, gm * law.body_factor(vbs)
    return gm, gds, (f(vgs, vds, vbs + _H) - f(vgs, vds, vbs - _H)) / d


def _inverse(g: float) -> float:
    """A resistance from a conductance: 0 S is an open circuit."""
    return math.inf if g == 0 else 1.0 / g
