"""The netlist language and the `Circuit` value it describes.

The language is data: `GRAMMAR` has one row per element letter saying how many nodes it takes and
what follows them, and one small parser reads every row. A `Circuit` is an immutable tuple of
`Element`s; the Python builder methods (`Circuit().R(...)`) make the same values as the parser.
Files are read by `files` (includes), subcircuits expanded by `subckt`, the instance parameters
other tools write handled by `dialects`, and `K` lines' mutual inductances by `coupling`.

Elements of a subcircuit instance keep SPICE's dotted names (`X1.R1`, `X1.X2.Q3`): an element's
kind is the letter of its own name after the instance path, and a device's symbols take, after
its stem, what follows that letter and then the path: `X1.Q1` -> `gm1_X1`, `X1.X2.M3` ->
`gm3_X1_X2` (DESIGN §2 with the instance path; LaTeX g_{m1,X1}).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import sympy

from ..errors import NetlistError, SymsigError
from . import coupling, dialects
from .files import Place
from .files import read as read_files
from .subckt import MAX_DEFINITION_NESTING, Body, Definition, Instance, flatten
from .values import RESERVED, parse_value, resolve, to_expr

GROUND = "0"
_GROUND_NAMES = {"0", "gnd"}


@dataclass(frozen=True)
class Row:
    """How one element letter is written: its node count and the fields after the nodes."""

    what: str
    nodes: int
    tail: str  # "value", "source" (DC/AC parts), "control value", "model" or "none"
    optional_nodes: int = 0  # a MOSFET's body node may be left out (tied to the source)


GRAMMAR: dict[str, Row] = {
    "R": Row("resistor", 2, "value"),
    "C": Row("capacitor", 2, "value"),
    "L": Row("inductor", 2, "value"),
    "V": Row("voltage source", 2, "source"),
    "I": Row("current source", 2, "source"),
    "E": Row("voltage-controlled voltage source", 4, "value"),
    "G": Row("voltage-controlled current source", 4, "value"),
    "F": Row("current-controlled current source", 2, "control value"),
    "H": Row("current-controlled voltage source", 2, "control value"),
    "Q": Row("bipolar transistor", 3, "model"),
    "M": Row("MOSFET", 3, "model", optional_nodes=1),
    "D": Row("diode", 2, "model"),
    "O": Row("ideal op-amp", 3, "none"),
    "K": Row("inductor coupling", 0, "inductors"),
    "T": Row("ideal transformer", 4, "value"),
}

# Every small-signal and bias symbol a device owns is a stem + the name after its letter.
# Matched devices (.match) share the model stems; each keeps its own bias quantities.
_MODEL_STEMS = ("gm", "gmb", "rpi", "ro", "rx", "re", "rd", "rz", "cpi", "cmu", "cgs", "cgd",
                "cdb", "csb", "cd", "beta", "alpha", "VA", "VBE", "VEB", "VD", "IS", "n", "kp",
                "Vth", "lambda", "W", "L", "chi")
_BIAS_STEMS = ("IC", "IB", "ID", "VCE", "VEC", "VGS", "VSG", "VDS", "VSD", "Vov")
#: Devices: replaced by their small-signal models before any linear analysis.
DEVICE_KINDS = frozenset("QMD")
#: Model types each device letter accepts; the first is the default.
DEVICE_TYPES = {"Q": ("npn", "pnp"), "M": ("nmos", "pmos"), "D": ("d",)}
# SPICE model-card names -> symsig's parameter names (DESIGN §2); others pass through lowercased.
_MODEL_ALIASES = {
    "bf": "beta", "vaf": "va", "nf": "n", "rb": "rx", "vbeon": "vbe", "vto": "vth",
    "vt0": "vth", "von": "vd", "type": "type",
}

#: Kinds whose branch is an ideal voltage (a loop of these has no solution). An ideal op-amp's
#: output (O) is one: it holds whatever voltage makes its inputs equal.
VOLTAGE_KINDS = frozenset("VEHO")
#: Independent sources.
SOURCE_KINDS = frozenset("VI")

# Analysis and output commands of SPICE files (ngspice, LTspice, KiCad) that mean nothing to a
# symbolic small-signal analysis: read and ignored, each with a note.
_IGNORED_COMMANDS = {
    ".ac", ".op", ".tran", ".dc", ".noise", ".tf", ".print", ".plot", ".probe", ".options",
    ".option", ".opt", ".save", ".meas", ".measure", ".backanno", ".temp", ".ic", ".nodeset",
    ".four", ".fourier", ".sens", ".pz", ".disto", ".step", ".wave", ".net", ".width",
    ".csparam", ".loadbias", ".savebias", ".ferret", ".sp", ".spinit",
}
# Commands that would change the circuit and that symsig cannot read: an error, not a guess.
_UNSUPPORTED_COMMANDS = {".func": "user functions", ".if": "conditional netlists",
                         ".elseif": "conditional netlists", ".else": "conditional netlists",
                         ".endif": "conditional netlists", ".machine": "state machines",
                         ".model_b": "behavioural models", ".connect": ".connect"}
# Commands that change a simulator's operating point: kept for the ngspice bridge.
_SIMULATOR_OPTIONS = {".options", ".option", ".opt", ".temp"}
# Words of a source line: keywords, and SPICE's large-signal time functions (no AC part).
_SOURCE_KEYWORDS = {"dc", "ac"}
_TIME_FUNCTIONS = {"sin", "sine", "pulse", "exp", "pwl", "sffm", "am", "trnoise", "trrandom"}
# KiCad writes nets as Net-(R1-Pad2) and /sheet/net: parentheses are allowed, balanced
_NODE_NAME = re.compile(r"[\w.+\-#:\[\]<>!$%&|/]+(?:\([\w.+\-#:\[\]<>!$%&|/]*\)"
                        r"[\w.+\-#:\[\]<>!$%&|/]*)*")
_TOKEN = re.compile(r"\{[^}]*\}|[^\s{(=]+\([^)]*\)|[^\s=]+|=")


def show(expr: sympy.Expr) -> str:
    """A value as netlist text: bare when it is a name or a number, else braced."""
    text = str(expr)
    return text if re.fullmatch(r"[\w.]+", text) else "{" + text + "}"


@dataclass(frozen=True)
class Element:
    """One netlist element. For V and I sources `value` is the DC part and `ac` the AC part."""

    name: str
    nodes: tuple[str, ...]
    value: sympy.Expr | None = None
    ac: sympy.Expr | None = None
    control: str | None = None
    line: int | None = None
    model: str | None = None  # devices: a .model name or a type (npn, pmos, ...)
    params: tuple[tuple[str, sympy.Expr], ...] = ()  # devices: instance parameters (W=, L=)
    # What the user wrote that this element stands for, when symsig made it (a device's model
    # part, a test source): messages say "Q1's base-emitter junction", never "Vbe_Q1".
    origin: str | None = None
    coupled: tuple[str, ...] = ()  # a K line: the inductors it couples
    source: str | None = None  # "part.cir line 2": where an included file wrote it

    @property
    def local(self) -> str:
        """The name inside its subcircuit instance: `R1` for `X1.X2.R1`."""
        return _split_name(self.name)[1]

    @property
    def path(self) -> str:
        """The subcircuit instance path: `X1.X2` for `X1.X2.R1` ("" at the top)."""
        return _split_name(self.name)[0]

    @property
    def kind(self) -> str:
        name = self.name
        if name[0] not in "xX" or "." not in name:  # the common case, kept fast
            return name[0].upper()
        return (self.local or name)[0].upper()

    @property
    def suffix(self) -> str:
        return symbol_suffix(self.name)

    @property
    def what(self) -> str:
        return GRAMMAR[self.kind].what

    @property
    def label(self) -> str:
        """The element as a message names it: its own name, or what it was made from."""
        return self.origin or self.name

    def where(self) -> str:
        """How an error message points at this element."""
        label = f"{self.label} ({self.source})" if self.source else self.label
        return f"line {self.line}: {label}" if self.line is not None else label

    def netlist_line(self) -> str:
        parts = [self.name, *self.nodes]
        if self.kind == "K":
            parts = [self.name, *self.coupled, show(self.value)]
        elif self.kind in DEVICE_KINDS:
            parts += [self.model] if self.model else []
            parts += [f"{k}={show(v)}" for k, v in self.params]
        elif self.kind == "O":
            pass
        elif self.kind in SOURCE_KINDS:
            if self.value is not None and self.value != 0:
                parts += ["DC", show(self.value)]
            if self.ac is not None and self.ac != 0:
                parts += ["AC", show(self.ac)]
            if len(parts) == 3:
                parts += ["DC", "0"]
        else:
            if self.control is not None:
                parts.append(self.control)
            parts.append(show(self.value))
        return " ".join(parts)


@dataclass(frozen=True)
class Model:
    """A `.model NAME TYPE (k=v ...)` card: parameters given here are numbers or expressions;
    those left out stay symbolic."""

    name: str
    type: str
    params: Mapping[str, sympy.Expr] = field(default_factory=dict)
    line: int | None = None

    def card(self) -> str:
        inside = " ".join(f"{k}={show(v)}" for k, v in self.params.items())
        return f".model {self.name} {self.type}" + (f" ({inside})" if inside else "")


def _node(name: str) -> str:
    name = str(name).strip().lower()
    return GROUND if name in _GROUND_NAMES else name


def _split_name(name: str) -> tuple[str, str]:
    """(instance path, local name) of an element name: `X1.X2.R1` -> (`X1.X2`, `R1`). The
    path is the leading dotted parts that name instances (X...), as long as a name is left."""
    if "." not in name or name[0] not in "xX":
        return "", name
    parts = name.split(".")
    i = 0
    while i < len(parts) - 1 and parts[i][:1] in ("x", "X"):
        i += 1
    return ".".join(parts[:i]), ".".join(parts[i:])


def symbol_suffix(name: str) -> str:
    """What an element's symbols end in (DESIGN §2): the name after its letter (`Q1` ->
    `1`), then the instance path (`X1.Q1` -> `1_X1`), as a symbol-safe name."""
    path, local = _split_name(name)
    if not path:
        return name[1:]
    return re.sub(r"\W", "_", local[1:] + "_" + path.replace(".", "_"))


@dataclass(frozen=True)
class Circuit:
    """An immutable linear circuit: elements in netlist order, `.param` values and a title."""

    elements: tuple[Element, ...] = ()
    params: Mapping[str, sympy.Expr] = field(default_factory=dict)
    title: str = ""
    models: Mapping[str, Model] = field(default_factory=dict)  # keyed by lowercased name
    aliases: Mapping[str, str] = field(default_factory=dict)  # node -> node it was merged into
    # .match: a device (lowercased name) -> the device whose small-signal symbols it shares
    matches: Mapping[str, str] = field(default_factory=dict)
    # .options/.temp lines, kept for a simulator (they change its operating point)
    spice_options: tuple[str, ...] = ()
    # what reading skipped, one line each ("line 12: .tran ignored ..."), for a front end to show
    notes: tuple[str, ...] = ()

    # -- queries ---------------------------------------------------------------------------
    def nodes(self) -> list[str]:
        """Every node except ground, in order of first appearance."""
        seen: dict[str, None] = {}
        for e in self.elements:
            for n in e.nodes:
                if n != GROUND:
                    seen.setdefault(n, None)
        return list(seen)

    def resolve(self, node: str) -> str:
        """A node's name in this circuit: normalised, and followed through merged nodes."""
        node = _node(node)
        return self.aliases.get(node, node)

    def has_node(self, node: str) -> bool:
        node = self.resolve(node)
        return node == GROUND or node in self.nodes()

    def devices(self) -> list[Element]:
        return [e for e in self.elements if e.kind in DEVICE_KINDS]

    def model_of(self, device: Element) -> Model:
        """The device's .model card, or an empty card of its type (all parameters symbolic)."""
        key = (device.model or DEVICE_TYPES[device.kind][0]).lower()
        if key in self.models:
            return self.models[key]
        return Model(key, key)

    @cached_property
    def _by_name(self) -> dict[str, Element]:
        return {e.name.lower(): e for e in self.elements}

    def find(self, name: str) -> Element | None:
        return self._by_name.get(name.lower())

    def fresh_name(self, base: str) -> str:
        """`base`, or `base_2`, `base_3`, ...: a name no element of this circuit has, for the
        elements symsig adds (test sources), so they never clash with a user's names."""
        name, k = base, 1
        while self.find(name) is not None:
            k += 1
            name = f"{base}_{k}"
        return name

    def symbol_suffix(self, device: Element) -> str:
        """What a device's small-signal symbols end in: its own name after the letter (Q1 ->
        gm1), or that of the device it is matched to (`.match Q1 Q2`: Q2 -> gm1)."""
        leader = self.matches.get(device.name.lower())
        if leader is None:
            return device.suffix
        found = self.find(leader)
        return found.suffix if found is not None else leader[1:]

    def element(self, name: str) -> Element:
        e = self.find(name)
        if e is None:
            raise NetlistError(f"no element named {name!r} in the circuit")
        return e

    def symbols(self) -> set[sympy.Symbol]:
        out: set[sympy.Symbol] = set()
        for e in self.elements:
            for v in (e.value, e.ac, *(v for _, v in e.params)):
                if v is not None:
                    out |= v.free_symbols
        return out

    # -- new circuits from this one --------------------------------------------------------
    def add(self, element: Element) -> Circuit:
        """This circuit with one more element (names must stay unique, case-insensitively)."""
        if element.kind not in GRAMMAR:
            raise NetlistError(f"unknown element {element.name!r}", element.line)
        if self.aliases:  # a node merged by a short is reached by its old name too
            element = replace(element, nodes=tuple(self.resolve(n) for n in element.nodes))
        if self.find(element.name) is not None:
            first = self.find(element.name)
            at = f" (first defined on line {first.line})" if first.line is not None else ""
            raise NetlistError(f"duplicate element name {element.name!r}{at}", element.line)
        return replace(self, elements=self.elements + (element,))

    def without(self, *names: str) -> Circuit:
        """This circuit with the named elements removed (an open circuit in their place)."""
        for n in names:
            self.element(n)
        drop = {n.lower() for n in names}
        kept = []
        for e in self.elements:
            if e.name.lower() in drop:
                continue
            if e.kind == "K" and any(x.lower() in drop for x in e.coupled):
                left = tuple(x for x in e.coupled if x.lower() not in drop)
                if len(left) < 2:
                    continue  # an inductor it coupled is gone: nothing left to couple
                e = replace(e, coupled=left, nodes=self._coupled_nodes(left))
            if e.control is not None and e.control.lower() in drop:
                # the sensing source is open now, so its current is zero: an F source gives
                # no current (gone), an H source no voltage (a 0 V short)
                if e.kind == "F":
                    continue
                e = Element(self.fresh_name(f"V{e.name}"), e.nodes, sympy.Integer(0),
                            sympy.Integer(0), line=e.line, origin=e.label)
            kept.append(e)
        out = replace(self, elements=tuple(kept))
        if any(e.kind == "K" for e in self.elements):
            out = out._with_couplings(self._relation_names())
        return out

    def replace(self, name: str, **changes) -> Circuit:
        """This circuit with one element's fields changed (e.g. value=0)."""
        old = self.element(name)
        new = replace(old, **changes)
        out = replace(self, elements=tuple(new if e is old else e for e in self.elements))
        if old.kind in "KL":  # a mutual inductance's relation follows its values
            out = out._with_couplings()
        return out

    def _coupled_nodes(self, inductors: Iterable[str]) -> tuple[str, ...]:
        return tuple(n for x in inductors for n in self.element(x).nodes)

    def _with_couplings(self, old: Iterable[str] = ()) -> Circuit:
        """This circuit with the relations M = k·√(L1·L2) of its symbolic mutual inductances
        among its parameters (see `coupling`), and without those of couplings (`old` names)
        that are gone."""
        stale = self._relation_names() | set(old)
        params = {k: v for k, v in self.params.items() if k not in stale}
        params.update(coupling.relations(self))
        return replace(self, params=params)

    def _relation_names(self) -> set[str]:
        return {name for e in self.elements if e.kind == "K"
                for _, _, name in coupling.pairs(e)}

    def with_params(self, **params) -> Circuit:
        merged = dict(self.params)
        merged.update({k: to_expr(v) for k, v in params.items()})
        return replace(self, params=merged)

    def netlist(self) -> str:
        """The circuit as netlist text that `parse` reads back to the same circuit."""
        lines = [f"* {self.title}" if self.title else "* symsig circuit"]
        lines += [e.netlist_line() for e in self.elements]
        lines += [m.card() for m in self.models.values()]
        derived = coupling.relations(self)
        for k, v in self.params.items():
            if derived.get(k) != v:  # a mutual inductance's relation is the K line's to give
                lines.append(f".param {k}={show(v)}")
        for follower, leader in self.matches.items():
            lines.append(f".match {leader} {self.element(follower).name}")
        lines += self.spice_options
        lines.append(".end")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.netlist()

    def _repr_svg_(self) -> str | None:
        """Jupyter: the schematic (draw.schematic), or nothing where it cannot be placed."""
        from ..draw.schematic import circuit_svg

        try:
            return circuit_svg(self)
        except SymsigError:  # (a PlacementError: the notebook shows the text form instead)
            return None

    # -- builder: one method per element letter ----------------------------------------------
    def _two(self, name: str, letter: str, a: str, b: str, value: object) -> Circuit:
        _check_letter(name, letter)
        return self.add(Element(name, (_node(a), _node(b)), to_expr(value)))

    def R(self, name: str, a: str, b: str, value: object) -> Circuit:  # noqa: N802
        return self._two(name, "R", a, b, value)

    def C(self, name: str, a: str, b: str, value: object) -> Circuit:  # noqa: N802
        return self._two(name, "C", a, b, value)

    def L(self, name: str, a: str, b: str, value: object) -> Circuit:  # noqa: N802
        return self._two(name, "L", a, b, value)

    def V(self, name: str, p: str, n: str, dc: object = 0, ac: object = 0) -> Circuit:  # noqa: N802
        _check_letter(name, "V")
        return self.add(Element(name, (_node(p), _node(n)), to_expr(dc), to_expr(ac)))

    def I(self, name: str, p: str, n: str, dc: object = 0, ac: object = 0) -> Circuit:  # noqa: N802, E743
        _check_letter(name, "I")
        return self.add(Element(name, (_node(p), _node(n)), to_expr(dc), to_expr(ac)))

    def E(self, name: str, p: str, n: str, cp: str, cn: str, gain: object) -> Circuit:  # noqa: N802
        _check_letter(name, "E")
        return self.add(Element(name, tuple(map(_node, (p, n, cp, cn))), to_expr(gain)))

    def G(self, name: str, p: str, n: str, cp: str, cn: str, gm: object) -> Circuit:  # noqa: N802
        _check_letter(name, "G")
        return self.add(Element(name, tuple(map(_node, (p, n, cp, cn))), to_expr(gm)))

    def F(self, name: str, p: str, n: str, vsense: str, gain: object) -> Circuit:  # noqa: N802
        _check_letter(name, "F")
        return self.add(Element(name, (_node(p), _node(n)), to_expr(gain), control=vsense))

    def H(self, name: str, p: str, n: str, vsense: str, r: object) -> Circuit:  # noqa: N802
        _check_letter(name, "H")
        return self.add(Element(name, (_node(p), _node(n)), to_expr(r), control=vsense))

    def O(self, name: str, out: str, inp: str, inn: str) -> Circuit:  # noqa: N802, E743
        """An ideal op-amp (nullor): v(inp) = v(inn), no input current, any output current."""
        _check_letter(name, "O")
        return self.add(Element(name, tuple(map(_node, (out, inp, inn)))))

    def K(self, name: str, *inductors_and_k: object) -> Circuit:  # noqa: N802
        """Coupled inductors: `K("K1", "L1", "L2", k)`, mutual inductance M = k·√(L1·L2)
        (the inductors must be in the circuit already)."""
        _check_letter(name, "K")
        *inductors, k = inductors_and_k
        element = Element(name, (), to_expr(k), coupled=tuple(str(x) for x in inductors))
        _check_coupling(self, element)
        element = replace(element, nodes=self._coupled_nodes(element.coupled))
        return self.add(element)._with_couplings()

    def TF(self, name: str, p1: str, n1: str, p2: str, n2: str, ratio: object) -> Circuit:  # noqa: N802
        """An ideal transformer with turns ratio n = N1/N2 from winding p1-n1 to winding p2-n2:
        v(p1, n1) = n·v(p2, n2), and the current into p2 is -n times the current into p1."""
        if not name[:2].upper() == "TF":
            raise NetlistError(f"an ideal transformer name must start with 'TF': {name!r}")
        return self.add(Element(name, tuple(map(_node, (p1, n1, p2, n2))), to_expr(ratio)))

    # -- other formats ---------------------------------------------------------------------
    def to_spice(self, values: Mapping[str, object] | None = None, **options) -> str:
        """A numeric netlist ngspice runs as it is (see `symsig.circuit.spice_out.to_spice`)."""
        from .spice_out import to_spice

        return to_spice(self, values, **options)

    def to_lcapy(self, **options):
        """This circuit as an `lcapy.Circuit` (see `symsig.circuit.lcapy_io`)."""
        from .lcapy_io import to_lcapy

        return to_lcapy(self, **options)

    @classmethod
    def from_lcapy(cls, circuit) -> Circuit:
        """A symsig circuit from an `lcapy.Circuit` (see `symsig.circuit.lcapy_io`)."""
        from .lcapy_io import from_lcapy

        return from_lcapy(circuit)


