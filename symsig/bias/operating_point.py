"""The DC operating point: where each device sits, and the small-signal parameters that follow.

Two routes. `constant-vbe` replaces each BJT by a V_BE source and β·I_B (and each diode by a
constant drop, each MOSFET by the square law), which is linear for BJTs and diodes, so the
exact solver gives the Q-point symbolically: I_C = β(V_Th − V_BE)/(R_Th + (β+1)R_E).
`exponential` solves the Ebers–Moll/Gummel–Poon, Shockley and level-1 MOS equations by Newton's
method on numbers, the way SPICE does, for checks against a simulator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import sympy

from ..analysis.linear import measure, param_values
from ..circuit.netlist import DEVICE_KINDS, GROUND, Circuit, Element, _Sets
from ..circuit.values import resolve, symbol
from ..devices import Namer
from ..engine.mna import equations
from ..errors import AnalysisError

#: Thermal voltage at SPICE's default 27 °C, for the numeric route.
VT_27C = 1.380649e-23 * 300.15 / 1.602176634e-19
# .model card parameter -> symbol stem on the device (beta -> beta1 for Q1)
_CARD_SYMBOLS = {
    "Q": {"beta": "beta", "va": "VA", "vbe": "VBE", "is": "IS", "rx": "rx", "n": "n",
          "vcesat": "VCEsat"},
    "M": {"kp": "kp", "vth": "Vth", "lambda": "lambda", "w": "W", "l": "L", "chi": "chi"},
    "D": {"is": "IS", "n": "n", "vd": "VD"},
}


@dataclass
class DeviceBias:
    """One device at its Q-point: region, bias quantities and small-signal parameters."""

    name: str
    type: str
    region: str
    bias: dict[str, sympy.Expr]  # IC, IB, VCE, VBE / ID, VGS, VDS, Vov / ID, VD
    small_signal: dict[str, sympy.Expr]  # gm1, rpi1, ro1, ... as expressions of the bias
    warnings: list[str] = field(default_factory=list)


@dataclass
class OperatingPoint:
    method: str
    devices: list[DeviceBias]

    def values(self) -> dict[str, sympy.Expr]:
        """Every bias and small-signal quantity by symbol name (IC1, gm1, ...), to substitute."""
        out: dict[str, sympy.Expr] = {}
        for d in self.devices:
            suffix = d.name[1:]
            out.update({k + suffix: v for k, v in d.bias.items()})
            out.update(d.small_signal)
        return out

    @property
    def warnings(self) -> list[str]:
        return [w for d in self.devices for w in d.warnings]


def device_values(circuit: Circuit) -> dict[str, sympy.Expr]:
    """Numbers a device's .model card (and instance W=, L=) give its symbols: beta1 = 100."""
    out: dict[str, sympy.Expr] = {}
    for d in circuit.devices():
        card = circuit.model_of(d)
        stems = _CARD_SYMBOLS[d.kind]
        for key, value in [*card.params.items(), *d.params]:
            if key in stems:
                out[stems[key] + d.name[1:]] = value
    return out


def operating_point(circuit: Circuit, method: str = "constant-vbe",
                    values: Mapping[str, object] | None = None) -> OperatingPoint:
    """The DC operating point by `method` ("constant-vbe" or "exponential")."""
    if not circuit.devices():
        raise AnalysisError("the circuit has no transistors or diodes to bias")
    if method == "constant-vbe":
        return _constant_vbe(circuit, values or {})
    if method == "exponential":
        return _exponential(circuit, values or {})
    raise AnalysisError(f"unknown bias method {method!r}: constant-vbe or exponential")


