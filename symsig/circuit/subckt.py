"""Subcircuits: `.subckt NAME pins... [params: a=1 b={2*a}]` ... `.ends` and `X` instances,
expanded into one flat list of elements.

Names follow SPICE (ngspice): inside instance `X1`, element `R1` becomes `X1.R1` and node `n3`
becomes `x1.n3` (nested: `X1.X2.R1`, `x1.x2.n3`); the pins take the instance's nodes, and
ground and `.global` nodes stay themselves. Parameters are SPICE's: an instance's `a=...` is
read in the scope that writes the instance, a definition's defaults and its own `.param` lines
may name each other, names are matched case-insensitively, and a value may be a symbol.
A `.model` written inside a definition belongs to it (each instance gets its own copy,
`X1.QN`, with the parameters put in); a definition written inside another is local to it.

Expansion is bounded before anything is built: instances nest at most `MAX_DEPTH` deep, and the
flat circuit has at most `MAX_ELEMENTS` elements and instances, so a definition that contains
itself, or ten instances of ten instances of ... (a "subcircuit bomb"), ends in an error that
names the chain, in time proportional to the text, not to what it would expand to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import sympy

from ..errors import NetlistError
from .files import Place
from .values import substitute

if TYPE_CHECKING:  # netlist imports this module
    from .netlist import Element, Model

MAX_DEPTH = 32
MAX_ELEMENTS = 200_000
MAX_DEFINITION_NESTING = 16  # .subckt written inside .subckt
GROUND = "0"


@dataclass
class Instance:
    """An `X` line: `Xname nodes... NAME [params: a=1 ...]`."""

    name: str
    nodes: tuple[str, ...]
    subckt: str
    params: tuple[tuple[str, sympy.Expr], ...]
    place: Place
    definition: Definition | None = None  # linked once every definition is read


@dataclass
class Body:
    """What the netlist, or one subcircuit definition, holds, in the order it was written."""

    items: list = field(default_factory=list)  # (Element, Place) pairs and Instances
    params: dict[str, sympy.Expr] = field(default_factory=dict)  # its .param lines
    param_places: dict[str, Place] = field(default_factory=dict)
    models: dict[str, Model] = field(default_factory=dict)  # lowercased name -> card
    matches: list[tuple[list[str], Place]] = field(default_factory=list)
    definitions: dict[str, Definition] = field(default_factory=dict)  # lowercased name
    parent: Body | None = None
    definition: Definition | None = None  # None for the netlist itself


@dataclass
class Definition:
    """A `.subckt` block."""

    name: str
    pins: tuple[str, ...]
    defaults: dict[str, sympy.Expr]
    place: Place
    body: Body


@dataclass
class Flat:
    """The expanded netlist."""

    elements: list[Element]
    models: dict[str, Model]  # the netlist's cards and each instance's copies of local ones
    matches: list[tuple[list[str], Place]]


def link(top: Body) -> None:
    """Point every instance at the definition its name means where it is written (its own
    definition's local ones first, then outwards), and check its node count and parameters."""
    stack = [top]
    while stack:
        body = stack.pop()
        stack.extend(d.body for d in body.definitions.values())
        for item in body.items:
            if not isinstance(item, Instance):
                continue
            scope: Body | None = body
            found = None
            while scope is not None and found is None:
                found = scope.definitions.get(item.subckt.lower())
                scope = scope.parent
            if found is None:
                raise item.place.error(f"{item.name}: no subcircuit named {item.subckt!r} "
                                       "(define it with .subckt ... .ends)")
            if len(item.nodes) != len(found.pins):
                raise item.place.error(
                    f"{item.name}: subcircuit {found.name} has {len(found.pins)} pins "
                    f"({' '.join(found.pins)}), the instance gives {len(item.nodes)} nodes")
            names = {k.lower() for k in found.defaults}
            for key, _ in item.params:
                if key.lower() not in names:
                    known = ", ".join(found.defaults) or "none"
                    raise item.place.error(f"{item.name}: subcircuit {found.name} has no "
                                           f"parameter {key!r} (its parameters: {known})")
            item.definition = found


def check_size(top: Body) -> None:
    """Refuse, before expanding, a definition that contains itself, instances nested more than
    MAX_DEPTH deep, or more than MAX_ELEMENTS elements and instances in all."""
    cost: dict[int, int] = {}  # id(definition) -> elements and instances it expands to
    depth: dict[int, int] = {}
    cap = MAX_ELEMENTS + 1

    def children(body: Body) -> list[Instance]:
        return [i for i in body.items if isinstance(i, Instance)]

    for root in [i.definition for i in children(top)]:
        if id(root) in cost:
            continue
        path: list[tuple[Definition, Instance | None]] = [(root, None)]
        on_path = {id(root)}
        iters = [iter(children(root.body))]
        while iters:
            for inst in iters[-1]:
                d = inst.definition
                if id(d) in on_path:
                    names = [p[0].name for p in path[[id(p[0]) for p in path].index(id(d)):]]
                    raise inst.place.error(
                        f"{inst.name}: subcircuit {d.name} contains itself "
                        f"({' -> '.join([*names, d.name])})")
                if id(d) not in cost:
                    path.append((d, inst))
                    on_path.add(id(d))
                    iters.append(iter(children(d.body)))
                    break
            else:
                iters.pop()
                d, _ = path.pop()
                on_path.discard(id(d))
                kids = children(d.body)
                cost[id(d)] = min(cap, len(d.body.items) + sum(cost[id(k.definition)]
                                                               for k in kids))
                depth[id(d)] = 1 + max((depth[id(k.definition)] for k in kids), default=0)
    total = len(top.items)
    deepest: tuple[int, Instance | None] = (0, None)
    for inst in children(top):
        total = min(cap, total + cost[id(inst.definition)])
        if depth[id(inst.definition)] > deepest[0]:
            deepest = (depth[id(inst.definition)], inst)
    if deepest[0] > MAX_DEPTH:
        inst = deepest[1]
        raise inst.place.error(f"{inst.name}: subcircuits nest more than {MAX_DEPTH} deep")
    if total > MAX_ELEMENTS:
        worst = max(children(top), key=lambda i: cost[id(i.definition)])
        raise worst.place.error(
            f"the subcircuits expand to more than {MAX_ELEMENTS:,} elements "
            f"({worst.name}, an instance of {worst.definition.name}, alone expands to "
            f"{'more than ' if cost[id(worst.definition)] >= cap else ''}"
            f"{min(cost[id(worst.definition)], MAX_ELEMENTS):,}): a netlist that large "
            "is not a small-signal problem")


@dataclass
class _Frame:
    """One instance being expanded: how its names map to the flat circuit."""

    prefix: str  # "X1.X2" ("" for the netlist itself)
    pins: Mapping[str, str]  # pin -> the node it is connected to
    values: Mapping[str, sympy.Expr]  # lowercased parameter name -> value
    models: Mapping[str, str]  # lowercased model name -> the flat model's name
    path: str  # "X1 (an instance of amp, line 9)" chain for messages
    globals: frozenset[str]

    def node(self, n: str) -> str:
        if not self.prefix or n == GROUND or n in self.globals:
            return n
        return self.pins.get(n) or f"{self.prefix.lower()}.{n}"

    def name(self, n: str) -> str:
        return f"{self.prefix}.{n}" if self.prefix else n

    def put(self, expr: sympy.Expr | None, place: Place) -> sympy.Expr | None:
        if expr is None or not self.values:
            return expr
        rule = {x: self.values[x.name.lower()] for x in expr.free_symbols
                if x.name.lower() in self.values}
        if not rule:
            return expr
        try:
            return substitute(expr, rule)
        except NetlistError as exc:
            raise self.error(place, exc.message) from None

    def error(self, place: Place, message: str) -> NetlistError:
        return place.error(f"in {self.path}: {message}" if self.path else message)


def flatten(top: Body, global_nodes: frozenset[str] = frozenset()) -> Flat:
    """The elements of the netlist with every instance expanded (see the module docstring)."""
    link(top)
    check_size(top)
    models: dict[str, Model] = dict(top.models)
    out: list[Element] = []
    matches = list(top.matches)
    root = _Frame("", {}, {}, {k: m.name for k, m in top.models.items()}, "", global_nodes)
    stack = [(root, iter(top.items))]
    while stack:
        frame, items = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        if not isinstance(item, Instance):
            element, place = item
            out.append(_instantiate(element, frame, place))
            continue
        child, body = _enter(item, frame, models)
        matches += [([child.name(n) for n in names], place) for names, place in body.matches]
        stack.append((child, iter(body.items)))
    return Flat(out, models, matches)


def _instantiate(e: Element, frame: _Frame, place: Place) -> Element:
    if not frame.prefix:
        return e
    model = e.model
    if model is not None:
        model = frame.models.get(model.lower(), model)
    return replace(
        e, name=frame.name(e.name), nodes=tuple(frame.node(n) for n in e.nodes),
        value=frame.put(e.value, place), ac=frame.put(e.ac, place),
        control=frame.name(e.control) if e.control is not None else None,
        coupled=tuple(frame.name(x) for x in e.coupled), model=model,
        params=tuple((k, frame.put(v, place)) for k, v in e.params))


def _enter(inst: Instance, caller: _Frame, models: dict[str, Model]) -> tuple[_Frame, Body]:
    """The frame of instance `inst` written in `caller`: its pins, parameters and models."""
    d = inst.definition
    prefix = caller.name(inst.name)
    where = f"{prefix} (an instance of {d.name}, line {inst.place.top})"
    path = f"{caller.path} > {where}" if caller.path else where
    given = {k.lower(): caller.put(v, inst.place) for k, v in inst.params}
    fixed = {k.lower(): given[k.lower()] for k in d.defaults if k.lower() in given}
    pending = {k.lower(): v for k, v in d.defaults.items() if k.lower() not in given}
    probe = _Frame(prefix, {}, {}, {}, path, caller.globals)
    values = _settle(fixed, pending, probe, d.place)
    local = {k.lower(): v for k, v in d.body.params.items()}
    for k in local:
        if k in values:
            raise probe.error(d.body.param_places[_spelled(d.body.params, k)],
                              f".param {k}: the subcircuit already has a parameter {k}")
    values = _settle(values, local, probe, d.place, d.body.param_places, d.body.params)
    pins = {p: caller.node(n) for p, n in zip(d.pins, inst.nodes, strict=True)}
    frame = _Frame(prefix, pins, values, dict(caller.models), path, caller.globals)
    for key, card in d.body.models.items():
        flat_name = frame.name(card.name)
        params = {k: frame.put(v, d.place) for k, v in card.params.items()}
        models[flat_name.lower()] = replace(card, name=flat_name, params=params)
        frame.models[key] = flat_name  # type: ignore[index]
    return frame, d.body


def _spelled(params: Mapping[str, object], lower: str) -> str:
    return next(k for k in params if k.lower() == lower)


def _settle(fixed: dict[str, sympy.Expr], pending: dict[str, sympy.Expr], frame: _Frame,
            place: Place, places: Mapping[str, Place] | None = None,
            spelled: Mapping[str, object] | None = None) -> dict[str, sympy.Expr]:
    """`fixed` and `pending` values together, each pending value with the others put in, in
    the order their references allow; a cycle is an error that names it."""
    done = dict(fixed)
    pending = dict(pending)
    while pending:
        progress = False
        for name, value in list(pending.items()):
            needs = {x.name.lower() for x in value.free_symbols} & pending.keys() - {name}
            if name in {x.name.lower() for x in value.free_symbols}:
                needs = {name}
            if needs:
                continue
            at = places[_spelled(spelled, name)] if places and spelled else place
            done[name] = _Frame(frame.prefix, {}, done, {}, frame.path, frame.globals).put(
                value, at)
            del pending[name]
            progress = True
        if not progress:
            names = sorted(pending)
            at = places[_spelled(spelled, names[0])] if places and spelled else place
            raise frame.error(at, f"parameters {', '.join(names)} name each other in a cycle")
    return done
