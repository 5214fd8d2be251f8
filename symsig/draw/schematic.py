"""Schematics with schemdraw, without LaTeX: a netlist as written, or the small-signal
equivalent symsig builds from it, as SVG or PNG.

    from symsig.draw.schematic import draw, save
    d = draw(circuit, small_signal=True)     # a schemdraw.Drawing
    save(d, "ce_small_signal.png")

Labels are matplotlib mathtext (r_π1, g_m1 v_π1), node names are written in blue beside their
wires, and ground and supplies are a symbol at each pin. Placement (`layout`) verifies from the
geometry that no two things overlap; a circuit it cannot draw cleanly raises `PlacementError`
with the reason, never a tangle. schemdraw and matplotlib are imported only here, when a
drawing is asked for.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..circuit.netlist import Circuit
from ..devices import Options
from ..errors import SymsigError
from .layout import (
    OPAMP_W,
    Layout,
    Part,
    PlacementError,
    extent,
    place,
)
from .topology import Drawn, Sketch, sketch

LABEL_SIZE = 12  # points
NODE_SIZE = 11
NODE_COLOR = "#1f4e99"
SUFFIXES = (".svg", ".png")
#: Body (across, along) of each two-terminal symbol, in drawing units (schemdraw's sizes).
BODY = {"resistor": (0.5, 1.0), "capacitor": (0.5, 0.4), "inductor": (0.8, 1.0),
        "vsource": (1.0, 1.0), "isource": (1.0, 1.0), "vcvs": (1.0, 1.0), "vccs": (1.0, 1.0),
        "cccs": (1.0, 1.0), "ccvs": (1.0, 1.0), "diode": (0.5, 0.45), "zener": (0.7, 0.45),
        "sense": (0.4, 0.6),
        "gap": (0.3, 1.0)}


def draw(circuit: Circuit, small_signal: bool = False, options: Options | None = None,
         capacitors: str = "short"):
    """A schemdraw Drawing of `circuit`, or of its small-signal equivalent (`small_signal`,
    with the device `options` and `capacitors` of the analysis). Raises `PlacementError`
    when the circuit cannot be drawn without overlaps."""
    view = sketch(circuit, small_signal, options, capacitors)
    layout = arrange(view)
    return render(view, layout)


def arrange(view: Sketch) -> Layout:
    """Placement of a sketch, with every text measured as it will be drawn."""
    parts = [_part(d) for d in view.parts]
    names = {n: _measure(t, NODE_SIZE) for n, t in view.node_names.items()}
    symbols = {n: _measure(t, LABEL_SIZE) for n, t in view.supply_labels.items()}
    last = parts[-1].name if parts else None
    layout = place(parts, view.private, start=view.start, node_labels=names,
                   first=view.start, last=None if view.small_signal else last,
                   symbol_labels=symbols, alike=view.alike)
    if layout.problems:
        shown = "; ".join(layout.problems[:3])
        other = ("the netlist as written (without --small-signal)" if view.small_signal
                 else "its small-signal equivalent (--small-signal)")
        raise PlacementError(f"cannot draw this circuit without overlaps ({shown}); draw a "
                             f"smaller part of it, or {other}")
    return layout


def _part(d: Drawn) -> Part:
    label = _measure_lines(d.label.lines, LABEL_SIZE) if d.label.text else (0.0, 0.0)
    marks = (0.0, 0.0)
    if d.marks:
        w, h = _measure(d.marks[1], LABEL_SIZE)
        marks = (max(w, 0.3), 1.7)
    body = BODY.get(d.symbol, (0.5, 1.0))
    label2 = (_measure_lines(d.label2.lines, LABEL_SIZE) if d.label2 and d.label2.text
              else (0.0, 0.0))
    middle = _measure(d.middle, LABEL_SIZE) if d.middle else (0.0, 0.0)
    return Part(d.name, d.shape, d.nodes, up=d.up, inverted=d.inverted, body=body,
                label=label, marks=marks, drive=d.drive, lying=d.lying, open=d.symbol == "gap",
                label2=label2, middle=middle, cored=d.symbol == "transformer")


# -- text sizes -----------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _measure(text: str, size: float) -> tuple[float, float]:
    """Width and height of a text as matplotlib draws it, in drawing units (half inches)."""
    fig, renderer = _renderer()
    t = fig.text(0, 0, readable(text), fontsize=size)
    box = t.get_window_extent(renderer)
    t.remove()
    return box.width / fig.dpi * 2, box.height / fig.dpi * 2


def _measure_lines(lines: list[str], size: float) -> tuple[float, float]:
    sizes = [_measure(x, size) for x in lines]
    return max(w for w, _ in sizes), sum(h for _, h in sizes)


@lru_cache(maxsize=1)
def _renderer():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(dpi=100)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas.get_renderer()


# -- schemdraw ------------------------------------------------------------------------------------
def render(view: Sketch, layout: Layout):
    """The schemdraw Drawing of a placed sketch: every element at its coordinates."""
    import schemdraw
    import schemdraw.elements as elm

    d = schemdraw.Drawing(canvas="matplotlib", show=False)
    d.config(fontsize=LABEL_SIZE, lw=1.6)
    drawn = {p.name: p for p in view.parts}
    for name, pl in layout.placed.items():
        _render_part(d, elm, drawn[name], pl)
    for _, x1, y1, x2, y2 in layout.wires:
        d.add(elm.Line().endpoints((x1, y1), (x2, y2)))
    for x, y in layout.dots:
        d.add(elm.Dot(radius=0.09).at((x, y)))
    for s in layout.symbols:
        _symbol(d, elm, s, view.supply_labels.get(s.node, s.node))
    for lab in layout.labels:
        if lab.stub:
            x1, y1, x2, y2 = lab.stub
            d.add(elm.Line().endpoints((x1, y1), (x2, y2)))
        _text(d, elm, lab.x, lab.y, view.node_names.get(lab.node, lab.node), lab.halign,
              lab.valign, NODE_SIZE, NODE_COLOR)
    _legend(d, elm, view, layout)
    return d


def _symbol(d, elm, s, name: str) -> None:
    """Ground or a supply at a pin, pointing away from its part (a ground above a part, which
    only a part between ground and a supply has, points up)."""
    if s.kind == "ground":
        d.add(elm.Ground(lead=False).theta(0 if not s.up else 180).at((s.x, s.y)))
    elif s.up:
        d.add(elm.Vdd().theta(0).at((s.x, s.y)).label(readable(name), loc="top",
                                                       fontsize=LABEL_SIZE))
    else:
        d.add(elm.Vss().theta(0).at((s.x, s.y)).label(readable(name), loc="bottom",
                                                       fontsize=LABEL_SIZE))


@lru_cache(maxsize=4096)
def readable(text: str) -> str:
    """The text, or where matplotlib or schemdraw's own reader of mathtext (it sizes every
    text for its bounding box) cannot read it, the same words without the mathtext markup."""
    if "$" not in text:
        return text
    if "\n" in text:
        return "\n".join(readable(line) for line in text.split("\n"))
    from matplotlib.mathtext import MathTextParser
    from schemdraw.backends.svgtext import text_approx_size

    try:
        text_approx_size(text, "sans", LABEL_SIZE)
        MathTextParser("path").parse(text)
        return text
    except Exception:  # noqa: BLE001 (their parsers' errors, whatever they are)
        for markup in ("$", "\\mathrm", "\\,", "\\", "{", "}"):
            text = text.replace(markup, "" if markup != "\\," else " ")
        return text


def _text(d, elm, x: float, y: float, text: str, halign: str = "left", valign: str = "center",
          size: float = LABEL_SIZE, color: str = "black") -> None:
    text = readable(text)
    # schemdraw puts a Label element's text 0.1 up and right of its point: undo that
    d.add(elm.Label().theta(0).at((x, y)).label(text, halign=halign, valign=valign,
                                                fontsize=size, color=color,
                                                ofst=(-0.1, -0.1)))


_TWO = {"resistor": "ResistorIEEE", "capacitor": "Capacitor", "inductor": "Inductor2",
        "vsource": "SourceV", "isource": "SourceI", "vcvs": "SourceControlledV",
        "vccs": "SourceControlledI", "cccs": "SourceControlledI", "ccvs": "SourceControlledV",
        "diode": "Diode", "zener": "Zener"}


def _render_part(d, elm, drawn: Drawn, pl) -> None:
    part = pl.part
    if part.shape == "two":
        (pa, pb) = pl.ends
        if drawn.symbol in ("vsource", "vcvs", "ccvs"):
            start, end = pb, pa  # drawn from - to +: the + sign sits at the end
        else:
            start, end = pa, pb  # current (and a diode) from the first node to the second
        if drawn.symbol == "gap":  # two open terminals, the voltage marked between them
            d.add(elm.Dot(open=True, radius=0.09).at(start))
            d.add(elm.Dot(open=True, radius=0.09).at(end))
        elif drawn.symbol == "sense":
            d.add(elm.Line().endpoints(start, end))
            mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            dx, dy = end[0] - start[0], end[1] - start[1]
            length = (dx * dx + dy * dy) ** 0.5 or 1.0
            ux, uy = dx / length * 0.25, dy / length * 0.25
            d.add(elm.Arrow(headwidth=0.25, headlength=0.3).endpoints(
                (mx - ux, my - uy), (mx + ux, my + uy)))
        else:
            d.add(getattr(elm, _TWO[drawn.symbol])().endpoints(start, end))
        if pl.label:
            x0, y0, x1, y1 = pl.label
            if pl.vertical:
                _text(d, elm, x0, (y0 + y1) / 2, "\n".join(drawn.label.lines), "left")
            else:
                _text(d, elm, (x0 + x1) / 2, y0, "\n".join(drawn.label.lines), "center",
                      "bottom")
        if pl.marks and drawn.marks:
            _marks(d, elm, drawn, pl)
        return
    if part.shape in ("bjt", "mos"):
        _render_device(d, elm, drawn, pl)
        return
    if part.shape == "pair":
        _render_pair(d, elm, drawn, pl)
        return
    _render_opamp(d, elm, drawn, pl)


def _render_pair(d, elm, drawn: Drawn, pl) -> None:
    """Two windings, loops facing each other, each dotted at its first node's end; an ideal
    transformer's core between them; labels outside, n:1 above the core or k between the
    coils."""
    (xl, top1), (_, bottom1) = pl.ends
    (xr, top2), (_, bottom2) = pl.leads
    # schemdraw's coil bulges to the right of the way it is drawn: both face the middle
    d.add(elm.Inductor2(loops=4).endpoints((xl, top1), (xl, bottom1)))
    d.add(elm.Inductor2(loops=4).endpoints((xr, bottom2), (xr, top2)))
    mid = (max(bottom1, bottom2) + min(top1, top2)) / 2
    if drawn.symbol == "transformer":
        x = (xl + xr) / 2
        for dx in (-0.07, 0.07):
            d.add(elm.Line().endpoints((x + dx, mid - 0.6), (x + dx, mid + 0.6)))
    # the dotted ends: the first node of each winding (SPICE's convention for K and TF)
    for xx, centre, sign in ((xl, (top1 + bottom1) / 2, -1), (xr, (top2 + bottom2) / 2, 1)):
        d.add(elm.Dot(radius=0.07).at((xx + sign * 0.3, centre + 0.6)))
    for box, label, align in ((pl.label, drawn.label, "right"), (pl.label2, drawn.label2,
                                                                  "left")):
        if box and label is not None:
            x0, y0, x1, y1 = box
            _text(d, elm, x1 if align == "right" else x0, (y0 + y1) / 2,
                  "\n".join(label.lines), align)
    if pl.middle:
        x0, y0, x1, y1 = pl.middle
        _text(d, elm, (x0 + x1) / 2, y0, drawn.middle, "center", "bottom")


def _marks(d, elm, drawn: Drawn, pl) -> None:
    """+ v_π - beside the element: + at the end on the marked node."""
    plus_node, voltage = drawn.marks
    (pa, pb) = pl.ends
    plus_at_a = plus_node == drawn.nodes[0]
    x0, y0, x1, y1 = pl.marks
    if pl.vertical:
        top_is_a = pa[1] > pb[1]
        top = "+" if plus_at_a == top_is_a else "−"
        bottom = "−" if top == "+" else "+"
        xc, align = (x1, "right") if drawn.symbol != "gap" else ((x0 + x1) / 2, "center")
        _text(d, elm, xc, y1 - 0.12, top, align, "top")
        _text(d, elm, xc, (y0 + y1) / 2, voltage, align, "center")
        _text(d, elm, xc, y0 + 0.12, bottom, align, "bottom")
    else:
        left_is_a = pa[0] < pb[0]
        left = "+" if plus_at_a == left_is_a else "−"
        right = "−" if left == "+" else "+"
        _text(d, elm, x0, y1, left, "left", "top")
        _text(d, elm, (x0 + x1) / 2, y1, voltage, "center", "top")
        _text(d, elm, x1, y1, right, "right", "top")


def _render_device(d, elm, drawn: Drawn, pl) -> None:
    part = pl.part
    cls = {"npn": elm.BjtNpn, "pnp": elm.BjtPnp, "nmos": elm.NFet, "pmos": elm.PFet}[
        drawn.symbol]
    sym = cls().theta(0)
    ax, ay = pl.anchor
    base_left = pl.side > 0
    # schemdraw draws a BJT's base on the left and a FET's gate on the right
    if (part.shape == "bjt") != base_left:
        sym = sym.reverse()
    sym = d.add(sym.anchor("base" if part.shape == "bjt" else "gate").at((ax, ay)))
    names = ("collector", "emitter") if part.shape == "bjt" else ("drain", "source")
    upper, lower = (names[1], names[0]) if drawn.inverted else names
    (x, y_top), (_, y_bottom) = pl.ends
    for anchor, y in ((upper, y_top), (lower, y_bottom)):
        px, py = sym.absanchors[anchor]
        if abs(py - y) > 1e-6:
            d.add(elm.Line().endpoints((px, py), (x, y)))
    (px, py), = pl.leads
    d.add(elm.Line().endpoints((ax, ay), (px, py)))
    if pl.label:
        x0, y0, x1, y1 = pl.label
        _text(d, elm, x0 if base_left else x1, (y0 + y1) / 2, "\n".join(drawn.label.lines),
              "left" if base_left else "right")


def _render_opamp(d, elm, drawn: Drawn, pl) -> None:
    ax, ay = pl.anchor
    sym = elm.Opamp().theta(0)
    if pl.side < 0:
        sym = sym.flip()
    sym = d.add(sym.anchor("center").at((ax + OPAMP_W / 2, ay)))
    for anchor, (px, py) in zip(("in1", "in2", "out"), pl.leads, strict=True):
        qx, qy = sym.absanchors[anchor]
        if abs(qx - px) > 1e-6 or abs(qy - py) > 1e-6:
            d.add(elm.Line().endpoints((qx, qy), (px, py)))
    if pl.label:
        x0, y0, x1, y1 = pl.label
        _text(d, elm, (x0 + x1) / 2, y1, "\n".join(drawn.label.lines), "center", "top")


def _legend(d, elm, view: Sketch, layout: Layout) -> None:
    """Lines under the drawing: supply values, controlling voltages, nodes merged into
    ground."""
    if not view.legend:
        return
    x0, y0, _, _ = extent(layout)
    y = y0 - 0.8
    for line in view.legend:
        _text(d, elm, x0, y, line, "left", "top")
        y -= _measure(line, LABEL_SIZE)[1] + 0.12


# -- files ----------------------------------------------------------------------------------------
def save(drawing, path: str | Path) -> None:
    """Write a drawing as SVG or PNG, by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SymsigError(f"{path}: a schematic is written as {' or '.join(SUFFIXES)} "
                          "(by its suffix)")
    data = image(drawing, suffix[1:])
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise SymsigError(f"{path}: cannot write the schematic ({exc.strerror or exc})") \
            from None


def image(drawing, fmt: str = "svg", dpi: int = 150) -> bytes:
    """The drawing rendered by matplotlib (no LaTeX needed) as SVG or PNG bytes."""
    import io

    import matplotlib.pyplot as plt

    fig = drawing.draw(show=False)
    try:
        figure = fig.getfig()
        out = io.BytesIO()
        figure.savefig(out, format=fmt, bbox_inches="tight", pad_inches=0.1, dpi=dpi,
                       facecolor="white")
        return out.getvalue()
    finally:
        plt.close(fig.fig)


def circuit_svg(circuit: Circuit, small_signal: bool = False) -> str:
    """The schematic of a circuit as SVG text (for a notebook's `_repr_svg_`)."""
    return image(draw(circuit, small_signal=small_signal), "svg").decode("utf-8")


__all__ = ["PlacementError", "arrange", "circuit_svg", "draw", "image", "render", "save"]
