"""The constant-V_BE operating point, the way a textbook (and a student) finds it.

Each conducting BJT is a V_BE drop from base to emitter and β·I_B from collector to emitter, each
forward diode a V_D drop, each saturated MOSFET the square law. For BJTs and diodes that is
linear, so the exact solver gives the Q-point as formulas. With numbers, regions are decided the
student's way: assume every device on, solve, check each one (a BJT's base current must be
positive and its V_CE above V_CE,sat; a diode's current positive; a Zener's reverse voltage
past BV means breakdown), change the states that fail, solve again.

Two things the constant drop cannot do, and says so: find the current of a junction that voltage
sources hold directly (a base driven by an ideal source), and a current set by a difference of
V_BE's (a Widlar mirror, where it gives exactly zero). Parallel junctions (a current mirror) are
fine: they share one V_BE and split the current in proportion to their saturation currents.
With every number known, those cases fall back to the exponential model, with a note.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import sympy

from ..analysis.linear import measure, param_values
from ..circuit.netlist import (
    VOLTAGE_KINDS,
    Circuit,
    Element,
    _Sets,
    conducting_pairs,
    symbol_suffix,
)
from ..circuit.values import symbol
from ..errors import AnalysisError, SymsigError
from .capacitance import capacitances
from .dc import VBE_ON, VCE_SAT, card_values, dc_circuit, polarity, quantity_names
from .exponential import mos_derivatives, mos_region
from .newton import SPICE_DEFAULTS, DeviceLaw, Solution, numeric, solve_dc, terminal_rows
from .operating_point import DeviceBias, OperatingPoint, off_region_warning
from .temperature import celsius, temperatures, thermal_voltage

VT = symbol("VT")
_INITIAL = {"Q": "active", "D": "forward", "M": "saturation"}


def constant_drop(circuit: Circuit, given: Mapping[str, object]) -> OperatingPoint:
    """The constant-drop Q-point: formulas always; numbers and decided regions where every
    value is known; the exponential model where the constant drop cannot give a current."""
    dc = dc_circuit(circuit)
    defaults, assumed = textbook_defaults(circuit, given)
    values = param_values(circuit, {**defaults, **card_values(circuit), **given})
    known = {k: v for k, v in values.items() if v.is_number}
    in_dc = {d.name for d in dc.devices()}
    states = {d.name: _INITIAL[d.kind] for d in dc.devices()}
    numbers: dict[str, dict[str, float]] = {}
    decided = False
    if _complete(dc, known):
        try:
            states, numbers, trouble = _decide(dc, states, known)
        except AnalysisError as exc:
            trouble = [str(exc)]
        if trouble:
            return _fall_back(circuit, given, trouble)
        decided = True
    formulas = _formulas(dc, states)
    if not decided:  # where partial numbers fix the sign of a current, take that region
        signs = {d.name: _region_by_sign(d, formulas[d.name][0], known)[0]
                 for d in dc.devices()}
        if signs != states:
            states = signs
            formulas = _formulas(dc, states)
    devices = []
    for d in circuit.devices():
        card = circuit.model_of(d)
        if d.name not in in_dc:
            devices.append(DeviceBias(d.name, card.type, "no DC path", {}, {},
                                      [f"{d.name}: no DC path to ground; left unbiased"]))
            continue
        bias, small, warn = formulas.get(d.name, ({}, {}, []))
        region = states[d.name]
        number = _by_symbol(circuit, d, numbers.get(d.name, {}))
        assumed_region = not decided
        if not decided:  # numbers where the formulas give them
            number = _partial_numbers(circuit, d, bias, small, known)
            assumed_region = region == _INITIAL[d.kind]
            if not assumed_region:
                warn = warn + off_region_warning(d.name, region, d.kind)
        else:
            warn = warn + off_region_warning(d.name, region, d.kind)
            bias, small = _agreeing(d, bias, small, number, known)
        devices.append(DeviceBias(d.name, card.type, region, bias, small, warn, number,
                                  assumed_region))
    conducting = any(d.type in ("npn", "pnp", "d") and d.region in (
        "active", "saturation", "forward", "breakdown") for d in devices)
    used = [a for a in assumed if (conducting or not a.startswith("VT "))
            and not _drop_unused(a, devices)]
    return OperatingPoint("constant-vbe", devices, used)


def _drop_unused(assumption: str, devices: list[DeviceBias]) -> bool:
    """Whether an assumed junction drop ("VD1 = 0.7 V") belongs to a device that is not
    conducting forward (a Zener in breakdown, a cut-off BJT), so the drop was never used."""
    name = assumption.split(" ", 1)[0]
    for d in devices:
        own = symbol_suffix(d.name)
        stems = ("VD",) if d.type == "d" else ("VBE", "VEB") if d.type in ("npn", "pnp") else ()
        if name in {stem + own for stem in stems}:
            return d.region not in ("forward", "active", "saturation")
    return False


_BIAS_KEYS = frozenset({"IB", "IC", "ID", "VBE", "VEB", "VCE", "VEC", "VGS", "VSG", "VDS", "VSD",
                        "Vov", "VD"})


def _by_symbol(circuit: Circuit, d: Element, numbers: Mapping[str, float]) -> dict[str, float]:
    """Numbers under symbol names: bias quantities with the device's own suffix (IC2), model
    parameters with its symbols' suffix (a matched Q2 gives gm1)."""
    own, suffix = d.suffix, circuit.symbol_suffix(d)
    return {k + (own if k in _BIAS_KEYS else suffix): v for k, v in numbers.items()}


