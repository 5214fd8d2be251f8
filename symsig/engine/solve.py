"""The exact solver: a sparse linear system with SymPy rational-function entries, solved for one
linear functional of its unknowns by fraction-free (Bareiss) elimination over python-flint's
multivariate integer polynomials.

This module knows nothing about circuits. Each row is cleared of denominators; every intermediate
entry of Bareiss elimination is a minor of the matrix, so nothing grows beyond the size of the
answer; rows the pivot does not touch are rescaled lazily, so a sparse matrix stays cheap.

Scale: a step costs about what its elimination work costs (a column index finds the rows the
pivot touches, and heaps keep the Markowitz order), entries are converted from SymPy without
SymPy's polynomial machinery, and a term budget (`MAX_TERMS`) ends an elimination whose exact
result would be astronomically large with `ResultTooLarge` instead of running for hours.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from math import prod
from typing import NamedTuple

import sympy
from flint.utils.flint_exceptions import DomainError

from ..errors import AnalysisError
from .rational import Poly, RationalFunction, Ring


class SingularSystem(ArithmeticError):
    """The system has no unique solution (its determinant is identically zero)."""


#: Default term budget: the most terms an entry stored during elimination may have. The largest
#: intermediate of the 8-stage hybrid-π cascade (a 3.4 M-term answer, 7 s and 0.8 GB) is its
#: final denominator, 3,359,232 terms; a symbolic 200-section ladder (its entries grow 2.6x per
#: section) is refused in a second or two.
MAX_TERMS = 4_000_000

#: A term costs one word of coefficient plus one word per 8 generators of exponents (flint packs
#: at least 8 bits per exponent). The budget counts terms of rings of up to this many
#: generators; in bigger rings it shrinks in proportion to the memory a term takes, so that an
#: entry never takes more than MAX_TERMS terms of this ring would (~288 MB at the default).
BUDGET_GENERATORS = 64

#: A product made before an exact division is larger than the entry it gives (by about the
#: divisor's size). Where the divisor has a common factor with one side, that is divided out
#: first (_Budget.product_over), so such products are made only where Bareiss's update cannot
#: be split. A product whose size bound, the smaller of len(x)*len(y) and its box of degrees,
#: exceeds this many times the budget is refused before it is made (~2 GB at the default).
PRODUCT_FACTOR = 8

#: Rows with more entries than this are updated lazily: only where the pivot row reaches.
#: Short rows are updated whole, which keeps each entry's size, the pivot order's tie-break,
#: a fair picture of its cost.
LAZY_ROW = 16


def _term_words(generators: int) -> int:
    return 1 + -(-max(generators, 1) // 8)


def term_budget(generators: int, max_terms: int | None = None) -> int:
    """The most terms an entry may have in a ring of this many generators (see MAX_TERMS)."""
    terms = MAX_TERMS if max_terms is None else max_terms
    words = _term_words(generators)
    return terms if words <= _term_words(BUDGET_GENERATORS) else \
        max(1, terms * _term_words(BUDGET_GENERATORS) // words)


class ResultTooLarge(AnalysisError, ArithmeticError):
    """The exact result would exceed the term budget: elimination stopped before finishing.

    `limit` is the budget in terms (after scaling for many generators), `reached` the size
    that went over it, `step` and `steps` where in the elimination that happened, `generators`
    the size of the ring when the budget was scaled for it. `kind` says what `reached` counts:
    "input" (an upper bound on an entry of the equations, when read from SymPy), "entry" (an
    entry's terms), "quotient" (a lower bound on an entry about to be divided out) or "product"
    (an upper bound on a product about to be made before an exact division).
    """

    _WHAT = {"input": "an entry of the equations would reach up to",
             "entry": "an intermediate reached",
             "quotient": "an intermediate would reach at least",
             "product": "a product before an exact division would reach up to"}

    def __init__(self, limit: int, reached: int, step: int | None = None,
                 steps: int | None = None, kind: str = "entry",
                 generators: int | None = None):
        self.limit, self.reached, self.step, self.steps = limit, reached, step, steps
        self.kind, self.generators = kind, generators
        where = f" at elimination step {step} of {steps}" if step is not None else ""
        ring = f" in {generators:,} generators" if generators else ""
        self.hint = ""  # what the caller can suggest (the analysis layer knows the circuit)
        super().__init__(f"the exact result would exceed {limit:,} terms{ring} "
                         f"({self._WHAT[kind]} {reached:,} terms{where})")

    def __str__(self) -> str:
        return super().__str__() + (f"; {self.hint}" if self.hint else "")

    def __reduce__(self):
        return type(self), (self.limit, self.reached, self.step, self.steps, self.kind,
                            self.generators)


# -- conversion ---------------------------------------------------------------------------
_J = sympy.Dummy("j")


def _split(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    expr = sympy.sympify(expr).subs(sympy.I, _J)
    num, den = sympy.fraction(sympy.together(expr))
    return sympy.expand(num), sympy.expand(den)


def _shape(expr: sympy.Expr, found: set) -> bool | None:
    """Whether `expr` has a shape the direct converter reads: rationals, symbols, I, and sums,
    products and integer powers of these (None if not; True if a sum occurs in it). Its symbols
    are added to `found` (I as the generator _J)."""
    if expr.is_Symbol:
        found.add(expr)
        return False
    if expr.is_Rational:
        return False
    if expr is sympy.I:
        found.add(_J)
        return False
    if expr.is_Add or expr.is_Mul:
        has_sum = expr.is_Add
        for a in expr.args:
            inner = _shape(a, found)
            if inner is None:
                return None
            has_sum = has_sum or inner
        return has_sum
    if expr.is_Pow and expr.exp.is_Integer:
        return _shape(expr.base, found)
    return None


class _Direct:
    """(numerator, denominator) polynomials of an expression read straight from its tree, as
    SymPy's fraction(together(expr)) would give them, expanded. Products and powers whose size
    bound exceeds the term budget `limit` raise ResultTooLarge before they are made."""

    def __init__(self, ring: Ring, index: dict, max_terms: int | None):
        self.ctx = ring.ctx
        self.one = ring.ctx.constant(1)
        self.index = index
        self.limit = term_budget(len(index), max_terms)
        scaled = self.limit < (MAX_TERMS if max_terms is None else max_terms)
        self.generators = len(index) if scaled else None
        self.memo: dict = {}

    def __call__(self, expr: sympy.Expr) -> tuple[Poly, Poly]:
        hit = self.memo.get(expr)
        if hit is None:
            hit = self.memo[expr] = self._convert(expr)
        return hit

    def _mul(self, x: Poly, y: Poly) -> Poly:
        return _checked_product(x, y, self.limit, self.generators)

    def _pow(self, x: Poly, e: int) -> Poly:
        bound = _power_terms(len(x), e)
        if bound > self.limit:
            raise ResultTooLarge(self.limit, bound, kind="input", generators=self.generators)
        return x**e

    def _convert(self, expr: sympy.Expr) -> tuple[Poly, Poly]:
        one = self.one
        if expr.is_Symbol:
            return self.ctx.gen(self.index[expr]), one
        if expr.is_Rational:
            return self.ctx.constant(int(expr.p)), self.ctx.constant(int(expr.q))
        if expr is sympy.I:
            return self.ctx.gen(self.index[_J]), one
        if expr.is_Pow:
            num, den = self(expr.base)
            e = int(expr.exp)
            num, den = (num, den) if e >= 0 else (den, num)
            return self._pow(num, abs(e)), self._pow(den, abs(e))
        mul = self._mul
        if expr.is_Mul:
            num, den = one, one
            for a in expr.args:
                an, ad = self(a)
                num, den = mul(num, an), mul(den, ad)
            return num, den
        # an Add: a common denominator
        return _fraction_sum([self(a) for a in expr.args], mul, self.ctx.constant(0), one)

    def cancelled(self, expr: sympy.Expr) -> tuple[Poly, Poly]:
        """The pair with the common monomial and integer content cancelled (as together()
        cancels common terms): for expressions with sums, where the pair may share them."""
        num, den = self(expr)
        if num.is_zero():
            return num, self.one
        common = num.term_content().gcd(den.term_content())
        return (num, den) if common.is_one() else (num / common, den / common)


def _fraction_sum(pairs: list[tuple[Poly, Poly]], mul, zero: Poly, one: Poly
                  ) -> tuple[Poly, Poly]:
    """Σ num/den over (num, den) pairs, on the least common denominator; `mul` makes (and
    may refuse) the products."""
    if not pairs:
        return zero, one
    num, den = pairs[0]
    for tn, td in pairs[1:]:
        if td == den:
            num = num + tn
        else:
            g = den.gcd(td)
            num, den = mul(num, td / g) + mul(tn, den / g), mul(den, td / g)
    return num, den


def _power_terms(terms: int, e: int) -> int:
    """comb(terms - 1 + e, e): the most terms the e-th power of a polynomial of `terms` terms
    can have (the monomials of degree e in that many unknowns); once past 10**30, that."""
    n, k, bound = terms - 1 + e, min(e, terms - 1), 1
    for i in range(1, k + 1):  # comb(n, i) grows with i up to k <= n/2, at least 2x a step
        bound = bound * (n - i + 1) // i
        if bound > 10**30:
            break
    return bound


def _sympy_route(expr: sympy.Expr) -> tuple[tuple, list]:
    """(generators, [num, den] as SymPy Polys) by SymPy's own route (for other shapes)."""
    halves = _split(expr)
    try:
        polys, opt = sympy.parallel_poly_from_expr(halves, domain=sympy.ZZ)
        return tuple(opt.gens), polys
    except sympy.PolificationFailed:  # only numbers
        polys, _ = sympy.parallel_poly_from_expr(halves, sympy.Symbol("s"), domain=sympy.ZZ)
        return (), polys


def _converter(exprs: Sequence[sympy.Expr], max_terms: int | None = None
               ) -> tuple[Ring, dict]:
    """A ring for all `exprs` and each distinct expression as a (num, den) pair of polys.

    Generators are the symbols sorted by name, then other atoms (sqrt(R), exp(...)) sorted by
    name, as SymPy's fraction(together(e)) expanded would have them; I is a generator (shown as
    I) that the caller reduces. Expressions of the usual MNA shapes (see `_shape`) are read
    directly from their trees; others go through SymPy's Poly route, one at a time. A sum in
    which a symbol cancels out goes SymPy's way too, so no generator appears that SymPy's
    route would not have made.
    """
    distinct = list(dict.fromkeys(sympy.sympify(e) for e in exprs))
    direct: dict = {}  # expr -> (symbols, has a sum)
    other: dict = {}  # expr -> (gens, polys)
    for e in distinct:
        found: set = set()
        has_sum = _shape(e, found)
        if has_sum is None:
            other[e] = _sympy_route(e)
        else:
            direct[e] = (found, has_sum)
    while True:
        gens: set = set()
        for found, _ in direct.values():
            gens |= found
        for g, _ in other.values():
            gens.update(g)
        if not gens:  # only numbers: any one generator will do
            gens = {sympy.Symbol("s")}
        key = lambda g: (not g.is_Symbol, str(g))  # noqa: E731
        ordered = sorted(gens, key=key)
        if len({key(g) for g in ordered}) < len(ordered):  # same names: a deterministic order
            ordered = sorted(gens, key=lambda g: (*key(g), sympy.default_sort_key(g)))
        index = {g: i for i, g in enumerate(ordered)}
        ring = Ring.over(tuple(g if g != _J else sympy.I for g in ordered))
        convert = _Direct(ring, index, max_terms)
        table = {}
        moved = False
        for e, (found, has_sum) in list(direct.items()):
            if not has_sum:
                table[e] = convert(e)
                continue
            num, den = convert.cancelled(e)
            used = {i for p in (num, den) for i, d in enumerate(p.degrees()) if d}
            if used != {index[g] for g in found}:  # a symbol cancelled: SymPy decides
                del direct[e]
                other[e] = _sympy_route(e)
                moved = True
            else:
                table[e] = (num, den)
        if not moved:
            break
    nv = ring.ctx.nvars()
    for e, (_, polys) in other.items():
        pair = []
        for p in polys:
            where = [index.get(g) for g in p.gens]
            terms = {}
            for monom, coeff in p.terms():
                exps = [0] * nv
                for k, x in zip(where, monom, strict=True):
                    if x:
                        exps[k] = x
                terms[tuple(exps)] = int(coeff)
            pair.append(ring.ctx.from_dict(terms))
        table[e] = tuple(pair)
    return ring, table


def solve_for(
    matrix: Mapping[tuple[int, int], Sequence[sympy.Expr]],
    rhs: Mapping[int, Sequence[sympy.Expr]],
    size: int,
    target: Mapping[int, sympy.Expr],
    constant: sympy.Expr = sympy.S.Zero,
    *,
    max_terms: int | None = None,
) -> RationalFunction:
    """The exact value of constant + sum(target[j] * x[j]) where matrix @ x = rhs.

    `matrix` and `rhs` map positions to lists of terms to add (stamps accumulate). The
    functional becomes one more unknown y with the row y - target·x = 0, placed last, so one
    elimination gives det(A) and y's Cramer numerator together.

    Raises `ResultTooLarge` when an entry of the equations or one stored during elimination
    would have more than `max_terms` terms (default `MAX_TERMS`; fewer in rings of more than
    BUDGET_GENERATORS generators, see `term_budget`), or a product made before an exact
    division more than PRODUCT_FACTOR times that; `SingularSystem` when there is no solution.
    """
    limit = MAX_TERMS if max_terms is None else max_terms
    system = bordered(matrix, rhs, size, target, constant, max_terms=limit)
    one = system.ring.ctx.constant(1)
    num, den = _eliminate(system.rows, system.y, system.rhs_col, one, limit)
    return RationalFunction.reduced(num, den, system.ring)


class Bordered(NamedTuple):
    """The system of `solve_for` as polynomial rows: rows[i] maps a column to its entry, each
    row cleared of denominators; the unknown asked for is column y (its row y - target·x =
    constant), the right-hand side is column rhs_col. Its value is det(rows with column y
    replaced by the right-hand side) / det(rows), over columns 0..y."""

    ring: Ring
    rows: list[dict[int, Poly]]
    y: int
    rhs_col: int
    scales: list[Poly]  # what each row was multiplied by (the lcm of its denominators)


def bordered(matrix: Mapping[tuple[int, int], Sequence[sympy.Expr]],
             rhs: Mapping[int, Sequence[sympy.Expr]], size: int, target: Mapping[int, sympy.Expr],
             constant: sympy.Expr = sympy.S.Zero, *, max_terms: int | None = None) -> Bordered:
    """The bordered polynomial system of solve_for (see there and `Bordered`)."""
    limit = MAX_TERMS if max_terms is None else max_terms
    y = size
    limit = MAX_TERMS if max_terms is None else max_terms
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
    ring, table = _converter([t for terms in entries.values() for t in terms], limit)
    one = ring.ctx.constant(1)
    zero = ring.ctx.constant(0)

    def fraction(t: sympy.Expr) -> tuple[Poly, Poly]:
        pair = table.get(t)
        return pair if pair is not None else table[sympy.sympify(t)]

    entry_limit = term_budget(ring.ctx.nvars(), limit)
    generators = ring.ctx.nvars() if entry_limit < limit else None

    def mul(x: Poly, z: Poly) -> Poly:
        return _checked_product(x, z, entry_limit, generators)

    rows: list[dict[int, Poly]] = [dict() for _ in range(size + 1)]
    # Sum each entry as a fraction, then scale each row by the lcm of its denominators.
    fractions: list[dict[int, tuple[Poly, Poly]]] = [dict() for _ in range(size + 1)]
    for (i, j), terms in entries.items():
        num, den = _fraction_sum([fraction(t) for t in terms], mul, zero, one)
        if not num.is_zero():
            fractions[i][j] = (num, den)
    scales = []
    for i, row in enumerate(fractions):
        lcm = one
        for _, den in row.values():
            if den != lcm and not den.is_one():
                lcm = mul(lcm, den / lcm.gcd(den))
        rows[i] = {j: num if den == lcm else mul(num, lcm / den)
                   for j, (num, den) in row.items()}
        scales.append(lcm)
    return Bordered(ring, rows, y, rhs_col, scales)


def as_rational(expr: sympy.Expr) -> RationalFunction:
    """A SymPy expression (a ratio of polynomials in its symbols and atoms) as a cancelled
    RationalFunction, by the same converter the solver uses."""
    ring, table = _converter([expr])
    num, den = table[sympy.sympify(expr)]
    return RationalFunction.reduced(num, den, ring)


def _product_bound(x: Poly, y: Poly, limit: int) -> int:
    """An upper bound on the terms of x*y: len(x)*len(y), or the box of degrees if smaller
    (computed only when the first bound is over `limit`)."""
    bound = len(x) * len(y)
    if bound > limit:
        box = prod(int(a) + int(b) + 1 for a, b in zip(x.degrees(), y.degrees(), strict=True))
        bound = min(bound, box)
    return bound


def _checked_product(x: Poly, y: Poly, limit: int, generators: int | None = None) -> Poly:
    """x*y, refused (ResultTooLarge) if its size bound is over `limit`: for the equations'
    entries as they are read, before elimination (`generators`: as in ResultTooLarge)."""
    if len(x) * len(y) > limit:
        bound = _product_bound(x, y, limit)
        if bound > limit:
            raise ResultTooLarge(limit, bound, kind="input", generators=generators)
    return x * y


class _OverWork(Exception):
    """An elimination passed its work cap (another pivot order is tried)."""


class _Budget:
    """The term budget of one elimination: checks entries, and products before they are made;
    counts the work (terms multiplied) against an optional cap."""

    def __init__(self, max_terms: int, steps: int, generators: int,
                 work_cap: float | None = None):
        self.limit = term_budget(generators, max_terms)
        self.generators = generators if self.limit < max_terms else None
        self.steps, self.step = steps, 0
        self.products = self.limit * PRODUCT_FACTOR
        self.work, self.work_cap = 0, work_cap

    def fail(self, reached: int, kind: str = "entry") -> ResultTooLarge:
        return ResultTooLarge(self.limit, reached, self.step + 1, self.steps, kind,
                              self.generators)

    def entry(self, value: Poly) -> None:
        if len(value) > self.limit:
            raise self.fail(len(value))

    def quotient(self, value: Poly, divisor: Poly) -> Poly:
        """value / divisor (exact: flint raises if it is not), refused early when the
        quotient cannot fit: it has at least len(value) / len(divisor) terms."""
        if divisor.is_one():
            return value
        if len(value) > self.limit * len(divisor):
            raise self.fail(-(-len(value) // len(divisor)), "quotient")
        self._count(len(value))
        return value / divisor

    def product(self, x: Poly, y: Poly) -> Poly:
        if x.is_one():
            return y
        if y.is_one():
            return x
        if len(x) * len(y) > self.products:
            bound = _product_bound(x, y, self.products)
            if bound > self.products:
                raise self.fail(bound, "product")
        self._count(len(x) * len(y))
        return x * y

    def _count(self, work: int) -> None:
        self.work += work
        if self.work_cap is not None and self.work > self.work_cap:
            raise _OverWork

    def product_over(self, x: Poly, y: Poly, d: Poly) -> Poly:
        """x*y/d, known to be exact, without the product x*y where that would be much larger
        than the answer: the smaller factor's common part with d is divided out first (then
        the rest of d divides the other factor), so the one product made has the answer's
        size. Small products are made directly."""
        if d.is_one():
            return self.product(x, y)
        if len(d) <= DIRECT_DIVISOR or len(x) * len(y) <= DIRECT_PRODUCT:
            return self.quotient(self.product(x, y), d)
        if len(x) > len(y):
            x, y = y, x
        g = x.gcd(d)
        if not g.is_one():
            x, d = x / g, d / g
        return self.product(x, self.quotient(y, d))


#: product_over makes x*y and divides when the divisor has at most this many terms (the
#: product is then at most that many times the answer) or the product is this small.
DIRECT_DIVISOR = 4
DIRECT_PRODUCT = 50_000


class _Divisors:
    """The pivots of the elimination (D[k]: the pivot of step k-1, D[0] = 1) and the exact,
    reduced ratios D[k]/D[t] that bring an entry stored as of step t to step k."""

    def __init__(self, one: Poly, budget: _Budget):
        self.d = [one]
        self.one = one
        self.budget = budget
        self._ratios: dict[tuple[int, int], tuple[Poly, Poly]] = {}

    def ratio(self, k: int, t: int) -> tuple[Poly, Poly]:
        """(n, m) coprime with n/m = D[k]/D[t]."""
        hit = self._ratios.get((k, t))
        if hit is None:
            dk, dt = self.d[k], self.d[t]
            if dt.is_one():
                hit = (dk, self.one)
            elif dk == dt:
                hit = (self.one, self.one)
            else:
                g = dk.gcd(dt)
                hit = (dk, dt) if g.is_one() else (dk / g, dt / g)
            self._ratios[(k, t)] = hit
        return hit

    def scale(self, v: Poly, k: int, t: int) -> Poly:
        """v (stored as of step t) as of step k: v*D[k]/D[t], dividing before multiplying
        where the product would be large."""
        if k == t:
            return v
        dk, dt = self.d[k], self.d[t]
        if len(dt) <= DIRECT_DIVISOR or len(v) * len(dk) <= DIRECT_PRODUCT:
            return self.budget.quotient(self.budget.product(v, dk), dt)
        n, m = self.ratio(k, t)
        return self.budget.product(self.budget.quotient(v, m), n)

    def over(self, k: int, s: int, c: int) -> tuple[Poly, Poly]:
        """(n, m) coprime with n/m = D[k] / (D[s]*D[c]): the factor that turns the update of
        a row read as of step c by a pivot row read as of step s into entries as of step k+1
        (see _bareiss_last)."""
        one = self.one
        if s == k:
            return one, self.d[c]
        if c == k:
            return one, self.d[s]
        n, m = self.ratio(k, s)
        dc = self.d[c]
        g = n.gcd(dc)
        return (n, m * dc) if g.is_one() else (n / g, m * (dc / g))


#: Pivot orders tried in turn (see _eliminate), the first with this much work (terms
#: multiplied; ~0.1 s on the reference machine), each next round with WORK_GROWTH times more.
FIRST_WORK = 2_000_000
WORK_GROWTH = 4
#: Systems of up to this many rows may also be eliminated in the size-weighted order.
SIZE_ORDER_ROWS = 400


def _eliminate(rows: list[dict[int, Poly]], target: int, rhs_col: int, one: Poly,
               max_terms: int = MAX_TERMS) -> tuple[Poly, Poly]:
    """_bareiss_last in the better of two pivot orders, without knowing which in advance.

    Markowitz's order (fill-in first) keeps sparse circuits sparse and is right for most;
    on some small dense systems (an impedance of a capacitively coupled node) it builds a
    large pivot early and its last step costs a thousand times the answer, where an order
    weighted by the entries' sizes costs 30 times less (and the converse happens too: on a
    cascade's gain the size order multiplies by pivots that divide nothing). So both run in
    turn under a cap on work that grows each round, and the first to finish gives the
    result: never more than a few times the better order's cost. A ResultTooLarge in one
    order leaves the other to try; when both end so, Markowitz's is raised.
    """
    orders = ["markowitz", "size"] if len(rows) <= SIZE_ORDER_ROWS else ["markowitz"]
    failed: dict[str, ResultTooLarge] = {}
    cap = float(FIRST_WORK)
    while True:
        for order in orders:
            if order in failed:
                continue
            last = len(failed) == len(orders) - 1  # the only order left: no cap
            try:
                return _bareiss_last([dict(r) for r in rows], target, rhs_col, one, max_terms,
                                     order=order, work_cap=None if last else cap)
            except _OverWork:
                continue
            except ResultTooLarge as exc:
                failed[order] = exc
                if len(failed) == len(orders):
                    raise failed["markowitz"] from None
        cap *= WORK_GROWTH


def _bareiss_last(rows: list[dict[int, Poly]], target: int, rhs_col: int, one: Poly,
                  max_terms: int = MAX_TERMS, order: str = "markowitz",
                  work_cap: float | None = None):
    """Fraction-free elimination of every column but `target`; returns (det_y, det) up to a
    common factor (a ratio of two pivots, which the caller's gcd cancels).

    Rows are sparse dicts. Each entry remembers the step as of which it is stored (`at`): its
    value at a later step k is stored * D[k] / D[t] (D[k]: the pivot of step k-1), exact
    because both are minors of the matrix. A row the pivot column does not touch is left as
    it is. A touched row is read as of one step c (the latest among the entries read) and the
    pivot row as of its own step s; with p, b the pivot row's pivot and entries and f, a the
    row's pivot-column entry and entries, the entry as of step k+1 is

        (p*a - f*b) * D[k] / (D[s] * D[c])

    which is standard Bareiss when s = k, c = k, and costs no product with a large pivot when
    a pivot row untouched since an early step meets an up-to-date row (the bordered row of
    an impedance, say). Where the reduced denominator m of D[k]/(D[s]*D[c]) divides p, the
    two halves are made separately (p/m*a and f*b/m, the latter dividing before it
    multiplies), so no product much larger than the entry it gives is ever made. A short row
    is updated whole; a long one (a hub node's) only where the pivot row reaches
    (`LAZY_ROW`), so its untouched entries cost nothing.

    order="size" picks the live entry of least (r+1)*(c+1)*estimated terms (the stored
    terms times D[k]/D[t] for an entry stored as of step t), latest first, by a scan of
    every live entry (for small systems). order="markowitz" (the default):
    pivots minimise (r*(c-1), terms of the entry, -at): Markowitz cost (r: the row's other
    entries, c: the column's live rows), then size, then the most recently updated entry. A
    column index (column -> live rows) finds the rows a pivot touches; each column keeps a heap
    of its entries by (r, terms, -at) (for c >= 2 the same order as the full cost; a column
    with c = 1 has one entry), and a global heap holds each column's best. Changed rows push
    fresh entries, and a column whose best or count changed pushes a fresh best; stale heap
    entries are recognised by version and dropped. A step costs about what its elimination
    costs.
    """
    n = len(rows)
    budget = _Budget(max_terms, n - 1, one.context().nvars(), work_cap)
    divisors = _Divisors(one, budget)
    divisor = divisors.d
    at = [dict.fromkeys(row, 0) for row in rows]  # rows[i][j] is stored as of step at[i][j]
    version = [0] * n  # bumped whenever rows[i] changes
    live_rows = set(range(n))
    col_rows: dict[int, set[int]] = {j: set() for j in range(n) if j != target}
    for i, row in enumerate(rows):
        for j in row:
            if j in col_rows:
                col_rows[j].add(i)
    col_heap: dict[int, list] = {j: [] for j in col_rows}
    col_version = dict.fromkeys(col_rows, 0)
    best: list = []  # (cost..., i, j, col_version[j]): the best entry of a column

    def valid(e: tuple) -> bool:
        return e[3] in live_rows and version[e[3]] == e[4]

    def push_row(i: int, dirty: set) -> None:
        """Push row i's entries into their columns' heaps; mark columns whose best changed."""
        row, stamps = rows[i], at[i]
        r, ver = len(row) - 1, version[i]
        for j, v in row.items():
            heap = col_heap.get(j)
            if heap is None:
                continue
            e = (r, len(v), -stamps[j], i, ver)
            heapq.heappush(heap, e)
            if heap[0] is e:
                dirty.add(j)
            elif len(heap) > 4 * len(col_rows[j]) + 16:  # mostly stale: compact
                heap[:] = [e for e in heap if valid(e)]
                heapq.heapify(heap)

    def refresh(j: int) -> None:
        heap = col_heap[j]
        while heap and not valid(heap[0]):
            heapq.heappop(heap)
        col_version[j] += 1
        if heap:
            r, size, stale, i, _ = heap[0]
            heapq.heappush(best, (r * (len(col_rows[j]) - 1), size, stale, i, j, col_version[j]))

    for i in range(n):
        push_row(i, set())
    for j in col_rows:
        refresh(j)
    for step in range(n - 1):
        budget.step = step
        if order == "size":
            pr, pc = _smallest(rows, at, col_rows, divisor, step)
        else:
            while best:
                *_, pr, pc, ver = heapq.heappop(best)
                if ver == col_version.get(pc):
                    break
            else:
                raise SingularSystem("no pivot left: the equations are dependent")
        # the pivot row as of its own latest step s; the pivot itself as of this step
        s = max(at[pr].values())
        prow = {j: divisors.scale(v, s, at[pr][j]) for j, v in rows[pr].items()}
        p = prow[pc]
        pivot = divisors.scale(p, step, s)
        live_rows.discard(pr)
        rows[pr], at[pr] = {}, {}
        dirty = set()
        for j in prow:
            if j in col_rows:
                col_rows[j].discard(pr)
                dirty.add(j)
        touched = col_rows.pop(pc)
        del col_heap[pc], col_version[pc]
        dirty.discard(pc)
        others = [(j, b) for j, b in prow.items() if j != pc]
        factors: dict[int, tuple[Poly, Poly, Poly | None]] = {}  # c -> (n, m, p*n/m if exact)
        for i in touched:
            row, stamps = rows[i], at[i]
            for j in row:  # was row i the best of a column? then that column changes
                heap = col_heap.get(j)
                if heap and heap[0][3] == i:
                    dirty.add(j)
            # A short row is updated whole; a long one (a hub node's) only where the pivot
            # row reaches. The entries read are brought to one step, the latest among them.
            whole = len(row) <= LAZY_ROW
            common = max(stamps.values()) if whole else \
                max([stamps[pc]] + [stamps[j] for j, _ in others if j in row])

            def read(j: int, row=row, stamps=stamps, common=common) -> Poly:
                return divisors.scale(row[j], common, stamps[j])

            factor = read(pc)
            del row[pc], stamps[pc]
            if common not in factors:
                num, den = divisors.over(step, s, common)
                factors[common] = (num, den, _times(_exact_quotient(p, den), num, budget))
            num, den, ratio = factors[common]
            if whole:
                for j in row:
                    if j not in prow:
                        a = read(j)
                        value = budget.product(ratio, a) if ratio is not None else \
                            budget.product(budget.product_over(p, a, den), num)
                        budget.entry(value)
                        row[j], stamps[j] = value, step + 1
            for j, b in others:
                a = read(j) if j in row else None
                if ratio is None:
                    value = -budget.product(factor, b) if a is None else \
                        budget.product(p, a) - budget.product(factor, b)
                    if not value.is_zero():
                        value = budget.product(budget.quotient(value, den), num)
                else:
                    value = -budget.product(budget.product_over(factor, b, den), num)
                    if a is not None:
                        value = budget.product(ratio, a) + value
                if a is None and j in col_rows:
                    col_rows[j].add(i)
                    dirty.add(j)
                if value.is_zero():
                    if j in row:
                        del row[j], stamps[j]
                        if j in col_rows:
                            col_rows[j].discard(i)
                            dirty.add(j)
                    continue
                budget.entry(value)
                row[j], stamps[j] = value, step + 1
            version[i] += 1
            push_row(i, dirty)
        divisor.append(pivot)
        for j in dirty:
            if j in col_rows:
                refresh(j)
    (last,) = live_rows
    budget.step = n - 2
    row, stamps = rows[last], at[last]
    det = row.get(target)
    if det is None or det.is_zero():
        raise SingularSystem("the determinant is identically zero")
    # both entries as of the later of their steps: the common factor D[n-1]/D[that step]
    # they would share as of the last step cancels in their ratio
    rhs = row.get(rhs_col)
    if rhs is None:
        return det.context().constant(0), det
    latest = max(stamps[target], stamps[rhs_col])
    return (divisors.scale(rhs, latest, stamps[rhs_col]),
            divisors.scale(det, latest, stamps[target]))


def _smallest(rows, at, col_rows, divisor, step) -> tuple[int, int]:
    """The live entry of least (r+1)*(c+1)*estimated terms as of `step` (order="size")."""
    best, where = None, None
    now = len(divisor[step])
    for j, live in col_rows.items():
        c = len(live)
        for i in live:
            row = rows[i]
            t = at[i][j]
            key = (len(row) * c * len(row[j]) * now / len(divisor[t]), -t, i, j)
            if best is None or key < best:
                best, where = key, (i, j)
    if where is None:
        raise SingularSystem("no pivot left: the equations are dependent")
    return where


def _times(x: Poly | None, y: Poly, budget: _Budget) -> Poly | None:
    return None if x is None else budget.product(x, y)


def _exact_quotient(x: Poly, y: Poly) -> Poly | None:
    """x / y if y divides x, else None."""
    if y.is_one():
        return x
    try:
        return x / y
    except DomainError:
        return None