# -- the DC circuit ---------------------------------------------------------------------------
def _dc_circuit(circuit: Circuit) -> Circuit:
    """Capacitors open, inductors shorted (0 V sources), sources at their DC values; parts
    left without a path to ground (behind a coupling capacitor) carry no DC and are dropped."""
    kept: list[Element] = []
    for e in circuit.elements:
        if e.kind == "C":
            continue
        if e.kind == "L":
            e = Element(f"V_{e.name}", e.nodes, sympy.Integer(0), sympy.Integer(0), line=e.line)
        elif e.kind in "VI":
            e = replace(e, ac=sympy.Integer(0))
        kept.append(e)
    sets = _Sets()
    for e in kept:
        terminals = e.nodes if e.kind in DEVICE_KINDS else e.nodes[:2]
        for n in terminals[1:]:
            sets.union(terminals[0], n)
    ground = sets.find(GROUND)
    kept = [e for e in kept if sets.find(e.nodes[0]) == ground]
    return Circuit(tuple(kept), dict(circuit.params), circuit.title, dict(circuit.models))


def _sign(device_type: str) -> int:
    """+1 for npn/nmos/diode, -1 for pnp/pmos: the p devices are the n ones mirrored."""
    return -1 if device_type in ("pnp", "pmos") else 1


# -- constant V_BE: linear, exact, symbolic ----------------------------------------------------
def _constant_vbe(circuit: Circuit, given: Mapping[str, object]) -> OperatingPoint:
    dc = _dc_circuit(circuit)
    # Regions are decided with the same textbook defaults the numbers at the end assume.
    numbers = param_values(circuit, {**_defaults(circuit), **device_values(circuit),
                                     **{str(k): v for k, v in given.items()}})
    mos_current: dict[str, sympy.Symbol] = {}
    linear = Circuit(params=dc.params, title=dc.title)
    for e in dc.elements:
        if e.kind not in DEVICE_KINDS:
            linear = linear.add(e)
            continue
        n = Namer(e, frozenset())
        sgn = _sign(dc.model_of(e).type)
        if e.kind == "Q":
            c, b, em = e.nodes[:3]
            p, q = (b, em) if sgn > 0 else (em, b)  # the forward-biased junction, + to -
            linear = linear.add(Element(f"Vbe_{e.name}", (p, q), n.sym("VBE"), 0))
            out = (c, em) if sgn > 0 else (em, c)
            linear = linear.add(Element(f"Fc_{e.name}", out, n.sym("beta"),
                                        control=f"Vbe_{e.name}"))
        elif e.kind == "D":
            linear = linear.add(Element(f"Vd_{e.name}", e.nodes, n.sym("VD"), 0))
        else:  # square law: the drain current is an unknown, solved below
            d, g, s = e.nodes[:3]
            mos_current[e.name] = sympy.Dummy(f"ID_{e.name}", positive=True)
            ends = (d, s) if sgn > 0 else (s, d)
            linear = linear.add(Element(f"Id_{e.name}", ends, mos_current[e.name], 0))

    # DC sources drive through their value: reuse the AC machinery with DC as the drive.
    driven = Circuit(tuple(replace(x, ac=x.value) if x.kind in "VI" else x
                           for x in linear.elements), linear.params, linear.title)

    def dc_value(what: str) -> sympy.Expr:
        """v(a,b) or i(V) at DC, exact."""
        return measure(driven, what).expr

    devices = []
    for e in circuit.devices():
        n = Namer(e, frozenset())
        card = circuit.model_of(e)
        sgn = _sign(card.type)
        if e not in dc.elements:
            devices.append(DeviceBias(e.name, card.type, "no DC path", {}, {},
                                      [f"{e.name}: no DC path to ground; left unbiased"]))
            continue
        if e.kind == "Q":
            c, b, em = e.nodes[:3]
            ib = dc_value(f"i(Vbe_{e.name})")
            bias = {"IB": ib, "IC": n.sym("beta") * ib, "VBE": n.sym("VBE"),
                    "VCE": sgn * dc_value(f"v({c},{em})")}
            small = _bjt_small_signal(n, bias["IC"])
        elif e.kind == "D":
            bias = {"ID": dc_value(f"i(Vd_{e.name})"), "VD": n.sym("VD")}
            small = {str(n.sym("rd")): n.sym("n") * symbol("VT") / bias["ID"]}
        else:
            bias, small = _square_law(e, n, sgn, mos_current, dc_value)
        region, warnings = _region(e, bias, numbers, card)
        devices.append(DeviceBias(e.name, card.type, region, bias, small, warnings))
    return OperatingPoint("constant-vbe", devices)