def textbook_defaults(circuit: Circuit, given: Mapping[str, object]
                      ) -> tuple[dict[str, sympy.Expr], list[str]]:
    """V_T at 27 °C, V_BE = V_EB = V_D = 0.7 V: the numbers a textbook assumes, for the
    symbols neither the netlist, its cards nor `given` set; with what to report for each. A
    MOSFET whose card gives KP and VTO as numbers but whose line gives no W or L has SPICE's
    W = L = 100 µm, as ngspice and the exponential route take it."""
    have = {**card_values(circuit), **circuit.params, **given}
    out: dict[str, sympy.Expr] = {}
    said: list[str] = []
    kinds = {d.kind for d in circuit.devices()}
    if kinds & {"Q", "D"} and "VT" not in have:
        kelvin = temperatures(circuit)[0]  # 27 C unless a .temp line says otherwise
        out["VT"] = sympy.Float(thermal_voltage(kelvin), 15)
        said.append(f"VT = {thermal_voltage(kelvin):.6g} V (kT/q at {celsius(kelvin)} C)")
    for d in circuit.devices():
        if d.kind not in "QD":
            continue
        stem = "VD" if d.kind == "D" else quantity_names(circuit.model_of(d).type)["vbe"]
        name = stem + circuit.symbol_suffix(d)
        if name not in have and name not in out:
            out[name] = VBE_ON
            said.append(f"{name} = 0.7 V")
    both: list[str] = []  # devices with neither W nor L: said in one line
    for d in circuit.devices():
        card = circuit.model_of(d).params
        if d.kind != "M" or not all(k in card and card[k].is_number for k in ("kp", "vth")):
            continue  # a symbolic MOSFET keeps W and L as symbols too
        suffix = circuit.symbol_suffix(d)
        missing = [stem + suffix for stem in ("W", "L")
                   if stem + suffix not in have and stem + suffix not in out]
        for name in missing:
            out[name] = SPICE_CHANNEL
        if len(missing) == 2:
            both.append(d.name)
        elif missing:
            said.append(f"{missing[0]} = 100 µm (SPICE's default)")
    if both:
        said.append(f"W = L = 100 µm (SPICE's default) for {', '.join(both)}")
    return out, said


#: SPICE's default channel width and length (DEFW, DEFL): 100 µm.
SPICE_CHANNEL = sympy.Rational(1, 10**4)


# -- the linear circuit of one set of states ----------------------------------------------------
@dataclass
class _Linear:
    """The DC circuit with each device replaced according to its state."""

    circuit: Circuit
    # device -> (sensing source, factor): its junction current is factor * i(source)
    junction: dict[str, tuple[str, sympy.Expr]] = field(default_factory=dict)
    collector: dict[str, str] = field(default_factory=dict)  # saturated BJT: its V_CE source
    mos: dict[str, sympy.Dummy] = field(default_factory=dict)  # MOSFET -> its drain current
    forced: list[str] = field(default_factory=list)  # junctions held by voltage sources