def _check_letter(name: str, letter: str) -> None:
    if not name or name[0].upper() != letter:
        raise NetlistError(f"a {GRAMMAR[letter].what} name must start with {letter!r}: {name!r}")


# -- the parser -------------------------------------------------------------------------------
def _check_braces(content: str, line: int) -> None:
    """A braced value is one level deep: `{a*(b+c)}`; `{{x}}` or a stray brace is an error."""
    depth = 0
    for ch in content:
        if ch == "{":
            depth += 1
            if depth > 1:
                raise NetlistError("nested braces: write one {...} around the whole expression "
                                   "and parentheses inside", line)
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise NetlistError("unbalanced braces: a '}' with no '{' before it", line)
    if depth:
        raise NetlistError("unbalanced braces: a '{' is never closed", line)


def _source_parts(name: str, tokens: list[str], line: int) -> tuple[sympy.Expr, sympy.Expr]:
    """DC and AC parts of `V1 a b [[DC] x] [AC [mag [phase]]] [SIN(...)]`, read strictly.

    SPICE's reading: a bare first value is the DC part; `AC` alone means magnitude 1; the phase
    is in degrees; large-signal time functions (SIN, PULSE, ...) have no small-signal part and
    are skipped. Anything else, a keyword given twice, or a keyword where a value belongs, is
    an error naming it, never a silent misreading.
    """
    dc, ac = sympy.Integer(0), sympy.Integer(0)
    seen: set[str] = set()

    def is_value(k: int) -> bool:
        if k >= len(tokens):
            return False
        word = tokens[k].lower()
        return word not in _SOURCE_KEYWORDS and _time_function(tokens, k) is None

    def once(word: str) -> None:
        if word in seen:
            raise NetlistError(f"{name}: {word.upper()} given twice", line)
        seen.add(word)

    i = 0
    while i < len(tokens):
        word = tokens[i].lower()
        end = _time_function(tokens, i)
        if end is not None:
            i = end
        elif word == "dc":
            once("dc")
            if not is_value(i + 1):
                raise NetlistError(f"{name}: DC needs a value after it", line)
            dc = parse_value(tokens[i + 1], line)
            i += 2
        elif word == "ac":
            once("ac")
            mag, i = sympy.Integer(1), i + 1
            if is_value(i):
                mag, i = parse_value(tokens[i], line), i + 1
                if is_value(i):
                    phase = parse_value(tokens[i], line)
                    if not phase.is_number:
                        raise NetlistError(f"{name}: the AC phase must be a number of degrees, "
                                           f"not {tokens[i]!r}", line)
                    if phase != 0:
                        mag = mag * sympy.exp(sympy.I * sympy.pi * phase / 180)
                    i += 1
            ac = mag
        elif i == 0:
            once("dc")
            dc = parse_value(tokens[i], line)
            i += 1
        else:
            raise NetlistError(f"{name}: unexpected {tokens[i]!r} in the source specification "
                               "(write [DC] value [AC magnitude [phase]])", line)
    return dc, ac