def _bjt_small_signal(n: Namer, ic: sympy.Expr) -> dict[str, sympy.Expr]:
    gm = ic / symbol("VT")
    beta = n.sym("beta")
    return {str(n.sym("gm")): gm, str(n.sym("rpi")): beta / gm,
            str(n.sym("re")): beta / ((beta + 1) * gm), str(n.sym("ro")): n.sym("VA") / ic}


def _square_law(e, n: Namer, sgn: int, currents, dc_value):
    """I_D = (k/2)(V_GS − V_th)² with V_GS linear in I_D: the positive root for V_ov."""
    d, g, s = e.nodes[:3]
    k = n.sym("kp") * n.sym("W") / n.sym("L")
    i_d = currents[e.name]
    vgs = sgn * dc_value(f"v({g},{s})")
    others = [x for x in vgs.free_symbols if x in currents.values() and x != i_d]
    if others:
        raise AnalysisError(f"{e.name}: its V_GS depends on other MOSFETs' currents; the "
                            "symbolic square law handles one self-contained device at a time; "
                            "use --method exponential with numbers")
    vgs = sympy.expand(sympy.cancel(vgs))
    a, slope = vgs.subs(i_d, 0), -sympy.diff(vgs, i_d)  # V_GS = a − slope·I_D
    if sympy.diff(slope, i_d) != 0:
        raise AnalysisError(f"{e.name}: V_GS is not linear in I_D")
    drive = a - n.sym("Vth")
    if slope == 0:
        vov = drive
    else:  # (slope·k/2)·Vov² + Vov − drive = 0, the root with Vov > 0
        vov = (sympy.sqrt(1 + 2 * slope * k * drive) - 1) / (slope * k)
    i_value = k * vov**2 / 2
    vds = sgn * dc_value(f"v({d},{s})").subs(i_d, i_value)
    bias = {"ID": i_value, "Vov": vov, "VGS": vov + n.sym("Vth"), "VDS": vds}
    small = {str(n.sym("gm")): 2 * i_value / vov,
             str(n.sym("ro")): 1 / (n.sym("lambda") * i_value)}
    return bias, small


def _region(e: Element, bias: dict, numbers: Mapping[str, sympy.Expr], card) -> tuple[str, list]:
    """Active, saturated or cut off, decided where the numbers allow; else assumed."""
    subs = {symbol(k): v for k, v in numbers.items()}
    subs.setdefault(symbol("VT"), sympy.Float(VT_27C))

    def number(expr):
        value = sympy.sympify(expr).xreplace(subs)
        for _ in range(3):
            value = value.xreplace(subs)
        return float(value) if value.is_number and value.is_real else None

    if e.kind == "Q":
        ib, vce = number(bias["IB"]), number(bias["VCE"])
        vsat = number(card.params.get("vcesat", sympy.Rational(2, 10)))
        if ib is None or vce is None:
            return "active (assumed)", []
        if ib <= 0:
            return "cutoff", [f"{e.name} is cut off (I_B = {ib:.3g} A): it will not amplify"]
        if vce < vsat:
            return "saturation", [f"{e.name} is saturated (V_CE = {vce:.3g} V < {vsat:g} V): "
                                  "it will not amplify"]
        return "active", []
    if e.kind == "M":
        vov, vds = number(bias["Vov"]), number(bias["VDS"])
        if vov is None or vds is None:
            return "saturation (assumed)", []
        if vov <= 0:
            return "cutoff", [f"{e.name} is cut off (V_ov = {vov:.3g} V)"]
        if vds < vov:
            return "triode", [f"{e.name} is in triode (V_DS = {vds:.3g} V < V_ov = {vov:.3g} V):"
                              " it will not amplify as assumed"]
        return "saturation", []
    i = number(bias["ID"])
    if i is None:
        return "forward (assumed)", []
    return ("forward", []) if i > 0 else ("reverse", [f"{e.name} is reverse biased"])


