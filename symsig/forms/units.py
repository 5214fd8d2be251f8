"""Numbers for people: three significant digits and an SI prefix (1.07 MHz, 148 ns, 2.5 kΩ)."""

from __future__ import annotations

import math

_PREFIXES = {-18: "a", -15: "f", -12: "p", -9: "n", -6: "µ", -3: "m", 0: "", 3: "k", 6: "M",
             9: "G", 12: "T"}


def eng(x: float, unit: str = "", digits: int = 3) -> str:
    """x with an SI prefix: eng(1.07e6, "Hz") == "1.07 MHz"; inf and nan as words."""
    if x is None:
        return "-"
    if math.isnan(x):
        return "not defined"
    if math.isinf(x):
        return "oo" if x > 0 else "-oo"
    if x == 0:
        return f"0 {unit}".rstrip()
    e = max(-18, min(12, 3 * math.floor(math.log10(abs(x)) / 3)))
    mantissa = x / 10**e
    if round(abs(mantissa), digits - 1 - int(math.floor(math.log10(abs(mantissa))))) >= 1000 \
            and e < 12:
        e += 3
        mantissa = x / 10**e
    return f"{mantissa:.{digits}g} {_PREFIXES[e]}{unit}".rstrip()


#: The unit of a quantity by its symbol's name (DESIGN §2), first match wins: gm1 → S.
_UNITS = (("gmb", "S"), ("gm", "S"), ("hoe", "S"), ("hie", "Ω"), ("hfe", ""), ("hre", ""),
          ("lambda", "1/V"), ("alpha", ""), ("beta", ""), ("chi", ""), ("c", "F"), ("C", "F"),
          ("r", "Ω"), ("R", "Ω"), ("I", "A"), ("V", "V"), ("L", "H"))


def unit_of(name: str) -> str:
    """The unit a symbol's name says its value has ("" for a ratio or an unknown name):
    rpi1 → Ω, gm1 → S, IC1 → A, VA1 → V, cmu1 → F, beta1 → ""."""
    return next((unit for stem, unit in _UNITS if name.startswith(stem)), "")


def gain_unit(output: str, source: str) -> str:
    """The unit of output/source: "v" or "i" over a "V" or "I" source (V/V, S, Ω, A/A)."""
    return {("v", "V"): "V/V", ("i", "V"): "S", ("v", "I"): "Ω", ("i", "I"): "A/A"}[
        (output, source)]