def _time_function(tokens: list[str], i: int) -> int | None:
    """If tokens[i] starts a time function such as SIN(0 1 1k) or `PULSE (0 5 ...)`, the index
    after its closing parenthesis; else None."""
    head = tokens[i].split("(", 1)[0].lower()
    if head not in _TIME_FUNCTIONS:
        return None
    if "(" not in tokens[i]:
        if i + 1 >= len(tokens) or not tokens[i + 1].startswith("("):
            return None
    depth, k = 0, i
    while k < len(tokens):
        depth += tokens[k].count("(") - tokens[k].count(")")
        k += 1
        if depth <= 0 and k > i + ("(" not in tokens[i]):
            return k
    return k  # an unclosed function runs to the end of the line, as SPICE reads it


def _letter(name: str) -> str:
    """The element letter of a name as written: `R1` -> R, a flattened `X1.R1` -> R."""
    return (_split_name(name)[1] or name)[0].upper()


def _flattened(name: str) -> bool:
    """A name like `X1.R1` written by `Circuit.netlist()` for an element of an instance: an
    element, not an instance line."""
    return name[0] in "xX" and "." in name and _letter(name) in GRAMMAR


def _element(tokens: list[str], line: int, models: frozenset[str] = frozenset(),
             note=None) -> list[Element]:
    """One element line as elements (LTspice's parasitics on a part's line add a few); `models`
    holds the file's .model names (a MOSFET's 4th field is either its body node or its
    model)."""
    name = tokens[0]
    letter = _letter(name)
    row = GRAMMAR.get(letter)
    if row is None:
        raise NetlistError(f"unknown element {name!r} (letter {letter!r})", line)
    for t in tokens[1:]:
        if re.match(r"(poly|value|table)\b", t, re.I) and row.tail != "source":
            raise NetlistError(f"{name}: {t.split('(')[0].upper()} forms are not supported", line)
    if row.tail == "model":
        fields = tokens[1:]
        plain = [f for f in fields if f != "="]
        if letter == "Q" and len(plain) - 2 * fields.count("=") == 5 and \
                fields[4].lower() in models | set(DEVICE_TYPES["Q"]):
            # c b e substrate MODEL (LTspice writes the substrate node): symsig's BJT models
            # have no substrate capacitance, so the node changes nothing
            if note is not None:
                note(f"{name}: substrate node {fields[3]!r} ignored (no substrate "
                     "capacitance in the small-signal model)")
            fields = fields[:3] + fields[4:]
        return [_device(name, row, fields, line, models)]
    if row.tail == "inductors":
        return [_coupling(name, tokens[1:], line)]
    if letter == "T" and _split_name(name)[1][:2].upper() != "TF":
        raise NetlistError(f"{name}: transmission lines (T) are not supported; an ideal "
                           "transformer is written TF1 p1 n1 p2 n2 RATIO", line)
    fields, params = tokens[1:], []
    if letter in "RLCVI":
        fields, params = dialects.split(name, fields, line)
    nodes = _nodes(name, row, fields[: row.nodes], line)
    rest = fields[row.nodes :]
    if row.tail == "source":
        dc, ac = _source_parts(name, rest, line)
        element = Element(name, nodes, dc, ac, line=line)
    elif row.tail == "none":
        if rest:
            raise NetlistError(f"{name}: unexpected {rest[0]!r}: {_a(row.what)} is written "
                               f"{_usage(name, row)}", line)
        return [Element(name, nodes, line=line)]
    else:
        want = 2 if row.tail == "control value" else 1
        if len(rest) != want:
            raise NetlistError(f"{name}: wrong number of fields: {_a(row.what)} is written "
                               f"{_usage(name, row)}", line)
        if want == 2:
            return [Element(name, nodes, parse_value(rest[1], line), control=rest[0], line=line)]
        element = Element(name, nodes, parse_value(rest[0], line), line=line)
    if not params:
        return [element]
    return dialects.apply(element, params, line, note or (lambda _: None),
                          lambda n, ns, v, origin: Element(n, ns, v, line=line, origin=origin))