def _linearize(dc: Circuit, states: Mapping[str, str]) -> _Linear:
    out = _Linear(dc)
    elements = [e for e in dc.elements if e.kind not in "QMD"]
    names = {e.name.lower() for e in dc.elements}

    def fresh(base: str) -> str:
        name, k = base, 1
        while name.lower() in names:
            k += 1
            name = f"{base}_{k}"
        names.add(name.lower())
        return name

    forest = _Forest()
    for e in elements:
        if e.kind in VOLTAGE_KINDS:
            forest.add(*conducting_pairs(e)[0], e)
    junction_of: dict[str, Element] = {}  # junction source name -> its device
    for d in dc.devices():
        state = states[d.name]
        card = dc.model_of(d)
        sgn = polarity(card.type)
        suffix = dc.symbol_suffix(d)
        sym = _namer(suffix)
        if d.kind == "M":
            if state != "cutoff":
                drain, _, source = d.nodes[:3]
                current = sympy.Dummy(f"ID_{d.name}", positive=True)
                out.mos[d.name] = current
                ends = (drain, source) if sgn > 0 else (source, drain)
                elements.append(Element(fresh(f"Id_{d.name}"), ends, current, sympy.Integer(0),
                                        line=d.line, origin=f"{d.name}'s drain current"))
            continue
        if state in ("cutoff", "off"):
            continue
        if d.kind == "D":
            a, k = d.nodes
            if state == "breakdown":
                pair, value, what = (k, a), _breakdown_voltage(dc, d), "breakdown voltage"
            else:
                pair, value, what = (a, k), sym("VD"), "forward drop"
        else:
            c, b, e = d.nodes[:3]
            pair = (b, e) if sgn > 0 else (e, b)
            value, what = sym(quantity_names(card.type)["vbe"]), "base-emitter junction"
        junction = Element(fresh(f"V{'be' if d.kind == 'Q' else 'd'}_{d.name}"), pair, value,
                           sympy.Integer(0), line=d.line, origin=f"{d.name}'s {what}")
        if forest.add(*pair, junction):
            elements.append(junction)
            junction_of[junction.name] = d
            out.junction[d.name] = (junction.name, sympy.Integer(1))
        else:
            twin = _twin(forest.path(*pair), junction, junction_of, d, states)
            if twin is None:
                out.forced.append(d.name)
                continue
            # at the same junction voltage as another junction of its kind (a current mirror,
            # a differential pair at balance): the current splits by the saturation currents
            ratio = _mirror_ratio(dc, junction_of[twin.name], d)
            name = fresh(f"F{'be' if d.kind == 'Q' else 'd'}_{d.name}")
            partner = junction_of[twin.name].name
            elements.append(Element(name, pair, ratio, control=twin.name, line=d.line,
                                    origin=f"{d.name}'s junction (at {partner}'s voltage)"))
            out.junction[d.name] = (twin.name, ratio)
        if d.kind == "Q":
            source, factor = out.junction[d.name]
            ends = (c, e) if sgn > 0 else (e, c)
            if state == "saturation":
                name = fresh(f"Vce_{d.name}")
                elements.append(Element(name, ends, _vce_sat(dc, d), sympy.Integer(0),
                                        line=d.line, origin=f"{d.name}'s saturated collector"))
                out.collector[d.name] = name
            else:
                elements.append(Element(fresh(f"Fc_{d.name}"), ends, sym("beta") * factor,
                                        control=source, line=d.line,
                                        origin=f"{d.name}'s collector current"))
    out.circuit = Circuit(tuple(elements), dc.params, dc.title, dc.models, matches=dc.matches)
    return out


class _Forest:
    """The ideal voltage branches of the DC circuit as a forest: a new branch between two
    nodes it already joins closes a loop, and the path between them says through what."""

    def __init__(self) -> None:
        self.sets = _Sets()
        self.adjacent: dict[str, list[tuple[str, Element, int]]] = {}

    def add(self, a: str, b: str, e: Element) -> bool:
        if not self.sets.union(a, b):
            return False
        self.adjacent.setdefault(a, []).append((b, e, 1))
        self.adjacent.setdefault(b, []).append((a, e, -1))
        return True

    def path(self, a: str, b: str) -> list[tuple[Element, int]]:
        """The branches from a to b, each with +1 where the walk goes from its + to its -."""
        back: dict[str, tuple[str, Element, int] | None] = {a: None}
        queue = [a]
        for node in queue:
            for nxt, e, sign in self.adjacent.get(node, []):
                if nxt not in back:
                    back[nxt] = (node, e, sign)
                    queue.append(nxt)
        steps, node = [], b
        while back.get(node) is not None:
            node, e, sign = back[node]
            steps.append((e, sign))
        return steps[::-1]


