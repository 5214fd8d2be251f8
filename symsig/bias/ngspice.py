"""ngspice as the source of numbers for symsig's formulas.

symsig derives a formula in g_m, r_π, r_o, …; ngspice knows what those are for a real device at
its real bias. `operating_point` runs ngspice's `op` on the device netlist itself and hands back
each device's small-signal parameters under symsig's symbol names (DESIGN §2), ready for
`RationalFunction.evaluate`. ngspice is optional: only this module needs it, and only when called.

The deck ngspice sees is written from the parsed `Circuit` by `Circuit.to_spice`
(circuit/spice_out.py), not copied from the text, so symsig's syntax works too: a title-less
netlist, `.param` values, symsig's model-card names (`beta`→BF, `va`→VAF, `vth`→VTO, …),
devices without a `.model` card (ngspice's defaults), 3-terminal MOSFETs (body tied to source),
subcircuit instances (a device inside is read under ngspice's flattened name, `@q.x1.q1[gm]`,
and named by its symbols' suffix, `gm1_X1`), coupled inductors and ideal transformers, an ideal
op-amp as a VCVS of gain 1e9. `.options` and `.temp` lines of the text are passed on, so the
operating point is the one ngspice finds for the user's own netlist.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import sympy

from ..circuit.netlist import Circuit, parse
from ..circuit.spice_out import spice_name, spice_node, to_spice
from ..errors import NetlistError, SymsigError
from .dc import quantity_names
from .operating_point import DeviceBias, OperatingPoint, off_region_warning

NGSPICE = "ngspice"
TIMEOUT = 60.0
#: ngspice's k/q (CONSTboltz / CHARGE), for VT = k·T/q at the simulated temperature.
K_OVER_Q = 1.38064852e-23 / 1.6021766208e-19

# The ngspice instance vectors read for each device (ngspice-39 names: BJT = Gummel-Poon,
# MOS = level 1..3; `show q1` lists most). gpi, go, gds, gd are conductances. cexbc is
# Gummel-Poon's dQ_BE/dV_BC (TF with VAF): a b-e charge controlled by v_bc that symsig's
# hybrid-π has no element for; it is only kept in `raw`.
_VECTORS = {
    "Q": ("gm", "gpi", "go", "gmu", "gx", "cpi", "cmu", "cexbc", "ic", "ib", "vbe", "vbc"),
    "M": ("gm", "gmbs", "gds", "cgs", "cgd", "cbd", "cbs", "id", "vgs", "vds", "von"),
    "D": ("gd", "cd", "id", "vd"),
}


class NgspiceError(SymsigError):
    """ngspice is missing, cannot simulate this netlist (symbolic values), or failed."""


@dataclass(frozen=True)
class SpiceOperatingPoint(Mapping[str, float]):
    """Small-signal parameters and bias under symsig's names, e.g. {"gm1": 0.0385, ...}.

    A mapping over `params`, so it goes straight into `evaluate`: `gain.evaluate(op)`. `nodes`
    holds the node voltages, `raw` the ngspice vectors as read (`@q1[gpi]`, ...), `log`
    ngspice's output.
    """

    params: dict[str, float]
    nodes: dict[str, float] = field(default_factory=dict)
    raw: dict[str, float] = field(default_factory=dict)
    log: str = field(default="", repr=False)

    def __getitem__(self, key: str) -> float:
        return self.params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)


def available() -> bool:
    """True when an `ngspice` executable is on PATH."""
    return shutil.which(NGSPICE) is not None


def operating_point(netlist: str | Circuit, timeout: float = TIMEOUT) -> SpiceOperatingPoint:
    """Run ngspice `op` on a device netlist and return each device's parameters by symsig name.

    BJT Qx: gm<x>, rpi<x> = 1/gpi, ro<x> = 1/go, cpi<x>, cmu<x>, with beta<x> = gm·rπ,
    alpha<x>, re<x> = α/gm (so the hybrid-π-β and T models evaluate too), rx<x> = 1/gx when the
    card sets RB; bias IC<x>, IB<x>, VBE<x>, VCE<x>.
    MOSFET Mx: gm<x>, gmb<x> (ngspice gmbs), ro<x> = 1/gds, cgs<x>, cgd<x>, cdb<x> (cbd),
    csb<x> (cbs); bias ID<x>, VGS<x>, VDS<x>, Vov<x> = VGS - V_th (ngspice's von,
    polarity-normalised like VGS).
    Diode Dx: rd<x> = 1/gd, cd<x>; bias ID<x>, VD<x>.
    Plus VT = kT/q at the simulated temperature. Biases are polarity-normalised as ngspice's
    own voltages are: a pnp or pmos in its active region has positive IC, VBE, ID, VGS like an
    npn or nmos. A MOSFET with LAMBDA=0 has ro = inf: build the circuit without r_o then.

    ngspice's device state (hence these values and its own `.ac`) is the linearisation of its
    last Newton step: with the default RELTOL=1e-3 it can sit ~1e-3 away from the node
    voltages; `.options reltol=1e-9` in the netlist tightens both.
    """
    circuit = parse(netlist) if isinstance(netlist, str) else netlist
    if not circuit.devices():
        raise NgspiceError("the circuit has no transistors or diodes: nothing to bias")
    ngspice_netlist(circuit)  # first: a symbolic value is the user's to fix
    exe = shutil.which(NGSPICE)
    if exe is None:
        raise NgspiceError("ngspice is not installed or not on PATH (e.g. apt-get install "
                           "ngspice); symsig needs it only for operating points")
    probes = [_probe(d, v) for d in circuit.devices() for v in _VECTORS[d.kind]]
    nodes = [n for n in circuit.nodes() if spice_node(n) == n]  # others: ngspice renames them
    probes += [f"v({n})" for n in nodes]
    control = ["set numdgt=16", "op", *(f"print {p}" for p in probes), "quit"]
    deck = ngspice_netlist(circuit, [".control", *control, ".endc"])
    log = _run(exe, deck, timeout)
    printed = {m.group(1).lower(): float(m.group(2)) for m in _PRINTED.finditer(log)}
    missing = [p for p in probes if p not in printed]
    if missing:
        raise NgspiceError(
            f"ngspice printed no {', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''}:"
            " its operating point failed, or a model has other vectors than the Gummel-Poon"
            f" BJT and MOS levels 1-3 this bridge reads\n--- deck ---\n{deck}"
            f"--- ngspice ---\n{log}")
    temp = _TEMP.search(log)
    values: dict[str, float] = {"VT": K_OVER_Q * (float(temp.group(1)) + 273.15)} if temp else {}
    for d in circuit.devices():
        raw = {v: printed[_probe(d, v)] for v in _VECTORS[d.kind]}
        for name, value in device_parameters(circuit, d, raw).items():
            values.setdefault(name, value)  # a matched device's symbols are its partner's
    voltages = {n: printed[f"v({n})"] for n in nodes}
    raw_all = {p: printed[p] for p in probes if p.startswith("@")}
    return SpiceOperatingPoint(values, voltages, raw_all, log)


def _probe(d, vector: str) -> str:
    """ngspice's name for one device vector: `@q1[gm]`; `@q.x1.q1[gm]` inside an instance."""
    return f"@{spice_name(d).lower()}[{vector}]"