# -- exponential models: Newton on numbers -------------------------------------------------------
def _exponential(circuit: Circuit, given: Mapping[str, object]) -> OperatingPoint:
    dc = _dc_circuit(circuit)
    numbers = param_values(circuit, {str(k): v for k, v in given.items()})
    subs = {symbol(k): v for k, v in numbers.items()}
    linear = Circuit(tuple(x for x in dc.elements if x.kind not in DEVICE_KINDS), dc.params)
    drive = {x.name.lower(): x.value for x in linear.elements if x.kind in "VI"}
    device_nodes = [n for d in dc.devices() for n in d.nodes]
    eq = equations(linear, drive, device_nodes)  # devices are stamped below, by Newton
    rows, size = eq.index, eq.size
    A = np.zeros((size, size))
    b = np.zeros(size)

    def num(expr) -> float:
        value = sympy.sympify(expr).xreplace(subs)
        if not value.is_number:
            raise AnalysisError(f"the exponential model needs numbers: no value for "
                                f"{', '.join(sorted(map(str, value.free_symbols)))}")
        return float(value)

    for (i, j), terms in eq.matrix.items():
        A[i, j] += sum(num(t) for t in terms)
    for i, terms in eq.rhs.items():
        b[i] += sum(num(t) for t in terms)
    models = [_NumericDevice.of(d, dc.model_of(d), rows, num) for d in dc.devices()]
    x = np.zeros(size)
    for _ in range(500):
        f = A @ x - b
        jac = A.copy()
        for m in models:
            m.stamp(x, f, jac)
        jac += np.eye(size) * 1e-12 * (np.arange(size) < len(rows))  # gmin to ground
        try:
            dx = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            raise AnalysisError("the DC equations are singular") from None
        step = max((abs(m.junction_step(dx)) for m in models), default=0.0)
        if step > 0.1:  # limit junction voltage changes, as SPICE does
            dx *= 0.1 / step
        x += dx
        if np.max(np.abs(dx)) < 1e-12 * (1 + np.max(np.abs(x))) and step <= 0.1:
            break
    else:
        raise AnalysisError("the exponential-model operating point did not converge")
    devices = [m.report(x) for m in models]
    return OperatingPoint("exponential", devices)