def _twin(path: list[tuple[Element, int]], junction: Element, junction_of: dict[str, Element],
          d: Element, states: Mapping[str, str]) -> Element | None:
    """The junction source this one is in effect parallel to, or None.

    The loop it closes must hold exactly one other junction of the same kind, walked the same
    way, at the same drop, and otherwise only independent sources whose voltages sum to zero
    (v(b2) = v(b1) in a differential pair at balance): then both junctions sit at one
    voltage. Anything else (a base driven straight by a source, a translinear loop) a
    constant drop cannot split."""
    twins = [(e, sign) for e, sign in path if e.name in junction_of]
    if len(twins) != 1 or twins[0][1] != 1:
        return None
    twin = twins[0][0]
    partner = junction_of[twin.name]
    if partner.kind != d.kind or states[partner.name] != states[d.name] \
            or states[d.name] == "breakdown" or sympy.simplify(twin.value - junction.value) != 0:
        return None
    rest = [(e, sign) for e, sign in path if e is not twin]
    if any(e.kind != "V" for e, _ in rest):
        return None
    offset = sympy.Add(*[sign * e.value for e, sign in rest])
    return twin if sympy.simplify(offset) == 0 else None


def _namer(suffix: str) -> Callable[[str], sympy.Symbol]:
    """stem -> the device's symbol (beta -> beta1)."""
    return lambda stem: symbol(stem + suffix)


def _mirror_ratio(dc: Circuit, leader: Element, follower: Element) -> sympy.Expr:
    """Junction-current ratio of two junctions at one voltage: I_S2/I_S1 (1 when the cards do
    not say), and for BJTs, as base currents, times β1/β2."""
    def saturation(d: Element) -> sympy.Expr | None:
        value = dc.model_of(d).params.get("is")
        return value if value is not None and value.is_number else None

    a, b = saturation(leader), saturation(follower)
    ratio = b / a if a is not None and b is not None else sympy.Integer(1)
    if leader.kind == "Q":
        beta = lambda d: symbol("beta" + dc.symbol_suffix(d))  # noqa: E731
        ratio = ratio * beta(leader) / beta(follower)
    return ratio


def _vce_sat(dc: Circuit, d: Element) -> sympy.Expr:
    return dc.model_of(d).params.get("vcesat", VCE_SAT)


def _breakdown_voltage(dc: Circuit, d: Element) -> sympy.Expr:
    return dc.model_of(d).params["bv"]


# -- numbers: decide the regions ----------------------------------------------------------------
def _complete(dc: Circuit, known: Mapping[str, sympy.Expr]) -> bool:
    """Every value the numeric route needs has a number."""
    need: set[str] = {str(x) for x in dc.symbols()}
    for d in dc.devices():
        card = dc.model_of(d)
        suffix = dc.symbol_suffix(d)
        if d.kind == "Q":
            need |= {"beta" + suffix, quantity_names(card.type)["vbe"] + suffix, "VT"}
        elif d.kind == "D":
            need |= {"VD" + suffix}
        else:
            need |= {"kp" + suffix, "Vth" + suffix, "W" + suffix, "L" + suffix}
    return need <= set(known)


def _decide(dc: Circuit, states: dict[str, str], known: Mapping[str, sympy.Expr]
            ) -> tuple[dict[str, str], dict[str, dict[str, float]], list[str]]:
    """Assume, solve, check, change: the states every device agrees with, its numbers, and
    what the constant drop could not do (empty when all went well)."""
    num = numeric({symbol(k): v for k, v in known.items() if k != "s"})
    history: list[dict[str, str]] = []
    for _ in range(4 * len(states) + 4):
        lin = _linearize(dc, states)
        if lin.forced:
            return states, {}, [_forced_reason(dc, lin.forced)]
        solution = _solve_numbers(dc, lin, num)
        numbers = {d.name: _device_numbers(dc, d, states[d.name], lin, solution, num)
                   for d in dc.devices()}
        scale = max((abs(n.get("IC", n.get("ID", 0.0))) for n in numbers.values()), default=0.0)
        tiny = 1e-18 + 1e-12 * scale
        zero = [d.name for d in dc.devices() if states[d.name] == "active"
                and abs(numbers[d.name]["IB"]) <= tiny]
        changes = {name: new for name, new in ((d.name, _check(dc, d, states[d.name],
                                                               numbers[d.name], num))
                                                for d in dc.devices()) if new is not None}
        if zero:
            return states, {}, [f"{', '.join(zero)}: constant V_BE gives exactly zero current "
                                "(its current is set by a difference of V_BE's, as in a "
                                "Widlar mirror)"]
        if not changes:
            return _mos_states(dc, states, numbers), numbers, []
        history.append(dict(states))
        if len(changes) > 1 and any(h == {**states, **changes} for h in history):
            first = next(iter(changes))  # cycling: change one device at a time
            changes = {first: changes[first]}
        states = {**states, **changes}
    raise AnalysisError("the constant-V_BE regions did not settle (every combination of "
                        "on and off was inconsistent)")