def _coupling(name: str, fields: list[str], line: int) -> Element:
    """`K1 L1 L2 k` (LTspice: `K1 L1 L2 L3 k` couples every pair)."""
    if len(fields) < 3:
        raise NetlistError(f"{name}: a coupling is written {name} L1 L2 k", line)
    *inductors, value = fields
    seen: set[str] = set()
    for x in inductors:
        if _letter(x) != "L":
            raise NetlistError(f"{name}: {x!r} is not an inductor (a coupling is written "
                               f"{name} L1 L2 k)", line)
        if x.lower() in seen:
            raise NetlistError(f"{name}: {x} is named twice", line)
        seen.add(x.lower())
    k = parse_value(value, line)
    if k.is_number and not abs(k) <= 1:
        raise NetlistError(f"{name}: the coupling coefficient {value} is not between -1 and 1",
                           line)
    return Element(name, (), k, line=line, coupled=tuple(inductors))


def _a(what: str) -> str:
    return ("an " if what[0] in "aeiou" else "a ") + what


def _usage(name: str, row: Row) -> str:
    nodes = " ".join(f"n{i + 1}" for i in range(row.nodes))
    tail = {"value": "VALUE", "source": "[DC x] [AC y]", "control value": "VSENSE VALUE",
            "model": "[MODEL]", "none": "", "inductors": "L1 L2 k"}[row.tail]
    if row.optional_nodes:
        nodes += " [body]"
    if _letter(name) == "O":
        nodes = "out in+ in-"
    return f"{name} {nodes} {tail}".rstrip()


