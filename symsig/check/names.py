"""What the names in an answer mean: textbook names mapped to a circuit's symbols, the DESIGN §2
relations between a device's symbols, and what each kind of quantity plausibly measures.

Mapping rules (`Vocabulary.resolve`), first that applies:

1. a name the circuit has, as typed (`RC`, `R_E` if the netlist wrote `R_E`);
2. its canonical form: Greek letters spelled out, subscript marks dropped (`R_C` -> `RC`,
   `r_π` -> `rpi`, `g_{m1}` -> `gm1`, `β₁` -> `beta1`, `C_μ` -> `cmu`, `h_fe` -> `beta`,
   `h_ie` -> `rpi`);
3. a device symbol without its device suffix (`r_pi`, `g_m`, `r_o`, `β`) when exactly one device
   of the circuit has it (`rpi1` for a circuit with one transistor Q1; with Q1 and Q2 the name
   is ambiguous, an error that lists both). A device's other symbols are known too, through the
   relations below: `β` in an answer about a hybrid-π result means g_m·r_π;
4. `pi` (or π) is the constant; `s` is the Laplace variable;
5. anything else is an error that lists the circuit's names and suggests the nearest, unless
   `allow_unknown` (then the canonical form is a new symbol).

Names are case-sensitive: `re` (r_e, the emitter resistance) is never `RE` (a resistor).

Relations (DESIGN §2), used to compare in one basis per device: a BJT's r_π = β/g_m,
r_e = α/g_m, α = β/(β+1), I_C = g_m·V_T, V_A = r_o·I_C; a MOSFET's I_D = g_m·V_ov/2,
λ = 1/(r_o·I_D), χ = g_mb/g_m. Both sides of every comparison are written in g_m, β, r_o, ...
so that `β R_C/r_π` and `g_m R_C` compare equal.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .answers import GREEK, AnswerError

# Device stems (DESIGN §2), longest first so that `gmb1` is not read as `gm` + `b1`.
_STEMS = ("gmb", "gm", "rpi", "ro", "rx", "re", "rd", "rz", "cpi", "cmu", "cgs", "cgd", "cdb",
          "csb", "cd", "beta", "alpha", "IC", "ID", "VA", "Vov", "lambda", "chi")
_STEM = re.compile(rf"({'|'.join(_STEMS)})([A-Za-z0-9_.]*)")
_ALIASES = {"hfe": "beta", "hie": "rpi", "Cpi": "cpi", "Cmu": "cmu", "Cgs": "cgs", "Cgd": "cgd",
            "Cdb": "cdb", "Csb": "csb", "rpi": "rpi", "rπ": "rpi"}
# Stems whose presence says which kind of device a suffix belongs to.
_ANCHORS = frozenset({"gm", "rpi", "re", "rd", "rz", "gmb", "beta", "alpha"})
BJT = frozenset({"gm", "rpi", "ro", "rx", "re", "cpi", "cmu", "beta", "alpha", "IC", "VA"})
MOS = frozenset({"gm", "gmb", "ro", "cgs", "cgd", "cdb", "csb", "ID", "Vov", "lambda", "chi"})
DIODE = frozenset({"rd", "rz", "cd", "ID"})
_KINDS = {"bjt": BJT, "mos": MOS, "diode": DIODE, "transistor": BJT | MOS}

#: Derived symbol stem -> its value in the basis (g_m, β, r_o, V_T, V_ov, g_mb), with {k} the
#: device suffix. Both sides of a comparison are rewritten with these.
RELATIONS = {
    "bjt": {"rpi": "beta{k}/gm{k}", "re": "beta{k}/((beta{k}+1)*gm{k})",
            "alpha": "beta{k}/(beta{k}+1)", "IC": "gm{k}*VT", "VA": "ro{k}*gm{k}*VT"},
    "mos": {"ID": "gm{k}*Vov{k}/2", "lambda": "2/(ro{k}*gm{k}*Vov{k})", "chi": "gmb{k}/gm{k}"},
}
RELATIONS["transistor"] = {**RELATIONS["bjt"], **RELATIONS["mos"]}


def canonical(typed: str) -> str:
    """A typed name in symsig's spelling: Greek spelled out, `_ { } ,` and blanks dropped."""
    out = []
    for ch in typed:
        if ch in GREEK:
            out.append(GREEK[ch])
        elif ch not in "_{}, ":
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=8192)
def device_stem(name: str) -> tuple[str, str] | None:
    """(stem, suffix) of a device symbol name such as `rpi1` or `gmb`, else None."""
    m = _STEM.fullmatch(name)
    return (m.group(1), m.group(2)) if m else None


