"""Which row each node of a schematic stands on: what must be above what, and what may share a
row.

A collector stands above its base and its base above its emitter (the other way up for pnp and
pmos); a source's + terminal, a controlled source's first node and the upper terminal of a
model part (r_π from base to emitter) stand above the other; a node with a shunt to ground
stands above the floor. Series parts (R_s into the base, C_μ from base to collector) would lie
on one row, so their nodes are merged unless one must be above the other. Devices sharing a
base (a mirror) or an emitter (a pair) are put at one height. Rows are then the longest path up
from the floor, with extra *lifts* a placement may ask for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..circuit.netlist import _Sets

if TYPE_CHECKING:
    from .layout import Part

FLOOR = "\0floor"  # the row below everything: ground symbols hang down to it


def device_ends(p: Part) -> tuple[str, str, str]:
    """(top, side, bottom) nodes of a device as drawn: c, b, e; e, b, c for pnp and pmos."""
    a, b, c = p.nodes
    return (c, b, a) if p.inverted else (a, b, c)


def row_var(p: Part) -> str:
    """The row variable of a part's own height (a device's base, an op-amp's output)."""
    return "@" + p.name


class RowClasses(_Sets):
    """Union-find over row variables (the netlist's own, `find` included), with 'at least k
    rows above' constraints between them; `merge` refuses what those constraints forbid."""

    def __init__(self) -> None:
        super().__init__()
        self.above: list[tuple[str, str, float]] = []  # (upper, lower, by at least)

    def _reaches(self, a: str, b: str) -> bool:
        edges: dict[str, set[str]] = {}
        for hi, lo, _ in self.above:
            edges.setdefault(self.find(hi), set()).add(self.find(lo))
        stack, seen = [a], {a}
        while stack:
            x = stack.pop()
            if x == b:
                return True
            for y in edges.get(x, ()):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        return False

    def merge(self, a: str, b: str) -> bool:
        """Put a and b on one row, unless one must be above the other."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self._reaches(ra, rb) or self._reaches(rb, ra):
            return False
        if rb == FLOOR:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True

    def rows(self, lifts: Mapping[str, float]) -> dict[str, float]:
        """Each variable's row: the longest path up from the floor plus its class's lift (a
        hint that would close a cycle is ignored)."""
        edges: dict[str, list[tuple[str, float]]] = {}
        for hi, lo, k in self.above:
            h, low = self.find(hi), self.find(lo)
            if h != low:
                edges.setdefault(h, []).append((low, k))
        row: dict[str, float] = {}
        busy: set[str] = set()
        floor = self.find(FLOOR)

        def visit(x: str) -> float:
            if x in row:
                return row[x]
            if x == floor:
                row[x] = 0.0
                return 0.0
            busy.add(x)
            best = 1.0
            for low, k in edges.get(x, ()):
                if low not in busy:
                    best = max(best, visit(low) + k)
            busy.discard(x)
            row[x] = best + lifts.get(x, 0.0)
            return row[x]

        for x in list(self.parent):
            visit(self.find(x))
        return {x: row[self.find(x)] for x in self.parent}


def row_classes(parts: list[Part], private: Mapping[str, str], order: list[Part]
                ) -> RowClasses:
    """The constraints and merges of the module docstring; `order` is the reading order, in
    which series parts are merged."""
    cl = RowClasses()
    cl.find(FLOOR)
    below = {"ground", "negative"}
    lying: list[Part] = []
    level: list[tuple[str, str]] = []  # the ends of two windings, level if they can be

    def upright(p: Part, a: str, b: str, up: int | None) -> bool:
        """The rows of a part standing between a and b (`up`: which is on top); False when
        it would rather lie on a row."""
        if a in private and b in private:
            cl.above.append((row_var(p), FLOOR, 1))
        elif a in private or b in private:
            free, fixed = (b, a) if a in private else (a, b)
            if private[fixed] in below:
                cl.above.append((free, FLOOR, 1))
            else:
                cl.find(free)
        elif up is not None:
            cl.above.append(((a, b)[up], (a, b)[1 - up], 1))
        else:
            return False
        return True

    for p in parts:
        if p.shape == "two":
            a, b = p.nodes
            if a != b and not upright(p, a, b, None if p.lying else p.up):
                cl.find(a), cl.find(b)
                lying.append(p)
        elif p.shape == "pair":  # two windings side by side, first nodes on top, level
            p1, n1, p2, n2 = p.nodes
            for a, b in ((p1, n1), (p2, n2)):
                if a != b:
                    upright(p, a, b, 0)
            level += [(p1, p2), (n1, n2)]
        elif p.shape in ("bjt", "mos"):
            top, _, bottom = device_ends(p)
            if top not in private:
                cl.above.append((top, row_var(p), 1))
            cl.above.append((row_var(p), bottom if bottom not in private else FLOOR, 1))
        elif p.shape == "opamp":
            cl.above.append((row_var(p), FLOOR, 1))
    devices = [p for p in parts if p.shape in ("bjt", "mos")]
    for key in (1, 2):  # a shared base (a mirror), a shared emitter (a pair): one height
        groups: dict[tuple[str, bool, str], list[Part]] = {}
        for p in devices:
            node = device_ends(p)[1] if key == 1 else p.nodes[2]
            if node not in private:
                groups.setdefault((p.shape, p.inverted, node), []).append(p)
        for group in groups.values():
            for p in group[1:]:
                cl.merge(row_var(group[0]), row_var(p))
    for p in devices:  # the base wire on the base's row, unless the device is diode-connected
        top, side, bottom = device_ends(p)
        if side not in private and side not in (top, bottom):
            cl.merge(row_var(p), side)
    for p in parts:
        if p.shape == "opamp" and p.nodes[0] not in private:
            cl.merge(row_var(p), p.nodes[0])
    for a, b in level:
        if a not in private and b not in private:
            cl.merge(a, b)
    rank = {p.name: k for k, p in enumerate(order)}
    for p in sorted(lying, key=lambda q: rank.get(q.name, 0)):
        cl.merge(p.nodes[0], p.nodes[1])
    return cl
