"""Instance parameters that ngspice, LTspice and KiCad write on R, L, C, V and I lines.

LTspice writes a part's series parasitics on its line (`L1 a b 10µ Rser=0.1`, `C1 a b 1µ
Rser=10m Lser=1n`, `V1 a 0 AC 1 Rser=50`): each becomes an element of its own in series, named
after its part (`Rser_L1`, through node `l1#ser`), so the circuit analysed is the one the
simulator sees. A V source's `Cpar=` is a capacitor across its terminals. SPICE's multiplier
`m=` (m parallel copies) scales the value. Annotations that change nothing in a small-signal
analysis at the nominal temperature (tolerances, power ratings, part numbers, initial
conditions, temperature coefficients) are dropped with a note; anything else (`Rpar=`, whose
place in LTspice's equivalent circuit differs by part, `ac=`, an unknown name) is an error that
names it, never a silent misreading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy

from ..errors import NetlistError
from .values import parse_value

#: Annotations read and dropped (lowercased names).
IGNORED = frozenset({"tol", "pwr", "mfg", "pn", "type", "temp", "dtemp", "tc", "tc1", "tc2",
                     "ic", "noisy", "irms", "ipk", "vpk", "rpk", "cpk", "ppk", "wvdc"})
#: `.model` parameters LTspice's libraries carry as documentation (ratings, manufacturer):
#: read and dropped, never parsed as values.
MODEL_ANNOTATIONS = frozenset({"mfg", "vceo", "icrating", "vds", "ron", "qg", "iave", "vpk",
                               "irms", "ipk", "vbr", "vrms", "pn", "mfgr"})
#: Series parasitics each letter takes, in the order they are chained after the part.
SERIES = {"L": ("rser",), "C": ("rser", "lser"), "V": ("rser",)}
#: Parasitics across the part's terminals.
ACROSS = {"V": ("cpar",)}
_SPELLED = {"m": "m", "rser": "Rser", "lser": "Lser", "cpar": "Cpar"}


def split(name: str, tokens: list[str], line: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The fields of an element line without its trailing `key=value` parameters, and those
    parameters (key as written, value text) in order."""
    params: list[tuple[str, str]] = []
    while len(tokens) >= 3 and tokens[-2] == "=":
        params.insert(0, (tokens[-3], tokens[-1]))
        tokens = tokens[:-3]
    if "=" in tokens:
        raise NetlistError(f"{name}: misplaced '=' (parameters are written name=value at the "
                           "end of the line)", line)
    return tokens, params


def apply(element, params: list[tuple[str, str]], line: int, note: Callable[[str], None],
          make: Callable[..., object]) -> list:
    """`element` (an R, L, C, V or I `Element`) with its instance parameters applied: the part
    itself first, then its parasitics. `make(name, nodes, value, origin)` builds an element;
    `note` records what was dropped."""
    kind = element.kind
    seen: set[str] = set()
    series: dict[str, sympy.Expr] = {}
    across: dict[str, sympy.Expr] = {}
    dropped: list[str] = []
    for written, text in params:
        key = written.lower()
        if key in seen:
            raise NetlistError(f"{element.name}: {written}= given twice", line)
        seen.add(key)
        if key in IGNORED:
            dropped.append(written)
            continue
        value = parse_value(text, line)
        if key == "m" and kind in "RLC":
            if value == 0 or value.is_number and value < 0:
                raise NetlistError(f"{element.name}: {written}={text} (parallel copies) "
                                   "must be positive", line)
            element = replace(element, value=element.value / value if kind in "RL"
                              else element.value * value)
        elif key in SERIES.get(kind, ()):
            if value != 0:
                series[key] = value
        elif key in ACROSS.get(kind, ()):
            if value != 0:
                across[key] = value
        else:
            known = [k for k in ("m", "rser", "lser", "cpar") if k == "m" and kind in "RLC"
                     or k in SERIES.get(kind, ()) or k in ACROSS.get(kind, ())]
            hint = (f" (on {kind} symsig reads "
                    f"{', '.join(_SPELLED[k] + '=' for k in known)})") if known else ""
            raise NetlistError(f"{element.name}: instance parameter {written}= is not "
                               f"supported{hint}; write it as an element of its own", line)
    if dropped:
        note(f"{element.name}: {', '.join(k + '=' for k in dropped)} ignored (no effect on a "
             "small-signal analysis at the nominal temperature)")
    if not series and not across:
        return [element]
    a, b = element.nodes
    parts: list = []
    chain = [k for k in SERIES.get(kind, ()) if k in series]
    if chain:
        first = f"{element.name.lower()}#ser"
        nodes = [first] + [f"{first}{i + 2}" for i in range(len(chain) - 1)]
        parts.append(replace(element, nodes=(a, nodes[0])))
        for i, key in enumerate(chain):
            end = nodes[i + 1] if i + 1 < len(chain) else b
            parts.append(make(f"{_SPELLED[key]}_{element.name}", (nodes[i], end),
                              series[key], f"{element.name}'s {_SPELLED[key]}"))
    else:
        parts.append(element)
    for key, value in across.items():
        parts.append(make(f"{_SPELLED[key]}_{element.name}", (a, b), value,
                          f"{element.name}'s {_SPELLED[key]}"))
    return parts
