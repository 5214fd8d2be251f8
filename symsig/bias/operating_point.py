"""The DC operating point: where each device sits, and the small-signal parameters that follow.

Three methods, one result type:
- `constant-vbe` (the textbook's): each BJT a V_BE drop and β·I_B, each diode a constant drop,
  each MOSFET the square law. Linear for BJTs and diodes, so it is solved exactly and symbols
  stay symbols: I_C = β(V_Th − V_BE)/(R_Th + (β+1)R_E). With numbers, the region of every device
  is decided the way a student does it (assume, check, change), so a reverse-biased diode is off
  and a BJT whose base current would be negative is cut off.
- `exponential`: Gummel–Poon, Shockley (with breakdown) and level-1 MOS equations by Newton's
  method on numbers, the way SPICE does.
- `ngspice`: ngspice's own `.op` (when installed), read through the bridge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy

from ..circuit.netlist import Circuit, symbol_suffix
from ..errors import AnalysisError

METHODS = ("constant-vbe", "exponential", "ngspice")
#: The region in which each kind of device does what its small-signal model assumes.
USUAL = {"Q": "active", "M": "saturation", "D": "forward"}


@dataclass
class DeviceBias:
    """One device at its Q-point.

    `bias` holds I_C, I_B, V_BE, V_CE (V_EB, V_EC for a pnp) / I_D, V_GS, V_DS, V_ov (V_SG, V_SD
    for a pmos) / I_D, V_D: formulas where the method is symbolic, numbers otherwise.
    `small_signal` holds the parameters that follow, by symbol name (gm1, rpi1, ...). `numeric`
    holds every quantity that has a number, by symbol name (IC1, gm1, ...). `assumed` is true
    when no numbers decided the region.
    """

    name: str
    type: str
    region: str
    bias: dict[str, sympy.Expr]
    small_signal: dict[str, sympy.Expr]
    warnings: list[str] = field(default_factory=list)
    numeric: dict[str, float] = field(default_factory=dict)
    assumed: bool = False

    @property
    def region_text(self) -> str:
        return f"{self.region} (assumed)" if self.assumed else self.region

    def quantities(self) -> dict[str, sympy.Expr | None]:
        """Every quantity by symbol name (IC1, gm1, ...): its formula, or None for one that
        only has a number (beta1 from the model card)."""
        own = symbol_suffix(self.name)  # X1.Q1 -> IC1_X1
        out: dict[str, sympy.Expr | None] = {**{k + own: v for k, v in self.bias.items()},
                                             **self.small_signal}
        for name in self.numeric:
            out.setdefault(name, None)
        return out


@dataclass
class OperatingPoint:
    method: str
    devices: list[DeviceBias]
    assumed: list[str] = field(default_factory=list)  # textbook defaults the method used
    notes: list[str] = field(default_factory=list)  # how the method got there (a fallback)

    def values(self) -> dict[str, float]:
        """Every quantity with a number, by symbol name (IC1, gm1, ...), to substitute."""
        out: dict[str, float] = {}
        for d in self.devices:
            for k, v in d.numeric.items():
                out.setdefault(k, v)
        return out

    def regions(self) -> dict[str, str]:
        """Device name -> region, for the devices whose region numbers decided."""
        return {d.name: d.region for d in self.devices if not d.assumed}

    @property
    def warnings(self) -> list[str]:
        return [*self.notes, *(w for d in self.devices for w in d.warnings)]

    def _repr_latex_(self) -> str:  # Jupyter: each device's region, formulas and numbers
        from ..forms.display import operating_point_latex

        return operating_point_latex(self)


def operating_point(circuit: Circuit, method: str = "constant-vbe",
                    values: Mapping[str, object] | None = None) -> OperatingPoint:
    """The DC operating point by `method` ("constant-vbe", "exponential" or "ngspice").

    `values` gives numbers for symbols (beside `.param` and the `.model` cards); the
    constant-V_BE method works with whatever is known and leaves the rest symbolic."""
    if not circuit.devices():
        raise AnalysisError("the circuit has no transistors or diodes to bias")
    given = {str(k): v for k, v in (values or {}).items()}
    if method == "constant-vbe":
        from .constant import constant_drop

        return constant_drop(circuit, given)
    if method == "exponential":
        from .exponential import exponential

        return exponential(circuit, given)
    if method == "ngspice":
        from .ngspice import spice_operating_point

        return spice_operating_point(circuit, given)
    raise AnalysisError(f"unknown bias method {method!r}: one of {', '.join(METHODS)}")


def off_region_warning(name: str, region: str, kind: str) -> list[str]:
    """The warning for a device outside the region its small-signal model is for."""
    if region == USUAL[kind]:
        return []
    if region in ("cutoff", "off"):
        return [f"{name} is {'cut off' if region == 'cutoff' else 'off'} at the Q-point: its "
                "small-signal model is an open circuit"]
    if region == "breakdown":
        return [f"{name} is in reverse breakdown at the Q-point: its small-signal model is "
                "its Zener resistance r_z"]
    state = "saturated" if region == "saturation" else f"in {region}"
    return [f"{name} is {state} at the Q-point, not {USUAL[kind]}: it will not amplify as a "
            "small-signal model assumes"]