def _forced_reason(dc: Circuit, forced: list[str]) -> str:
    return (f"{', '.join(forced)}: {'its' if len(forced) == 1 else 'their'} junction voltage "
            "is held directly by voltage sources, so a constant V_BE cannot set the current")


def _solve_numbers(dc: Circuit, lin: _Linear, num: Callable[[object], float]) -> Solution:
    """The linear circuit solved on numbers, MOSFETs by their square law (level 1)."""
    mos_devices = [d for d in dc.devices() if d.kind == "M"]
    source_of = {}
    for e in lin.circuit.elements:
        if e.kind == "I" and e.value in lin.mos.values():
            source_of[e.value] = e
    linear = Circuit(tuple(e for e in lin.circuit.elements if e.value not in source_of),
                     lin.circuit.params)

    def laws(rows):
        return [_square_law(dc, d, rows, num) for d in mos_devices]

    extra = [n for d in dc.devices() for n in d.nodes]
    return solve_dc(linear, laws, num, extra)


def _square_law(dc: Circuit, d: Element, rows, num) -> DeviceLaw:
    card = dc.model_of(d)
    suffix = dc.symbol_suffix(d)
    sgn = polarity(card.type)
    value = lambda stem: num(symbol(stem + suffix))  # noqa: E731
    params = dict(SPICE_DEFAULTS["M"])
    params.update({"kp": value("kp"), "vth": sgn * value("Vth"), "w": value("W"),
                   "l": value("L")})
    for key in ("lambda", "gamma", "phi", "ld"):
        if key in card.params:
            params[key] = num(card.params[key])
    return DeviceLaw(d, card.type, terminal_rows(d, rows), params)


def _device_numbers(dc: Circuit, d: Element, state: str, lin: _Linear, sol: Solution,
                    num) -> dict[str, float]:
    """Bias quantities and small-signal parameters of one device, as numbers."""
    card = dc.model_of(d)
    sgn = polarity(card.type)
    names = quantity_names(card.type)
    suffix = dc.symbol_suffix(d)
    value = lambda stem: num(symbol(stem + suffix))  # noqa: E731

    def v(a: str, b: str) -> float:
        return sol.v(a) - sol.v(b)

    out: dict[str, float] = {}
    if d.kind == "Q":
        c, b, e = d.nodes[:3]
        if state in ("active", "saturation"):
            source, factor = lin.junction[d.name]
            ib = sol.i(source) * num(factor)
            ic = sol.i(lin.collector[d.name]) if state == "saturation" else value("beta") * ib
        else:
            ib = ic = 0.0
        out.update({"IB": ib, "IC": ic, names["vbe"]: sgn * v(b, e), names["vce"]: sgn * v(c, e)})
        if ic > 0 and state == "active":
            gm = ic / num(VT)
            beta = value("beta")
            out.update({"gm": gm, "rpi": beta / gm, "beta": beta, "alpha": beta / (beta + 1),
                        "re": beta / ((beta + 1) * gm)})
            va = _known(num, symbol("VA" + suffix))
            if va is not None:
                out["ro"] = va / ic
            vbe = out[names["vbe"]]
            out.update(_card_capacitances(dc, d, num, {"vbe": vbe, "vbc": vbe - out[names["vce"]]},
                                          {"gbe": gm, "gbc": 0.0}))
    elif d.kind == "D":
        a, k = d.nodes
        if state == "forward":
            source, factor = lin.junction[d.name]
            i_d = sol.i(source) * num(factor)
        elif state == "breakdown":
            i_d = -sol.i(lin.junction[d.name][0])
        else:
            i_d = 0.0
        out.update({"ID": i_d, "VD": v(a, k) * sgn})
        n = _known(num, symbol("n" + suffix)) or 1.0
        if state == "forward" and i_d > 0:
            out["rd"] = n * num(VT) / i_d
        elif state == "breakdown" and i_d < 0:
            nbv = _card_number(card, "nbv", num) or n
            out["rz"] = nbv * num(VT) / -i_d
        slope = 1 / out.get("rd", out.get("rz", math.inf))
        out.update(_card_capacitances(dc, d, num, {"vd": out["VD"]}, {"gd": slope}))
    else:
        drain, g, s = d.nodes[:3]
        body = d.nodes[3] if len(d.nodes) > 3 else s
        law = _square_law(dc, d, sol.eq.index, num)
        vgs, vds, vbs = sgn * v(g, s), sgn * v(drain, s), sgn * v(body, s)
        i_d = law.mos_current(vgs, vds, vbs)
        vov = vgs - law.threshold(vbs)
        out.update({"ID": i_d, names["vgs"]: vgs, names["vds"]: vds, "Vov": vov})
        if vov > 0:  # the law's own slopes: g_m = 2 I_D/V_ov and 1/g_ds = (1 + λV_DS)/(λI_D)
            gm, gds, gmb = mos_derivatives(law, vgs, vds, vbs)  # in saturation
            out["gm"] = gm
            # with a .model card, what it leaves out is SPICE's default (λ = 0: r_o = ∞;
            # γ = 0: g_mb = 0); a bare nmos/pmos keeps those symbols
            carded = (d.model or "").lower() in dc.models
            if gds > 0 or carded:
                out["ro"] = 1 / gds if gds > 0 else math.inf
            if carded:
                out["gmb"] = gmb
            out.update(_card_capacitances(dc, d, num, {"vgs": vgs, "vds": vds, "vbs": vbs}, {},
                                          law))
    return out


