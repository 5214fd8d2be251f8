"""Bode and step plots of an exact H(s) at numbers, with matplotlib.

Figures are made without pyplot (no GUI backend, no global state), so the library works the
same in a script, a test and a notebook; `file=` writes PNG, SVG or PDF by its suffix. The
curves come from `analysis.frequency` (H in factored form at numbers, a continuous phase), the
poles and zeros are marked at their frequencies, and the straight-line asymptotes drawn so a
student can compare the textbook sketch with the exact curve.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..analysis.frequency import (
    TWO_PI,
    bode_data,
    factored,
    step_metrics,
    step_response,
)
from ..engine.rational import RationalFunction
from ..errors import SymsigError
from ..forms.units import eng

Compare = Mapping[str, RationalFunction] | Sequence[tuple[str, RationalFunction]] | None
SUFFIXES = (".png", ".svg", ".pdf")


def _figure(rows: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 6.0 if rows == 2 else 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


def _pairs(compare: Compare) -> list[tuple[str, RationalFunction]]:
    if compare is None:
        return []
    if isinstance(compare, Mapping):
        return list(compare.items())
    return list(compare)


def _save(fig, file: str | Path | None) -> None:
    if file is None:
        return
    path = Path(file)
    if path.suffix.lower() not in SUFFIXES:
        raise SymsigError(f"{file}: a plot is written as {', '.join(SUFFIXES)} (by its suffix)")
    try:
        fig.savefig(path, dpi=130)
    except OSError as exc:
        raise SymsigError(f"{file}: cannot write the plot ({exc.strerror or exc})") from None


def _grid(lo: float, hi: float, points: int) -> list[float]:
    if not (0 < lo < hi) or not math.isfinite(hi):
        raise SymsigError(f"frequency range ({lo:g}, {hi:g}) Hz: give 0 < f_lo < f_hi")
    a, b = math.log10(lo), math.log10(hi)
    return [10 ** (a + (b - a) * i / (points - 1)) for i in range(points)]


def bode(h: RationalFunction, values: Mapping | None = None, *, f: tuple[float, float] = (10, 1e9),
         points: int = 400, file: str | Path | None = None, compare: Compare = None,
         asymptotes: bool = True, marks: bool = True, label: str = "exact",
         title: str | None = None):
    """Magnitude (dB) and phase (degrees) of H(j2πf) over f = (f_lo, f_hi) Hz, at `values`.

    `compare` adds other results on the same axes (e.g. {"dominant pole": h1}); poles (×) and
    zeros (○) are marked at |p|/2π; `asymptotes` draws the straight-line approximation.
    Returns the matplotlib Figure (and writes it to `file` when given).
    """
    freqs = _grid(*f, points)
    fig, (mag_ax, phase_ax) = _figure(2)
    curves = [(label, h)] + _pairs(compare)
    for k, (name, r) in enumerate(curves):
        mags, phases = bode_data(r, values, freqs)
        style = {"linewidth": 2.0 if k == 0 else 1.4, "linestyle": "-" if k == 0 else "--"}
        mag_ax.semilogx(freqs, mags, label=name, **style)
        phase_ax.semilogx(freqs, phases, label=name, **style)
        if k == 0:
            first_phase = phases
    fh = factored(h, values)
    if asymptotes and fh.c != 0:
        raw = [fh.asymptote(TWO_PI * x) for x in freqs]
        exact0 = math.degrees(fh.phase(TWO_PI * freqs[0]))
        shift = first_phase[0] - exact0  # the exact curve's branch, for the sketch too
        mag_ax.semilogx(freqs, [20 * math.log10(m) if m > 0 else -math.inf for m, _ in raw],
                        color="0.55", linewidth=1.0, linestyle=":", label="asymptotes")
        phase_ax.semilogx(freqs, [math.degrees(a) + shift for _, a in raw], color="0.55",
                          linewidth=1.0, linestyle=":", label="asymptotes")
    if marks:
        _mark_roots(mag_ax, fh, values, h, freqs)
    mag_ax.set_ylabel("|H| (dB)")
    phase_ax.set_ylabel("phase (°)")
    phase_ax.set_xlabel("f (Hz)")
    for ax in (mag_ax, phase_ax):
        ax.grid(True, which="both", alpha=0.3)
    low, high = phase_ax.get_ylim()
    phase_ax.yaxis.set_major_locator(_phase_locator(high - low))
    mag_ax.legend(loc="best", fontsize="small")
    if title:
        mag_ax.set_title(title)
    _save(fig, file)
    return fig


def _phase_locator(span: float):
    """Ticks at multiples of 45° (90°, 180° over wider spans): the angles a Bode sketch uses."""
    from matplotlib.ticker import MultipleLocator

    return MultipleLocator(45 if span <= 360 else 90 if span <= 720 else 180)


def _mark_roots(ax, fh, values, h: RationalFunction, freqs: list[float]) -> None:
    lo, hi = freqs[0], freqs[-1]
    for roots, marker, name in ((fh.poles, "x", "poles"), (fh.zeros, "o", "zeros")):
        xs, ys = [], []
        for r in roots:
            fr = r.hz
            if fr == 0 or not (lo <= fr <= hi):
                continue
            mags, _ = bode_data(h, values, [fr])
            xs.append(fr)
            ys.append(mags[0])
        if xs:
            ax.plot(xs, ys, linestyle="none", marker=marker, markersize=8,
                    markerfacecolor="none" if marker == "o" else None, color="crimson",
                    label=f"{name} (|s|/2π)")


_PREFIXES = ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"), (1e-12, "ps"))


def _time_unit(t_end: float) -> tuple[float, str]:
    for scale, unit in _PREFIXES:
        if t_end >= 2 * scale:
            return scale, unit
    return _PREFIXES[-1]


def step(h: RationalFunction, values: Mapping | None = None, *, t: float | None = None,
         points: int = 1000, file: str | Path | None = None, compare: Compare = None,
         label: str = "exact", title: str | None = None):
    """The response to a unit step at t = 0, from 0 to `t` seconds (default: seven of the
    slowest time constants), with the final value, the 10–90 % rise time and the overshoot
    marked. Returns the matplotlib Figure."""
    y = step_response(h, values)
    metrics = step_metrics(y, t)
    t_end = metrics["t_end"]
    scale, unit = _time_unit(t_end)
    fast, slow = y.fastest(), y.slowest()
    spread = t is None and fast and slow and slow / fast > 1e3  # fast edge and slow tail
    ts = y.times(t_end, points)
    if spread:
        ts = [x for x in ts if x > 0]
    fig, (ax,) = _figure(1)
    for k, (name, r) in enumerate([(label, h)] + _pairs(compare)):
        yr = y if k == 0 else step_response(r, values)
        ax.plot([x / scale for x in ts], [yr(x) for x in ts], label=name,
                linewidth=2.0 if k == 0 else 1.4, linestyle="-" if k == 0 else "--")
    final = metrics["final"]
    if final is not None:
        ax.axhline(final, color="0.55", linewidth=1.0, linestyle=":",
                   label=f"final value {final:.4g}")
    text = []
    if metrics["rise_time"] is not None:
        text.append(f"rise time (10–90 %) {eng(metrics['rise_time'], 's')}")
    if metrics["overshoot"] is not None:
        text.append(f"overshoot {metrics['overshoot']:.3g} %")
    if text:
        ax.text(0.98, 0.5, "\n".join(text), transform=ax.transAxes, ha="right", va="center",
                fontsize="small", bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "0.8"})
    if spread:
        ax.set_xscale("log")
        ax.set_xlabel(f"t ({unit}, log scale: time constants from {eng(fast, 's')} to "
                      f"{eng(slow, 's')})")
    else:
        ax.set_xlabel(f"t ({unit})")
    ax.set_ylabel("output for a unit step")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    if title:
        ax.set_title(title)
    _save(fig, file)
    return fig
