"""Shared test helpers: an exact-equality check that states what it compares."""

import sympy


def same(result, expected) -> bool:
    """True when symsig's exact result equals a hand-written SymPy formula identically."""
    got = result.expr if hasattr(result, "expr") else result
    return sympy.cancel(sympy.together(got - expected)) == 0