def _card_capacitances(dc: Circuit, d: Element, num, voltages: dict[str, float],
                       slopes: dict[str, float], law: DeviceLaw | None = None
                       ) -> dict[str, float]:
    """The capacitances the device's card gives at the constant-drop Q-point: depletion at its
    junction voltages (a V_BE of 0.7 V), diffusion the textbook's way (C_de = τ_F·g_m, τ_T/r_d);
    none when a card value has no number."""
    try:
        temps = temperatures(dc)
        if law is None:
            law = DeviceLaw.of(d, dc.model_of(d), None, num, num(VT), temps)
        else:  # the square law's own threshold, at the netlist's temperature
            law = replace(law, temp=temps[0], tnom=temps[1])
        return capacitances(law, dc.model_of(d), voltages, num, slopes)[0]
    except SymsigError:
        return {}


def _mos_states(dc: Circuit, states: dict[str, str], numbers: dict[str, dict[str, float]]
                ) -> dict[str, str]:
    """A MOSFET's region is what its law gave: the square law covers all three."""
    out = dict(states)
    for d in dc.devices():
        if d.kind == "M":
            n = numbers[d.name]
            vds = n.get("VDS", n.get("VSD", 0.0))
            out[d.name] = mos_region(n["Vov"], vds)
    return out


def _known(num, sym: sympy.Symbol) -> float | None:
    try:
        return num(sym)
    except SymsigError:
        return None


def _card_number(card, key: str, num) -> float | None:
    value = card.params.get(key)
    return None if value is None else num(value)


def _check(dc: Circuit, d: Element, state: str, n: dict[str, float], num) -> str | None:
    """The state this device should be in, if the numbers contradict `state`."""
    card = dc.model_of(d)
    if d.kind == "Q":
        names = quantity_names(card.type)
        vbe_on = num(symbol(names["vbe"] + dc.symbol_suffix(d)))
        vsat = num(_vce_sat(dc, d))
        if state == "cutoff":
            return "active" if n[names["vbe"]] >= vbe_on else None
        if n["IB"] < 0:
            return "cutoff"
        if state == "active" and n[names["vce"]] < vsat:
            return "saturation"
        if state == "saturation" and n["IC"] > num(symbol("beta" + dc.symbol_suffix(d))) * n["IB"]:
            return "active"
        if state == "saturation" and n["IC"] < 0:
            return "cutoff"
        return None
    if d.kind == "D":
        von = num(symbol("VD" + dc.symbol_suffix(d)))
        bv = card.params.get("bv")
        if state == "forward":
            return "off" if n["ID"] <= 0 else None
        if state == "breakdown":
            return "off" if n["ID"] >= 0 else None
        if n["VD"] >= von:
            return "forward"
        if bv is not None and n["VD"] <= -num(bv):
            return "breakdown"
        return None
    return None  # the square law decides a MOSFET's own region