@dataclass
class _NumericDevice:
    """A device's large-signal equations on numbers: currents into the circuit and Jacobian."""

    element: Element
    type: str
    rows: list[int | None]
    params: dict[str, float]

    @classmethod
    def of(cls, e: Element, card, rows: Mapping[str, int], num) -> _NumericDevice:
        defaults = {"Q": {"is": 1e-16, "beta": 100.0, "br": 1.0, "va": math.inf, "n": 1.0},
                    "D": {"is": 1e-14, "n": 1.0},
                    "M": {"kp": 2e-5, "vth": 0.0, "lambda": 0.0, "w": 1e-4, "l": 1e-4,
                          "gamma": 0.0, "phi": 0.6}}[e.kind]
        params = dict(defaults)
        for key, value in [*card.params.items(), *e.params]:
            if key in params:
                params[key] = num(value)
        return cls(e, card.type, [None if n == GROUND else rows[n] for n in e.nodes], params)

    def _v(self, x: np.ndarray) -> list[float]:
        return [0.0 if r is None else float(x[r]) for r in self.rows]

    def currents(self, v: list[float]) -> list[float]:
        """Current flowing into the device at each terminal."""
        p, sgn = self.params, _sign(self.type)
        if self.element.kind == "D":
            i = p["is"] * (_exp(sgn * (v[0] - v[1]) / (p["n"] * VT_27C)) - 1) * sgn
            return [i, -i]
        if self.element.kind == "Q":
            c, b, e = v[:3]
            vbe, vbc = sgn * (b - e), sgn * (b - c)
            cbe = p["is"] * (_exp(vbe / (p["n"] * VT_27C)) - 1)
            cbc = p["is"] * (_exp(vbc / (p["n"] * VT_27C)) - 1)
            qb = 1 / (1 - vbc / p["va"]) if math.isfinite(p["va"]) else 1.0  # Gummel-Poon q1
            ic = (cbe - cbc) / qb - cbc / p["br"]
            ib = cbe / p["beta"] + cbc / p["br"]
            return [sgn * ic, sgn * ib, -sgn * (ic + ib)]
        d, g, s = v[:3]
        body = v[3] if len(v) > 3 else s
        vgs, vds, vbs = sgn * (g - s), sgn * (d - s), sgn * (body - s)
        swap = vds < 0
        if swap:  # the source is whichever end is lower
            vgs, vbs, vds = vgs - vds, vbs - vds, -vds
        k = p["kp"] * p["w"] / p["l"]
        vov = vgs - self.threshold(vbs)
        if vov <= 0:
            i = 0.0
        elif vds < vov:
            i = k * (vov * vds - vds**2 / 2) * (1 + p["lambda"] * vds)
        else:
            i = k / 2 * vov**2 * (1 + p["lambda"] * vds)
        i = -i if swap else i
        currents = [sgn * i, 0.0, -sgn * i]
        return currents + ([0.0] if len(v) > 3 else [])

    def threshold(self, vbs: float) -> float:
        """Level-1 threshold with the body effect: V_TO + γ(√(φ − V_BS) − √φ), as SPICE
        continues it for a forward-biased body (V_BS > 0)."""
        p = self.params
        root_phi = math.sqrt(p["phi"])
        root = math.sqrt(p["phi"] - vbs) if vbs <= 0 else root_phi / (1 + vbs / (2 * root_phi))
        return _sign(self.type) * p["vth"] + p["gamma"] * (root - root_phi)

    def stamp(self, x: np.ndarray, f: np.ndarray, jac: np.ndarray) -> None:
        v = self._v(x)
        i0 = self.currents(v)
        for r, i in zip(self.rows, i0, strict=True):
            if r is not None:
                f[r] += i
        for k, rk in enumerate(self.rows):
            if rk is None:
                continue
            h = 1e-7
            vp, vm = list(v), list(v)
            vp[k] += h
            vm[k] -= h
            ip, im = self.currents(vp), self.currents(vm)
            for r, a, z in zip(self.rows, ip, im, strict=True):
                if r is not None:
                    jac[r, rk] += (a - z) / (2 * h)

    def junction_step(self, dx: np.ndarray) -> float:
        d = [0.0 if r is None else float(dx[r]) for r in self.rows]
        if self.element.kind == "M":
            return 0.0
        return max(abs(d[0] - d[1]), abs(d[1] - d[2])) if self.element.kind == "Q" else \
            abs(d[0] - d[1])

    def report(self, x: np.ndarray) -> DeviceBias:
        v = self._v(x)
        i = self.currents(v)
        n = Namer(self.element, frozenset())
        sgn = _sign(self.type)
        f = sympy.Float
        if self.element.kind == "Q":
            ic, ib = sgn * i[0], sgn * i[1]
            vbe, vce = sgn * (v[1] - v[2]), sgn * (v[0] - v[2])
            bias = {"IC": f(ic), "IB": f(ib), "VBE": f(vbe), "VCE": f(vce)}
            region = "cutoff" if ic < 1e-12 else ("saturation" if vce < 0.3 else "active")
            gm = ic / VT_27C
            small = {str(n.sym("gm")): f(gm), str(n.sym("rpi")): f(self.params["beta"] / gm)
                     if gm else sympy.oo, str(n.sym("ro")): f(self.params["va"] / ic)
                     if math.isfinite(self.params["va"]) and ic else sympy.oo}
        elif self.element.kind == "D":
            idv = sgn * i[0]
            bias = {"ID": f(idv), "VD": f(sgn * (v[0] - v[1]))}
            region = "forward" if idv > 0 else "reverse"
            small = {str(n.sym("rd")): f(self.params["n"] * VT_27C / idv) if idv > 0 else
                     sympy.oo}
        else:
            idv = sgn * i[0]
            vgs, vds = sgn * (v[1] - v[2]), sgn * (v[0] - v[2])
            vbs = sgn * (v[3] - v[2]) if len(v) > 3 else 0.0
            vov = vgs - self.threshold(vbs)
            bias = {"ID": f(idv), "VGS": f(vgs), "VDS": f(vds), "Vov": f(vov)}
            region = "cutoff" if vov <= 0 else ("triode" if vds < vov else "saturation")
            small = {str(n.sym("gm")): f(2 * idv / vov) if vov > 0 else f(0)}
            if self.params["lambda"] and idv:
                small[str(n.sym("ro"))] = f(1 / (self.params["lambda"] * idv))
        usual = {"Q": "active", "M": "saturation", "D": "forward"}[self.element.kind]
        warnings = [] if region == usual else \
            [f"{self.element.name} is in {region}, not {usual}: its small-signal model and "
             "any gain that relies on it do not apply"]
        return DeviceBias(self.element.name, self.type, region, bias, small, warnings)


