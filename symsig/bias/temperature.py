"""The temperature a netlist is simulated at, and SPICE's laws that carry a `.model` card from its
nominal temperature TNOM to it.

A card's IS, BF, KP, VTO, PHI are measured at TNOM (27 °C unless `.options tnom=` or the card's
own TNOM says otherwise); `.temp 75` (or `.options temp=75`) simulates at another temperature,
and SPICE moves the parameters there before it solves: a saturation current grows as
(T/TNOM)^XTI·exp(EG/V_T·(T/TNOM − 1)), β as (T/TNOM)^XTB, a MOSFET's KP falls as (T/TNOM)^−1.5
and its threshold follows the band gap and the surface potential. The exponential method applies
the same laws (the SPICE2/3 temperature model, as ngspice documents it), so its numbers at 75 °C
are the simulator's; V_T = kT/q at the simulated temperature serves every method.
"""

from __future__ import annotations

import math
import re

from ..circuit.netlist import Circuit
from ..circuit.values import parse_number
from ..errors import AnalysisError
from .dc import VT_27C

#: 0 °C in kelvin, and SPICE's nominal temperature (27 °C) in kelvin.
ZERO_CELSIUS = 273.15
NOMINAL = 300.15

#: SPICE's temperature-law defaults: band gap EG (eV) and the IS exponent XTI of junctions, the
#: beta exponent XTB, the Zener voltage coefficient TCV (V/K).
DEFAULTS = {"eg": 1.11, "xti": 3.0, "xtb": 0.0, "tcv": 0.0}

_OPTION = re.compile(r"\b(temp|tnom)\s*=\s*(\S+)", re.I)


def thermal_voltage(kelvin: float) -> float:
    """kT/q at `kelvin` (k and q exact since SI 2019)."""
    return VT_27C * kelvin / NOMINAL


def temperatures(circuit: Circuit) -> tuple[float, float]:
    """(TEMP, TNOM) in kelvin: what the netlist's `.temp` and `.options temp= tnom=` lines say,
    SPICE's 27 °C for what they leave out."""
    temp = tnom = NOMINAL
    for line in circuit.spice_options:
        words = line.split()
        if words[0].lower() == ".temp" and len(words) > 1:
            temp = _kelvin(words[1], line)
        for key, value in _OPTION.findall(line):
            if key.lower() == "temp":
                temp = _kelvin(value, line)
            else:
                tnom = _kelvin(value, line)
    return temp, tnom


def celsius(kelvin: float) -> str:
    """A temperature as text in °C, the way SPICE netlists state it ('27', '75', '-20.5')."""
    return f"{kelvin - ZERO_CELSIUS:.10g}"


def _kelvin(text: str, line: str) -> float:
    negative = text.startswith("-")
    value = parse_number(text.lstrip("+-"))
    if value is None:
        raise AnalysisError(f"{line!r}: the temperature {text!r} is not a number (degrees C)")
    kelvin = float(-value if negative else value) + ZERO_CELSIUS
    if not 0 < kelvin < 1e4:
        raise AnalysisError(f"{line!r}: {text} C is not a temperature a device can be at")
    return kelvin


def _band_gap(kelvin: float) -> float:
    """Silicon's band gap (eV) at `kelvin`: SPICE's fit 1.16 − 7.02e-4·T²/(T + 1108)."""
    return 1.16 - 7.02e-4 * kelvin**2 / (kelvin + 1108)


def _surface_shift(kelvin: float) -> float:
    """The part of the surface potential 2φ_F that depends on temperature alone (SPICE's
    `pbfact`): intrinsic carriers n_i ∝ T^1.5·exp(−E_g/2kT), referred to 27 °C."""
    vt = thermal_voltage(kelvin)
    return -3 * vt * math.log(kelvin / NOMINAL) + _band_gap(kelvin) \
        - 1.1150877 * kelvin / NOMINAL


def potential_at(potential: float, temp: float, tnom: float) -> float:
    """A built-in potential (a junction's VJ or PB, a MOSFET's surface potential PHI) given at
    `tnom`, at `temp` (kelvin): SPICE scales its part above the n_i term with T and adds that
    term at the new temperature."""
    return temp / tnom * (potential - _surface_shift(tnom)) + _surface_shift(temp)


def junction_at_temperature(c0: float, potential: float, grading: float, temp: float,
                            tnom: float) -> tuple[float, float]:
    """A depletion capacitance's zero-bias value C_J0 and built-in potential V_J, given at
    `tnom`, at `temp` (kelvin): V_J by `potential_at`, and C_J0 by SPICE's law
    C_J0·[1 + M(4e-4·(T − 300.15) − V_J(T)/V_J0 + 1)] (the same bracket at TNOM divided out),
    with V_J0 the potential referred to 27 °C."""
    if temp == tnom:
        return c0, potential
    reference = (potential - _surface_shift(tnom)) * NOMINAL / tnom
    hot = potential_at(potential, temp, tnom)

    def bracket(kelvin: float, pb: float) -> float:
        return 1 + grading * (4e-4 * (kelvin - NOMINAL) - (pb - reference) / reference)

    return c0 * bracket(temp, hot) / bracket(tnom, potential), hot


def at_temperature(kind: str, polarity: int, params: dict[str, float], temp: float,
                   tnom: float) -> dict[str, float]:
    """`params` (SPICE's defaults and the card's values, at `tnom`) moved to `temp`, both in
    kelvin; `polarity` is +1 for n devices, -1 for p."""
    if temp == tnom:
        return params
    p = dict(params)
    ratio = temp / tnom
    vt = thermal_voltage(temp)
    if kind == "Q":
        p["is"] *= math.exp((ratio - 1) * p["eg"] / vt + p["xti"] * math.log(ratio))
        beta_factor = ratio ** p["xtb"]
        p["beta"] *= beta_factor
        p["br"] *= beta_factor
    elif kind == "D":
        n = p["n"]
        p["is"] *= math.exp((ratio - 1) * p["eg"] / (n * vt) + p["xti"] / n * math.log(ratio))
        p["bv"] -= p["tcv"] * (temp - tnom)
    else:
        # Mobility falls as T^-1.5; the surface potential and the threshold follow n_i and the
        # band gap. `vth` is VTO with its sign (negative for a pmos), as the card gives it.
        p["kp"] /= ratio**1.5
        sign = float(polarity)
        phi = potential_at(p["phi"], temp, tnom)
        built_in = (p["vth"] - sign * p["gamma"] * math.sqrt(p["phi"])
                    + (_band_gap(tnom) - _band_gap(temp)) / 2 + sign * (phi - p["phi"]) / 2)
        p["vth"] = built_in + sign * p["gamma"] * math.sqrt(phi)
        p["phi"] = phi
    return p
