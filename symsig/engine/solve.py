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

import sympy
from flint.utils.flint_exceptions import DomainError

from ..errors import AnalysisError
from .rational import Poly, RationalFunction, Ring


class SingularSystem(ArithmeticError):
    """The system has no unique solution (its determinant is identically zero)."""


#: Default term budget: the most terms an entry stored during elimination may have. The largest
#: intermediate of the 7-stage hybrid-π cascade (a 560,000-term answer) is its final denominator,
#: 559,872 terms; the 8-stage one (~3.4 M terms) is refused, and so is a symbolic 200-section
#: ladder (its entries grow 2.6x per section), in a second or two.
MAX_TERMS = 2_000_000

#: A term costs one word of coefficient plus one word per 8 generators of exponents (flint packs
#: at least 8 bits per exponent). The budget counts terms of rings of up to this many
#: generators; in bigger rings it shrinks in proportion to the memory a term takes, so that an
#: entry never takes more than MAX_TERMS terms of this ring would (~144 MB at the default).
BUDGET_GENERATORS = 64

#: Products made before an exact division are larger than the entries they produce (by about
#: the divisor's size: 64x in the 7-stage cascade). A product whose size bound, the smaller of
#: len(x)*len(y) and its box of degrees, exceeds this many times the budget is refused before
#: it is made (~4.6 GB at the default).
PRODUCT_FACTOR = 32

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
        return (num, den) if common.is_one() else (num // common, den // common)


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
            num, den = mul(num, td // g) + mul(tn, den // g), mul(den, td // g)
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
    for i, row in enumerate(fractions):
        lcm = one
        for _, den in row.values():
            if den != lcm and not den.is_one():
                lcm = mul(lcm, den // lcm.gcd(den))
        rows[i] = {j: num if den == lcm else mul(num, lcm // den)
                   for j, (num, den) in row.items()}
    num, den = _bareiss_last(rows, y, rhs_col, one, limit)
    return RationalFunction.reduced(num, den, ring)


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


class _Budget:
    """The term budget of one elimination: checks entries, and products before they are made."""

    def __init__(self, max_terms: int, steps: int, generators: int):
        self.limit = term_budget(generators, max_terms)
        self.generators = generators if self.limit < max_terms else None
        self.steps, self.step = steps, 0
        self.products = self.limit * PRODUCT_FACTOR

    def fail(self, reached: int, kind: str = "entry") -> ResultTooLarge:
        return ResultTooLarge(self.limit, reached, self.step + 1, self.steps, kind,
                              self.generators)

    def entry(self, value: Poly) -> None:
        if len(value) > self.limit:
            raise self.fail(len(value))

    def quotient(self, value: Poly, divisor: Poly) -> Poly:
        """value // divisor (exact), refused early when the quotient cannot fit: it has at
        least len(value) / len(divisor) terms."""
        if divisor.is_one():
            return value
        if len(value) > self.limit * len(divisor):
            raise self.fail(-(-len(value) // len(divisor)), "quotient")
        return value // divisor

    def product(self, x: Poly, y: Poly) -> Poly:
        if len(x) * len(y) > self.products:
            bound = _product_bound(x, y, self.products)
            if bound > self.products:
                raise self.fail(bound, "product")
        return x * y


def _bareiss_last(rows: list[dict[int, Poly]], target: int, rhs_col: int, one: Poly,
                  max_terms: int = MAX_TERMS):
    """Fraction-free elimination of every column but `target`; returns (det_y, det).

    Rows are sparse dicts. Each entry remembers the step as of which it is stored (`at`): its
    value at a later step k is stored * divisor[k] / divisor[at], exact because both are minors
    of the matrix. A row the pivot column does not touch is left as it is; a touched row is
    brought to one step where it is read and divides by that step's divisor instead of the
    latest one. A short row is updated whole; a long one (a hub node's) only where the pivot
    row reaches (`LAZY_ROW`), so its untouched entries cost nothing. Where that divisor divides
    the pivot, pivot*a/divisor is made as (pivot/divisor)*a, without the big product.

    Pivots minimise (r*(c-1), terms of the entry, -at): Markowitz cost (r: the row's other
    entries, c: the column's live rows), then size, then the most recently updated entry. A
    column index (column -> live rows) finds the rows a pivot touches; each column keeps a heap
    of its entries by (r, terms, -at) (for c >= 2 the same order as the full cost; a column
    with c = 1 has one entry), and a global heap holds each column's best. Changed rows push
    fresh entries, and a column whose best or count changed pushes a fresh best; stale heap
    entries are recognised by version and dropped. A step costs about what its elimination
    costs.
    """
    n = len(rows)
    budget = _Budget(max_terms, n - 1, one.context().nvars())
    divisor = [one]  # divisor[k]: pivot of step k-1 (divisor[0] = 1)
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
        while best:
            *_, pr, pc, ver = heapq.heappop(best)
            if ver == col_version.get(pc):
                break
        else:
            raise SingularSystem("no pivot left: the equations are dependent")
        prow = _up_to_date(rows[pr], at[pr], step, divisor, budget)
        pivot = prow[pc]
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
        ratios: dict[int, Poly | None] = {}  # step -> pivot / divisor[step] if exact
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
            old = divisor[common]

            def read(j: int, row=row, stamps=stamps, common=common) -> Poly:
                v, t = row[j], stamps[j]
                if t == common:
                    return v
                return budget.quotient(budget.product(v, divisor[common]), divisor[t])

            factor = read(pc)
            del row[pc], stamps[pc]
            # pivot*a/old: by pivot/old where that divides (then old divides factor*b too)
            if common not in ratios:
                ratios[common] = _exact_quotient(pivot, old)
            ratio = ratios[common]
            if whole:
                for j in row:
                    if j not in prow:
                        a = read(j)
                        value = budget.quotient(budget.product(pivot, a), old) \
                            if ratio is None else budget.product(ratio, a)
                        budget.entry(value)
                        row[j], stamps[j] = value, step + 1
            for j, b in others:
                a = read(j) if j in row else None
                if ratio is None:
                    value = -budget.product(factor, b) if a is None else \
                        budget.product(pivot, a) - budget.product(factor, b)
                    if not value.is_zero():
                        value = budget.quotient(value, old)
                else:
                    value = -budget.quotient(budget.product(factor, b), old)
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
    final = _up_to_date(rows[last], at[last], n - 1, divisor, budget)
    det = final.get(target)
    if det is None or det.is_zero():
        raise SingularSystem("the determinant is identically zero")
    return final.get(rhs_col, det.context().constant(0)), det


def _exact_quotient(x: Poly, y: Poly) -> Poly | None:
    """x / y if y divides x, else None."""
    if y.is_one():
        return x
    try:
        return x / y
    except DomainError:
        return None


def _up_to_date(row: dict[int, Poly], at: dict[int, int], step: int, divisor: list[Poly],
                budget: _Budget) -> dict[int, Poly]:
    """The entries of a row as of `step`: each scaled by divisor[step] / divisor[at]."""
    out = {}
    for j, v in row.items():
        t = at[j]
        if t != step:
            v = budget.quotient(budget.product(v, divisor[step]), divisor[t])
            budget.entry(v)
        out[j] = v
    return out