def _exp(x: float) -> float:
    """exp, continued linearly past 80 so a wild Newton step cannot overflow."""
    return math.exp(x) if x < 80 else math.exp(80) * (1 + x - 80)


#: Textbook numbers used only when the netlist gives none (reported as assumptions).
DEFAULTS = {"VT": sympy.Float(VT_27C, 15), "VBE": sympy.Rational(7, 10),
            "VD": sympy.Rational(7, 10)}


def numbers_at_the_end(circuit: Circuit, extra: Mapping[str, object] | None = None
                       ) -> tuple[dict[str, sympy.Expr], list[str]]:
    """Every number symsig can give the circuit's symbols: .param, --subs, .model cards, and,
    for devices, the constant-V_BE Q-point (gm1 = IC1/VT, ...). Returns the values and the
    textbook defaults it had to assume (VT, VBE = 0.7 V, VD = 0.7 V)."""
    given = {**device_values(circuit), **{str(k): v for k, v in (extra or {}).items()}}
    assumed: list[str] = []
    for name, value in _defaults(circuit).items():
        if name not in given and name not in circuit.params:
            given[name] = value
            assumed.append(f"{name} = {value}")
    values = param_values(circuit, given)
    if circuit.devices():
        try:
            op = operating_point(circuit, "constant-vbe", values)
        except AnalysisError:
            op = None
        if op is not None:
            for name, expr in op.values().items():
                if name not in values:
                    values[name] = expr
            values = resolve(values)
    return {k: v for k, v in values.items() if v.is_number}, assumed


def _defaults(circuit: Circuit) -> dict[str, sympy.Expr]:
    """The textbook numbers each device's symbols fall back on: VT, VBE<k>, VD<k>."""
    out = {"VT": DEFAULTS["VT"]} if circuit.devices() else {}
    for d in circuit.devices():
        if d.kind in "QD":
            stem = "VBE" if d.kind == "Q" else "VD"
            out[stem + d.name[1:]] = DEFAULTS[stem]
    return out


__all__ = ["DeviceBias", "OperatingPoint", "device_values", "numbers_at_the_end",
           "operating_point"]