_BIAS = ("IC", "IB", "VBE", "VCE", "ID", "VGS", "VDS", "Vov", "VD")


def device_parameters(circuit: Circuit, d, raw: dict[str, float]) -> dict[str, float]:
    """One device's ngspice vectors under symsig's symbol names: bias quantities with its own
    suffix (IC2; VEB2, VEC2 for a pnp), small-signal parameters with its symbols' suffix (gm1
    for a Q2 matched to Q1); a Zener in breakdown gives rz, not rd."""
    card = circuit.model_of(d)
    polarity = -1.0 if card.type in ("pnp", "pmos") else 1.0
    names = quantity_names(card.type)
    rename = {"VBE": names.get("vbe"), "VCE": names.get("vce"), "VGS": names.get("vgs"),
              "VDS": names.get("vds")}
    own, suffix = d.suffix, circuit.symbol_suffix(d)
    out = {}
    for stem, value in _PARAMETERS[d.kind](raw, polarity).items():
        if stem in _BIAS:
            out[(rename.get(stem) or stem) + own] = value
        else:
            if stem == "rd" and region_of(d.kind, raw, card) == "breakdown":
                stem = "rz"
            out[stem + suffix] = value
    return out


def region_of(kind: str, raw: dict[str, float], card) -> str:
    """The region ngspice's solution puts a device in (its own vectors, polarity-normalised)."""
    if kind == "Q":
        if abs(raw["ic"]) < 1e-12 or raw["vbe"] < 0.3:
            return "cutoff"
        return "saturation" if raw["vbc"] > 0.4 else "active"
    if kind == "D":
        if "bv" in card.params and raw["id"] < -1e-9:
            return "breakdown"
        return "forward" if raw["id"] > 0 else "off"
    vov = raw["vgs"] - (-1 if card.type == "pmos" else 1) * raw["von"]
    if vov <= 0:
        return "cutoff"
    return "triode" if raw["vds"] < vov else "saturation"


