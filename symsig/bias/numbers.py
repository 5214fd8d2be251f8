"""Numbers at the end: every number symsig can give a circuit's symbols, and where each came from.

In order of precedence: what the user gave (`--subs`, `.param`), the `.model` cards, then the
Q-point of the chosen bias method for each device the user gave no bias numbers for, and last
the relations of DESIGN §2 (g_m = I_C/V_T, r_π = β/g_m, ...) for what is still missing, so a
textbook problem that states I_C = 1 mA and β = 100 gets its g_m and r_π from those.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sympy

from ..analysis.linear import param_values
from ..circuit.netlist import Circuit
from ..circuit.values import to_expr
from ..devices import H_STEMS, h_parameter_values
from ..errors import SymsigError
from .dc import card_values
from .operating_point import OperatingPoint, operating_point
from .temperature import NOMINAL, celsius, temperatures, thermal_voltage

_BIAS_STEMS = ("IC", "IB", "ID", "Vov", "VBE", "VEB", "VCE", "VEC", "VGS", "VSG", "VDS", "VSD",
               "VD")
_SMALL_SIGNAL = {"Q": ("gm", "rpi", "ro", "re", "alpha", "beta", *H_STEMS),
                 "M": ("gm", "ro", "gmb"), "D": ("rd", "rz")}


@dataclass
class Numbers:
    """What `numbers_at_the_end` found.

    values: symbol name -> number (exact where the netlist gave it, a float where a Q-point
    computed it). assumed: the defaults used (V_T at 27 °C, V_BE = 0.7 V, SPICE defaults),
    each as text. warnings: what the Q-point said (a device off, a method that could not).
    regions: device -> region, for the devices whose region numbers decided. op: the
    operating point, when one was computed.
    """

    values: dict[str, sympy.Expr]
    assumed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    regions: dict[str, str] = field(default_factory=dict)
    op: OperatingPoint | None = None


def numbers_at_the_end(circuit: Circuit, extra: Mapping[str, object] | None = None,
                       method: str = "constant-vbe", need: Iterable[str] | None = None
                       ) -> Numbers:
    """Numbers for the symbols of `circuit` (see the module docstring for where they come from).

    `need` names the symbols the results use; the Q-point is computed only when one of them is
    a device's symbol that has no number yet (None: whenever the circuit has devices). A
    Q-point that cannot be found is a warning, never an error: the formulas stand without it.
    """
    user = {str(k): to_expr(v) for k, v in (extra or {}).items()}
    cards = card_values(circuit)
    resolved = param_values(circuit, {**cards, **user})
    values = {k: v for k, v in resolved.items() if v.is_number}
    given = set(values)
    # A card's BF is the large-signal beta; a SPICE-law Q-point has the small-signal
    # beta = g_m/g_pi, the one that goes with its g_m and r_pi
    from_cards = set(cards) - set(user) - set(circuit.params)
    out = Numbers(values)
    _kelvin(circuit, out.warnings)  # a .temp symsig cannot read is said once, not fatal
    missing = _missing(circuit, values, need)
    if circuit.devices() and missing and not _has_supply(circuit):
        # a small-signal schematic (a bare Q1 between Rs and RL): nothing biases the devices,
        # so there is no Q-point to find, and "cut off" would be a misreading
        out.warnings.append("the netlist has no DC source, so no Q-point: the devices' "
                            "small-signal parameters stay symbols (--subs gives numbers)")
    elif circuit.devices() and missing:
        try:
            op = operating_point(circuit, method, user)
        except SymsigError as exc:
            out.warnings.append(f"no Q-point ({method}): {exc}")
        else:
            out.op = op
            out.assumed += op.assumed
            out.warnings += op.warnings
            out.regions = op.regions()
            spice_law = op.method != "constant-vbe"
            for d in op.devices:
                own = circuit.element(d.name).suffix  # X1.Q1 -> IC1_X1
                if any(stem + own in given - from_cards for stem in _BIAS_STEMS):
                    continue  # the user's own bias numbers win over the Q-point (a card's
                    # VBE is the constant drop the Q-point was found with, not a Q-point)
                for name, value in d.numeric.items():
                    if value != value:  # skip nan
                        continue
                    if name not in values or (spice_law and name in from_cards):
                        values[name] = sympy.oo if value == float("inf") else sympy.Float(value, 17)
            out.warnings += _matched_differences(circuit, op)
    relations_used = _relations(circuit, values)
    for name in sorted(n for n in (need or ()) if n.startswith("hre") and n not in given):
        if values.get(name) == 0:  # the --model h numbers came from the hybrid-π ones
            out.assumed.append(f"{name} = 0 (no r_mu in the hybrid-pi model)")
    if relations_used and "VT" in relations_used and "VT" not in given and \
            not any(a.startswith("VT") for a in out.assumed):
        kelvin = _kelvin(circuit)
        out.assumed.append(f"VT = {thermal_voltage(kelvin):.6g} V (kT/q at {celsius(kelvin)} C)")
    return out


def device_symbols(circuit: Circuit) -> set[str]:
    """The small-signal and bias symbol names of the circuit's devices (gm1, IC1, ...)."""
    names = set()
    for d in circuit.devices():
        suffix, own = circuit.symbol_suffix(d), d.suffix
        names |= {s + suffix for s in (*_SMALL_SIGNAL[d.kind], "rx", "cpi", "cmu", "cgs", "cgd",
                                       "cdb", "csb", "cd", "VA", "lambda", "n", "kp", "W", "L",
                                       "Vth", "IS", "chi")}
        names |= {s + own for s in _BIAS_STEMS}
        if d.kind in "QD":
            names.add("VT")
    return names