def _nodes(name: str, row: Row, nodes: list[str], line: int) -> tuple[str, ...]:
    if len(nodes) < row.nodes or any(n == "=" for n in nodes):
        raise NetlistError(f"{name}: {_a(row.what)} needs {row.nodes} nodes: {_usage(name, row)}",
                           line)
    for n in nodes:
        if not _NODE_NAME.fullmatch(n):
            raise NetlistError(f"{name}: bad node name {n!r}", line)
    return tuple(_node(n) for n in nodes)


def _device(name: str, row: Row, fields: list[str], line: int, models: frozenset[str]):
    """`Q1 c b e [MODEL]`, `M1 d g s [b] [MODEL] [W=.. L=..]`, `D1 a k [MODEL]`."""
    params = []
    while len(fields) >= 3 and fields[-2] == "=":
        params.insert(0, (fields[-3].lower(), parse_value(fields[-1], line)))
        fields = fields[:-3]
    types = DEVICE_TYPES[name[0].upper()]
    extra = len(fields) - row.nodes
    if extra < 0 or extra > 1 + row.optional_nodes:
        raise NetlistError(
            f"{name}: wrong number of fields: {_a(row.what)} is written {_usage(name, row)}", line)
    has_model = extra == 2 or (extra == 1 and (
        not row.optional_nodes or fields[-1].lower() in models or fields[-1].lower() in types))
    model = fields[-1] if has_model else None
    nodes = _nodes(name, row, fields[: len(fields) - has_model], line)
    return Element(name, nodes, line=line, model=model, params=tuple(params))


def _unparenthesized(card: str) -> str:
    """A .model card with its parameter list's parentheses made spaces (NPN(BF=100 ...)), but
    not those inside braces ({4/log(4)} is an expression)."""
    depth, out = 0, []
    for ch in card:
        depth += (ch == "{") - (ch == "}")
        out.append(" " if ch in "()" and depth == 0 else ch)
    return "".join(out)


def _model(tokens: list[str], line: int) -> Model:
    """`.model NAME TYPE (k=v ...)`; parentheses optional, SPICE parameter names accepted."""
    if len(tokens) < 3:
        raise NetlistError(".model expects NAME TYPE (param=value ...)", line)
    name, kind = tokens[1], tokens[2].lower()
    known = {t for types in DEVICE_TYPES.values() for t in types}
    if kind not in known:
        raise NetlistError(f".model {name}: unknown type {tokens[2]!r} "
                           f"(one of {', '.join(sorted(known))})", line)
    params: dict[str, sympy.Expr] = {}
    rest = tokens[3:]
    if len(rest) % 3:
        raise NetlistError(f".model {name}: parameters must be written name=value", line)
    for i in range(0, len(rest), 3):
        key, equals, value = rest[i : i + 3]
        if equals != "=":
            raise NetlistError(f".model {name}: parameters must be written name=value", line)
        key = key.lower()
        if key in dialects.MODEL_ANNOTATIONS:
            continue  # LTspice's ratings and manufacturer: documentation, not a parameter
        params[_MODEL_ALIASES.get(key, key)] = parse_value(value, line)
    return Model(name, kind, params, line)


