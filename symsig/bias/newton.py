"""Newton's method on numbers: a linear circuit plus devices given by their large-signal laws.

SPICE's way: the linear part is one numeric MNA matrix; each nonlinear device adds the currents
it draws at the present node voltages and their derivatives, and the junction voltages may
change by at most 0.1 V a step. Both numeric bias methods use it: the exponential method with
every device nonlinear, the constant-V_BE method with BJTs and diodes already replaced by their
constant drops, so only MOSFETs (the square law) are left to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..circuit.netlist import GROUND, Circuit, Element
from ..engine.mna import Equations, equations
from ..errors import AnalysisError
from .dc import VT_27C, polarity
from .temperature import NOMINAL, ZERO_CELSIUS, at_temperature

#: SPICE's defaults for what a .model card leaves out (level-1 MOS, Gummel-Poon, Shockley).
SPICE_DEFAULTS = {
    "Q": {"is": 1e-16, "beta": 100.0, "br": 1.0, "va": math.inf, "n": 1.0, "nr": 1.0,
          "eg": 1.11, "xti": 3.0, "xtb": 0.0},
    "D": {"is": 1e-14, "n": 1.0, "bv": math.inf, "ibv": 1e-3, "nbv": None, "eg": 1.11,
          "xti": 3.0, "tcv": 0.0},
    "M": {"kp": None, "vth": 0.0, "lambda": 0.0, "w": 1e-4, "l": 1e-4, "gamma": 0.0,
          "phi": 0.6, "ld": 0.0, "tox": 0.0, "uo": 600.0},
}
#: SiO2's permittivity as SPICE takes it (F/m): C_ox = EPS_OX/TOX.
EPS_OX = 3.9 * 8.854214871e-12


@dataclass
class DeviceLaw:
    """One device's large-signal equations on numbers: the current into each terminal."""

    element: Element
    type: str
    rows: list[int | None]
    params: dict[str, float]
    vt: float = VT_27C
    temp: float = NOMINAL  # kelvin: the simulated temperature and the cards' nominal one
    tnom: float = NOMINAL

    @classmethod
    def of(cls, e: Element, card, rows: Mapping[str, int] | None,
           num: Callable[[object], float], vt: float = VT_27C,
           temps: tuple[float, float] = (NOMINAL, NOMINAL)) -> DeviceLaw:
        """The law of device `e` with its card's parameters, at the simulated temperature
        `temps` = (TEMP, TNOM) in kelvin (a card's own TNOM, in °C, wins); `rows` places its
        terminals in the equations (None: a law on its own, for its numbers)."""
        params = dict(SPICE_DEFAULTS[e.kind])
        for key, value in [*card.params.items(), *e.params]:
            if key in params:
                params[key] = num(value)
        temp, tnom = temps
        if "tnom" in card.params:
            tnom = num(card.params["tnom"]) + ZERO_CELSIUS
        if e.kind == "M" and params["kp"] is None:  # SPICE: KP = UO·C_ox when TOX is given
            params["kp"] = params["uo"] * 1e-4 * EPS_OX / params["tox"] if params["tox"] \
                else 2e-5
        params = at_temperature(e.kind, polarity(card.type), params, temp, tnom)
        if e.kind == "D":
            if params["nbv"] is None:
                params["nbv"] = params["n"]
            params["tbv"] = _breakdown_knee(params, vt)
        return cls(e, card.type, terminal_rows(e, rows), params, vt, temp, tnom)

    @property
    def kind(self) -> str:
        return self.element.kind

    def voltages(self, x: np.ndarray) -> list[float]:
        return [0.0 if r is None else float(x[r]) for r in self.rows]

    def currents(self, v: list[float]) -> list[float]:
        """Current flowing into the device at each terminal."""
        sgn = polarity(self.type)
        if self.kind == "D":
            i = sgn * self.diode_current(sgn * (v[0] - v[1]))
            return [i, -i]
        if self.kind == "Q":
            c, b, e = v[:3]
            ic, ib = self.bjt_currents(sgn * (b - e), sgn * (b - c))
            return [sgn * ic, sgn * ib, -sgn * (ic + ib)]
        d, g, s = v[:3]
        body = v[3] if len(v) > 3 else s
        i = self.mos_current(sgn * (g - s), sgn * (d - s), sgn * (body - s))
        return [sgn * i, 0.0, -sgn * i] + ([0.0] if len(v) > 3 else [])

    def diode_current(self, vd: float) -> float:
        """ngspice's diode: Shockley forward, -IS reverse, exponential breakdown past BV."""
        p = self.params
        vte = p["n"] * self.vt
        if vd >= -3 * vte:
            return p["is"] * (_exp(vd / vte) - 1)
        if not math.isfinite(p["bv"]) or vd >= -p["tbv"]:
            arg = (3 * vte / (vd * math.e)) ** 3
            return -p["is"] * (1 + arg)
        return -p["is"] * _exp(-(p["tbv"] + vd) / (p["nbv"] * self.vt))

    def bjt_currents(self, vbe: float, vbc: float) -> tuple[float, float]:
        """Gummel-Poon with the forward Early voltage only (q1): (I_C, I_B), npn signs."""
        p = self.params
        cbe = p["is"] * (_exp(vbe / (p["n"] * self.vt)) - 1)
        cbc = p["is"] * (_exp(vbc / (p["nr"] * self.vt)) - 1)
        qb = 1 / (1 - vbc / p["va"]) if math.isfinite(p["va"]) else 1.0
        return (cbe - cbc) / qb - cbc / p["br"], cbe / p["beta"] + cbc / p["br"]

    def mos_current(self, vgs: float, vds: float, vbs: float) -> float:
        """Level 1 (Shichman-Hodges) with the body effect and channel-length modulation,
        n-channel signs, k = KP·W/L_eff; the source is whichever end is lower."""
        p = self.params
        swap = vds < 0
        if swap:
            vgs, vbs, vds = vgs - vds, vbs - vds, -vds
        k = p["kp"] * p["w"] / self.channel_length
        vov = vgs - self.threshold(vbs)
        if vov <= 0:
            i = 0.0
        elif vds < vov:
            i = k * (vov * vds - vds**2 / 2) * (1 + p["lambda"] * vds)
        else:
            i = k / 2 * vov**2 * (1 + p["lambda"] * vds)
        return -i if swap else i

    @property
    def channel_length(self) -> float:
        """L_eff = L − 2·LD: the lateral diffusion shortens the channel at both ends."""
        return self.params["l"] - 2 * self.params["ld"]

    def threshold(self, vbs: float) -> float:
        """Level-1 threshold with the body effect: |V_TO| + γ(√(φ − V_BS) − √φ), continued as
        SPICE's level 1 continues it for a forward-biased body (V_BS > 0): the tangent
        √φ − V_BS/(2√φ), never below 0."""
        p = self.params
        return polarity(self.type) * p["vth"] + p["gamma"] * (self._root(vbs)
                                                              - math.sqrt(p["phi"]))

    def body_factor(self, vbs: float) -> float:
        """g_mb/g_m as SPICE's level 1 states it, γ/(2√(φ − V_BS)), with the root continued
        for a forward-biased body as `threshold` continues it (there SPICE's g_mb is this, not
        the slope of its own tangent continuation)."""
        root = self._root(vbs)
        return self.params["gamma"] / (2 * root) if root > 0 else 0.0

    def _root(self, vbs: float) -> float:
        """√(φ − V_BS), continued for V_BS > 0 by its tangent √φ − V_BS/(2√φ), never below 0."""
        phi = self.params["phi"]
        if vbs <= 0:
            return math.sqrt(phi - vbs)
        return max(0.0, math.sqrt(phi) - vbs / (2 * math.sqrt(phi)))

    def stamp(self, x: np.ndarray, f: np.ndarray, jac: np.ndarray) -> None:
        v = self.voltages(x)
        for r, i in zip(self.rows, self.currents(v), strict=True):
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
        """How far this step moves the device, in units of the most it may move at once:
        0.1 V across a junction (SPICE's pnjlim, in spirit), 1 V across a MOSFET's gate or
        channel (fetlim): a step above 1 is scaled down."""
        d = [0.0 if r is None else float(dx[r]) for r in self.rows]
        if self.kind == "M":
            return max(abs(d[1] - d[2]), abs(d[0] - d[2])) / 1.0
        if self.kind == "Q":
            return max(abs(d[0] - d[1]), abs(d[1] - d[2])) / 0.1
        return abs(d[0] - d[1]) / 0.1


