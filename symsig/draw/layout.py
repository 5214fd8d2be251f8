"""Where each part of a schematic goes: columns for parts, wires between them, and the search
that finds a placement where nothing overlaps.

The picture is the one textbooks draw. Every node is a horizontal wire (its *trunk*) on its row
(`rows`); a two-terminal part stands upright between the trunks of its two nodes, or lies on a
row between two trunks (a series element, as R_s into the base, or raised a row to bridge an
op-amp, as a feedback resistor); a transistor stands between its collector and emitter rows
with its base wire beside it; a pin off its node's row joins the trunk by a vertical drop.
Ground and supplies are a symbol at each pin (a *private* node), as textbooks draw them, so they
never need a wire across the drawing.

Columns follow the signal from the input: each part, in reading order, goes where it costs
least (every overlap `geometry` finds costs a thousand, then wire length, width and reading
order), and a few passes of re-insertion move single parts, a node's shunts together, or a
device turned round with its base network. Where overlaps remain, rows are lifted or one
node's wire raised and the search run again; last, the nodes in the way are drawn as named
stubs. Node names go where they are free (`names`). A result with a problem left is refused by
the caller: a tangle is never drawn.

This module knows no schemdraw and no circuit: parts come with their sizes (drawing units) and
the result is coordinates.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..errors import SymsigError
from .geometry import Box, Geometry
from .names import NodeLabel, node_labels
from .rows import device_ends, row_classes, row_var

# -- sizes, in drawing units (schemdraw's: one unit is half an inch) ---------------------------
ROW = 2.6           # from one row to the next
GAP = 0.55          # between the extents of two columns
LABEL_GAP = 0.3     # between a body and its label
HLEN = 2.4          # length of a part lying on a row
BJT_W, BJT_H = 0.752, 1.394     # schemdraw's BJT: base to collector line, collector to emitter
MOS_W, MOS_H = 1.367, 1.5       # schemdraw's FET: gate to drain line, drain to source
STUB = 0.45         # base/gate wire beyond the symbol
OPAMP_W, OPAMP_IN = 2.165, 0.625  # schemdraw's op-amp: length, inputs above/below the centre
OPAMP_LEAD = 0.5    # wire from an op-amp's input or output to its pin
COIL_OUT, COIL_IN = 0.22, 0.4  # a winding's loops beside its axis: outside, facing the other
CORE = 1.3          # least distance between two windings' axes (the core lines between)
GROUND_BOX = (0.25, 0.64)         # half width, depth of a ground symbol
SUPPLY_BOX = (0.19, 0.4)
#: Bounds: beyond these the drawing is refused with a message.
MAX_PARTS = 60
POLISH_PARTS = 24  # drawings with more parts than this are not polished once clean
SEARCH_SECONDS = 20.0
LIFT_SECONDS = 2.0  # time spent trying other rows before drawing nodes as named stubs
HOPELESS = 12  # more overlaps than this after a search: other rows will not mend them


class PlacementError(SymsigError):
    """The circuit cannot be drawn without two things overlapping (the message says where)."""


@dataclass(frozen=True)
class Part:
    """One thing to draw. `shape` is "two" (two terminals: nodes (p, n)), "bjt" (c, b, e),
    "mos" (d, g, s), "opamp" (out, +, -) or "pair" (two windings side by side: p1, n1, p2, n2;
    `label` beside the first, `label2` beside the second, `middle` between them). `up` says
    which of a two-terminal part's nodes belongs on top (None: either, or lying on a row);
    `inverted` puts a device's emitter or source on top (pnp, pmos). Sizes: `body` (across,
    along) of a two-terminal symbol, `label` and `marks` (the + v_π - beside r_π) as (width,
    height)."""

    name: str
    shape: str
    nodes: tuple[str, ...]
    up: int | None = None
    inverted: bool = False
    body: tuple[float, float] = (0.5, 1.0)
    label: tuple[float, float] = (0.0, 0.0)
    marks: tuple[float, float] = (0.0, 0.0)
    drive: tuple[str, ...] = ()  # nodes whose voltage drives this part (visited before it)
    lying: bool = False  # a two-terminal part that prefers to lie on a row (a series element)
    open: bool = False  # nothing drawn between the terminals (the gap where v_gs is marked)
    label2: tuple[float, float] = (0.0, 0.0)
    middle: tuple[float, float] = (0.0, 0.0)
    cored: bool = False  # a pair with a core between its windings: the middle text above it

    @property
    def core(self) -> float:
        """A pair's distance between its windings: room for what is written between them,
        clear of the loops (above a core, or level with the loops)."""
        room = self.middle[0] + 2 * COIL_IN + (0.15 if self.cored else 0.4)
        return max(CORE, room)


@dataclass
class Placed:
    """Where one part went: its pins (node, x, y), its body and label boxes, its segments."""

    part: Part
    slot: int
    side: int
    pins: list[tuple[str, float, float]] = field(default_factory=list)
    ends: tuple[tuple[float, float], tuple[float, float]] | None = None  # two-terminal p, n
    anchor: tuple[float, float] | None = None  # device: base/gate of the symbol; op-amp: centre
    leads: list[tuple[float, float]] = field(default_factory=list)  # outer ends of side wires
    body: Box | None = None
    label: Box | None = None
    marks: Box | None = None
    label2: Box | None = None  # a pair: the second winding's label
    middle: Box | None = None  # a pair: the text between the windings
    vertical: bool = True


@dataclass
class Symbol:
    """A ground or supply symbol at a private pin."""

    kind: str  # "ground", "supply", "negative"
    node: str
    x: float
    y: float
    box: Box
    up: bool  # the symbol stands above its pin (a supply) or hangs below it (ground)


Wire = tuple[str, float, float, float, float]  # node, x1, y1, x2, y2


@dataclass
class Layout:
    """A finished placement: every part, wire, ground or supply symbol, node name and junction
    dot, with `problems` (empty for a drawing that may be shown)."""

    placed: dict[str, Placed]
    wires: list[Wire]
    symbols: list[Symbol]
    labels: list[NodeLabel]
    dots: list[tuple[float, float]]
    split: frozenset[str]  # nodes drawn as named stubs rather than one wire
    problems: list[str]


# -- the order parts are met in, from the input ---------------------------------------------------
def visiting_order(parts: list[Part], private: Mapping[str, str], start: str | None) -> list[Part]:
    """Parts in the order a reader meets them from the input source: a node's shunts first,
    then the parts it drives, then onward along series parts."""
    at: dict[str, list[Part]] = {}
    for p in parts:
        for n in dict.fromkeys(p.nodes):
            if n not in private:
                at.setdefault(n, []).append(p)
        for n in p.drive:
            if n not in private:
                at.setdefault(n, []).append(p)
    done: set[str] = set()
    out: list[Part] = []
    by_name = {p.name: p for p in parts}
    seen_nodes: set[str] = set()

    def take(p: Part) -> None:
        if p.name not in done:
            done.add(p.name)
            out.append(p)

    def visit(node: str) -> None:
        if node in seen_nodes:
            return
        seen_nodes.add(node)
        mine = at.get(node, [])
        shunts = [p for p in mine if node in p.nodes and all(
            n == node or n in private for n in p.nodes)]
        onward = [p for p in mine if p not in shunts and node in p.nodes]
        driven = [p for p in mine if node not in p.nodes]
        for p in shunts:
            take(p)
        for p in onward + driven:
            if p.name not in done:
                take(p)
                for n in p.nodes:
                    if n not in private:
                        visit(n)

    first = by_name.get(start) if start else None
    queue = ([first] if first else []) + parts
    for p in queue:
        if p.name in done:
            continue
        take(p)
        for n in p.nodes:
            if n not in private:
                visit(n)
    return out


# -- geometry of one placement ---------------------------------------------------------------
@dataclass
class _State:
    """A placement being searched: the parts of each column (bottom to top need not hold),
    and which way round each part is (`side`: a device's base on the left (1) or right (-1);
    a lying part's first node left (1) or right (-1), raised a row when 2 or -2)."""

    slots: list[list[str]]
    side: dict[str, int]


def _extents(pl: Part, side: int, vertical: bool) -> tuple[float, float]:
    """(left, right) extent of a part around its column."""
    lw = pl.label[0]
    if pl.shape == "two":
        half = pl.body[0] / 2
        if not vertical:
            return max(HLEN / 2, lw / 2 + 0.1), max(HLEN / 2, lw / 2 + 0.1)
        if pl.open:
            return max(half, pl.marks[0] / 2), max(half, pl.marks[0] / 2)
        left = half + (LABEL_GAP + pl.marks[0] if pl.marks[0] else 0)
        right = half + (LABEL_GAP + lw if lw else 0)
        return left, right
    if pl.shape == "pair":
        half = pl.core / 2 + COIL_OUT
        return (half + (LABEL_GAP + lw if lw else 0),
                half + (LABEL_GAP + pl.label2[0] if pl.label2[0] else 0))
    if pl.shape in ("bjt", "mos"):
        reach = (BJT_W if pl.shape == "bjt" else MOS_W) + STUB
        other = 0.25 + LABEL_GAP + lw
        return (reach, other) if side > 0 else (other, reach)
    half = OPAMP_W / 2 + OPAMP_LEAD
    return half, max(half, lw / 2)


# -- the placement proper -------------------------------------------------------------------------
class _Placer:
    """The search for one set of rows; `replace_rows` makes one for other rows."""

    def __init__(self, parts: list[Part], private: Mapping[str, str], start: str | None,
                 node_labels: Mapping[str, tuple[float, float]], first: str | None,
                 last: str | None, symbol_labels: Mapping[str, tuple[float, float]]):
        self.parts = {p.name: p for p in parts}
        self.private = dict(private)
        self.node_labels = node_labels
        self.symbol_labels = symbol_labels
        self.order = visiting_order(parts, private, start)
        self.rank = {p.name: k for k, p in enumerate(self.order)}
        self.first, self.last = first, last
        self.split: set[str] = set()
        self.alike: dict[str, set[str]] = {}
        self.lifts: dict[str, float] = {}
        self.raised: dict[str, float] = {}
        self.classes = row_classes(parts, private, self.order)
        self.rows = self.classes.rows(self.lifts)
        self.deadline = time.monotonic() + SEARCH_SECONDS

    # rows of things
    def row(self, var: str) -> float:
        return self.rows.get(var, 1.0)

    def level(self, node: str) -> float:
        """The row of a node's wire: its row, or above it where the wire was raised to pass
        over something (the output of a Sallen-Key stage over its op-amp)."""
        return self.rows.get(node, 1.0) + self.raised.get(node, 0.0)

    def vertical(self, p: Part) -> bool:
        if p.shape != "two":
            return True
        a, b = p.nodes
        if a in self.private or b in self.private:
            return True
        return self.level(a) != self.level(b)

    # geometry of a state
    def geometry(self, state: _State) -> tuple[Geometry, dict[str, Placed], list[Wire],
                                               list[Symbol]]:
        """Everything a state puts on the drawing: columns are as wide as their widest part
        and GAP apart; each part placed in its column, then each node's wires."""
        g = Geometry()
        placed: dict[str, Placed] = {}
        ext: list[tuple[float, float]] = []
        for slot in state.slots:
            left = right = 0.3
            for name in slot:
                p = self.parts[name]
                lo, hi = _extents(p, state.side.get(name, 1), self.vertical(p))
                left, right = max(left, lo), max(right, hi)
            ext.append((left, right))
        xs: list[float] = []
        for k, (left, _) in enumerate(ext):
            xs.append(left if k == 0 else xs[-1] + ext[k - 1][1] + GAP + left)
        symbols: list[Symbol] = []
        for k, slot in enumerate(state.slots):
            for name in slot:
                p = self.parts[name]
                placed[name] = self._place(p, k, xs[k], ext[k], state.side.get(name, 1), g,
                                           symbols)
        wires = self._wires(placed, g)
        return g, placed, wires, symbols

    def _y(self, row: float) -> float:
        return row * ROW

    def _private_pin(self, node: str, x: float, y: float, owner: str, g: Geometry,
                     symbols: list[Symbol], up: bool | None = None) -> None:
        """A ground or supply symbol at a pin: pointing away from the part (`up`), by default
        down for ground and a negative supply, up for a positive one."""
        kind = self.private[node]
        if up is None:
            up = kind == "supply"
        tw, th = self.symbol_labels.get(node, (0.0, 0.0))
        if kind == "ground":
            w, d = GROUND_BOX
        else:
            w, d = SUPPLY_BOX
            w, d = max(w, tw / 2), d + (0.1 + th if th else 0.0)
        box = (x - w, y, x + w, y + d) if up else (x - w, y - d, x + w, y)
        symbols.append(Symbol(kind, node, x, y, box, up))
        g.box(box, owner)

    def _place(self, p: Part, slot: int, x: float, ext: tuple[float, float], side: int,
               g: Geometry, symbols: list[Symbol]) -> Placed:
        pl = Placed(p, slot, side)
        owner = p.name
        if p.shape == "two":
            self._place_two(p, pl, x, ext, g, symbols)
        elif p.shape in ("bjt", "mos"):
            self._place_device(p, pl, x, side, g, symbols)
        elif p.shape == "pair":
            self._place_pair(p, pl, x, g, symbols)
        else:
            self._place_opamp(p, pl, x, side, g, symbols)
        g.box(pl.body, owner)
        g.box(pl.label, owner + "|label")
        g.box(pl.marks, owner + "|marks")
        g.box(pl.label2, owner + "|label2")
        return pl

    def _place_two(self, p: Part, pl: Placed, x: float, ext, g: Geometry, symbols) -> None:
        a, b = p.nodes
        owner = p.name
        bw, blen = p.body
        if self.vertical(p):
            ya, yb = self._two_rows(p)
            top_is_a = ya > yb
            pl.ends = ((x, ya), (x, yb))
            lo, hi = min(ya, yb), max(ya, yb)
            mid = (lo + hi) / 2
            # the whole length, leads too, as schemdraw's box of the element is
            pl.body = (x - bw / 2, lo, x + bw / 2, hi)
            g.segment(x, lo, x, hi, owner, b if top_is_a else a, a if top_is_a else b)
            if p.label[0]:
                lw, lh = p.label
                x0 = x + bw / 2 + LABEL_GAP
                pl.label = (x0, mid - lh / 2, x0 + lw, mid + lh / 2)
            if p.marks[0]:
                mw = p.marks[0]
                mh = max(p.marks[1], hi - lo - 0.8)
                if p.open:  # + v_gs - written on the gap itself
                    pl.body = None
                    pl.marks = (x - mw / 2, mid - mh / 2, x + mw / 2, mid + mh / 2)
                else:
                    x1 = x - bw / 2 - LABEL_GAP
                    pl.marks = (x1 - mw, mid - mh / 2, x1, mid + mh / 2)
            for node, yy in ((a, ya), (b, yb)):
                if node in self.private:
                    self._private_pin(node, x, yy, owner, g, symbols, up=yy == hi)
                else:
                    pl.pins.append((node, x, yy))
        else:
            pl.vertical = False
            # |side| 2: raised a row above its nodes, bridging what stands between them (a
            # feedback resistor over an op-amp); its ends drop to the nodes' wires
            y = self._y(self.level(a) + (1 if abs(pl.side) == 2 else 0))
            left, right = ext
            xl, xr = x - left, x + right
            first, second = (a, b) if pl.side > 0 else (b, a)
            pl.ends = ((xl, y), (xr, y)) if first == a else ((xr, y), (xl, y))
            pl.body = (xl, y - bw / 2, xr, y + bw / 2)
            g.segment(xl, y, xr, y, owner, first, second)
            if p.label[0]:
                lw, lh = p.label
                pl.label = (x - lw / 2, y + bw / 2 + 0.1, x + lw / 2, y + bw / 2 + 0.1 + lh)
            if p.marks[0]:
                mw, mh = p.marks
                pl.marks = (x - mw / 2, y - bw / 2 - 0.1 - mh, x + mw / 2, y - bw / 2 - 0.1)
            pl.pins += [(first, xl, y), (second, xr, y)]

    def _two_rows(self, p: Part, a: str | None = None, b: str | None = None
                  ) -> tuple[float, float]:
        """The y of each end of a part standing between nodes a and b (its own by default)."""
        if a is None or b is None:
            a, b = p.nodes
        below = ("ground", "negative")
        if a in self.private and b in self.private:
            r = self.row(row_var(p))
            top_a = self.private[a] == "supply" or self.private[b] != "supply"
            return (self._y(r + 1), self._y(r)) if top_a else (self._y(r), self._y(r + 1))
        if a in self.private or b in self.private:
            free, fixed = (b, a) if a in self.private else (a, b)
            r = self.level(free)
            other = r - 1 if self.private[fixed] in below else r + 1
            ya, yb = (r, other) if free == a else (other, r)
            return self._y(ya), self._y(yb)
        return self._y(self.level(a)), self._y(self.level(b))

    def _place_device(self, p: Part, pl: Placed, x: float, side: int, g: Geometry,
                      symbols) -> None:
        top, base, bottom = device_ends(p)
        owner = p.name
        r = self.row(row_var(p))
        yb = self._y(r)
        w, h = (BJT_W, BJT_H) if p.shape == "bjt" else (MOS_W, MOS_H)
        y_top_body, y_bot_body = yb + h / 2, yb - h / 2
        yt = self._y(self.level(top)) if top not in self.private else self._y(r + 1)
        ye = self._y(self.level(bottom)) if bottom not in self.private else self._y(r - 1)
        if top in self.private and self.private[top] in ("ground", "negative"):
            yt = self._y(r + 1)
        xb = x - side * (w + STUB)
        pl.anchor = (x - side * w, yb)
        body_left, body_right = sorted((x - side * w, x))
        pl.body = (body_left - 0.02, y_bot_body, body_right + (0.12 if p.shape == "bjt" else 0.02),
                   y_top_body)
        if side < 0:
            pl.body = (body_left - (0.12 if p.shape == "bjt" else 0.02), y_bot_body,
                       body_right + 0.02, y_top_body)
        pl.ends = ((x, yt), (x, ye))
        pl.leads = [(xb, yb)]
        g.segment(x, y_top_body, x, yt, owner, None, top)
        g.segment(x, ye, x, y_bot_body, owner, bottom, None)
        g.segment(min(xb, x - side * w), yb, max(xb, x - side * w), yb, owner,
                  *((base, None) if side > 0 else (None, base)))
        if p.label[0]:
            lw, lh = p.label
            x0 = x + side * (0.3 + LABEL_GAP)
            pl.label = ((x0, yb - lh / 2, x0 + lw, yb + lh / 2) if side > 0
                        else (x0 - lw, yb - lh / 2, x0, yb + lh / 2))
        for node, px, py, up in ((top, x, yt, True), (base, xb, yb, None),
                                 (bottom, x, ye, False)):
            if node in self.private:
                self._private_pin(node, px, py, owner, g, symbols, up)
            else:
                pl.pins.append((node, px, py))
        if yt < y_top_body + 0.2 or ye > y_bot_body - 0.2:
            g.fault(f"{p.name} has no room between its rows", owner)

    def _place_pair(self, p: Part, pl: Placed, x: float, g: Geometry, symbols) -> None:
        """Two windings standing side by side, `core` apart: the first between p1 (top) and
        n1, the second between p2 and n2; labels outside them, the middle text between."""
        p1, n1, p2, n2 = p.nodes
        owner = p.name
        xl, xr = x - p.core / 2, x + p.core / 2
        spans = []
        for xx, a, b in ((xl, p1, n1), (xr, p2, n2)):
            ya, yb = self._two_rows(p, a, b)
            lo, hi = min(ya, yb), max(ya, yb)
            spans.append((lo, hi))
            g.segment(xx, lo, xx, hi, owner, b if ya > yb else a, a if ya > yb else b)
            for node, yy in ((a, ya), (b, yb)):
                if node in self.private:
                    self._private_pin(node, xx, yy, owner, g, symbols, up=yy == hi)
                else:
                    pl.pins.append((node, xx, yy))
        (lo1, hi1), (lo2, hi2) = spans
        pl.ends = ((xl, hi1), (xl, lo1))
        pl.leads = [(xr, hi2), (xr, lo2)]
        pl.body = (xl - COIL_OUT, min(lo1, lo2), xr + COIL_OUT, max(hi1, hi2))
        mid = (max(lo1, lo2) + min(hi1, hi2)) / 2
        for size, xx, sign, mid_y in ((p.label, xl, -1, (lo1 + hi1) / 2),
                                      (p.label2, xr, 1, (lo2 + hi2) / 2)):
            if size[0]:
                w, h = size
                near = xx + sign * (COIL_OUT + LABEL_GAP)
                box = (min(near, near + sign * w), mid_y - h / 2, max(near, near + sign * w),
                       mid_y + h / 2)
                if sign < 0:
                    pl.label = box
                else:
                    pl.label2 = box
        if p.middle[0]:
            w, h = p.middle
            y0 = mid + 0.7 if p.cored else mid - h / 2
            pl.middle = (x - w / 2, y0, x + w / 2, y0 + h)
        if min(hi1, hi2) - max(lo1, lo2) < 2.0:
            g.fault(f"{p.name}'s windings have no room beside each other", owner)

    def _place_opamp(self, p: Part, pl: Placed, x: float, side: int, g: Geometry,
                     symbols) -> None:
        out, plus, minus = p.nodes
        owner = p.name
        y = self._y(self.row(row_var(p)))
        half = OPAMP_W / 2
        pl.anchor = (x - half, y)  # the middle of the inputs' side
        pl.body = (x - half - 0.12, y - 1.25, x + half + 0.05, y + 1.25)
        y_minus, y_plus = (y + OPAMP_IN, y - OPAMP_IN) if side > 0 else (y - OPAMP_IN,
                                                                         y + OPAMP_IN)
        xi, xo = x - half - OPAMP_LEAD, x + half + OPAMP_LEAD
        pl.leads = [(xi, y_minus), (xi, y_plus), (xo, y)]
        g.segment(xi, y_minus, x - half - 0.12, y_minus, owner, minus, None)
        g.segment(xi, y_plus, x - half - 0.12, y_plus, owner, plus, None)
        g.segment(x + half + 0.05, y, xo, y, owner, None, out)
        if p.label[0]:
            lw, lh = p.label
            pl.label = (x - lw / 2, y - 1.25 - 0.1 - lh, x + lw / 2, y - 1.35)
        for node, px, py in ((out, xo, y), (plus, xi, y_plus), (minus, xi, y_minus)):
            if node in self.private:
                self._private_pin(node, px, py, owner, g, symbols)
            else:
                pl.pins.append((node, px, py))

    def _wires(self, placed: Mapping[str, Placed], g: Geometry) -> list[Wire]:
        """Each node: a trunk on its row across its pins, and a drop from each pin off it
        (drops on one line merged, so a wire through a junction is one wire)."""
        pins: dict[str, list[tuple[float, float]]] = {}
        for pl in placed.values():
            for node, x, y in pl.pins:
                pins.setdefault(node, []).append((x, y))
        wires = []
        for node, pts in pins.items():
            if node in self.split or len(pts) == 1:
                continue
            y = self._y(self.level(node))
            xs = [x for x, _ in pts]
            lo, hi = min(xs), max(xs)
            if hi > lo:
                wires.append((node, lo, y, hi, y))
            drops: dict[float, tuple[float, float]] = {}
            for x, py in pts:
                if abs(py - y) > 1e-9:
                    k = round(x, 6)
                    a, b = drops.get(k, (y, y))
                    drops[k] = (min(a, py, y), max(b, py, y))
            for k, (a, b) in drops.items():
                if a < y < b:  # pins above and below the trunk: two drops, both from it
                    wires += [(node, k, a, k, y), (node, k, y, k, b)]
                else:
                    wires.append((node, k, a, k, b))
        for node, x1, y1, x2, y2 in wires:
            g.segment(x1, y1, x2, y2, "~" + node)
        return wires

    # cost of a state
    def cost(self, state: _State, bound: int = 50) -> tuple[float, int]:
        """Problems (each worth 1000), wire length, width and reading order; counting stops
        one past `bound`, the problems of the best state known."""
        import numpy as np

        g, placed, wires, _ = self.geometry(state)
        bad = len(g.problems(limit=bound + 1))
        length = sum(abs(x2 - x1) + abs(y2 - y1) for _, x1, y1, x2, y2 in wires)
        width = sum(1 for s in state.slots if s)
        flow = 0.0
        slots = np.array([pl.slot for pl in placed.values()])
        ranks = np.array([self.rank[name] for name in placed])
        flow += float(np.count_nonzero((slots[:, None] < slots[None, :])
                                       & (ranks[:, None] > ranks[None, :])))
        if self.first and self.first in placed:
            flow += placed[self.first].slot * 3.0
        if self.last and self.last in placed:
            flow += (len(state.slots) - 1 - placed[self.last].slot) * 1.0
        return bad * 1000.0 + length + width * 0.5 + flow, bad

    # search
    def options(self, p: Part) -> list[int]:
        if p.shape in ("bjt", "mos", "opamp"):
            return [1, -1]
        if p.shape == "two" and not self.vertical(p):
            return [1, -1, 2, -2]
        return [1]

    def candidates(self, state: _State, p: Part) -> list[tuple[str, int]]:
        """Where a part may go: a new column next to a column holding a neighbour (or at
        either end), or into such a column when it fits on other rows."""
        mine = {n for n in p.nodes if n not in self.private} | set(p.drive)
        near: set[int] = set()
        for k, slot in enumerate(state.slots):
            for name in slot:
                q = self.parts[name]
                if mine & (set(q.nodes) | set(q.drive)):
                    near.add(k)
        gaps = {0, len(state.slots)}
        for k in near:
            gaps |= {k, k + 1}
        out = [("new", k) for k in sorted(gaps)]
        if p.shape != "opamp":
            lo, hi = self.span(p)
            lying = p.shape == "two" and not self.vertical(p)  # it may rise above the others
            for k in sorted(near):
                spans = [self.span(self.parts[n]) for n in state.slots[k]]
                if lying or all(hi <= a + 1e-9 or lo >= b - 1e-9 for a, b in spans):
                    out.append(("in", k))
        return out

    def span(self, p: Part) -> tuple[float, float]:
        """The rows a part occupies, for a quick test of whether two parts can share a column."""
        if p.shape == "pair":
            ys = self._two_rows(p, *p.nodes[:2]) + self._two_rows(p, *p.nodes[2:])
            return min(ys) / ROW, max(ys) / ROW
        if p.shape == "two":
            if not self.vertical(p):
                r = self.level(p.nodes[0])
                return r - 0.3, r + 1.3  # on its row, or raised one
            ya, yb = self._two_rows(p)
            return min(ya, yb) / ROW, max(ya, yb) / ROW
        if p.shape == "opamp":
            r = self.row(row_var(p))
            return r - 0.5, r + 0.5
        top, _, bottom = device_ends(p)
        r = self.row(row_var(p))
        hi = self.level(top) if top not in self.private else r + 1
        lo = self.level(bottom) if bottom not in self.private else r - 1
        return lo, hi

    def apply(self, state: _State, p: Part, where: tuple[str, int], side: int) -> _State:
        slots = [list(s) for s in state.slots]
        kind, k = where
        if kind == "new":
            slots.insert(k, [p.name])
        else:
            slots[k].append(p.name)
        sides = dict(state.side)
        sides[p.name] = side
        return _State(slots, sides)

    def remove(self, state: _State, name: str) -> _State:
        slots = [[n for n in s if n != name] for s in state.slots]
        return _State([s for s in slots if s], {k: v for k, v in state.side.items()
                                                  if k != name})

    def insert_best(self, state: _State, p: Part) -> tuple[_State, tuple[float, int]]:
        best: tuple[tuple[float, int], _State] | None = None
        for where in self.candidates(state, p):
            for side in self.options(p):
                trial = self.apply(state, p, where, side)
                c = self.cost(trial, 50 if best is None else best[0][1])
                if best is None or c[0] < best[0][0]:
                    best = (c, trial)
        assert best is not None
        return best[1], best[0]

    def search(self) -> tuple[_State, int]:
        state = _State([], {})
        for p in self.order:
            state, _ = self.insert_best(state, p)
            self._check_time()
        score = self.cost(state)
        for _ in range(2):
            if not score[1] and len(self.parts) > POLISH_PARTS:
                break  # clean already; big drawings are not polished further
            hopeless = score[1] > HOPELESS  # a tangle no move mends: nodes will be split
            improved = False
            for move in self.moves(all_moves=0 < score[1] <= HOPELESS):
                trial, c = self.reinsert(state, move)
                if c[0] < score[0] - 1e-9:
                    state, score, improved = trial, c, True
                self._check_time()
            if not improved or hopeless:
                break
        return state, score[1]

    def moves(self, all_moves: bool = True) -> list[tuple[tuple[str, ...], str | None]]:
        """What re-insertion tries: each part alone; while something still overlaps, also
        each node's shunts together (a base divider moves as one) and a device turned round
        with its base's shunts."""
        out: list[tuple[tuple[str, ...], str | None]] = [((p.name,), None) for p in self.order]
        if not all_moves:
            return out
        shunts: dict[str, list[str]] = {}
        for p in self.order:
            mine = {n for n in p.nodes if n not in self.private}
            if len(mine) == 1:
                shunts.setdefault(mine.pop(), []).append(p.name)
        for group in shunts.values():
            if len(group) > 1:
                out.append((tuple(group), None))
        for p in self.order:
            if p.shape in ("bjt", "mos"):
                side = device_ends(p)[1]
                out.append((tuple(shunts.get(side, [])), p.name))
        return out

    def reinsert(self, state: _State, move: tuple[tuple[str, ...], str | None]
                 ) -> tuple[_State, tuple[float, int]]:
        names, turn = move
        for name in names:
            state = self.remove(state, name)
        if turn is not None:
            sides = dict(state.side)
            sides[turn] = -sides.get(turn, 1)
            state = _State(state.slots, sides)
        cost = None
        for name in names:
            state, cost = self.insert_best(state, self.parts[name])
        return state, cost if cost is not None else self.cost(state)

    def _check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise PlacementError(f"placing {len(self.parts)} parts took longer than "
                                 f"{SEARCH_SECONDS:.0f} s; draw a smaller part of the circuit")

    def trouble_nodes(self, state: _State) -> list[str]:
        """The nodes of whatever overlaps, most often involved first."""
        g, *_ = self.geometry(state)
        g.problems(limit=50)
        nodes: dict[str, int] = {}
        for pair in g.culprits:
            for owner in pair:
                if owner[:1] in "~#":
                    found = [owner[1:].split(" ")[0]]
                else:
                    part = self.parts.get(owner.split("|")[0])
                    found = [n for n in part.nodes if n not in self.private] if part else []
                for n in found:
                    nodes[n] = nodes.get(n, 0) + 1
        return sorted(nodes, key=lambda n: -nodes[n])


def place(parts: Iterable[Part], private: Mapping[str, str], start: str | None = None,
          node_labels: Mapping[str, tuple[float, float]] | None = None,
          first: str | None = None, last: str | None = None,
          symbol_labels: Mapping[str, tuple[float, float]] | None = None,
          alike: Iterable[tuple[str, str]] = ()) -> Layout:
    """Place `parts` (see the module docstring). `private` maps ground and supply nodes to
    "ground", "supply" or "negative"; `start` names the input part; `first`/`last` the parts
    wanted at the left and right edges; `node_labels` the size of each node's name; `alike`
    pairs of nodes that mirror each other (the two collectors of a pair): what lifts one
    lifts the other."""
    parts = list(parts)
    if len(parts) > MAX_PARTS:
        raise PlacementError(f"{len(parts)} parts are too many to draw (at most {MAX_PARTS}); "
                             "draw a stage at a time")
    if not parts:
        raise PlacementError("nothing to draw: the circuit has no elements")
    placer = _Placer(parts, private, start, node_labels or {}, first, last,
                     symbol_labels or {})
    for a, b in alike:
        placer.alike.setdefault(a, set()).add(b)
        placer.alike.setdefault(b, set()).add(a)
    state, bad = placer.search()
    tried: set[tuple] = set()
    lift_until = time.monotonic() + LIFT_SECONDS
    while 0 < bad <= HOPELESS and len(tried) < 6 and time.monotonic() < lift_until:
        better = None
        trouble = placer.trouble_nodes(state)[:3]
        trials = []
        for node in trouble:  # first lift a node's row (and what mirrors it) ...
            lifts = dict(placer.lifts)
            for key in {placer.classes.find(n) for n in {node} | placer.alike.get(node, set())}:
                lifts[key] = lifts.get(key, 0.0) + 1.0
            trials.append((lifts, placer.raised))
        for node in trouble:  # ... then raise just its wire
            raised = dict(placer.raised)
            raised[node] = raised.get(node, 0.0) + 1.0
            trials.append((placer.lifts, raised))
        for lifts, raised in trials:
            key = (tuple(sorted(lifts.items())), tuple(sorted(raised.items())))
            if key in tried or time.monotonic() > lift_until:
                continue
            tried.add(key)
            trial = replace_rows(placer, lifts, raised)
            s, b = trial.search()
            if better is None or b < better[2]:
                better = (trial, s, b)
            if b == 0:
                break
        if better is None or better[2] >= bad:
            break
        placer, state, bad = better
    nodes = {n for p in parts for n in p.nodes if n not in private}
    while bad:  # last: draw the nodes in the way as named stubs, and place again
        trouble = [n for n in placer.trouble_nodes(state) if n not in placer.split]
        if not trouble:
            break
        placer.split.update(trouble[:3 if bad > HOPELESS else 1])
        if len(placer.split) > max(3, 0.4 * len(nodes)):
            shown = ", ".join(sorted(placer.split)[:6])
            raise PlacementError(
                f"this circuit is wired too densely to draw clearly: {len(placer.split)} of its "
                f"{len(nodes)} nodes ({shown} ...) would have to be drawn as named stubs; draw "
                "a smaller part of it")
        state, bad = placer.search()
    return finish(placer, state)


def replace_rows(placer: _Placer, lifts: dict[str, float],
                 raised: dict[str, float] | None = None) -> _Placer:
    """The placer with other row lifts (whole classes) or other raised wires (one node)."""
    new = object.__new__(_Placer)
    new.__dict__.update(placer.__dict__)
    new.lifts = lifts
    new.rows = placer.classes.rows(lifts)
    new.raised = dict(placer.raised if raised is None else raised)
    new.split = set(placer.split)
    return new


def extent(layout: Layout) -> Box:
    """The box holding everything placed: parts, labels, symbols, wires and names."""
    xs: list[float] = []
    ys: list[float] = []
    for pl in layout.placed.values():
        for b in (pl.body, pl.label, pl.marks, pl.label2):
            if b:
                xs += [b[0], b[2]]
                ys += [b[1], b[3]]
        for _, x, y in pl.pins:
            xs.append(x)
            ys.append(y)
        for x, y in pl.leads:
            xs.append(x)
            ys.append(y)
    for s in layout.symbols:
        xs += [s.box[0], s.box[2]]
        ys += [s.box[1], s.box[3]]
    for _, x1, y1, x2, y2 in layout.wires:
        xs += [x1, x2]
        ys += [y1, y2]
    for lab in layout.labels:
        xs += [lab.box[0], lab.box[2]]
        ys += [lab.box[1], lab.box[3]]
    if not xs:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs), min(ys), max(xs), max(ys))