def _params(tokens: list[str], line: int) -> dict[str, sympy.Expr]:
    """`.param a=1k b={2*a}`: names and values, in order."""
    if not tokens or len(tokens) % 3:
        raise NetlistError(".param expects NAME=VALUE", line)
    out = {}
    for i in range(0, len(tokens), 3):
        name, equals, value = tokens[i : i + 3]
        if equals != "=" or not re.fullmatch(r"[A-Za-z_]\w*", name):
            got = " ".join(tokens[i : i + 3])
            raise NetlistError(f".param expects NAME=VALUE, got {got!r}", line)
        if name in RESERVED:
            raise NetlistError(f".param {name}: {name} is {RESERVED[name]} and cannot be given "
                               "a value", line)
        out[name] = parse_value(value, line)
    return out


def _match(tokens: list[str], line: int, matches: dict[str, str],
           lines: dict[str, tuple[int, str]]) -> None:
    """`.match Q1 Q2 ...`: the devices after the first share its small-signal symbols."""
    if len(tokens) < 2:
        raise NetlistError(".match needs two or more devices: .match Q1 Q2", line)
    leader = tokens[0]
    for name in tokens:
        key = name.lower()
        if key in lines:
            raise NetlistError(f".match: {name} is already matched (line {lines[key][0]})",
                               line)
        lines[key] = (line, name)
    for name in tokens[1:]:
        matches[name.lower()] = leader


_NOTES = {
    ".backanno": "LTspice's back-annotation marker",
    ".options": "simulator options, kept for the operating point only",
    ".option": "simulator options, kept for the operating point only",
    ".opt": "simulator options, kept for the operating point only",
    ".temp": "the simulation temperature, kept for the operating point only",
}


def _note_line(note: str) -> int:
    """The line a note is about, to list the notes in the file's order."""
    match = re.match(r"line (\d+)", note)
    return int(match.group(1)) if match else 0


def _ignored(word: str) -> str:
    return _NOTES.get(word, "an analysis or output card; symsig derives the small-signal "
                            "results itself")


def parse(text: str, check_floating: bool = True, *, directory=None,
          files: bool = True) -> Circuit:
    """Read netlist text into a validated `Circuit`; errors name the line.

    `.include` and `.lib` files are read relative to `directory` (default: the `directory`
    attribute of `text`, which the command line's reader sets to the netlist's folder, else the
    working directory); `files=False` refuses them (text from an untrusted source).
    `check_floating=False` leaves the floating-node check to the solve: a two-port such as a
    lone series element has its ground only once the port test sources are attached.
    """
    if directory is None:
        directory = getattr(text, "directory", None)
    read = read_files(text, directory, files)
    reader = _Reader(read.notes)
    reader.model_names = frozenset(
        t[1].lower() for t in (_TOKEN.findall(c) for _, c in read.lines)
        if t[0].lower() == ".model" and len(t) > 1)
    for index, (place, content) in enumerate(read.lines):
        try:
            reader.line(index, place, content)
        except NetlistError as exc:
            if place.file is None:
                raise
            raise place.error(exc.message) from None
    top = reader.finish()
    flat = flatten(top, frozenset(reader.globals))
    elements = flat.elements
    seen: dict[str, Element] = {}
    for e in elements:  # one pass, not Circuit.add per element: a netlist may be long
        first_use = seen.setdefault(e.name.lower(), e)
        if first_use is not e:
            raise NetlistError(f"duplicate element name {e.name!r} (first defined on line "
                               f"{first_use.line})", e.line)
    elements = _couplings(elements, seen)
    params = dict(top.params)
    resolve(params, {k: p.top for k, p in top.param_places.items()})  # a .param cycle: error
    matches: dict[str, str] = {}
    match_lines: dict[str, tuple[int, str]] = {}
    for names, place in flat.matches:
        _match(names, place.top, matches, match_lines)
    circuit = Circuit(tuple(elements), params=params, title=reader.title, models=flat.models,
                      matches=matches, spice_options=tuple(reader.options),
                      notes=tuple(sorted(reader.notes, key=_note_line)))
    if any(e.kind == "K" for e in elements):
        circuit = _checked_relations(circuit)
    _check_matches(circuit, match_lines)
    validate(circuit, check_floating)
    return circuit


def _couplings(elements: list[Element], by_name: Mapping[str, Element]) -> list[Element]:
    """Each K line pointed at its inductors: they must exist and be inductors; its nodes are
    theirs (so every element has nodes to follow)."""
    out = []
    for e in elements:
        if e.kind == "K":
            _check_coupling(by_name, e)
            e = replace(e, nodes=tuple(n for x in e.coupled for n in by_name[x.lower()].nodes))
        out.append(e)
    return out


def _check_coupling(circuit, k: Element) -> None:
    """A K line's inductors exist and are inductors (`circuit`: a Circuit or a lowercased
    name -> element mapping)."""
    for x in k.coupled:
        found = circuit.find(x) if isinstance(circuit, Circuit) else circuit.get(x.lower())
        if found is None:
            raise NetlistError(f"{k.name}: no inductor named {x!r} to couple", k.line)
        if found.kind != "L":
            raise NetlistError(f"{k.name}: {found.name} is a {found.what}, not an inductor",
                               k.line)


def _checked_relations(circuit: Circuit) -> Circuit:
    """The circuit with its mutual-inductance relations among the parameters; a name the
    netlist already uses for something else is an error (never a silent clash)."""
    relations = coupling.relations(circuit)
    used = {str(x) for x in circuit.symbols()} | set(circuit.params)
    for name in relations:
        if name in used:
            k = next(e for e in circuit.elements if e.kind == "K"
                     and name in {n for _, _, n in coupling.pairs(e)})
            raise NetlistError(f"{k.name}: its mutual inductance is named {name} "
                               f"(M = k*sqrt(L1*L2)), a name the netlist already uses; rename "
                               f"{k.name} or the other {name}", k.line)
    return circuit._with_couplings()


