"""Small-signal models of BJTs, MOSFETs and diodes: each a function from a device to linear
elements, with the symbols of DESIGN §2 and the bias relations kept beside them.

A model function takes the device, the options and a `Namer` (symbols and internal nodes for
that device) and returns plain `Element`s; `MODELS` maps a device letter to its function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import sympy

from ..circuit.netlist import Element
from ..circuit.values import symbol
from ..errors import NetlistError

MODEL_NAMES = ("hybrid-pi", "hybrid-pi-beta", "T", "h")
PARTS = ("ro", "rx", "caps", "gmb", "hre", "hoe")
#: Parts only the h-parameter model has: the reverse voltage ratio and the output admittance.
H_PARTS = ("hre", "hoe")


@dataclass(frozen=True)
class Options:
    """Which model and which optional parts. Default: hybrid-π with r_o, no r_x, no caps.

    `hre` and `hoe` belong to the h model (`model="h"`), whose BJT is the full common-emitter
    h-parameter two-port by default; dropping both leaves the seed's h_ie and h_fe·i_b."""

    model: str = "hybrid-pi"
    ro: bool = True
    rx: bool = False
    caps: bool = False
    gmb: bool = True
    hre: bool = True
    hoe: bool = True

    @classmethod
    def build(cls, model: str = "hybrid-pi", include: Iterable[str] = (),
              exclude: Iterable[str] = ()) -> Options:
        """From the CLI words: --model hybrid-pi|hybrid-pi-beta|T|h, --include rx,
        --exclude gmb (with --model h: --exclude hre,hoe)."""
        chosen = {m.lower(): m for m in MODEL_NAMES}.get(model.lower())
        if chosen is None:
            raise NetlistError(f"unknown device model {model!r}: one of {', '.join(MODEL_NAMES)}")
        opts = cls(model=chosen)
        for words, on in ((include, True), (exclude, False)):
            for word in words:
                part = word.lower()
                if part not in PARTS:
                    raise NetlistError(f"unknown model part {word!r}: one of {', '.join(PARTS)}")
                if part in H_PARTS and chosen != "h":
                    raise NetlistError(f"{part} is a part of the h-parameter model: add "
                                       "--model h")
                if part == "rx" and on and chosen == "h":
                    raise NetlistError("rx: the h model's h_ie already holds the base "
                                       "resistance (h_ie = r_x + r_pi)")
                opts = replace(opts, **{part: on})
        return opts


#: What each model part is, for messages ("Q1's r_pi"), by the part's name.
_PARTS = {"Rpi": "r_pi", "Gm": "g_m source", "Ro": "r_o", "Rx": "r_x", "Re": "r_e",
          "Vib": "base-current sense", "Fb": "beta*i_b source", "Rgm": "1/g_m",
          "Gmb": "g_mb source", "Cgs": "C_gs", "Cgd": "C_gd", "Cdb": "C_db", "Csb": "C_sb",
          "Rd": "r_d", "Rz": "r_z", "Cpi": "C_pi", "Cmu": "C_mu", "Cd": "C_d",
          "Rie": "h_ie", "Ere": "h_re*v_ce source", "Ffe": "h_fe*i_b source", "Roe": "1/h_oe"}
#: Regions in which a device conducts no signal at all: its model is an open circuit.
OFF_REGIONS = frozenset({"cutoff", "off", "reverse"})


