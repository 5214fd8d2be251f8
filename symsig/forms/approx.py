"""Stated approximations of exact results, each saying what it assumed and how far it may be off.

- a limit: `approx(r, ro1=oo)` (r_o → ∞), `approx(r, "ro=oo")` for every r_o, `"beta=oo"`
  (β → ∞: r_π → ∞ and α → 1 as well), `"A=oo"` (an op-amp's gain);
- a dominant order: `approx(r, "gm*ro>>1")` keeps the leading behaviour as every r_o grows
  together (R_out of a cascode → g_m2 r_o1 r_o2);
- dominant terms at nominal values: `approx(r, values={...}, eps=0.01)` drops the terms of the
  numerator and denominator that change the result by less than `eps` at those values (over a
  frequency range for H(s)), and reports the bound it guarantees and the error it measured.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import sympy

from ..engine.rational import Poly, RationalFunction
from .textbook import textbook


@dataclass
class Approximation:
    """An approximate result: its value, the assumptions made, and how far it may be off.

    `bound` is a guaranteed bound on the relative error at the nominal values (dominant-term
    simplification); `error` the largest relative error measured there (on a frequency grid
    for H(s)). Both are None for limits, which are exact in the limit.
    """

    value: RationalFunction
    assumptions: list[str] = field(default_factory=list)
    bound: float | None = None
    error: float | None = None
    exact_terms: int = 0

    @property
    def expr(self) -> sympy.Expr:
        return self.value.expr

    def textbook(self) -> sympy.Expr:
        return textbook(self.value)

    @property
    def terms(self) -> int:
        return self.value.terms


def approx(result: RationalFunction, *assumptions: str, values: Mapping[str, object] | None = None,
           eps: float | None = None, frequencies: tuple[float, float] = (1.0, 1e9),
           **limits: object) -> Approximation:
    """`result` under stated assumptions (see the module docstring); they apply in order:
    limits and dominant orders first, then the nominal-value simplification if `values` and
    `eps` are given."""
    out = Approximation(result, exact_terms=result.terms)
    said = [*assumptions, *(f"{k}={v}" for k, v in limits.items())]
    for text in said:
        out.value, what = _apply(out.value, text)
        out.assumptions.append(what)
    if values is not None and eps is not None:
        out.value, bound, error, what = _dominant_terms(out.value, values, eps, frequencies)
        out.bound, out.error = bound, error
        out.assumptions.append(what)
    return out


_LIMIT = re.compile(r"\s*(\w+)\s*=\s*(oo|inf|infinity)\s*$", re.I)
_ORDER = re.compile(r"\s*(\w+)\s*\*\s*(\w+)\s*>>\s*1\s*$")


def _apply(r: RationalFunction, text: str) -> tuple[RationalFunction, str]:
    m = _LIMIT.fullmatch(text)
    if m:
        return _limit(r, m.group(1))
    m = _ORDER.fullmatch(text)
    if m:
        stems = {m.group(1), m.group(2)} - {"gm"}
        names = _family(r, stems)
        if not names:
            raise ValueError(f"{text}: the result has no {', '.join(sorted(stems))} symbol")
        return dominant(r, names), (f"{text}: leading order as "
                                    f"{', '.join(names)} grow together")
    raise ValueError(f"unknown approximation {text!r}: write NAME=oo (ro1=oo, ro=oo, beta=oo, "
                     "A=oo) or gm*ro>>1")


def _family(r: RationalFunction, stems: set[str]) -> list[str]:
    """The result's symbols named stem or stem<device>: ro -> ro1, ro2, ..."""
    names = [str(g) for g in r.generators]
    return [n for n in names if any(n == s or re.fullmatch(rf"{s}\d\w*", n) for s in stems)]


def _limit(r: RationalFunction, name: str) -> tuple[RationalFunction, str]:
    """name → ∞: the symbol itself, or a family (ro → every r_o); β → ∞ also sends r_π → ∞
    and α → 1 (the hybrid-π and T models' β)."""
    present = [str(g) for g in r.generators]
    names = [name] if name in present else _family(r, {name})
    fixed: dict[str, object] = {}
    if name.startswith("beta"):  # beta1 -> that device; beta -> every device
        suffix = name[4:]

        def members(stem: str) -> list[str]:
            return [n for n in present if n == stem + suffix] if suffix else \
                _family(r, {stem})

        names = members("beta") + members("rpi")
        fixed = dict.fromkeys(members("alpha"), 1)
    if not names and not fixed:
        return r, f"{name} -> oo (the result does not depend on it)"
    values = {**dict.fromkeys(names, sympy.oo), **fixed}
    shown = ", ".join([*(f"{n} -> oo" for n in names), *(f"{n} -> 1" for n in fixed)])
    return r.substitute(values), shown