class _Reader:
    """Reads logical lines into the netlist's `Body` (and its subcircuit definitions)."""

    def __init__(self, notes: list[str]):
        self.notes = list(notes)
        self.top = Body()
        self.stack = [self.top]
        self.model_names: frozenset[str] = frozenset()
        self.first: tuple[Place, str] | None = None
        self.options: list[str] = []
        self.globals: set[str] = set()
        self.title = ""
        self.title_card: str | None = None
        self.instance_lines: list[dict[str, Place]] = [{}]

    def note(self, place: Place, text: str) -> None:
        inner = place.inner()
        self.notes.append(f"line {place.top}: " + (f"in {inner}: " if inner else "") + text)

    def line(self, index: int, place: Place, content: str) -> None:
        line = place.line
        tokens = _TOKEN.findall(content)
        word = tokens[0].lower()
        body = self.stack[-1]
        is_first = index == 0 and line == 1 and place.file is None
        if not is_first:  # the first line may be a title: free text
            _check_braces(content, line)
        if word == ".subckt":
            self.definition(tokens, place)
        elif word == ".ends":
            if len(self.stack) == 1:
                raise NetlistError(".ends without a .subckt before it", line)
            d = body.definition
            if len(tokens) > 1 and tokens[1].lower() != d.name.lower():
                raise NetlistError(f".ends {tokens[1]}: the open subcircuit is {d.name} "
                                   f"(line {d.place.top})", line)
            self.stack.pop()
            self.instance_lines.pop()
        elif word == ".param":
            found = _params(tokens[1:], line)
            body.params.update(found)
            body.param_places.update(dict.fromkeys(found, place))
        elif word == ".model":
            model = _model(_TOKEN.findall(_unparenthesized(content)), line)
            if model.name.lower() in body.models:
                raise NetlistError(f"duplicate .model {model.name!r}", line)
            body.models[model.name.lower()] = replace(model, line=place.top)
        elif word == ".match":
            if len(tokens) < 3:
                raise NetlistError(".match needs two or more devices: .match Q1 Q2", line)
            body.matches.append((tokens[1:], place))
        elif word == ".global":
            self.globals |= {_node(n) for n in tokens[1:]}
        elif word == ".title":
            self.title_card = content.split(None, 1)[1].strip() if len(tokens) > 1 else ""
        elif word in _UNSUPPORTED_COMMANDS:
            raise NetlistError(f"{tokens[0]}: {_UNSUPPORTED_COMMANDS[word]} are not supported",
                               line)
        elif word.startswith("."):
            if word not in _IGNORED_COMMANDS:
                raise NetlistError(f"unknown command {tokens[0]!r}", line)
            if word in _SIMULATOR_OPTIONS:
                self.options.append(content)
            verb = "read" if word in _SIMULATOR_OPTIONS else "ignored"
            self.note(place, f"{tokens[0]} {verb}: {_ignored(word)}")
        elif is_first:
            self.first = (place, content)
        elif word[0] == "x" and not _flattened(tokens[0]):
            self.instance(tokens, place)
        else:
            for e in _element(tokens, line, self.model_names, lambda s: self.note(place, s)):
                if place.file is not None:
                    e = replace(e, line=place.top, source=place.inner())
                body.items.append((e, place))

    def instance(self, tokens: list[str], place: Place) -> Instance:
        name = tokens[0]
        fields, params = _instance_params(tokens, place.line)
        if len(fields) < 3:
            raise NetlistError(f"{name}: a subcircuit instance is written {name} n1 n2 ... "
                               "NAME [param=value ...]", place.line)
        row = Row("subcircuit instance", len(fields) - 2, "none")
        nodes = _nodes(name, row, fields[1:-1], place.line)
        seen = self.instance_lines[-1]
        if name.lower() in seen:
            raise NetlistError(f"duplicate instance name {name!r} (first on line "
                               f"{seen[name.lower()].top})", place.line)
        seen[name.lower()] = place
        inst = Instance(name, nodes, fields[-1], tuple(params), place)
        self.stack[-1].items.append(inst)
        return inst

    def definition(self, tokens: list[str], place: Place) -> None:
        line = place.line
        if len(self.stack) > MAX_DEFINITION_NESTING:
            raise NetlistError(f".subckt definitions nested more than {MAX_DEFINITION_NESTING} "
                               "deep (missing .ends?)", line)
        fields, params = _instance_params(tokens, line)
        if len(fields) < 2:
            raise NetlistError(".subckt expects a name and its pins: .subckt NAME n1 n2 ... "
                               "[params: a=1 ...]", line)
        name = fields[1]
        pins = _nodes(name, Row("subcircuit", len(fields) - 2, "none"), fields[2:], line)
        for i, pin in enumerate(pins):
            if pin == GROUND:
                raise NetlistError(f".subckt {name}: pin {fields[2 + i]!r} is ground, which "
                                   "every subcircuit shares already", line)
            if pin in pins[:i]:
                raise NetlistError(f".subckt {name}: pin {pin!r} is named twice", line)
        defaults: dict[str, sympy.Expr] = {}
        for key, value in params:
            if key.lower() in {k.lower() for k in defaults}:
                raise NetlistError(f".subckt {name}: parameter {key} is given twice", line)
            if key in RESERVED:
                raise NetlistError(f".subckt {name}: {key} is {RESERVED[key]} and cannot be a "
                                   "parameter", line)
            defaults[key] = value
        parent = self.stack[-1]
        if name.lower() in parent.definitions:
            first = parent.definitions[name.lower()].place.top
            raise NetlistError(f"duplicate .subckt {name!r} (first defined on line {first})",
                               line)
        body = Body(parent=parent)
        d = Definition(name, pins, defaults, place, body)
        body.definition = d
        parent.definitions[name.lower()] = d
        self.stack.append(body)
        self.instance_lines.append({})

    def finish(self) -> Body:
        if len(self.stack) > 1:
            d = self.stack[-1].definition
            raise d.place.error(f".subckt {d.name} has no .ends")
        if self.first is not None:
            self.title = self._first_line(*self.first)
        if self.title_card is not None:
            self.title = self.title_card
        return self.top

    def _first_line(self, place: Place, content: str) -> str:
        """The first line as an element or an instance, or as the title (SPICE's first line)
        when it is not one: it is an element only if it parses as one and shares a node with
        ground or with the rest ("Emitter follower at AC ground test" parses, but connects to
        nothing)."""
        tokens = _TOKEN.findall(content)
        used = {GROUND}
        for item in self.top.items:
            used |= set(item.nodes if isinstance(item, Instance) else item[0].nodes)
        try:
            _check_braces(content, place.line)
            if tokens[0][0] in "xX" and not _flattened(tokens[0]):
                fields, params = _instance_params(tokens, place.line)
                if fields[-1].lower() not in self.top.definitions:
                    return content
                before = len(self.top.items)
                inst = self.instance(tokens, place)
                self.top.items.insert(0, self.top.items.pop(before))
                if len(self.top.items) > 1 and not used & set(inst.nodes):
                    self.top.items.pop(0)
                    return content
                return ""
            found = _element(tokens, place.line, self.model_names)
        except NetlistError:
            return content
        if len(self.top.items) > 0 and not used & {n for e in found for n in e.nodes}:
            return content
        self.top.items[:0] = [(e, place) for e in found]
        return ""


def _instance_params(tokens: list[str], line: int) -> tuple[list[str], list[tuple[str, object]]]:
    """The fields of an `X` or `.subckt` line and its `name=value` parameters (after an
    optional `params:`), values parsed."""
    fields = list(tokens)
    params: list[tuple[str, object]] = []
    while len(fields) >= 3 and fields[-2] == "=":
        key, value = fields[-3], fields[-1]
        if not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise NetlistError(f"{tokens[0]}: bad parameter name {key!r}", line)
        params.insert(0, (key, parse_value(value, line)))
        fields = fields[:-3]
    if fields and fields[-1].lower() == "params:":
        fields.pop()
    if "params:" in (f.lower() for f in fields):
        raise NetlistError(f"{tokens[0]}: params: must be followed by name=value pairs only",
                           line)
    if "=" in fields:
        raise NetlistError(f"{tokens[0]}: misplaced '=' (parameters are written name=value "
                           "at the end of the line)", line)
    return fields, params


