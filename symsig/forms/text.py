"""Results as text: a printed form that reads back exactly, and numbers the way people read them.

`exact_text` is what `--json` carries. Read it back with
`sympy.parse_expr(text, local_dict={n: sympy.Symbol(n, positive=True) for n in symbols})`
(`symbols` is the JSON's list): every symbol comes back a plain positive symbol, even those
SymPy's parser would take for something else (`beta`, `gamma`, `E`, `I`, `S`, `N`, `Q` go
through `local_dict`; a name Python reserves, such as `lambda`, is written as
`Symbol('lambda', positive=True)`), and numbers keep every digit (rationals exactly, floats to
17 significant digits). The imaginary unit is `I`, Euler's number `E`; where a symbol has one of
those names, they are written `sqrt(-1)` and `exp(1)` instead.
"""

from __future__ import annotations

import keyword
import math

import sympy
from sympy.printing.str import StrPrinter

# Names the parser calls for itself, or reads as constants, whatever local_dict says.
_PARSER_NAMES = frozenset({"Symbol", "Integer", "Float", "Rational", "Function", "oo", "zoo",
                           "nan"})


def safe_name(name: str) -> bool:
    """True when `name` reads back as a symbol through parse_expr's local_dict."""
    return name.isidentifier() and not keyword.iskeyword(name) and name not in _PARSER_NAMES


class _ExactPrinter(StrPrinter):
    """str() that parse_expr reads back to the same expression (see the module docstring)."""

    def __init__(self, names: set[str]):
        super().__init__({"full_prec": True})
        self._names = names

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        if safe_name(expr.name):
            return expr.name
        return f"Symbol({expr.name!r}, positive=True)"

    def _print_ImaginaryUnit(self, expr) -> str:
        return "sqrt(-1)" if "I" in self._names else "I"

    def _print_Exp1(self, expr) -> str:
        return "exp(1)" if "E" in self._names else "E"

    def _print_Par(self, expr) -> str:
        # written out, so that parse_expr reads it back without knowing Par
        return self._print(expr.doit())

    def _print_Float(self, expr: sympy.Float) -> str:
        value = float(expr)
        if math.isfinite(value) and expr._prec <= 60:
            return repr(value)  # 17 significant digits at most: every bit of a double
        return super()._print_Float(expr)


def exact_text(expr: sympy.Expr, names: set[str] | None = None) -> str:
    """The expression as text that reads back to it exactly (see the module docstring).
    `names` are the symbol names of the whole JSON document (for the I/E rule)."""
    if names is None:
        names = {str(x) for x in expr.free_symbols}
    return _ExactPrinter(names).doprint(expr)


def number_text(value: object, digits: int = 6) -> str:
    """A number the way people read it: 6 significant digits, `oo` for infinity, a + bj for
    complex values."""
    if isinstance(value, sympy.Basic):
        if value in (sympy.oo, -sympy.oo, sympy.zoo):
            return "oo" if value != -sympy.oo else "-oo"
        value = complex(value) if not value.is_real else float(value)
    if isinstance(value, complex):
        if value.imag == 0:
            value = value.real
        else:
            sign = "+" if value.imag >= 0 else "-"
            return f"{value.real:.{digits}g} {sign} {abs(value.imag):.{digits}g}j"
    if value == float("inf"):
        return "oo"
    if value == float("-inf"):
        return "-oo"
    return f"{value:.{digits}g}"


def rounded(expr: sympy.Expr, digits: int = 6) -> sympy.Expr:
    """Every number in `expr` to `digits` significant digits, integers and symbols kept: for
    a result where some symbols are left after the numbers went in."""
    return expr.xreplace({n: sympy.Float(n, digits) for n in expr.atoms(sympy.Number)
                          if not n.is_Integer or abs(n) > 10**digits})
