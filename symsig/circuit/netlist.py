"""The netlist language and the `Circuit` value it describes.

The language is data: `GRAMMAR` has one row per element letter saying how many nodes it takes and
what follows them, and one small parser reads every row. A `Circuit` is an immutable tuple of
`Element`s; the Python builder methods (`Circuit().R(...)`) make the same values as the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import sympy

from ..errors import NetlistError
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

# Analysis and output commands of SPICE files that mean nothing to a symbolic analysis.
_IGNORED_COMMANDS = {
    ".end", ".ac", ".op", ".tran", ".dc", ".noise", ".tf", ".print", ".plot", ".probe",
    ".options", ".option", ".save", ".meas", ".measure", ".backanno", ".temp", ".ic",
    ".nodeset", ".title", ".global", ".lib", ".model", ".match",
}
# Commands that change a simulator's operating point: kept for the ngspice bridge.
_SIMULATOR_OPTIONS = {".options", ".option", ".temp"}
# Words of a source line: keywords, and SPICE's large-signal time functions (no AC part).
_SOURCE_KEYWORDS = {"dc", "ac"}
_TIME_FUNCTIONS = {"sin", "pulse", "exp", "pwl", "sffm", "am", "trnoise", "trrandom"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NODE_NAME = re.compile(r"[\w.+\-#:\[\]<>!$%&|/]+")
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

    @property
    def kind(self) -> str:
        return self.name[0].upper()

    @property
    def what(self) -> str:
        return GRAMMAR[self.kind].what

    @property
    def label(self) -> str:
        """The element as a message names it: its own name, or what it was made from."""
        return self.origin or self.name

    def where(self) -> str:
        """How an error message points at this element."""
        return f"line {self.line}: {self.label}" if self.line is not None else self.label

    def netlist_line(self) -> str:
        parts = [self.name, *self.nodes]
        if self.kind in DEVICE_KINDS:
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
        return (leader or device.name)[1:]

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
            if e.control is not None and e.control.lower() in drop:
                # the sensing source is open now, so its current is zero: an F source gives
                # no current (gone), an H source no voltage (a 0 V short)
                if e.kind == "F":
                    continue
                e = Element(self.fresh_name(f"V{e.name}"), e.nodes, sympy.Integer(0),
                            sympy.Integer(0), line=e.line, origin=e.label)
            kept.append(e)
        return replace(self, elements=tuple(kept))

    def replace(self, name: str, **changes) -> Circuit:
        """This circuit with one element's fields changed (e.g. value=0)."""
        old = self.element(name)
        new = replace(old, **changes)
        return replace(self, elements=tuple(new if e is old else e for e in self.elements))

    def with_params(self, **params) -> Circuit:
        merged = dict(self.params)
        merged.update({k: to_expr(v) for k, v in params.items()})
        return replace(self, params=merged)

    def netlist(self) -> str:
        """The circuit as netlist text that `parse` reads back to the same circuit."""
        lines = [f"* {self.title}" if self.title else "* symsig circuit"]
        lines += [e.netlist_line() for e in self.elements]
        lines += [m.card() for m in self.models.values()]
        for k, v in self.params.items():
            lines.append(f".param {k}={show(v)}")
        for follower, leader in self.matches.items():
            lines.append(f".match {leader} {self.element(follower).name}")
        lines += self.spice_options
        lines.append(".end")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.netlist()

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


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(line number, text) with comments stripped and `+` continuations joined."""
    pending: tuple[int, str] | None = None
    # lines end at \n, \r\n or \r only (str.splitlines would also break at form feeds and
    # Unicode separators, miscounting lines and reading a comment's tail as an element)
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.split(";", 1)[0].rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("*"):
            continue
        if stripped.startswith("+"):
            if pending is None:
                raise NetlistError("continuation line '+' with nothing to continue", number)
            pending = (pending[0], pending[1] + " " + stripped[1:])
            continue
        if pending is not None:
            yield pending
        pending = (number, stripped)
    if pending is not None:
        yield pending


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


def _element(tokens: list[str], line: int, models: frozenset[str] = frozenset()) -> Element:
    """One element line; `models` holds the file's .model names (a MOSFET's 4th field is
    either its body node or its model)."""
    name = tokens[0]
    row = GRAMMAR.get(name[0].upper())
    if row is None:
        raise NetlistError(f"unknown element {name!r} (letter {name[0].upper()!r})", line)
    for t in tokens[1:]:
        if re.match(r"(poly|value|table)\b", t, re.I) and row.tail != "source":
            raise NetlistError(f"{name}: {t.split('(')[0].upper()} forms are not supported", line)
    if row.tail == "model":
        return _device(name, row, tokens[1:], line, models)
    nodes = _nodes(name, row, tokens[1 : 1 + row.nodes], line)
    rest = tokens[1 + row.nodes :]
    if row.tail == "source":
        dc, ac = _source_parts(name, rest, line)
        return Element(name, nodes, dc, ac, line=line)
    if row.tail == "none":
        if rest:
            raise NetlistError(f"{name}: unexpected {rest[0]!r}: an {row.what} is written "
                               f"{_usage(name, row)}", line)
        return Element(name, nodes, line=line)
    want = 2 if row.tail == "control value" else 1
    if len(rest) != want:
        raise NetlistError(
            f"{name}: wrong number of fields: a {row.what} is written {_usage(name, row)}", line)
    if want == 2:
        return Element(name, nodes, parse_value(rest[1], line), control=rest[0], line=line)
    return Element(name, nodes, parse_value(rest[0], line), line=line)


def _usage(name: str, row: Row) -> str:
    nodes = " ".join(f"n{i + 1}" for i in range(row.nodes))
    tail = {"value": "VALUE", "source": "[DC x] [AC y]", "control value": "VSENSE VALUE",
            "model": "[MODEL]", "none": ""}[row.tail]
    if row.optional_nodes:
        nodes += " [body]"
    if name[0].upper() == "O":
        nodes = "out in+ in-"
    return f"{name} {nodes} {tail}".rstrip()


def _nodes(name: str, row: Row, nodes: list[str], line: int) -> tuple[str, ...]:
    if len(nodes) < row.nodes or any(n == "=" for n in nodes):
        raise NetlistError(f"{name}: a {row.what} needs {row.nodes} nodes: {_usage(name, row)}",
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
            f"{name}: wrong number of fields: a {row.what} is written {_usage(name, row)}", line)
    has_model = extra == 2 or (extra == 1 and (
        not row.optional_nodes or fields[-1].lower() in models or fields[-1].lower() in types))
    model = fields[-1] if has_model else None
    nodes = _nodes(name, row, fields[: len(fields) - has_model], line)
    return Element(name, nodes, line=line, model=model, params=tuple(params))


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


def parse(text: str, check_floating: bool = True) -> Circuit:
    """Read netlist text into a validated `Circuit`; errors name the line.

    `check_floating=False` leaves the floating-node check to the solve: a two-port such as a
    lone series element has its ground only once the port test sources are attached.
    """
    lines = list(_logical_lines(text))
    model_names = frozenset(
        t[1].lower() for t in (_TOKEN.findall(c) for _, c in lines)
        if t[0].lower() == ".model" and len(t) > 1)
    elements: list[Element] = []
    params: dict[str, sympy.Expr] = {}
    models: dict[str, Model] = {}
    matches: dict[str, str] = {}
    match_lines: dict[str, tuple[int, str]] = {}
    spice_options: list[str] = []
    param_lines: dict[str, int] = {}
    first: tuple[int, str] | None = None  # the first line, title or element: decided at the end
    in_control = False
    for index, (line, content) in enumerate(lines):
        tokens = _TOKEN.findall(content)
        word = tokens[0].lower()
        if in_control:
            in_control = word != ".endc"
            continue
        if index or line != 1:  # the first line may be a title: free text
            _check_braces(content, line)
        if word == ".control":
            in_control = True
        elif word == ".param":
            found = _params(tokens[1:], line)
            params.update(found)
            param_lines.update(dict.fromkeys(found, line))
        elif word == ".model":
            model = _model(_TOKEN.findall(content.replace("(", " ").replace(")", " ")), line)
            if model.name.lower() in models:
                raise NetlistError(f"duplicate .model {model.name!r}", line)
            models[model.name.lower()] = model
        elif word == ".match":
            _match(tokens[1:], line, matches, match_lines)
        elif word == ".end":
            break
        elif word in (".include", ".inc"):
            raise NetlistError(".include is not supported: paste the file in", line)
        elif word.startswith("."):
            if word in _SIMULATOR_OPTIONS:
                spice_options.append(content)
            if word not in _IGNORED_COMMANDS:
                raise NetlistError(f"unknown command {tokens[0]!r}", line)
        elif index == 0 and line == 1:
            first = (line, content)
        else:
            elements.append(_element(tokens, line, model_names))
    title = ""
    if first is not None:
        element = _first_element(first, elements, model_names)
        if element is None:
            title = first[1]
        else:
            elements.insert(0, element)
    seen: dict[str, Element] = {}
    for e in elements:  # one pass, not Circuit.add per element: a netlist may be long
        first_use = seen.setdefault(e.name.lower(), e)
        if first_use is not e:
            raise NetlistError(f"duplicate element name {e.name!r} (first defined on line "
                               f"{first_use.line})", e.line)
    resolve(params, param_lines)  # a .param cycle is an error here, naming its line
    circuit = Circuit(tuple(elements), params=params, title=title, models=models,
                      matches=matches, spice_options=tuple(spice_options))
    _check_matches(circuit, match_lines)
    validate(circuit, check_floating)
    return circuit


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


def _first_element(
    first: tuple[int, str], rest: list[Element], models: frozenset[str]
) -> Element | None:
    """The first line as an element, or None when it reads as a title (SPICE's first line).

    It is an element only if it parses as one and shares a node with ground or with the
    other elements: "Emitter follower at AC ground test" parses, but connects to nothing.
    """
    line, content = first
    try:
        element = _element(_TOKEN.findall(content), line, models)
    except NetlistError:
        return None
    used = {GROUND} | {n for e in rest for n in e.nodes}
    if rest and not used & set(element.nodes):
        return None
    return element


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
            name = (stem + e.name[1:]).lower()
            other = owners.setdefault(name, e)
            if other is not e:
                raise NetlistError(
                    f"{e.name} and {other.name} would share the symbol {stem + e.name[1:]!r}: "
                    "small-signal symbols are named by what follows the device letter "
                    "(DESIGN: Q1 -> gm1, M2 -> gmb2); rename one", e.line)
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
