"""Large exact results printed straight from their polynomials: text that reads back exactly
(what `--json` and `--exact` carry) and LaTeX, written by flint term by term in time
proportional to the terms, with no SymPy expression built.

SymPy's printers sort and re-collect every term (23 s for a 38,000-term result); they stay
the printers of small results (`forms/text.py`, `forms/latex.py`), whose shapes (factored,
collected in s) read better and are checked by the tests. Past `DIRECT_TERMS` nobody reads a
result term by term, and it is written expanded, as (numerator)/(denominator), each in flint's
order of terms. The text reads back with `sympy.parse_expr(text, local_dict=...)` exactly as
`forms/text.py` describes (a name Python reserves is written `Symbol('lambda', positive=True)`).
"""

from __future__ import annotations

import re

import flint

from ..engine.rational import Poly, RationalFunction, Ring
from .latex import symbol_latex
from .text import safe_name

#: Results with more terms than this are printed from their polynomials.
DIRECT_TERMS = 400

_LONG_POWER = re.compile(r"\^(\d{2,})")


def direct(r: RationalFunction) -> bool:
    """Whether `r` is printed from its polynomials: large, and every generator a symbol."""
    return (r.terms > DIRECT_TERMS and not r.is_infinite and bool(r.ring.gens)
            and all(g.is_Symbol and "^" not in g.name and "*" not in g.name
                    for g in r.ring.gens))


def _named(p: Poly, ring: Ring, names: tuple[str, ...]) -> Poly:
    """p in a flint context whose generators are called `names` (so flint prints them)."""
    if p.context().names() == names:
        return p
    ctx = flint.fmpz_mpoly_ctx.get(names, "degrevlex")
    return p.compose(*ctx.gens(), ctx=ctx)


def poly_text(p: Poly, ring: Ring) -> str:
    """A polynomial as Python/SymPy text: 3*RC1**2*gm1 - cmu1*s + 5."""
    if p.is_zero():
        return "0"
    names = tuple(g.name if safe_name(g.name) else f"Symbol({g.name!r}, positive=True)"
                  for g in ring.gens)
    return str(_named(p, ring, names)).replace("^", "**")


def rational_text(r: RationalFunction) -> str:
    """num/den as text that reads back exactly: (num)/(den), or num when den is 1."""
    if r.is_infinite:
        return "oo"
    num = poly_text(r.num, r.ring)
    if r.den.is_one():
        return num
    den = poly_text(r.den, r.ring)
    return f"({num})/({den})"


def poly_latex(p: Poly, ring: Ring) -> str:
    """A polynomial as LaTeX with the textbook symbol names: 3 R_{C1}^{2} g_{m1} + 5."""
    if p.is_zero():
        return "0"
    names = tuple(symbol_latex(g.name) for g in ring.gens)
    names = tuple(n if "^" not in n else f"{{{n}}}" for n in names)  # x_{1}^{2} as a base
    text = str(_named(p, ring, names))
    return _LONG_POWER.sub(r"^{\1}", text).replace("*", " ")


def rational_latex(r: RationalFunction) -> str:
    """num/den as LaTeX: \\frac{num}{den}, or num when den is 1."""
    if r.is_infinite:
        return r"\infty"
    num = poly_latex(r.num, r.ring)
    if r.den.is_one():
        return num
    return rf"\frac{{{num}}}{{{poly_latex(r.den, r.ring)}}}"


__all__ = ["DIRECT_TERMS", "direct", "poly_latex", "poly_text", "rational_latex",
           "rational_text"]