@dataclass(frozen=True)
class Namer:
    """Symbols, internal node names and element names for one device: Q1 -> gm1, rpi1; node
    'q1_b'; element Rpi_Q1. `suffix` is what its symbols end in (a matched device takes its
    partner's); `elements` are names already in use, so a generated name never clashes with
    one the user wrote."""

    device: Element
    taken: frozenset[str]
    suffix: str = ""
    elements: frozenset[str] = frozenset()
    region: str = ""  # from the Q-point when known: "cutoff", "off", "breakdown", ...

    def __post_init__(self) -> None:
        if not self.suffix:
            object.__setattr__(self, "suffix", self.device.name[1:])

    def sym(self, stem: str) -> sympy.Symbol:
        return symbol(stem + self.suffix)

    def node(self, terminal: str) -> str:
        name = f"{self.device.name.lower()}_{terminal}"
        while name in self.taken:
            name += "_"
        return name

    def name(self, letter: str, part: str) -> str:
        """The element name of one model part, e.g. Rpi_Q1 (with _ added if the user has one)."""
        name = f"{letter}{part}_{self.device.name}"
        while name.lower() in self.elements:
            name += "_"
        return name

    def element(self, letter: str, part: str, nodes: tuple[str, ...], value=None,
                control: str | None = None) -> Element:
        """An element of this device's model, pointing at the device's line and named in
        messages by the device (\"Q1's r_pi\"), never by its internal name."""
        what = _PARTS.get(letter + part, letter + part)
        return Element(self.name(letter, part), nodes, value, control=control,
                       line=self.device.line, origin=f"{self.device.name}'s {what}")


ModelFunction = Callable[[Element, Options, Namer], list[Element]]


def _models() -> dict[str, ModelFunction]:
    from .bjt import bjt
    from .diode import diode
    from .mosfet import mosfet

    return {"Q": bjt, "M": mosfet, "D": diode}


def expand(device: Element, options: Options, taken: Iterable[str], suffix: str = "",
           elements: Iterable[str] = (), region: str = "") -> list[Element]:
    """The linear elements that replace `device` in the small-signal circuit: its model, or
    nothing but its capacitances (if asked for) where its region makes it an open circuit."""
    namer = Namer(device, frozenset(taken), suffix, frozenset(elements), region)
    parts = _models()[device.kind](device, options, namer)
    if region in OFF_REGIONS:
        return [p for p in parts if p.kind == "C"]
    return parts


def relations(device: Element) -> dict[sympy.Symbol, sympy.Expr]:
    """DESIGN §2 relations for one device, for substitution at the end."""
    n = Namer(device, frozenset())
    S = n.sym  # noqa: N806
    VT = symbol("VT")  # noqa: N806
    if device.kind == "Q":
        return {S("gm"): S("IC") / VT, S("rpi"): S("beta") / S("gm"),
                S("re"): S("alpha") / S("gm"), S("alpha"): S("beta") / (S("beta") + 1),
                S("ro"): S("VA") / S("IC")}
    if device.kind == "M":
        return {S("gm"): 2 * S("ID") / S("Vov"), S("ro"): 1 / (S("lambda") * S("ID")),
                S("gmb"): S("chi") * S("gm")}
    return {S("rd"): S("n") * VT / S("ID")}


def to_common_basis(expr: sympy.Expr, devices: Iterable[Element] | None = None
                    ) -> sympy.Expr:
    """Rewrite r_π, r_e and α through g_m and β, so hybrid-π and T results compare equal.

    `devices` are the circuit's devices (a Circuit will do); by default every symbol named
    like rpi<k>, re<k> or alpha<k> in `expr` is rewritten.
    """
    if devices is None or hasattr(devices, "devices"):
        devices = devices.devices() if devices is not None else [
            Element("Q" + m.group(2), ("c", "b", "e"))
            for m in (re.fullmatch(r"(rpi|re|alpha)(\w*)", x.name) for x in expr.free_symbols)
            if m]
    subs = {}
    for d in devices:
        if d.kind == "Q":
            S = Namer(d, frozenset()).sym  # noqa: N806
            subs.update({S("rpi"): S("beta") / S("gm"),
                         S("re"): S("beta") / ((S("beta") + 1) * S("gm")),
                         S("alpha"): S("beta") / (S("beta") + 1)})
    return sympy.cancel(expr.xreplace(subs))


# the h model's relations, re-exported (imported last: bjt needs Namer and Options above)
from .bjt import H_STEMS, h_parameter_values, h_relations  # noqa: E402, F401