def spice_operating_point(circuit: Circuit, given: Mapping[str, object]) -> OperatingPoint:
    """The `--bias ngspice` method: ngspice's own .op as an `OperatingPoint`, every number
    ngspice's (its small-signal parameters are the derivatives its own .ac uses)."""
    op = operating_point(circuit.with_params(**dict(given)))
    devices = []
    for d in circuit.devices():
        raw = {v: op.raw[_probe(d, v)] for v in _VECTORS[d.kind]}
        card = circuit.model_of(d)
        region = region_of(d.kind, raw, card)
        own = d.suffix
        numbers = device_parameters(circuit, d, raw)
        bias_names = {(rename or stem) + own: rename or stem for stem, rename in (
            *((b, None) for b in _BIAS), *((k.upper(), v) for k, v in
                                            quantity_names(card.type).items()))}
        bias = {bias_names[k]: sympy.Float(v) for k, v in numbers.items() if k in bias_names}
        small = {k: sympy.Float(v) if math.isfinite(v) else sympy.oo
                 for k, v in numbers.items() if k not in bias_names}
        devices.append(DeviceBias(d.name, card.type, region, bias, small,
                                  off_region_warning(d.name, region, d.kind), numbers))
    if "VT" in op.params and devices:
        devices[0].numeric["VT"] = op.params["VT"]
    return OperatingPoint("ngspice", devices)


def ngspice_netlist(circuit: Circuit, control: list[str] | None = None) -> str:
    """The circuit as the deck ngspice runs (`Circuit.to_spice`: subcircuits, K and TF lines,
    `.model` cards in SPICE's names, the netlist's `.options` and `.temp`), with `control`
    lines before `.end`; a value left symbolic is an error naming it, since a simulator needs
    numbers (`.param` values are put in)."""
    try:
        return to_spice(circuit, analysis=control)
    except NetlistError as exc:
        raise NgspiceError(str(exc)) from None


def _inverse(g: float) -> float:
    """A resistance from ngspice's conductance: 0 S is an open circuit."""
    return math.inf if g == 0 else 1.0 / g


def _bjt(v: dict[str, float], polarity: float) -> dict[str, float]:
    # ngspice's ic/ib are currents into the terminal (negative for pnp); vbe, vbc are
    # already polarity-normalised. gmu (= gmin, 1e-12 S) has no place in symsig's model.
    beta = v["gm"] / v["gpi"]
    out = {"gm": v["gm"], "rpi": _inverse(v["gpi"]), "ro": _inverse(v["go"]),
           "beta": beta, "alpha": beta / (beta + 1), "re": beta / (beta + 1) / v["gm"],
           "cpi": v["cpi"], "cmu": v["cmu"], "IC": polarity * v["ic"], "IB": polarity * v["ib"],
           "VBE": v["vbe"], "VCE": v["vbe"] - v["vbc"]}
    if v["gx"] > 0:
        out["rx"] = 1.0 / v["gx"]
    return out


def _mosfet(v: dict[str, float], polarity: float) -> dict[str, float]:
    # ngspice's MOS id, vgs, vds are polarity-normalised (positive for a saturated pmos too);
    # its von, the threshold, is not (negative for a pmos).
    return {"gm": v["gm"], "gmb": v["gmbs"], "ro": _inverse(v["gds"]), "cgs": v["cgs"],
            "cgd": v["cgd"], "cdb": v["cbd"], "csb": v["cbs"], "ID": v["id"], "VGS": v["vgs"],
            "VDS": v["vds"], "Vov": v["vgs"] - polarity * v["von"]}


def _diode(v: dict[str, float], polarity: float) -> dict[str, float]:
    return {"rd": _inverse(v["gd"]), "cd": v["cd"], "ID": v["id"], "VD": v["vd"]}


_PARAMETERS = {"Q": _bjt, "M": _mosfet, "D": _diode}
_TEMP = re.compile(r"Doing analysis at TEMP = ([-+\d.eE]+)")
_PRINTED = re.compile(r"^\s*(\S+)\s*=\s*([-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf))\s*$",
                      re.I | re.M)


def _run(exe: str, deck: str, timeout: float) -> str:
    """ngspice -b in a scratch directory (HOME there too, so no ~/.spiceinit applies)."""
    with tempfile.TemporaryDirectory(prefix="symsig_op_") as tmp:
        Path(tmp, "deck.cir").write_text(deck)
        try:
            proc = subprocess.run([exe, "-b", "deck.cir"], cwd=tmp, capture_output=True,
                                  text=True, timeout=timeout, check=False,
                                  env=dict(os.environ, HOME=tmp))
        except subprocess.TimeoutExpired as exc:
            raise NgspiceError(f"ngspice took longer than {timeout} s") from exc
    return proc.stdout + proc.stderr
