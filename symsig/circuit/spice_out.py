"""A symsig circuit as a numeric SPICE netlist that ngspice runs as it is.

Every value becomes a number: `.param` values and the `values` given (symbol name -> number)
are put in, and a value left symbolic is an error naming what is missing. Elements keep their
names, except those of subcircuit instances, which take ngspice's own flattened names (`X1.Q1`
-> `q.x1.q1`, so `@q.x1.q1[gm]` reads the same device in the exported netlist as in the
hierarchical one); node names keep theirs (`x1.mid`), characters ngspice splits on aside.
Elements ngspice lacks are written exactly with its own: an ideal transformer `TF1 p1 n1 p2 n2 n`
as a VCVS v1 = n·v2 with a 0 V sense source and a CCCS i2 = −n·i1; an ideal op-amp, which
ngspice cannot write exactly, as a VCVS of gain `opamp_gain` (1e9 by default: the closed-loop
error is about 1/(gain·feedback factor)). An infinite value (r_o → ∞) is an open circuit: the
element is left out. Devices are written with their `.model` cards in SPICE's parameter names
(BF, VAF, VTO, ...); a bare type (npn, nmos, d) gets an empty card, so ngspice's defaults apply.
"""

from __future__ import annotations

import cmath
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import sympy

from ..errors import NetlistError
from .values import resolve, symbol, to_expr

if TYPE_CHECKING:
    from .netlist import Circuit, Element

#: symsig's model-card names -> SPICE's, per device letter (None: a symsig-only parameter).
TO_SPICE: dict[str, dict[str, str | None]] = {
    "Q": {"beta": "bf", "va": "vaf", "n": "nf", "rx": "rb", "vbe": None, "vd": None},
    "M": {"vth": "vto", "vd": None, "chi": None},
    "D": {"vd": None},
}
_DEVICE_TYPES = {"npn": "Q", "pnp": "Q", "nmos": "M", "pmos": "M", "d": "D"}
_BAD_NODE_CHARS = re.compile(r"[(),={}'\"\s]")


def spice_name(e: Element) -> str:
    """The name ngspice gives an element: its own, or for an element of a subcircuit instance
    ngspice's flattened one (`X1.X2.R1` -> `r.x1.x2.r1`)."""
    if not e.path:
        return e.name
    return f"{e.kind.lower()}.{e.path.lower()}.{e.local.lower()}"


def spice_node(name: str) -> str:
    """A node's name in the netlist `to_spice` writes: characters ngspice splits on become `_`
    (two names that then clash are told apart by a trailing `_`)."""
    return _BAD_NODE_CHARS.sub("_", name)


def to_spice(circuit: Circuit, values: Mapping[str, object] | None = None, *,
             title: str | None = None, analysis: str | Iterable[str] | None = None,
             opamp_gain: float = 1e9) -> str:
    """`circuit` as a numeric ngspice netlist (see the module's docstring). `values` gives
    numbers for symbols (they win over `.param`); `analysis` adds cards before `.end`
    (`".ac dec 10 1 1g"`)."""
    numbers = _numbers(circuit, values)
    writer = _Writer(circuit, numbers, opamp_gain)
    head = title if title is not None else (circuit.title or "symsig circuit")
    lines = [f"* {head.splitlines()[0] if head else ''}".rstrip(),
             "* written by symsig: every value a number"]
    for e in circuit.elements:
        lines += writer.element(e)
    lines += writer.cards()
    if writer.missing:
        names = ", ".join(sorted(writer.missing))
        raise NetlistError(f"the SPICE netlist needs numbers for {names}: give them as values "
                           "(--subs NAME=VALUE) or in .param lines")
    lines += writer.notes
    lines += list(circuit.spice_options)
    if analysis:
        lines += [analysis] if isinstance(analysis, str) else list(analysis)
    lines.append(".end")
    return "\n".join(lines) + "\n"


def _numbers(circuit: Circuit, values: Mapping[str, object] | None) -> dict[sympy.Symbol, object]:
    raw = dict(circuit.params)
    raw.update({str(k): to_expr(v) for k, v in (values or {}).items()})
    return {symbol(k): v for k, v in resolve(raw).items()
            if v.is_number or v in (sympy.oo, -sympy.oo)}