def terminal_rows(e: Element, rows: Mapping[str, int] | None) -> list[int | None]:
    """Each terminal's row in the equations (None for ground, or for a law without them)."""
    return [None if rows is None or n == GROUND else rows[n] for n in e.nodes]


def _breakdown_knee(p: dict[str, float], vt: float) -> float:
    """ngspice's temperature-adjusted breakdown voltage: the knee where the exponential reverse
    law carries IBV at V = -BV (diotemp.c's iteration)."""
    bv = p["bv"]
    if not math.isfinite(bv):
        return bv
    cbv, isat, nbv = p["ibv"], p["is"], p["nbv"]
    if cbv < isat * bv / vt:
        return bv
    xbv = bv - nbv * vt * math.log(1 + cbv / isat)
    for _ in range(25):
        xbv = bv - nbv * vt * math.log(cbv / isat + 1 - xbv / vt)
        xcbv = isat * (math.exp((bv - xbv) / (nbv * vt)) - 1 + xbv / vt)
        if abs(xcbv - cbv) <= 1e-3 * cbv:
            break
    return xbv


def _exp(x: float) -> float:
    """exp, continued linearly past 80 so a wild Newton step cannot overflow."""
    return math.exp(x) if x < 80 else math.exp(80) * (1 + x - 80)