def finish(placer: _Placer, state: _State) -> Layout:
    g, placed, wires, symbols = placer.geometry(state)
    pins: dict[str, list[tuple[float, float]]] = {}
    for pl in placed.values():
        for node, x, y in pl.pins:
            pins.setdefault(node, []).append((x, y))
    labels = node_labels(pins, wires, placer.node_labels, placer.split, g)
    problems = list(dict.fromkeys(g.problems(limit=20)))
    return Layout(placed, wires, symbols, labels, _dots(placed, wires),
                  frozenset(placer.split), problems)


def _dots(placed: Mapping[str, Placed], wires) -> list[tuple[float, float]]:
    """Junctions: points where three or more arms of one node meet (a pin, a wire ending there,
    or a wire passing through counts twice)."""
    arms: dict[tuple[str, float, float], int] = {}

    def add(node: str, x: float, y: float, n: int) -> None:
        key = (node, round(x, 6), round(y, 6))
        arms[key] = arms.get(key, 0) + n

    for pl in placed.values():
        for node, x, y in pl.pins:
            add(node, x, y, 1)
    for node, x1, y1, x2, y2 in wires:
        add(node, x1, y1, 1)
        add(node, x2, y2, 1)
    for node, x, y in list(arms):
        for n, x1, y1, x2, y2 in wires:
            if n == node and ((y1 == y2 == y and x1 + 1e-6 < x < x2 - 1e-6)
                              or (x1 == x2 == x and y1 + 1e-6 < y < y2 - 1e-6)):
                add(node, x, y, 2)
    return sorted({(x, y) for (_, x, y), n in arms.items() if n >= 3})


__all__ = ["Layout", "Part", "PlacementError", "Placed", "place", "visiting_order"]