def _check_matches(circuit: Circuit, lines: Mapping[str, tuple[int, str]]) -> None:
    """Matched devices must exist and be the same kind of device of the same polarity."""
    for follower, leader in circuit.matches.items():
        line, typed = lines[follower]
        for name in (leader, typed):
            e = circuit.find(name)
            if e is None or e.kind not in DEVICE_KINDS:
                what = "no element" if e is None else f"{e.name} is a {e.what}, not a device"
                raise NetlistError(f".match {name}: {what} (match transistors or diodes)", line)
        a, b = circuit.element(leader), circuit.element(follower)
        ta, tb = circuit.model_of(a).type, circuit.model_of(b).type
        if a.kind != b.kind or ta != tb:
            raise NetlistError(f".match: {a.name} ({ta}) and {b.name} ({tb}) are not the same "
                               "kind of device", line)
        if len(a.nodes) != len(b.nodes):
            raise NetlistError(f".match: {a.name} and {b.name} have different terminals "
                               "(one has a body node)", line)


# -- structural checks --------------------------------------------------------------------------
class _Sets:
    """Union-find over node names."""

    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[ra] = rb
        return True


def validate(circuit: Circuit, check_floating: bool = True) -> None:
    """Raise a `NetlistError` naming the first structural fault: the faults no solve can fix."""
    if not circuit.elements:
        raise NetlistError("the circuit has no elements")
    for e in circuit.elements:
        if e.control is not None:
            ctl = circuit.find(e.control)
            if ctl is None:
                raise NetlistError(
                    f"{e.name}: unknown controlling source {e.control!r} "
                    "(must name a voltage source)", e.line)
            if ctl.kind != "V":
                raise NetlistError(
                    f"{e.name}: controlling element {e.control!r} is not a voltage source "
                    "(SPICE senses current through a V source; add a 0 V source in series)",
                    e.line)
    for e in circuit.elements:
        if e.kind in ("R", "L") and e.value == 0:
            raise NetlistError(
                f"{e.name}: a zero-valued {e.what} is a short; use a 0 V source instead", e.line)
        if e.kind == "C" and e.value == 0:
            raise NetlistError(f"{e.name}: a zero capacitor is an open; remove it", e.line)
    for e in circuit.devices():
        key = (e.model or DEVICE_TYPES[e.kind][0]).lower()
        card = circuit.models.get(key)
        kind = card.type if card else key
        if card is None and key not in DEVICE_TYPES[e.kind]:
            raise NetlistError(f"{e.name}: unknown model {e.model!r} (no .model card)", e.line)
        if kind not in DEVICE_TYPES[e.kind]:
            raise NetlistError(f"{e.name}: model {e.model!r} is a {kind} model, not one of "
                               f"{'/'.join(DEVICE_TYPES[e.kind])}", e.line)
    owners: dict[str, Element] = {}
    for e in circuit.devices():
        matched = e.name.lower() in circuit.matches
        for stem in _BIAS_STEMS if matched else _MODEL_STEMS + _BIAS_STEMS:
            name = (stem + e.suffix).lower()
            other = owners.setdefault(name, e)
            if other is not e:
                raise NetlistError(
                    f"{e.name} and {other.name} would share the symbol {stem + e.suffix!r}: "
                    "small-signal symbols are named by what follows the device letter "
                    "(DESIGN: Q1 -> gm1, M2 -> gmb2, X1.Q1 -> gm1_X1); rename one", e.line)
    for e in circuit.elements:
        if e.kind == "O" and e.nodes[1] == e.nodes[2]:
            raise NetlistError(f"{e.name}: both inputs of the op-amp are node {e.nodes[1]!r}",
                               e.line)
    connected = _Sets()
    for e in circuit.elements:
        for a, b in conducting_pairs(e):
            connected.union(a, b)
        for n in e.nodes:
            connected.find(n)
    ground = connected.find(GROUND)
    for node in circuit.nodes() if check_floating else ():
        if connected.find(node) != ground:
            first = next(e for e in circuit.elements if node in e.nodes)
            raise NetlistError(
                f"node {node!r} has no path to ground (floating), first used by {first.label}",
                first.line)
    _check_voltage_loops(circuit)


def conducting_pairs(e: Element) -> list[tuple[str, str]]:
    """Node pairs an element joins electrically (for connectivity): a device joins all its
    terminals, a controlled source only its output pair, an op-amp its output to ground."""
    if e.kind in DEVICE_KINDS:
        return [(e.nodes[0], n) for n in e.nodes[1:]]
    if e.kind == "O":
        return [(e.nodes[0], GROUND)]
    if e.kind == "K":  # couples its inductors' windings; joins no nodes
        return []
    if e.kind == "T":  # each winding joins its own two nodes; the windings are isolated
        return [(e.nodes[0], e.nodes[1]), (e.nodes[2], e.nodes[3])]
    return [(e.nodes[0], e.nodes[1])]


def _check_voltage_loops(circuit: Circuit) -> None:
    """A loop of ideal voltage branches (V, E, H, an op-amp output) over-determines its
    voltages: name every element of the loop."""
    loops = _Sets()
    branches: dict[str, list[tuple[str, Element]]] = {}
    for e in circuit.elements:
        if e.kind not in VOLTAGE_KINDS:
            continue
        a, b = conducting_pairs(e)[0]
        if a == b:
            raise NetlistError(f"{e.label} has both ends on node {a!r}: an ideal voltage across "
                               "one node cannot hold", e.line)
        if not loops.union(a, b):
            path = _branch_path(branches, a, b)
            names = " and ".join(", ".join(x.label for x in path).rsplit(", ", 1))
            raise NetlistError(
                f"{e.label} closes a loop of voltage sources with {names}: ideal voltages "
                "(V, E, H, op-amp outputs) in a loop over-determine it", e.line)
        branches.setdefault(a, []).append((b, e))
        branches.setdefault(b, []).append((a, e))


def _branch_path(branches: dict[str, list[tuple[str, Element]]], a: str, b: str
                 ) -> list[Element]:
    """The elements on the (unique) path from a to b in a forest of voltage branches."""
    back: dict[str, tuple[str, Element] | None] = {a: None}
    queue = [a]
    for node in queue:
        if node == b:
            break
        for nxt, e in branches.get(node, []):
            if nxt not in back:
                back[nxt] = (node, e)
                queue.append(nxt)
    path, node = [], b
    while back.get(node) is not None:
        node, e = back[node]
        path.append(e)
    return path
