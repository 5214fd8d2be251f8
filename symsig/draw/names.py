"""Where each node's name is written on a schematic, once the parts and wires are placed.

A name goes above (or below) its node's wire in the widest free stretch between two pins, else
beside a lone end of the wire or beside a long drop, else at a corner by a pin, else at the end
of a short stub drawn out of a pin into free space. A node drawn as named stubs (where no clean
wire could join its pins) is named at each pin. Every spot is tried first with some room around
it, then just free; a name with nowhere to go is a fault, and the drawing is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .geometry import Box, Geometry, grown, segment_in_box, segments_clash

PAD, CLEAR = 0.1, 0.32  # from a wire to a name above it; from a junction dot beside it


@dataclass
class NodeLabel:
    node: str
    x: float
    y: float
    halign: str
    valign: str
    box: Box
    stub: tuple[float, float, float, float] | None = None  # a wire drawn out to the name


def node_labels(pins: Mapping[str, list[tuple[float, float]]],
                wires: list[tuple[str, float, float, float, float]],
                sizes: Mapping[str, tuple[float, float]], split: set[str] | frozenset[str],
                g: Geometry) -> list[NodeLabel]:
    """A name for each node of `sizes` that has pins; each name placed is added to `g`."""
    out: list[NodeLabel] = []
    trunks = {n: (x1, x2, y1) for n, x1, y1, x2, y2 in wires if y1 == y2}
    for node in sorted(pins, key=lambda n: (n not in trunks, n)):
        if node not in sizes:
            continue
        w, h = sizes[node]
        if node in split:  # a name at each pin (pins at one point named once)
            groups = [[p] for p in dict.fromkeys((round(x, 6), round(y, 6))
                                                 for x, y in pins[node])]
            trunk, drops = None, []
        else:
            groups = [pins[node]]
            trunk = trunks.get(node)
            drops = [wire[1:] for wire in wires if wire[0] == node and wire[1] == wire[3]]
        for group in groups:
            label = _place_name(node, group, trunk, drops, w, h, g)
            if label is None:
                g.fault(f"no room for the name of node {node}", "#" + node)
                continue
            out.append(label)
            g.box(label.box, "#" + node)
            if label.stub:
                g.segment(*label.stub, "~" + node)
    return out


def _place_name(node: str, pins: list[tuple[float, float]],
                trunk: tuple[float, float, float] | None,
                drops: list[tuple[float, float, float, float]], w: float, h: float,
                g: Geometry) -> NodeLabel | None:
    spots = _spots(pins, trunk, w, drops)
    for room in (0.12, 0.05):  # with room around it if possible, else a little
        for x, y, how in spots:
            label = _label_at(node, x, y, w, h, how)
            if g.free(_room(label.box, room, how), node):
                return label
    for x, y in pins:
        for reach in (0.8, 1.4, 2.0):
            for dx, dy, how in ((reach, 0, "right"), (-reach, 0, "left"), (0, reach, "above"),
                                (0, -reach, "below")):
                label = _stub_at(node, x, y, dx, dy, how, w, h, g)
                if label is not None:
                    return label
    return None


def _room(box: Box, by: float, how: str) -> Box:
    """The box with room around it, except on the side that faces its wire (a name above a
    wire is PAD clear of it, and of the leads of the parts that wire joins, on its line)."""
    x0, y0, x1, y1 = grown(box, by)
    if how.startswith("above"):
        y0 = box[1]
    elif how.startswith("below"):
        y1 = box[3]
    return x0, y0, x1, y1


def _spots(pins: list[tuple[float, float]], trunk: tuple[float, float, float] | None,
           width: float, drops: list[tuple[float, float, float, float]]
           ) -> list[tuple[float, float, str]]:
    """Places for a node's name, best first: (x, y, how)."""
    out: list[tuple[float, float, str]] = []
    if trunk is None:
        for x, y in pins:
            out += [(x, y, how) for how in ("right", "left", "above", "below", "above-right",
                                            "above-left", "below-right", "below-left")]
        return out
    x1, x2, y = trunk
    xs = sorted({round(x, 6) for x, _ in pins} | {round(x1, 6), round(x2, 6)})
    # (a short stretch between two series parts will do: the name is checked free of them)
    for a, b in sorted(zip(xs, xs[1:], strict=False), key=lambda ab: ab[0] - ab[1]):
        if b - a >= width + 0.1:
            out += [((a + b) / 2, y, "above"), ((a + b) / 2, y, "below")]
    alone = {round(x, 6) for x, py in pins
             if sum(1 for q, _ in pins if abs(q - x) < 1e-6) == 1 and abs(py - y) < 1e-6}
    if round(x2, 6) in alone:
        out.append((x2, y, "right"))
    if round(x1, 6) in alone:
        out.append((x1, y, "left"))
    for x, ya, _, yb in sorted(drops, key=lambda d: d[1] - d[3]):
        if yb - ya > 1.0:
            out += [(x, (ya + yb) / 2, "left"), (x, (ya + yb) / 2, "right")]
    for x in xs:
        out += [(x, y, "above-right"), (x, y, "above-left"), (x, y, "below-right"),
                (x, y, "below-left")]
    return out + [(x2, y, "right"), (x1, y, "left")]


def _label_at(node: str, x: float, y: float, w: float, h: float, how: str) -> NodeLabel:
    """A name of size (w, h) placed `how` from the point (x, y), clear of a junction dot."""
    if how == "above":
        return NodeLabel(node, x, y + PAD, "center", "bottom",
                         (x - w / 2, y + PAD, x + w / 2, y + PAD + h))
    if how == "below":
        return NodeLabel(node, x, y - PAD, "center", "top",
                         (x - w / 2, y - PAD - h, x + w / 2, y - PAD))
    if how == "right":
        return NodeLabel(node, x + CLEAR, y, "left", "center",
                         (x + CLEAR, y - h / 2, x + CLEAR + w, y + h / 2))
    if how == "left":
        return NodeLabel(node, x - CLEAR, y, "right", "center",
                         (x - CLEAR - w, y - h / 2, x - CLEAR, y + h / 2))
    dx = CLEAR if how.endswith("right") else -CLEAR
    halign = "left" if dx > 0 else "right"
    x0 = x + dx if dx > 0 else x + dx - w
    if how.startswith("above"):
        return NodeLabel(node, x + dx, y + PAD, halign, "bottom",
                         (x0, y + PAD, x0 + w, y + PAD + h))
    return NodeLabel(node, x + dx, y - PAD, halign, "top", (x0, y - PAD - h, x0 + w, y - PAD))


def _stub_at(node: str, x: float, y: float, dx: float, dy: float, how: str, w: float,
             h: float, g: Geometry) -> NodeLabel | None:
    """The name at the end of a wire (dx, dy) out of the pin, if both are free."""
    stub = (min(x, x + dx), min(y, y + dy), max(x, x + dx), max(y, y + dy))
    label = _label_at(node, x + dx, y + dy, w, h, how)
    probe = (*stub, "~" + node, None, None)
    if any(segments_clash(probe, s) for s in g.segments) or any(
            segment_in_box(probe, b) for b, _ in g.boxes) or not g.free(label.box, node):
        return None
    label.stub = stub
    return label