def dominant(r: RationalFunction, names: list[str]) -> RationalFunction:
    """The leading behaviour of r as every named generator grows by a common factor t → ∞:
    in numerator and denominator, only the terms of highest total degree in those generators."""
    index = [i for i, g in enumerate(r.ring.gens) if str(g) in names]

    def top(p: Poly) -> Poly:
        terms = {tuple(int(e) for e in m): c for m, c in p.to_dict().items()}
        degree = max(sum(m[i] for i in index) for m in terms)
        return p.context().from_dict({m: c for m, c in terms.items()
                                      if sum(m[i] for i in index) == degree})

    if r.is_zero or r.is_infinite:
        return r
    return RationalFunction.reduced(top(r.num), top(r.den), r.ring)


def _dominant_terms(r: RationalFunction, values: Mapping[str, object], eps: float,
                    band: tuple[float, float]) -> tuple[RationalFunction, float, float, str]:
    """Drop the smallest terms of num and den (at the values, over the frequency band) while
    the guaranteed relative error stays within eps; returns (result, bound, measured, text)."""
    if r.is_zero or r.is_infinite or r.is_number:
        return r, 0.0, 0.0, "exact (nothing to drop)"
    names = [str(g) for g in r.ring.gens]
    has_s = "s" in names
    points = [2j * math.pi * f for f in _band(band)] if has_s else [None]
    number = {k: complex(sympy.N(v)) for k, v in values.items() if k != "s"}
    missing = [n for n in names if n != "s" and n not in number]
    if missing:
        raise ValueError(f"dominant terms need numbers for {', '.join(missing)}")

    def magnitudes(p: Poly) -> list[tuple[float, tuple, object]]:
        """Each term's largest |value| relative to |p| over the points."""
        out = []
        totals = [abs(_eval_poly(p, names, number, s)) for s in points]
        for monom, coeff in p.to_dict().items():
            worst = 0.0
            for s, total in zip(points, totals, strict=True):
                term = abs(_eval_term(monom, coeff, names, number, s))
                worst = max(worst, term / total if total else math.inf)
            out.append((worst, tuple(int(e) for e in monom), coeff))
        return sorted(out)

    n_terms, d_terms = magnitudes(r.num), magnitudes(r.den)
    dropped_n = dropped_d = 0.0
    keep_n = {m: c for _, m, c in n_terms}
    keep_d = {m: c for _, m, c in d_terms}
    # drop the smallest contribution of either side while the bound holds
    queue = sorted([(w, "n", m) for w, m, _ in n_terms[:-1]] + [(w, "d", m) for w, m, _ in
                                                                  d_terms[:-1]])
    for w, side, m in queue:
        dn, dd = (dropped_n + w, dropped_d) if side == "n" else (dropped_n, dropped_d + w)
        if dd >= 1 or (dn + dd) / (1 - dd) > eps:
            continue
        dropped_n, dropped_d = dn, dd
        (keep_n if side == "n" else keep_d).pop(m)
    ctx = r.ring.ctx
    simple = RationalFunction.reduced(ctx.from_dict(keep_n), ctx.from_dict(keep_d), r.ring)
    bound = (dropped_n + dropped_d) / (1 - dropped_d)
    measured = 0.0
    for s in points:
        exact = _value(r, names, number, s)
        approx_value = _value(simple, names, number, s)
        if exact:
            measured = max(measured, abs(approx_value / exact - 1))
    where = f" from {band[0]:g} Hz to {band[1]:g} Hz" if has_s else ""
    text = (f"terms contributing less than {eps:.3g} at the nominal values{where} dropped: "
            f"{r.terms} -> {simple.terms} terms, error at most {bound:.3g} (measured "
            f"{measured:.3g})")
    return simple, bound, measured, text


def _band(band: tuple[float, float]) -> list[float]:
    lo, hi = (math.log10(f) for f in band)
    n = max(2, int(4 * (hi - lo)) + 1)
    return [10 ** (lo + (hi - lo) * k / (n - 1)) for k in range(n)]


def _eval_term(monom, coeff, names, number, s) -> complex:
    value = complex(int(coeff))
    for name, e in zip(names, monom, strict=False):
        if e:
            value *= (s if name == "s" else number[name]) ** int(e)
    return value


def _eval_poly(p: Poly, names, number, s) -> complex:
    return sum((_eval_term(m, c, names, number, s) for m, c in p.to_dict().items()), 0j)


def _value(r: RationalFunction, names, number, s) -> complex:
    den = _eval_poly(r.den, [str(g) for g in r.ring.gens], number, s)
    num = _eval_poly(r.num, [str(g) for g in r.ring.gens], number, s)
    return num / den if den else complex(math.inf)


__all__ = ["Approximation", "approx", "dominant"]
