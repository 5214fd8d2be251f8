"""Coupled inductors: the mutual inductance a `K` line gives.

`K1 L1 L2 k` couples two inductors with M = k·√(L1·L2) (LTspice's `K1 L1 L2 L3 k` couples every
pair). M enters the equations as it is when it is a ratio of polynomials in the values (equal
inductors: M = k·L; numbers whose product is a square: 1 mH and 4 mH give M = 2 mH·k). Otherwise
the square root would be an irrational atom the exact solver treats as one more variable, blind
to √x·√x = x, so M is a symbol of its own, named after the K line as a device's symbols are
(DESIGN §2: `K1` → `M1`, `K` → `M`; pairs of a K line that couples n > 2 inductors get `M1_12`,
`M1_13`, ...), and the relation M1 = k·√(L1·L2) is kept with the `.param` values, so numbers at
the end give M its number. Textbooks write coupled-coil results in M, so results read as theirs:
Z_in = s·L1 − s²M²/(R_L + s·L2).
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

import sympy

from .values import _power, symbol

if TYPE_CHECKING:
    from .netlist import Circuit, Element


def pairs(k: Element) -> list[tuple[str, str, str | None]]:
    """(first inductor, second inductor, M's symbol name when it needs one) for each coupled
    pair of K line `k`."""
    names = list(k.coupled)
    out = []
    for (i, a), (j, b) in combinations(enumerate(names, start=1), 2):
        tag = "" if len(names) == 2 else f"_{i}{j}"
        out.append((a, b, f"M{k.suffix}{tag}"))
    return out


def _is_rational(expr: sympy.Expr) -> bool:
    """True when `expr` is a ratio of polynomials in its symbols (no roots, no functions)."""
    for node in sympy.preorder_traversal(expr):
        if node.is_Pow and not node.exp.is_Integer:
            return False
        if node.is_Function or isinstance(node, sympy.NumberSymbol):
            return False
    return True


def mutual(k_value: sympy.Expr, la: sympy.Expr, lb: sympy.Expr) -> sympy.Expr:
    """k·√(La·Lb) as SymPy writes it."""
    return k_value * _power(la * lb, sympy.S.Half)


def _present(circuit: Circuit, k: Element):
    """(M's name, inductor, inductor) for each pair of `k` whose inductors are both in
    `circuit` (a derived circuit may have replaced them, as the DC circuit replaces inductors
    by shorts: such a pair couples nothing)."""
    for a, b, name in pairs(k):
        la, lb = circuit.find(a), circuit.find(b)
        if la is not None and lb is not None and la.kind == "L" == lb.kind:
            yield name, la, lb


def mutuals(circuit: Circuit, k: Element) -> list[tuple[Element, Element, sympy.Expr]]:
    """(inductor, inductor, M as it enters the equations) for each pair K line `k` couples."""
    out = []
    for name, la, lb in _present(circuit, k):
        m = mutual(k.value, la.value, lb.value)
        out.append((la, lb, m if _is_rational(m) else symbol(name)))
    return out


def relations(circuit: Circuit) -> dict[str, sympy.Expr]:
    """M<k> = k·√(L1·L2) for each mutual inductance that is a symbol of its own."""
    out: dict[str, sympy.Expr] = {}
    for k in circuit.elements:
        if k.kind == "K":
            for name, la, lb in _present(circuit, k):
                m = mutual(k.value, la.value, lb.value)
                if not _is_rational(m):
                    out[name] = m
    return out
