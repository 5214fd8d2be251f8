"""The exact solver: a sparse linear system with SymPy rational-function entries, solved for one
linear functional of its unknowns by fraction-free (Bareiss) elimination over python-flint's
multivariate integer polynomials.

This module knows nothing about circuits. Each row is cleared of denominators; every intermediate
entry of Bareiss elimination is a minor of the matrix, so nothing grows beyond the size of the
answer; rows the pivot does not touch are rescaled lazily, so a sparse matrix stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy

from .rational import Poly, RationalFunction, Ring


class SingularSystem(ArithmeticError):
    """The system has no unique solution (its determinant is identically zero)."""


# -- conversion ---------------------------------------------------------------------------
_J = sympy.Dummy("j")


def _split(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    expr = sympy.sympify(expr).subs(sympy.I, _J)
    num, den = sympy.fraction(sympy.together(expr))
    return sympy.expand(num), sympy.expand(den)


def _converter(exprs: Sequence[sympy.Expr]) -> tuple[Ring, dict]:
    """A ring for all `exprs` and each distinct expression as a (num, den) pair of polys."""
    distinct = list(dict.fromkeys(sympy.sympify(e) for e in exprs))
    halves = [part for e in distinct for part in _split(e)]
    try:
        polys, opt = sympy.parallel_poly_from_expr(halves, domain=sympy.ZZ)
        gens = tuple(opt.gens)
    except sympy.PolificationFailed:  # only numbers: any one generator will do
        gens = (sympy.Symbol("s"),)
        polys, _ = sympy.parallel_poly_from_expr(halves, *gens, domain=sympy.ZZ)
    ordered = tuple(sorted(gens, key=lambda g: (not g.is_Symbol, str(g))))
    ring = Ring.over(tuple(g if g != _J else sympy.I for g in ordered))
    ring_for_poly = Ring(ordered, ring.ctx)
    table = {}
    for i, e in enumerate(distinct):
        table[e] = (ring_for_poly.poly(polys[2 * i]), ring_for_poly.poly(polys[2 * i + 1]))
    return ring, table


def solve_for(
    matrix: Mapping[tuple[int, int], Sequence[sympy.Expr]],
    rhs: Mapping[int, Sequence[sympy.Expr]],
    size: int,
    target: Mapping[int, sympy.Expr],
    constant: sympy.Expr = sympy.S.Zero,
) -> RationalFunction:
    """The exact value of constant + sum(target[j] * x[j]) where matrix @ x = rhs.

    `matrix` and `rhs` map positions to lists of terms to add (stamps accumulate). The
    functional becomes one more unknown y with the row y - target·x = 0, placed last, so one
    elimination gives det(A) and y's Cramer numerator together.
    """
    y = size
    entries: dict[tuple[int, int], list] = {k: list(v) for k, v in matrix.items()}
    for j, c in target.items():
        entries.setdefault((y, j), []).append(-c)
    entries.setdefault((y, y), []).append(sympy.Integer(1))
    rhs_col = size + 1
    for i, terms in rhs.items():
        entries.setdefault((i, rhs_col), []).extend(terms)
    if constant != 0:
        entries.setdefault((y, rhs_col), []).append(constant)
    ring, table = _converter([t for terms in entries.values() for t in terms])
    one = ring.ctx.from_dict({(0,) * ring.ctx.nvars(): 1})
    rows: list[dict[int, Poly]] = [dict() for _ in range(size + 1)]
    # Sum each entry as a fraction, then scale each row by the lcm of its denominators.
    fractions: list[dict[int, tuple[Poly, Poly]]] = [dict() for _ in range(size + 1)]
    for (i, j), terms in entries.items():
        num, den = ring.ctx.from_dict({}), one
        for t in terms:
            tn, td = table[sympy.sympify(t)]
            if td == den:
                num = num + tn
            else:
                g = den.gcd(td)
                num, den = num * (td // g) + tn * (den // g), den * (td // g)
        if not num.is_zero():
            fractions[i][j] = (num, den)
    for i, row in enumerate(fractions):
        lcm = one
        for _, den in row.values():
            lcm = lcm * (den // lcm.gcd(den))
        rows[i] = {j: num * (lcm // den) for j, (num, den) in row.items()}
    num, den = _bareiss_last(rows, y, rhs_col, one)
    return RationalFunction.reduced(num, den, ring)


def _bareiss_last(rows: list[dict[int, Poly]], target: int, rhs_col: int, one: Poly):
    """Fraction-free elimination of every column but `target`; returns (det_y, det).

    Rows are sparse dicts. A row the pivot column does not touch is left as it is and
    remembers the divisor of the step it was last brought up to date (`stamp`): its next update
    divides by that divisor instead of the latest one, which is exact because the result is
    still a minor of the matrix. Pivots are chosen by Markowitz cost, then by size.
    """
    n = len(rows)
    divisor = [one]  # divisor[k]: pivot of step k-1 (divisor[0] = 1)
    stamp = [0] * n  # rows[i] holds its entries as of step stamp[i]
    live_rows = set(range(n))
    live_cols = set(range(n)) - {target}
    for step in range(n - 1):
        col_count: dict[int, int] = {}
        for i in live_rows:
            for j in rows[i]:
                if j in live_cols:
                    col_count[j] = col_count.get(j, 0) + 1
        best = None
        for i in live_rows:
            r = len(rows[i]) - 1
            for j, v in rows[i].items():
                if j in live_cols:
                    cost = (r * (col_count[j] - 1), len(v), stamp[i] != step)
                    if best is None or cost < best[0]:
                        best = (cost, i, j)
        if best is None:
            raise SingularSystem("no pivot left: the equations are dependent")
        _, pr, pc = best
        prow = _bring_up_to_date(rows[pr], stamp[pr], step, divisor)
        pivot = prow[pc]
        live_rows.discard(pr)
        live_cols.discard(pc)
        for i in live_rows:
            row = rows[i]
            factor = row.get(pc)
            if factor is None:
                continue
            old = divisor[stamp[i]]
            new: dict[int, Poly] = {}
            for j in set(row) | set(prow):
                if j == pc or (j not in live_cols and j != target and j != rhs_col):
                    continue
                a = row.get(j)
                b = prow.get(j)
                value = pivot * a if a is not None else None
                if b is not None:
                    value = -(factor * b) if value is None else value - factor * b
                if value is not None and not value.is_zero():
                    new[j] = value if old.is_one() else value // old
            rows[i] = new
            stamp[i] = step + 1
        divisor.append(pivot)
        rows[pr] = {}
    (last,) = live_rows
    final = _bring_up_to_date(rows[last], stamp[last], n - 1, divisor)
    det = final.get(target)
    if det is None or det.is_zero():
        raise SingularSystem("the determinant is identically zero")
    return final.get(rhs_col, det.context().from_dict({})), det


def _bring_up_to_date(row: dict[int, Poly], at: int, step: int, divisor: list[Poly]):
    """Entries of a lazily kept row as of `step`: scale by divisor[step] / divisor[at]."""
    if at == step:
        return row
    up, down = divisor[step], divisor[at]
    return {j: (v * up) // down for j, v in row.items()}