@dataclass
class Solution:
    """Node voltages and branch currents of a converged DC solution."""

    x: np.ndarray
    eq: Equations

    def v(self, node: str) -> float:
        return 0.0 if node == GROUND else float(self.x[self.eq.index[node]])

    def i(self, name: str) -> float:
        """Current through a V, E, H or O element, + node to - node."""
        return float(self.x[self.eq.branch[name.lower()]])


def solve_dc(linear: Circuit, devices: Iterable[DeviceLaw] | Callable[[dict], list[DeviceLaw]],
             num: Callable[[object], float], extra_nodes: Iterable[str] = ()) -> Solution:
    """Newton on `linear` (sources at their DC values) plus `devices`, each drawing its law's
    currents; `devices` may be a function of the node index (rows are known only here).

    Where Newton from 0 V does not settle (it can circle a solution it never reaches: a
    high-gain loop such as a two-stage op-amp), SPICE's two homotopies follow: gmin stepping
    (every node tied to ground by a conductance that falls from 1 mS to SPICE's gmin, 1e-12 S,
    a decade at a time, each solution the start of the next) and source stepping (every source
    raised from 0 to its value in steps, gmin in place). Newton then takes the circuit itself
    from there; where it cannot (a node that only devices that are off reach), the answer is
    SPICE's, gmin included."""
    drive = {x.name.lower(): x.value for x in linear.elements if x.kind in "VI"}
    eq = equations(linear, drive, extra_nodes)
    laws = devices(eq.index) if callable(devices) else list(devices)
    size, nodes = eq.size, len(eq.index)
    a = np.zeros((size, size))
    b = np.zeros(size)
    for (i, j), terms in eq.matrix.items():
        a[i, j] += sum(num(t) for t in terms)
    for i, terms in eq.rhs.items():
        b[i] += sum(num(t) for t in terms)
    on_nodes = np.eye(size) * (np.arange(size) < nodes)

    def newton(x: np.ndarray, shunt: float, scale: float, steps: int) -> np.ndarray | None:
        return _newton(a + shunt * on_nodes, b * scale, laws, x, steps, _GMIN * on_nodes)

    x = newton(np.zeros(size), 0.0, 1.0, 500)
    for homotopy in (_gmin_stepping, _source_stepping):
        if x is None:
            x = homotopy(newton, size)
            if x is not None:  # the circuit itself from there, or SPICE's answer with gmin
                polished = newton(x, 0.0, 1.0, 100)
                x = x if polished is None else polished
    if x is None:
        raise AnalysisError("the DC operating point did not converge (Newton from 0 V, gmin "
                            "stepping and source stepping all failed)")
    return Solution(x, eq)