@dataclass(frozen=True)
class Quantity:
    """What a symbol plausibly measures: a range to draw values from (log-uniformly) and its
    dimension as exponents of (ohm, second, ampere), None where the name does not say."""

    low: float
    high: float
    dims: tuple[int, int, int] | None
    what: str


_OHM, _S, _F, _H = (1, 0, 0), (-1, 0, 0), (-1, 1, 0), (1, 1, 0)
_ONE, _AMP, _VOLT, _HZ = (0, 0, 0), (0, 0, 1), (1, 0, 1), (0, -1, 0)
_DEVICE_QUANTITY = {
    "gm": Quantity(1e-3, 1e-1, _S, "transconductance"),
    "gmb": Quantity(1e-4, 1e-2, _S, "body transconductance"),
    "ro": Quantity(1e4, 1e6, _OHM, "output resistance"),
    "rpi": Quantity(5e2, 3e5, _OHM, "resistance"),
    "rx": Quantity(10, 300, _OHM, "resistance"),
    "re": Quantity(5, 500, _OHM, "resistance"),
    "rd": Quantity(1, 1e3, _OHM, "resistance"),
    "rz": Quantity(1, 100, _OHM, "resistance"),
    "cpi": Quantity(1e-12, 1e-10, _F, "capacitance"),
    "cmu": Quantity(1e-13, 1e-11, _F, "capacitance"),
    "cgs": Quantity(1e-13, 1e-11, _F, "capacitance"),
    "cgd": Quantity(1e-14, 1e-12, _F, "capacitance"),
    "cdb": Quantity(1e-14, 1e-12, _F, "capacitance"),
    "csb": Quantity(1e-14, 1e-12, _F, "capacitance"),
    "cd": Quantity(1e-12, 1e-9, _F, "capacitance"),
    "beta": Quantity(50, 300, _ONE, "current gain"),
    "alpha": Quantity(0.98, 0.997, _ONE, "current gain"),
    "IC": Quantity(1e-5, 1e-2, _AMP, "current"),
    "ID": Quantity(1e-5, 1e-2, _AMP, "current"),
    "VA": Quantity(10, 200, _VOLT, "voltage"),
    "Vov": Quantity(0.1, 0.5, _VOLT, "voltage"),
    "lambda": Quantity(0.01, 0.2, (-1, 0, -1), "channel-length modulation"),
    "chi": Quantity(0.1, 0.3, _ONE, "body-effect ratio"),
}
_GENERIC = Quantity(0.5, 20, None, "quantity")


@lru_cache(maxsize=8192)
def quantity(name: str) -> Quantity:
    """The plausible range and dimension of a symbol, from its name."""
    d = device_stem(name)
    if d is not None:
        return _DEVICE_QUANTITY[d[0]]
    if name == "VT":
        return Quantity(0.0255, 0.026, _VOLT, "thermal voltage")
    if name == "s":
        return Quantity(10, 1e8, (0, -1, 0), "Laplace variable")
    first = name[0]
    if first in "RZ" or name.startswith(("rs", "rl", "rb", "rc", "re", "rd")):
        return Quantity(100, 1e6, _OHM, "resistance")
    if first == "C":
        return Quantity(1e-12, 1e-6, _F, "capacitance")
    if first == "L":
        return Quantity(1e-6, 0.1, _H, "inductance")
    if first == "G":
        return Quantity(1e-6, 1e-2, _S, "conductance")
    if first == "A" or name in ("mu", "K", "k") or name.startswith("mu"):
        return Quantity(1e3, 1e6, _ONE, "gain")
    if first == "I":
        return Quantity(1e-5, 1e-2, _AMP, "current")
    if first == "V":
        return Quantity(0.1, 10, _VOLT, "voltage")
    if name in ("f", "f0", "fc"):
        return Quantity(10, 1e8, _HZ, "frequency")
    if name in ("omega", "w"):
        return Quantity(10, 1e9, _HZ, "angular frequency")
    if name in ("tau",):
        return Quantity(1e-9, 1e-3, (0, 1, 0), "time constant")
    return _GENERIC