def _fall_back(circuit: Circuit, given: Mapping[str, object], trouble: list[str]
               ) -> OperatingPoint:
    """The exponential model where the constant drop cannot give a current."""
    from .exponential import exponential

    op = exponential(circuit, given)
    op.notes.append(f"{'; '.join(trouble)}: the Q-point comes from the exponential (SPICE) "
                    "model instead")
    op.method = "exponential (constant-vbe could not)"
    return op


# -- formulas -----------------------------------------------------------------------------------
def _formulas(dc: Circuit, states: Mapping[str, str]) -> dict[str, tuple[dict, dict, list[str]]]:
    """Each device's bias quantities and small-signal parameters as formulas, exactly, in the
    given states (a warning where a formula cannot be had)."""
    lin = _linearize(dc, states)
    driven = Circuit(tuple(replace(e, ac=e.value) if e.kind in "VI" else e
                           for e in lin.circuit.elements), lin.circuit.params)

    def value(what: str) -> sympy.Expr | None:
        try:
            return measure(driven, what).expr
        except SymsigError:
            return None

    out: dict[str, tuple[dict, dict, list[str]]] = {}
    if lin.forced:  # the rest of the Q-point hangs on currents no formula gives
        for d in dc.devices():
            why = _forced_reason(dc, [d.name]) if d.name in lin.forced else (
                f"{d.name}: no formula, since {', '.join(lin.forced)} has none")
            out[d.name] = ({}, {}, [why])
        return out
    for d in dc.devices():
        state = states[d.name]
        card = dc.model_of(d)
        sgn = polarity(card.type)
        names = quantity_names(card.type)
        suffix = dc.symbol_suffix(d)
        sym = _namer(suffix)
        warnings: list[str] = []
        if d.kind == "Q":
            c, b, e = d.nodes[:3]
            vce = value(f"v({c},{e})")
            bias: dict[str, sympy.Expr] = {}
            if state in ("active", "saturation"):
                source, factor = lin.junction[d.name]
                ib = value(f"i({source})")
                ib = None if ib is None else ib * factor
                ic = value(f"i({lin.collector[d.name]})") if state == "saturation" else (
                    None if ib is None else sym("beta") * ib)
                bias = {"IB": ib, "IC": ic, names["vbe"]: sym(names["vbe"]),
                        names["vce"]: None if vce is None else sgn * vce}
            else:
                vbe = value(f"v({b},{e})")
                bias = {"IB": sympy.Integer(0), "IC": sympy.Integer(0),
                        names["vbe"]: None if vbe is None else sgn * vbe,
                        names["vce"]: None if vce is None else sgn * vce}
            bias = {k: v for k, v in bias.items() if v is not None}
            small = _bjt_small_signal(sym, bias["IC"]) if "IC" in bias and state == "active" \
                else {}
        elif d.kind == "D":
            a, k = d.nodes
            if state == "forward":
                source, factor = lin.junction[d.name]
                i_d = value(f"i({source})")
                bias = {"ID": i_d * factor, "VD": sym("VD")} if i_d is not None else {}
                small = {str(sym("rd")): sym("n") * VT / bias["ID"]} if bias else {}
            elif state == "breakdown":
                i_z = value(f"i({lin.junction[d.name][0]})")
                bias = {"ID": -i_z, "VD": -_breakdown_voltage(dc, d)} if i_z is not None else {}
                # SPICE's breakdown law has its own emission coefficient, NBV (N by default)
                slope = sym("nbv") if "nbv" in card.params else sym("n")
                small = {str(sym("rz")): slope * VT / i_z} if bias else {}
            else:
                vd = value(f"v({a},{k})")
                bias = {"ID": sympy.Integer(0)} | ({"VD": vd} if vd is not None else {})
                small = {}
        elif state == "saturation":
            bias, small, warnings = _square_law_formulas(d, lin, sgn, names, sym, value)
        else:  # cut off: no current; triode: the numbers only
            bias, small = ({"ID": sympy.Integer(0)} if state == "cutoff" else {}), {}
        out[d.name] = (bias, small, warnings)
    return out


def _bjt_small_signal(sym, ic: sympy.Expr) -> dict[str, sympy.Expr]:
    gm = ic / VT
    beta = sym("beta")
    return {str(sym("gm")): gm, str(sym("rpi")): beta / gm,
            str(sym("re")): beta / ((beta + 1) * gm), str(sym("alpha")): beta / (beta + 1),
            str(sym("ro")): sym("VA") / ic}


