"""Stated approximations of exact results: limits (r_o → ∞, β → ∞, A → ∞), dominant terms
(g_m r_o ≫ 1) and dominant-term simplification at nominal values with an error bound."""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from ..engine.rational import RationalFunction


@dataclass
class Approximation:
    """An approximate result: its value, the assumptions made, and the error bound reached
    (relative, at the nominal values; None for a limit, which is exact in the limit)."""

    value: RationalFunction
    assumptions: list[str] = field(default_factory=list)
    error: float | None = None

    @property
    def expr(self) -> sympy.Expr:
        return self.value.expr


def approx(result: RationalFunction, circuit=None, values=None, **assumptions) -> Approximation:
    """`result` under stated assumptions, e.g. `approx(r, ro=sympy.oo)`."""
    infinite = {k: sympy.oo for k, v in assumptions.items() if v in (sympy.oo, float("inf"))}
    said = [f"{k} -> oo" for k in infinite]
    return Approximation(result.substitute(infinite), said)
