"""What is on a drawing, as boxes and axis-parallel segments, and what may touch what.

A placement is judged only here. Every box (a symbol, a label, a node's name) and every segment
(a part's own line, or a wire of a node) has an *owner*: a part's name (`R1`, its label
`R1|label`), `~node` for the wires of a node, `#node` for its name. Things of one owner may
overlap; anything else may meet only where a circuit joins: a part's line may end on the wire
of the node its end belongs to, two parts may meet end to end on a node they share, and wires
of different nodes never meet at all.
"""

from __future__ import annotations

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
# x1, y1, x2, y2 (from lower-left to upper-right), owner, node at end 1, node at end 2
Segment = tuple[float, float, float, float, str, "str | None", "str | None"]

TOLERANCE = 0.02  # drawing units: touching along an edge is not overlapping
_EPS = 1e-6


def intersect(a: Box, b: Box, tol: float = TOLERANCE) -> bool:
    """True when two boxes share more than an edge."""
    return a[0] < b[2] - tol and b[0] < a[2] - tol and a[1] < b[3] - tol and b[1] < a[3] - tol


def grown(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def segment_in_box(s: Segment, b: Box) -> bool:
    """True when a segment runs through the inside of a box (along its edge is outside)."""
    x1, y1, x2, y2 = s[:4]
    t = TOLERANCE
    if x1 == x2:
        return b[0] + t < x1 < b[2] - t and y1 < b[3] - t and y2 > b[1] + t
    return b[1] + t < y1 < b[3] - t and x1 < b[2] - t and x2 > b[0] + t


def segment_near_box(s: Segment, b: Box, margin: float = 0.06) -> bool:
    x1, y1, x2, y2 = s[:4]
    return not (x2 < b[0] - margin or x1 > b[2] + margin or y2 < b[1] - margin
                or y1 > b[3] + margin)


def who(owner: str) -> str:
    """An owner as a message names it."""
    if owner.startswith("~"):
        return f"the wire of node {owner[1:]}"
    if owner.startswith("#"):
        return f"the name of node {owner[1:]}"
    return owner.split("|")[0]


def _end_node(seg: Segment, point: tuple[float, float]) -> str | None:
    """The node at the end of `seg` that is `point` ("" for an end on no node), or None."""
    if abs(seg[0] - point[0]) <= _EPS and abs(seg[1] - point[1]) <= _EPS:
        return seg[5] or ""
    if abs(seg[2] - point[0]) <= _EPS and abs(seg[3] - point[1]) <= _EPS:
        return seg[6] or ""
    return None


def _meeting(s: Segment, t: Segment) -> tuple[bool, tuple[float, float] | None]:
    """(do they meet, the point where they meet or None when they run along each other)."""
    ax1, ay1, ax2, ay2 = s[:4]
    bx1, by1, bx2, by2 = t[:4]
    if ax1 == ax2 and bx1 == bx2:  # both vertical
        if abs(ax1 - bx1) > _EPS:
            return False, None
        lo, hi = max(ay1, by1), min(ay2, by2)
        if lo > hi + _EPS:
            return False, None
        return True, (ax1, lo) if hi - lo <= _EPS else None
    if ay1 == ay2 and by1 == by2:  # both horizontal
        if abs(ay1 - by1) > _EPS:
            return False, None
        lo, hi = max(ax1, bx1), min(ax2, bx2)
        if lo > hi + _EPS:
            return False, None
        return True, (lo, ay1) if hi - lo <= _EPS else None
    v, h = (s, t) if ax1 == ax2 else (t, s)
    x, y = v[0], h[1]
    if h[0] - _EPS <= x <= h[2] + _EPS and v[1] - _EPS <= y <= v[3] + _EPS:
        return True, (x, y)
    return False, None


def segments_clash(s: Segment, t: Segment) -> str | None:
    """Why two segments may not meet as they do, or None when they may (or do not meet)."""
    if s[4] == t[4]:
        return None
    meets, point = _meeting(s, t)
    if not meets:
        return None
    wire_s, wire_t = s[4].startswith("~"), t[4].startswith("~")
    if wire_s and wire_t:
        return f"the wires of nodes {s[4][1:]} and {t[4][1:]} cross"
    if point is None:
        return f"{who(s[4])} runs along {who(t[4])}"
    if wire_s or wire_t:
        wire, part = (s, t) if wire_s else (t, s)
        if _end_node(part, point) == wire[4][1:]:
            return None
        return f"{who(part[4])} touches the wire of node {wire[4][1:]}"
    ends = _end_node(s, point), _end_node(t, point)
    if ends[0] and ends[0] == ends[1]:
        return None
    return f"{who(s[4])} touches {who(t[4])}"


class Geometry:
    """Everything on one drawing, and the problems found in it."""

    def __init__(self) -> None:
        self.boxes: list[tuple[Box, str]] = []
        self.segments: list[Segment] = []
        self.culprits: list[tuple[str, str]] = []  # the owners in each problem found
        self.faults: list[tuple[str, str]] = []  # problems noticed while placing

    def box(self, b: Box | None, owner: str) -> None:
        if b is not None:
            self.boxes.append((b, owner))

    def segment(self, x1: float, y1: float, x2: float, y2: float, owner: str,
                n1: str | None = None, n2: str | None = None) -> None:
        if (x1, y1) > (x2, y2):
            x1, y1, x2, y2, n1, n2 = x2, y2, x1, y1, n2, n1
        self.segments.append((x1, y1, x2, y2, owner, n1, n2))

    def fault(self, message: str, owner: str) -> None:
        """A problem found while placing (a device squeezed between its rows)."""
        self.faults.append((message, owner))

    def free(self, box: Box, node: str | None = None) -> bool:
        """Nothing drawn within the box (a node's own wires aside: its name sits by them)."""
        if any(intersect(box, b) for b, _ in self.boxes):
            return False
        own = "~" + node if node else None
        return not any(segment_near_box(s, box) for s in self.segments if s[4] != own)

    def problems(self, limit: int = 10**9) -> list[str]:
        """What overlaps what, at most `limit` of them. Boxes and segments are compared as
        numpy arrays first; only pairs that come near each other are looked at one by one."""
        import numpy as np

        out = [m for m, _ in self.faults]
        self.culprits = [(o, o) for _, o in self.faults]
        boxes, segs, t = self.boxes, self.segments, TOLERANCE
        ids: dict[str, int] = {}

        def owner_id(owner: str) -> int:
            return ids.setdefault(owner.split("|")[0], len(ids))

        def found(message: str, a: str, b: str) -> bool:
            out.append(message)
            self.culprits.append((a, b))
            return len(out) >= limit

        b = np.array([x for x, _ in boxes], dtype=float).reshape(-1, 4)
        bo = np.array([owner_id(o) for _, o in boxes], dtype=int)
        hit = ((b[:, None, 0] < b[None, :, 2] - t) & (b[None, :, 0] < b[:, None, 2] - t)
               & (b[:, None, 1] < b[None, :, 3] - t) & (b[None, :, 1] < b[:, None, 3] - t)
               & (bo[:, None] != bo[None, :]))
        for i, j in zip(*np.nonzero(np.triu(hit, 1)), strict=True):
            oi, oj = boxes[i][1], boxes[j][1]
            if found(f"{who(oi)} overlaps {who(oj)}", oi, oj):
                return out
        if not segs:
            return out
        sg = np.array([x[:4] for x in segs], dtype=float).reshape(-1, 4)
        so = np.array([owner_id(x[4]) for x in segs], dtype=int)
        x1, y1, x2, y2 = (sg[:, k][:, None] for k in range(4))
        through_v = ((b[None, :, 0] + t < x1) & (x1 < b[None, :, 2] - t)
                     & (y1 < b[None, :, 3] - t) & (y2 > b[None, :, 1] + t))
        through_h = ((b[None, :, 1] + t < y1) & (y1 < b[None, :, 3] - t)
                     & (x1 < b[None, :, 2] - t) & (x2 > b[None, :, 0] + t))
        hit = np.where(x1 == x2, through_v, through_h) & (so[:, None] != bo[None, :])
        for i, j in zip(*np.nonzero(hit), strict=True):
            owner, other = segs[i][4], boxes[j][1]
            if found(f"{who(owner)} runs through {who(other)}", owner, other):
                return out
        e = _EPS
        near = ((sg[:, None, 0] <= sg[None, :, 2] + e) & (sg[None, :, 0] <= sg[:, None, 2] + e)
                & (sg[:, None, 1] <= sg[None, :, 3] + e) & (sg[None, :, 1] <= sg[:, None, 3] + e)
                & (so[:, None] != so[None, :]))
        for i, j in zip(*np.nonzero(np.triu(near, 1)), strict=True):
            why = segments_clash(segs[i], segs[j])
            if why and found(why, segs[i][4], segs[j][4]):
                return out
        return out