def _kelvin(circuit: Circuit, warnings: list[str] | None = None) -> float:
    """The netlist's temperature for V_T; 27 °C, with a warning, when its .temp is not a
    number (the formulas stand without it)."""
    try:
        return temperatures(circuit)[0]
    except SymsigError as exc:
        if warnings is not None:
            warnings.append(f"{exc}: V_T is taken at 27 C")
        return NOMINAL


def _has_supply(circuit: Circuit) -> bool:
    """Some independent source has a DC part (a 0 V ammeter does not count)."""
    return any(e.kind in "VI" and e.value is not None and e.value != 0
               for e in circuit.elements)


def _missing(circuit: Circuit, values: Mapping[str, object], need: Iterable[str] | None
             ) -> set[str]:
    wanted = device_symbols(circuit) if need is None else set(need) & device_symbols(circuit)
    probe = dict(values)
    _relations(circuit, probe)
    return {n for n in wanted if n not in probe}


def _relations(circuit: Circuit, values: dict[str, sympy.Expr]) -> set[str]:
    """Fill in small-signal numbers from bias numbers by DESIGN §2's relations; returns the
    names of the quantities the relations read (so a default V_T can be reported)."""
    read: set[str] = set()

    def have(*names: str) -> bool:
        """Every name has a number, and none of them is a zero or infinite divisor."""
        return all(n in values and values[n] not in (0, sympy.oo) for n in names)

    vt = values.get("VT", sympy.Float(thermal_voltage(_kelvin(circuit)), 15))
    for d in circuit.devices():
        k, own = circuit.symbol_suffix(d), d.suffix
        ic, i_d = "IC" + own, "ID" + own
        if d.kind == "Q":
            if "gm" + k not in values and have(ic):
                values["gm" + k] = values[ic] / vt
                read |= {ic, "VT"}
            if "alpha" + k not in values and have("beta" + k):
                values["alpha" + k] = values["beta" + k] / (values["beta" + k] + 1)
            if "rpi" + k not in values and have("beta" + k, "gm" + k):
                values["rpi" + k] = values["beta" + k] / values["gm" + k]
            if "re" + k not in values and have("alpha" + k, "gm" + k):
                values["re" + k] = values["alpha" + k] / values["gm" + k]
            if "ro" + k not in values and have("VA" + k, ic):
                values["ro" + k] = values["VA" + k] / values[ic]
            values.update(h_parameter_values(values, k))  # --model h: h_ie = r_x + r_pi, ...
        elif d.kind == "M":
            if "gm" + k not in values and have(i_d, "Vov" + own):
                values["gm" + k] = 2 * values[i_d] / values["Vov" + own]
            if "ro" + k not in values and have("lambda" + k, i_d):
                values["ro" + k] = 1 / (values["lambda" + k] * values[i_d])
            if "gmb" + k not in values and have("chi" + k, "gm" + k):
                values["gmb" + k] = values["chi" + k] * values["gm" + k]
        elif "rd" + k not in values and have(i_d) and float(values[i_d]) > 0:
            values["rd" + k] = values.get("n" + k, 1) * vt / values[i_d]
            read |= {i_d, "VT"}
    return read


def _matched_differences(circuit: Circuit, op: OperatingPoint) -> list[str]:
    """Matched devices share their partner's numbers; say so where their own Q-points differ
    by more than 1 %."""
    out = []
    by_name = {d.name.lower(): d for d in op.devices}
    for follower, leader in circuit.matches.items():
        a, b = by_name.get(leader.lower()), by_name.get(follower)
        if a is None or b is None:
            continue
        current = "IC" if a.type in ("npn", "pnp") else "ID"
        ia = a.numeric.get(current + circuit.element(a.name).suffix)
        ib = b.numeric.get(current + circuit.element(b.name).suffix)
        if ia and ib and abs(ia - ib) > 0.01 * max(abs(ia), abs(ib)):
            out.append(f"{a.name} and {b.name} are matched, but their bias currents differ "
                       f"({ia:.4g} A and {ib:.4g} A): the shared symbols take {a.name}'s "
                       "numbers")
    return out