def _square_law_formulas(d: Element, lin: _Linear, sgn: int, names, sym, value):
    """I_D = (k/2)(V_GS − V_th)² with V_GS linear in I_D: the positive root for V_ov (λ, the
    body effect and other MOSFETs' currents left out: a textbook's hand analysis)."""
    if d.name not in lin.mos:
        return {"ID": sympy.Integer(0)}, {}, []
    drain, g, s = d.nodes[:3]
    k = sym("kp") * sym("W") / sym("L")
    i_d = lin.mos[d.name]
    vgs = value(f"v({g},{s})")
    vds = value(f"v({drain},{s})")
    if vgs is None or vds is None:
        return {}, {}, []
    vgs = sgn * vgs
    others = [x for x in vgs.free_symbols if x in lin.mos.values() and x != i_d]
    if others:
        return {}, {}, [f"{d.name}: its V_GS depends on other MOSFETs' currents; the "
                        "symbolic square law solves one self-contained device at a time "
                        "(numbers solve them all)"]
    vgs = sympy.expand(sympy.cancel(vgs))
    a, slope = vgs.subs(i_d, 0), -sympy.diff(vgs, i_d)  # V_GS = a − slope·I_D
    if sympy.diff(slope, i_d) != 0:
        return {}, {}, [f"{d.name}: V_GS is not linear in I_D"]
    drive = a - sym("Vth")
    if slope == 0:
        vov = drive
    else:  # (slope·k/2)·Vov² + Vov − drive = 0, the root with Vov > 0
        vov = (sympy.sqrt(1 + 2 * slope * k * drive) - 1) / (slope * k)
    current = k * vov**2 / 2
    bias = {"ID": current, names["vgs"]: vov + sym("Vth"),
            names["vds"]: (sgn * vds).subs(i_d, current), "Vov": vov}
    if any(x in lin.mos.values() for x in bias[names["vds"]].free_symbols):
        del bias[names["vds"]]
    small = {str(sym("gm")): 2 * current / vov, str(sym("ro")): 1 / (sym("lambda") * current)}
    return bias, small, []


def _agreeing(d: Element, bias: dict, small: dict, numbers: Mapping[str, float],
              known: Mapping[str, sympy.Expr]) -> tuple[dict, dict]:
    """Only the formulas the numbers bear out: the symbolic square law leaves λ out of the
    DC solution, so with LAMBDA on the card its I_D formula is the λ = 0 approximation and is
    not shown beside the exact number."""
    subs = {symbol(k): v for k, v in known.items() if k != "s"}
    own = d.suffix

    def agrees(name: str, formula: sympy.Expr) -> bool:
        value = sympy.sympify(formula).xreplace(subs)
        if name not in numbers or not value.is_number:
            return True
        try:
            return abs(complex(value) - numbers[name]) <= 1e-9 * (abs(numbers[name]) + 1e-15)
        except TypeError:
            return False

    return ({k: v for k, v in bias.items() if agrees(k + own, v)},
            {k: v for k, v in small.items() if agrees(k, v)})


def _partial_numbers(circuit: Circuit, d: Element, bias: Mapping[str, sympy.Expr],
                     small: Mapping[str, sympy.Expr], known: Mapping[str, sympy.Expr]
                     ) -> dict[str, float]:
    """The formulas that the known values turn into numbers, by symbol name."""
    subs = {symbol(k): v for k, v in known.items() if k != "s"}
    out: dict[str, float] = {}
    own = d.suffix
    for name, formula in [*((k + own, v) for k, v in bias.items()), *small.items()]:
        value = sympy.sympify(formula).xreplace(subs)
        if value.is_number and value.is_real and value.is_finite:
            out[name] = float(value)
    return out


def _region_by_sign(d: Element, bias: Mapping[str, sympy.Expr],
                    known: Mapping[str, sympy.Expr]) -> tuple[str, list[str]]:
    """Without every number, a region is still decided where the sign of the current is
    (e.g. I_B = (V_B − V_BE)/R_B with V_B = 0.2 V is negative whatever β is)."""
    subs = {symbol(k): v for k, v in known.items() if k != "s"}
    quantity = {"Q": "IB", "D": "ID", "M": "Vov"}[d.kind]
    if quantity not in bias:
        return _INITIAL[d.kind], []
    value = sympy.sympify(bias[quantity]).xreplace(subs)
    if value.is_positive or value.is_positive is None:
        return _INITIAL[d.kind], []
    region = {"Q": "cutoff", "D": "off", "M": "cutoff"}[d.kind]
    return region, off_region_warning(d.name, region, d.kind)
