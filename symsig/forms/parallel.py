"""The parallel operator: R_C ∥ r_o as textbooks write it, and as SymPy keeps it.

`Par(a, b, ...)` is an unevaluated SymPy function: it prints as `a || b` (LaTeX
`a \\parallel b`), survives `subs` and `xreplace`, evaluates numerically, and `.doit()` (or
`expand_par`) gives 1/(1/a + 1/b + ...). An open circuit drops out (`Par(R, oo)` is `R`), a
short wins (`Par(R, 0)` is 0), nested ones flatten, and all-numeric ones evaluate.
"""

from __future__ import annotations

import sympy
from sympy.printing.precedence import PRECEDENCE

#: Below Add: a parallel combination inside a sum, product or power is always parenthesized, so
#: `gm*(RC || ro)` and `RS + (ro || RD)` read one way only.
_PRECEDENCE = PRECEDENCE["Add"] - 1


class Par(sympy.Function):
    """a ∥ b ∥ ...: the parallel combination 1/(1/a + 1/b + ...), kept unevaluated."""

    precedence = _PRECEDENCE
    is_commutative = True

    @classmethod
    def eval(cls, *args):
        if not args:
            raise TypeError("Par needs at least one argument")
        flat: list[sympy.Expr] = []
        for a in args:
            a = sympy.sympify(a)
            flat.extend(a.args if isinstance(a, Par) else [a])
        if any(a.is_zero for a in flat):
            return sympy.S.Zero
        kept = [a for a in flat if a not in (sympy.oo, sympy.zoo)]
        if not kept:
            return sympy.oo
        numbers = [a for a in kept if a.is_number]
        rest = [a for a in kept if not a.is_number]
        if len(numbers) > 1 or (numbers and not rest):
            combined = 1 / sympy.Add(*[1 / a for a in numbers])
            kept = [combined, *rest] if rest else [combined]
        if len(kept) == 1:
            return kept[0]
        ordered = sorted(kept, key=sympy.default_sort_key)
        if len(ordered) != len(flat) or ordered != list(args):
            return cls(*ordered)
        return None

    def doit(self, deep: bool = True, **hints) -> sympy.Expr:
        args = [a.doit(deep=deep, **hints) if deep else a for a in self.args]
        return 1 / sympy.Add(*[1 / a for a in args])

    def _eval_evalf(self, prec):
        return self.doit()._eval_evalf(prec)

    def _eval_is_positive(self):
        if all(a.is_positive for a in self.args):
            return True
        return None

    def _eval_is_real(self):
        if all(a.is_real for a in self.args):
            return True
        return None

    def _sympystr(self, printer) -> str:
        own = getattr(printer, "_print_Par", None)  # a printer that writes Par its own way
        if own is not None:
            return own(self)
        return " || ".join(printer.parenthesize(a, _PRECEDENCE + 1) for a in self.args)

    def _latex(self, printer) -> str:
        return r" \parallel ".join(printer.parenthesize(a, _PRECEDENCE + 1) for a in self.args)


def expand_par(expr: sympy.Expr) -> sympy.Expr:
    """Every parallel combination written out as 1/(1/a + 1/b + ...)."""
    return expr.replace(lambda e: isinstance(e, Par), lambda e: e.doit())