def is_gain(name: str) -> bool:
    """A symbol taken to be an amplifier gain (A, A0, Aol, mu, K): "A → ∞" applies to it."""
    return device_stem(name) is None and quantity(name).what == "gain"


#: The longest name an answer may use.
MAX_NAME = 64


class Vocabulary:
    """The names an answer may use, and the circuit symbol each stands for.

    `names`: the circuit's symbol names (or an expected result's). `allow_unknown`: accept a
    name outside them (in canonical spelling) instead of raising. `relations`: use DESIGN §2's
    relations (a BJT's β is g_m·r_π, ...); without them only the names themselves are known.
    """

    def __init__(self, names: Iterable[str], allow_unknown: bool = False,
                 relations: bool = True, first: Iterable[str] = ()):
        self.known = frozenset(str(n) for n in names)
        self.first = frozenset(str(n) for n in first) & self.known  # the result's own names
        self.allow_unknown = allow_unknown
        self.relations = relations
        self.families = self._families()
        self._formulas: dict[str, str | None] = {}

    def _families(self) -> dict[str, str]:
        """Device suffix -> kind ("bjt", "mos", "diode", "transistor") of each device whose
        symbols the known names show."""
        stems: dict[str, set[str]] = {}
        for name in self.known:
            d = device_stem(name)
            if d is not None:
                stems.setdefault(d[1], set()).add(d[0])
        out = {}
        for k, have in stems.items():
            if not have & _ANCHORS:
                continue
            if have & {"rd", "rz", "cd"} and not have & (BJT | MOS):
                out[k] = "diode"
            elif have & (BJT - MOS) and not have & (MOS - BJT):
                out[k] = "bjt"
            elif have & (MOS - BJT) and not have & (BJT - MOS):
                out[k] = "mos"
            else:
                out[k] = "transistor"
        return out

    def knows(self, typed: str) -> bool:
        """True when `typed` names a symbol of the circuit (not a guess under allow_unknown)."""
        try:
            found = self._lookup(typed)
        except AnswerError:
            return False
        return found is not None and found[0] == "sym"

    def resolve(self, typed: str) -> tuple[str, str]:
        """("sym", symbol name) or ("const", "pi") for a typed name; AnswerError if unknown."""
        found = self._lookup(typed)
        if found is not None:
            return found
        key = canonical(typed)
        if self.allow_unknown and key[:1].isalpha():
            return "sym", key
        raise AnswerError(self._unknown(typed, key))

    def _lookup(self, typed: str) -> tuple[str, str] | None:
        if len(typed) > MAX_NAME:
            raise AnswerError(f"the name {typed[:20]!r}... is too long (more than {MAX_NAME} "
                              "characters)")
        if typed in self.known:
            return "sym", typed
        key = canonical(typed)
        if key in self.known:
            return "sym", key
        if key == "pi":
            return "const", "pi"
        if key in ("hie", "hre", "hfe", "hoe"):  # an h-model result's own h_fe before β
            own = [n for n in self.known if n.startswith(key)]
            if len(own) == 1:
                return "sym", own[0]
        if key == "VT" and self.relations and any(
                kind in ("bjt", "transistor") for kind in self.families.values()):
            return "sym", "VT"  # the thermal voltage of I_C = g_m V_T
        d = device_stem(_ALIASES.get(key, key))
        if d is None and key[:1].isupper() and key[1:] in _STEMS:  # C_π -> cpi
            d = device_stem(key[0].lower() + key[1:])
        if d is None:
            for alias, stem in _ALIASES.items():
                if key.startswith(alias) and alias != stem:
                    d = device_stem(stem + key[len(alias):])
                    break
        if d is not None:
            found = self._device_symbol(typed, *d)
            if found is not None:
                return "sym", found
        return None

    def _device_symbol(self, typed: str, stem: str, suffix: str) -> str | None:
        if suffix:
            kind = self.families.get(suffix)
            if kind is not None and stem in _KINDS[kind] and (
                    self.relations or stem + suffix in self.known):
                return stem + suffix
            return None
        owners = sorted(k for k, kind in self.families.items() if stem in _KINDS[kind]
                        and (self.relations or stem + k in self.known))
        if len(owners) == 1:
            return stem + owners[0]
        if len(owners) > 1:
            listed = ", ".join(stem + k for k in owners)
            raise AnswerError(f"{typed!r} is ambiguous here: the circuit has {listed} (write "
                              f"{typed}{owners[0]} or {typed}{owners[1]})")
        return None

    def _unknown(self, typed: str, key: str) -> str:
        if key == "s" or typed == "s":
            return ("s (the Laplace variable) does not appear in this result: it is the "
                    "mid-band value")
        if key in ("j", "omega", "w", "i"):
            return f"{typed!r} is not a symbol of this result: write s for the Laplace " \
                   "variable (s = jω)"
        if key in ("oo", "inf", "infinity", "∞"):
            return "∞ can only be a whole answer (an open circuit's impedance)"
        names = sorted(self.known | {stem + k for k, kind in self.families.items()
                                     for stem in _KINDS[kind] if self.relations})
        msg = f"unknown name {typed!r}"
        close = [n for n in names if n.lower() == key.lower()]
        if close:
            msg += f" (did you mean {close[0]!r}? names are case-sensitive)"
        else:
            split = self._split(key)
            if split:
                msg += f" (did you mean {'*'.join(split)}? put * or a space between names)"
            else:
                near = difflib.get_close_matches(key, names, n=1, cutoff=0.7)
                if near:
                    msg += f" (did you mean {near[0]!r}?)"
        # the names the result is written in first, then the circuit's others
        shown = (sorted(self.first) + sorted(self.known - self.first)) or names
        if shown:
            listed = ", ".join(shown[:30]) + (", ..." if len(shown) > 30 else "")
            msg += f"; this circuit's names are {listed}"
        return msg

    def _split(self, key: str) -> list[str] | None:
        """`gmRC` -> [gm, RC]: a run of known names typed without a space (at most 4)."""
        parts: list[str] = []
        rest = key
        if len(key) > 24:
            return None
        while rest and len(parts) < 4:
            for j in range(len(rest), 0, -1):
                if self.knows(rest[:j]):
                    parts.append(rest[:j])
                    rest = rest[j:]
                    break
            else:
                return None
        return parts if not rest and len(parts) > 1 else None

    # -- relations ------------------------------------------------------------------------
    def formula(self, name: str) -> str | None:
        """The basis formula of a derived symbol (`rpi1` -> `beta1/gm1`), None for a basis
        symbol."""
        try:
            return self._formulas[name]
        except KeyError:
            got = self._formulas[name] = self._formula(name)
            return got

    def _formula(self, name: str) -> str | None:
        if not self.relations:
            return None
        d = device_stem(name)
        if d is None:
            return None
        stem, k = d
        kind = self.families.get(k)
        if kind is None:
            return None
        f = RELATIONS.get(kind, {}).get(stem)
        return f.format(k=k) if f else None

    def family_symbols(self, stem: str) -> list[str]:
        """Every device's symbol with this stem (`ro` -> [ro1, ro2])."""
        return sorted(stem + k for k, kind in self.families.items() if stem in _KINDS[kind])


def log_uniform(rng, q: Quantity) -> float:
    """A value drawn log-uniformly from the quantity's range, rounded to 3 significant
    digits (a value that reads like one from a datasheet)."""
    x = math.exp(rng.uniform(math.log(q.low), math.log(q.high)))
    return float(f"{x:.3g}")