def _fmt(x: float) -> str:
    """A float SPICE reads exactly: integers as integers, others as repr (it round-trips)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


class _Writer:
    def __init__(self, circuit: Circuit, numbers: dict, opamp_gain: float):
        self.circuit = circuit
        self.numbers = numbers
        self.gain = opamp_gain
        self.missing: set[str] = set()
        self.notes: list[str] = []
        self.cards_used: dict[str, str] = {}  # lowercased card key -> name written
        self.nodes: dict[str, str] = {}
        self.names: set[str] = set()

    # -- names ---------------------------------------------------------------------------
    def node(self, n: str) -> str:
        if n not in self.nodes:
            clean = spice_node(n)
            taken = set(self.nodes.values())
            while clean in taken and clean != n:
                clean += "_"
            self.nodes[n] = clean
        return self.nodes[n]

    def name(self, text: str) -> str:
        if text.lower() in self.names:
            raise NetlistError(f"two elements would both be named {text!r} in the SPICE netlist")
        self.names.add(text.lower())
        return text

    # -- values --------------------------------------------------------------------------
    def value(self, expr: sympy.Expr | None, complex_ok: bool = False):
        """A number for `expr` (None when symbols are missing: they are collected)."""
        if expr is None:
            return 0.0
        v = expr.xreplace(self.numbers) if expr.free_symbols else expr
        if v.free_symbols:
            self.missing |= {str(x) for x in v.free_symbols}
            return None
        if v in (sympy.oo, -sympy.oo) or v.has(sympy.oo):
            return math.inf
        z = complex(sympy.N(v, 17))
        if not complex_ok and z.imag != 0:
            raise NetlistError(f"value {expr} is complex at the numbers given")
        return z if complex_ok else z.real

    # -- elements ------------------------------------------------------------------------
    def element(self, e: Element) -> list[str]:
        kind = e.kind
        nodes = [self.node(n) for n in e.nodes]
        if kind in "RCL":
            v = self.value(e.value)
            if v is None:
                return []
            if math.isinf(v):
                if kind == "C":
                    raise NetlistError(f"{e.name}: an infinite capacitance has no SPICE form")
                self.notes.append(f"* {e.name} = oo: an open circuit, left out")
                return []
            return [f"{self.name(spice_name(e))} {' '.join(nodes)} {_fmt(v)}"]
        if kind in "VI":
            dc, ac = self.value(e.value), self.value(e.ac, complex_ok=True)
            if dc is None or ac is None:
                return []
            text = f"{self.name(spice_name(e))} {' '.join(nodes)} DC {_fmt(dc)}"
            if ac:
                text += f" AC {_fmt(abs(ac))}"
                if cmath.phase(ac):
                    text += f" {_fmt(math.degrees(cmath.phase(ac)))}"
            return [text]
        if kind in "EGFH":
            v = self.value(e.value)
            if v is None:
                return []
            if math.isinf(v):
                raise NetlistError(f"{e.name}: an infinite gain has no SPICE form")
            control = [self.control(e.control)] if e.control else []
            return [" ".join([self.name(spice_name(e)), *nodes, *control, _fmt(v)])]
        if kind == "O":
            out, inp, inn = nodes
            return [f"{self.name('E' + spice_name(e))} {out} 0 {inp} {inn} {_fmt(self.gain)}"
                    f" ; ideal op-amp {e.name} (a nullor), as a VCVS of large gain"]
        if kind == "K":
            k = self.value(e.value)
            if k is None:
                return []
            names = [self.control(x) for x in e.coupled]
            return [f"{self.name(spice_name(e))} {' '.join(names)} {_fmt(k)}"]
        if kind == "T":
            return self.transformer(e, nodes)
        return self.device(e, nodes)

    def control(self, name: str) -> str:
        found = self.circuit.find(name)
        return spice_name(found) if found is not None else name

    def transformer(self, e: Element, nodes: list[str]) -> list[str]:
        """v(p1, n1) = n·v(p2, n2) by a VCVS (with a 0 V source sensing the winding-1 current
        i), and -n·i into p2 by a CCCS: ngspice's own elements, exactly."""
        n = self.value(e.value)
        if n is None:
            return []
        p1, n1, p2, n2 = nodes
        base = spice_name(e)
        mid = self.node(f"{e.name.lower()}#sense")
        sense = self.name(f"V{base}_sense")
        return [f"* ideal transformer {e.name}, ratio {_fmt(n)}: v({p1},{n1}) = n*v({p2},{n2})",
                f"{self.name('E' + base)} {p1} {mid} {p2} {n2} {_fmt(n)}",
                f"{sense} {mid} {n1} DC 0",
                f"{self.name('F' + base)} {p2} {n2} {sense} {_fmt(-n)}"]

    def device(self, e: Element, nodes: list[str]) -> list[str]:
        card = self.circuit.model_of(e)
        key = (e.model or card.type).lower()
        if key not in self.circuit.models:  # a bare type: ngspice's defaults
            key = f"symsig_{card.type}"
        self.cards_used[key] = _card_name(key)
        if e.kind == "M" and len(nodes) == 3:
            nodes.append(nodes[2])  # body tied to the source
        extra = []
        for k, v in e.params:
            number = self.value(v)
            if number is not None:
                extra.append(f"{k}={_fmt(number)}")
        return [" ".join([self.name(spice_name(e)), *nodes, _card_name(key), *extra])]

    def cards(self) -> list[str]:
        out = []
        for key in self.cards_used:
            model = self.circuit.models.get(key)
            if model is None:
                out.append(f".model {_card_name(key)} {key.removeprefix('symsig_')}")
                continue
            rename = TO_SPICE[_DEVICE_TYPES[model.type]]
            params, dropped = [], []
            for k, v in model.params.items():
                spice = rename.get(k, k)
                if spice is None:
                    dropped.append(k)
                    continue
                number = self.value(v)
                if number is not None:
                    params.append(f"{spice}={_fmt(number)}")
            inside = f" ({' '.join(params)})" if params else ""
            out.append(f".model {_card_name(model.name)} {model.type}{inside}")
            if dropped:
                out.append(f"* {model.name}: symsig-only parameters left out: "
                           f"{', '.join(dropped)}")
        return out


def _card_name(name: str) -> str:
    """A model card's name for ngspice: a subcircuit's local card `X1.QN` -> `x1.qn`."""
    return _BAD_NODE_CHARS.sub("_", name.lower())