#: S: SPICE's gmin from every node to ground; here in the Jacobian only (a node that only an
#: off device reaches keeps a solvable step), so the solution is the circuit's own
_GMIN = 1e-12


def _newton(a: np.ndarray, b: np.ndarray, laws: list[DeviceLaw], x: np.ndarray, steps: int,
            gmin: np.ndarray) -> np.ndarray | None:
    """Newton's method from `x` on a·x − b + Σ device currents = 0, each step limited as SPICE
    limits junctions; the solution, or None when `steps` steps do not settle."""
    x = x.copy()
    for _ in range(steps):
        f = a @ x - b
        jac = a + gmin
        for law in laws:
            law.stamp(x, f, jac)
        try:
            dx = np.linalg.solve(jac, -f)
        except np.linalg.LinAlgError:
            raise AnalysisError("the DC equations are singular: a node or loop has no DC "
                                "solution (a node reached only through current sources, or "
                                "a loop of voltage sources)") from None
        if not np.all(np.isfinite(dx)):
            raise AnalysisError("the DC equations are singular")
        step = max((law.junction_step(dx) for law in laws), default=0.0)
        if step > 1:  # limit how far a device moves in one step, as SPICE does
            dx *= 1 / step
        x += dx
        if np.max(np.abs(dx), initial=0.0) < 1e-12 * (1 + np.max(np.abs(x), initial=0.0)) \
                and step <= 1:
            return x
    return None


def _gmin_stepping(newton: Callable[..., np.ndarray | None], size: int) -> np.ndarray | None:
    """From a circuit every node of which is tied to ground by 1 mS, down a decade at a time to
    SPICE's gmin, each solution starting the next."""
    x = np.zeros(size)
    for shunt in [10.0**-k for k in range(3, 13)]:
        x = newton(x, shunt, 1.0, 200)
        if x is None:
            return None
    return x


def _source_stepping(newton: Callable[..., np.ndarray | None], size: int) -> np.ndarray | None:
    """Every independent source raised from 0 to its value, each solution starting the next;
    a step that fails is halved (down to 1e-4 of the way)."""
    x, done, step = np.zeros(size), 0.0, 0.1
    while done < 1:
        target = min(1.0, done + step)
        trial = newton(x, _GMIN, target, 200)
        if trial is None:
            step /= 2
            if step < 1e-4:
                return None
            continue
        x, done, step = trial, target, min(step * 2, 0.25)
    return x


def numeric(subs: dict[sympy.Symbol, sympy.Expr]) -> Callable[[object], float]:
    """A function giving the float value of an expression at `subs`, or a clear error naming
    the symbols that have no number."""

    def num(expr) -> float:
        value = sympy.sympify(expr).xreplace(subs)
        for _ in range(3):
            if value.is_number:
                break
            value = value.xreplace(subs)
        if not value.is_number:
            names = ", ".join(sorted(map(str, value.free_symbols)))
            raise AnalysisError(f"the numeric operating point needs numbers: no value for {names}")
        result = complex(value)
        if result.imag:
            raise AnalysisError(f"a DC value is not real: {value}")
        return result.real

    return num
