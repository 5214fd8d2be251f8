"""Textbook (low-entropy) forms of exact results: R_C ∥ r_o, r_π + (β+1)R_E, g_m(R_C ∥ R_L).

A network function is bilinear in any one element value x: (a + b·x)/(c + d·x) with a, b, c, d
free of x. Middlebrook's design-oriented forms are that fact used well, and so is this module:
it peels one element at a time and keeps the shortest way of writing what is left.

- x in parallel (the function vanishes with x): (b·x)/(c + d·x) = (b/c)·(x ∥ c/d);
- x in series (x only in the numerator): (a + b·x)/c = a/c + (b/c)·x;
- x degenerating (x only in the denominator): a/(c + d·x) = (a/c)/(1 + (d/c)·x);
- otherwise: (a/c)·(1 + (b/a)·x)/(1 + (d/c)·x), or the numerator and denominator written apart.

Each piece is formed the same way, recursively, with memoization; polynomials are factored
(python-flint) and written in Horner form along the variable that makes them shortest, so
RS*gm*ro + RS*gmb*ro + RS + ro comes out as RS + ro*(RS*(gm + gmb) + 1). Among all the ways
tried, the one with the fewest operations wins; ties go to the one found first. Every form is
exactly equal to the result: it is built from the same polynomials, never approximated. Last,
g_m·r_π becomes β where that shortens the result (DESIGN §2's relation r_π = β/g_m), as in
r_π + (β+1)R_E.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import sympy

from ..engine.rational import Poly, RationalFunction
from .parallel import Par

#: Results larger than this (terms in numerator plus denominator) are not searched: the search
#: is exponential in the number of variables, and such results want an approximation first.
MAX_TERMS = 400
#: The most (numerator, denominator) pairs and polynomials one search may form before it
#: settles for what it has (then each piece is only factored and written in greedy Horner form).
MAX_STEPS = 600
#: How many variables each step tries to peel (the most promising first), and how many to
#: group a polynomial by.
PEEL_WIDTH = 4
HORNER_WIDTH = 2

# Symbols that are resistances: a parallel combination only makes sense among these.
_RESISTIVE = re.compile(r"(R|r(pi|o|e|x|d|z|mu|b|c)?)[A-Za-z0-9_]*$")
# Dimensions as (ohm, second) exponents, from the symbol's name: a parallel combination is
# only written where both sides are resistances. None: a name that says nothing.
_DIMENSIONS = [(re.compile(r"(R|r(pi|o|e|x|d|z|mu|b|c)?)[A-Za-z0-9_]*$"), (1, 0)),
               (re.compile(r"(g|G)[A-Za-z0-9_]*$"), (-1, 0)),
               (re.compile(r"(C|c(pi|mu|gs|gd|db|sb|d)?)[A-Za-z0-9_]*$"), (-1, 1)),
               (re.compile(r"L[A-Za-z0-9_]*$"), (1, 1)),
               (re.compile(r"s$"), (0, -1)),
               (re.compile(r"(beta|alpha|A|K|n|chi)[0-9_]*\w*$"), (0, 0))]


def _dimension(name: str) -> tuple[int, int] | None:
    for pattern, dim in _DIMENSIONS:
        if pattern.match(name):
            return dim
    return None


def operation_count(expr: sympy.Expr) -> int:
    """Operations in an expression: n-1 per sum, product or parallel combination of n terms,
    one per power or quotient. Numbers and symbols are free."""
    if expr.is_Atom:
        return 0
    if isinstance(expr, Par) or expr.is_Add or expr.is_Mul:
        own = len(expr.args) - 1
    else:
        own = 1
    return own + sum(operation_count(a) for a in expr.args)


def score(expr: sympy.Expr) -> tuple[int, int]:
    """What "shorter" means here: fewer operations, then fewer symbol occurrences (a symbol
    written once, as in r_o(1 + g_m R_S) + R_S, reads better than one written twice)."""
    return operation_count(expr), _occurrences(expr)


def _occurrences(expr: sympy.Expr) -> int:
    if expr.is_Symbol:
        return 1
    return sum(_occurrences(a) for a in expr.args)


def textbook(result: RationalFunction, circuit=None, *, beta: bool = True) -> sympy.Expr:
    """The result in textbook form, exactly equal to it.

    `beta`: write g_m·r_π of a device as β where that shortens the form. Without s, the whole
    result is searched; with s, see `normal_form`. A result past MAX_TERMS is returned in its
    factored exact form.
    """
    if result.is_infinite:
        return sympy.oo
    if result.is_zero:
        return sympy.S.Zero
    if result.terms > MAX_TERMS or _has_s(result):
        return result.expr
    key = (result.ring.gens, str(result.num), str(result.den), beta)
    hit = _FORMS.get(key)
    if hit is None:
        if len(_FORMS) >= FORMS_KEPT:
            _FORMS.pop(next(iter(_FORMS)))
        hit = _FORMS[key] = _textbook(result, beta)
    return hit


#: textbook() remembers this many forms: H(s), R_in and R_out of one circuit share their
#: determinant, so the normal forms of the three share most of their coefficients' forms.
FORMS_KEPT = 256
_FORMS: dict = {}


def _textbook(result: RationalFunction, beta: bool) -> sympy.Expr:
    candidates = [result.expr, _search(result)]
    groups = parallel_groups(result)
    if groups:  # the result sees some resistors only through their parallel combination
        reduced = result.substitute({str(x): sympy.oo for g in groups for x in g[1:]})
        formed = _search(reduced).xreplace({g[0]: Par(*g) for g in groups})
        candidates.append(formed)
    if beta:
        candidates = [with_beta(c) for c in candidates]
    return as_dividers(min(candidates, key=score))


def as_dividers(expr: sympy.Expr) -> sympy.Expr:
    """(X ∥ y)/y written as the voltage divider X/(y + X), as textbooks write R_B ∥ r_π over
    R_s: exactly equal, one parallel combination fewer to puzzle over."""
    def divider(e: sympy.Expr) -> sympy.Expr:
        if not e.is_Mul:
            return e
        args = list(e.args)
        for k, p in enumerate(args):
            if not isinstance(p, Par):
                continue
            for j, q in enumerate(args):
                if q.is_Pow and q.exp == -1 and q.base in p.args and q.base.is_Symbol:
                    rest = Par(*[a for a in p.args if a != q.base])
                    others = [a for i, a in enumerate(args) if i not in (j, k)]
                    return sympy.Mul(*others, rest / (q.base + rest))
        return e

    return expr.replace(lambda e: e.is_Mul, divider)


def _search(result: RationalFunction) -> sympy.Expr:
    if result.is_zero or result.is_infinite or result.is_number:
        return result.expr
    return _Former(result).rational(result.num, result.den).sympy(result.ring)


def parallel_groups(result: RationalFunction) -> list[tuple[sympy.Symbol, ...]]:
    """Sets of resistors the result depends on only through their parallel combination (R_L
    and r_o in g_m(R_L ∥ r_o), R_s and r_π in a time constant C_π(R_s ∥ r_π)).

    A pair qualifies when moving both values along a curve that keeps x ∥ y fixed leaves the
    result unchanged, exactly, at two random points; groups grow by adding a member that
    pairs with one already in. The caller's rewrite is exact either way: it is compared with
    the result before use.
    """
    resistive = [g for g in result.generators if g.is_Symbol and _RESISTIVE.match(g.name)
                 and max(result.num.degrees()[result.ring.gens.index(g)],
                         result.den.degrees()[result.ring.gens.index(g)]) == 1]
    if len(resistive) < 2 or len(result.generators) > 24:
        return []
    rng = random.Random(7)
    points = [{str(g): Fraction(rng.randint(11, 97), rng.randint(11, 97))
               for g in result.generators} for _ in range(2)]
    value = [_at(result, p) for p in points]

    def through_parallel(x: sympy.Symbol, y: sympy.Symbol) -> bool:
        for p, v in zip(points, value, strict=True):  # the second point only if the first holds
            a, b = p[str(x)], p[str(y)]
            a2 = a * Fraction(3, 2)  # a new pair (a2, b2) with the same a || b
            inverse = 1 / a + 1 / b - 1 / a2
            if inverse <= 0:
                return False
            if _at(result, {**p, str(x): a2, str(y): 1 / inverse}) != v:
                return False
        return True

    groups: list[list[sympy.Symbol]] = []
    for x in resistive:
        for group in groups:
            if all(through_parallel(x, y) for y in group):
                group.append(x)
                break
        else:
            groups.append([x])
    found = [tuple(g) for g in groups if len(g) > 1]
    if not found or not _rebuilds(result, found):
        return []
    return found


def _rebuilds(result: RationalFunction, groups: list[tuple[sympy.Symbol, ...]]) -> bool:
    """Exactly: the result with each group's other members sent to infinity, and its first
    member then replaced by the group's parallel combination, is the result again."""
    reduced = result.substitute({str(x): sympy.oo for g in groups for x in g[1:]})
    if reduced.is_infinite or reduced.is_zero:
        return False
    ctx, names = result.ring.ctx, [str(g) for g in result.ring.gens]
    where = [names.index(str(g)) for g in reduced.ring.gens]

    def lift(p: Poly) -> Poly:  # into the result's ring, by generator name
        terms = {}
        for monom, coeff in p.to_dict().items():
            exps = [0] * ctx.nvars()
            for k, e in zip(where, monom, strict=False):
                exps[k] = int(e)
            terms[tuple(exps)] = coeff
        return ctx.from_dict(terms)

    num, den = lift(reduced.num), lift(reduced.den)
    for group in groups:
        members = [names.index(str(x)) for x in group]
        product = ctx.constant(1)
        for k in members:
            product *= ctx.gen(k)
        sum_of_rest = ctx.constant(0)  # e_{n-1}: the products leaving one member out
        for k in members:
            sum_of_rest += product // ctx.gen(k)
        i = members[0]  # x_i -> product/sum_of_rest, then both sides times sum_of_rest
        (a, b), (c, d) = _split(num, i), _split(den, i)
        num, den = a * sum_of_rest + b * product, c * sum_of_rest + d * product
    return num * result.den == den * result.num


def _at(result: RationalFunction, point: dict[str, Fraction]) -> Fraction | None:
    """The exact value of the result at a rational point (None where it is not finite)."""
    try:
        value = result.substitute(point)
    except ArithmeticError:
        return None
    if value.is_infinite:
        return None
    return Fraction(int(value.num.leading_coefficient()) if not value.is_zero else 0,
                    int(value.den.leading_coefficient()))


def with_beta(expr: sympy.Expr) -> sympy.Expr:
    """g_m·r_π of one device written β, wherever the two appear in one product (DESIGN §2:
    r_π = β/g_m), when that makes the expression no longer."""
    pairs = _beta_pairs(expr.free_symbols)
    if not pairs:
        return expr
    out = expr
    for gm, rpi, beta in pairs:
        def swap(e, gm=gm, rpi=rpi, beta=beta):
            return e.is_Mul and gm in e.args and rpi in e.args

        candidate = out.replace(swap, lambda e, gm=gm, rpi=rpi, beta=beta:
                                sympy.Mul(*[a for a in e.args if a not in (gm, rpi)], beta))
        if score(candidate) <= score(out) and candidate != out:
            out = candidate
    return out


def _beta_pairs(symbols: Iterable[sympy.Symbol]) -> list[tuple]:
    names = {s.name: s for s in symbols if s.is_Symbol}
    out = []
    for name, gm in names.items():
        m = re.fullmatch(r"gm(\w*)", name)
        if m and f"rpi{m.group(1)}" in names:
            out.append((gm, names[f"rpi{m.group(1)}"],
                        sympy.Symbol(f"beta{m.group(1)}", positive=True)))
    return out


def _has_s(result: RationalFunction) -> bool:
    return any(str(g) == "s" for g in result.generators)


@dataclass(frozen=True)
class _Form:
    """A candidate expression during the search: cheap to build and to cost, turned into
    SymPy only when it wins. `op` is "poly" (a polynomial written out), "add", "mul", "div",
    "par" or "pow"; `cost` is (operations, symbol occurrences) as `score` counts them."""

    op: str
    args: tuple
    cost: tuple[int, int]

    def sympy(self, ring) -> sympy.Expr:
        if self.op == "poly":
            return ring.to_sympy(self.args[0])
        parts = [a.sympy(ring) if isinstance(a, _Form) else a for a in self.args]
        if self.op == "add":
            return sympy.Add(*parts)
        if self.op == "mul":
            k, rest = parts[0], parts[1:]
            return _scaled(k, sympy.Mul(*rest)) if isinstance(k, int) else sympy.Mul(*parts)
        if self.op == "div":
            return parts[0] / parts[1]
        if self.op == "par":
            return Par(*parts)
        return parts[0] ** parts[1]  # pow


def _poly_form(p: Poly) -> _Form:
    """p written out: ops and occurrences counted from its terms, as SymPy would print it."""
    ops = occ = 0
    for monom, coeff in p.terms():
        exps = [int(e) for e in monom if e]
        c = int(coeff)
        factors = len(exps) + (abs(c) != 1)
        negation = c == -1 and bool(exps)  # -x is a product by -1
        ops += max(factors - 1, 0) + sum(1 for e in exps if e > 1) + negation
        occ += len(exps)
    return _Form("poly", (p,), (ops + len(p) - 1, occ))


def _add(*parts: _Form) -> _Form:
    return _Form("add", parts, (len(parts) - 1 + sum(q.cost[0] for q in parts),
                                sum(q.cost[1] for q in parts)))


def _mul(k: int, *parts: _Form) -> _Form:
    """k·parts (k an integer factor; a number counts as a factor, as SymPy writes it)."""
    if k == 1 and len(parts) == 1:
        return parts[0]
    n = len(parts) + (k != 1)
    return _Form("mul", (k, *parts), (n - 1 + sum(q.cost[0] for q in parts),
                                      sum(q.cost[1] for q in parts)))


def _div(n: _Form, d: _Form) -> _Form:
    """n/d: SymPy's n*d**-1, two operations."""
    return _Form("div", (n, d), (2 + n.cost[0] + d.cost[0], n.cost[1] + d.cost[1]))


def _par(*parts: _Form) -> _Form:
    return _Form("par", parts, (len(parts) - 1 + sum(q.cost[0] for q in parts),
                                sum(q.cost[1] for q in parts)))


def _pow(base: _Form, e: int) -> _Form:
    return base if e == 1 else _Form("pow", (base, e), (1 + base.cost[0], base.cost[1]))


class _Former:
    """The search: shortest textbook form of num/den pairs and of polynomials, over the ring
    of one result, with a step budget (MAX_STEPS) so that it always ends quickly."""

    def __init__(self, result: RationalFunction):
        self.ring = result.ring
        self.ctx = result.ring.ctx
        self.gens = result.ring.gens
        self.resistive = {i for i, g in enumerate(self.gens)
                          if g.is_Symbol and _RESISTIVE.match(g.name)}
        self.symbol = [i for i, g in enumerate(self.gens) if g.is_Symbol]
        self.dims = [_dimension(str(g)) if g.is_Symbol else None for g in self.gens]
        self.one = self.ctx.constant(1)
        self.rational_memo: dict[tuple[str, str], _Form] = {}
        self.poly_memo: dict[str, _Form] = {}
        self.steps = 0

    @property
    def exploring(self) -> bool:
        return self.steps < MAX_STEPS

    def gen(self, i: int) -> _Form:
        return _Form("poly", (self.ctx.gen(i),), (0, 1))

    # -- rational functions -----------------------------------------------------------------
    def rational(self, num: Poly, den: Poly) -> _Form:
        num, den = _normalised(num, den)
        key = (str(num), str(den))
        hit = self.rational_memo.get(key)
        if hit is not None:
            return hit
        self.steps += 1
        best = self._quotient(num, den)
        self.rational_memo[key] = best  # a placeholder while the peelings recurse
        if self.exploring and not den.is_constant():
            for option in self._peelings(num, den):
                if option.cost < best.cost:
                    best = option
        self.rational_memo[key] = best
        return best

    def _quotient(self, num: Poly, den: Poly) -> _Form:
        """num and den written apart, each in its shortest polynomial form."""
        n = self.poly(num)
        return n if den.is_one() else _div(n, self.poly(den))

    def _peelings(self, num: Poly, den: Poly) -> Iterable[_Form]:
        nd, dd = num.degrees(), den.degrees()
        divides = num.term_content().degrees()
        with_x = [a + b for a, b in zip(_counts(num), _counts(den), strict=True)]
        half = (len(num) + len(den)) / 2
        ranked = []
        for i in self.symbol:
            if max(nd[i], dd[i]) != 1:
                continue
            # series, degeneration and parallel elements first: they split the problem
            # cleanly; then the variables that split it most evenly
            special = dd[i] == 0 or nd[i] == 0 or (divides[i] and i in self.resistive)
            ranked.append((not special, abs(with_x[i] - half), i))
        ranked.sort()
        one = _Form("poly", (self.one,), (0, 0))
        for _, _, i in ranked[:PEEL_WIDTH]:
            if not self.exploring:
                return
            a, b = _split(num, i)
            c, d = _split(den, i)
            x = self.gen(i)
            if d.is_zero():  # x only in the numerator: in series
                tail = _mul(1, x, self.rational(b, c))
                yield tail if a.is_zero() else _add(self.rational(a, c), tail)
            elif b.is_zero() and not c.is_zero():  # x only in the denominator: degeneration
                yield _div(self.rational(a, c), _add(one, _mul(1, x, self.rational(d, c))))
            elif a.is_zero() and i in self.resistive and not c.is_zero() \
                    and self._ratio_dimension(c, d) in ((1, 0), None):  # in parallel
                yield _mul(1, self.rational(b, c), _par(x, self.rational(c, d)))
            elif not (a.is_zero() or b.is_zero() or c.is_zero()):
                top = _add(one, _mul(1, x, self.rational(b, a)))
                bottom = _add(one, _mul(1, x, self.rational(d, c)))
                yield _mul(1, self.rational(a, c), _div(top, bottom))

    def _ratio_dimension(self, c: Poly, d: Poly) -> tuple[int, int] | None:
        """The dimension of c/d from one term of each (the result is homogeneous), or None
        where a symbol's name does not say."""
        dims = []
        for p in (c, d):
            monom = next(iter(p.monoms()))
            total = [0, 0]
            for i, e in enumerate(monom):
                if e:
                    dim = self.dims[i]
                    if dim is None:
                        return None
                    total = [total[0] + e * dim[0], total[1] + e * dim[1]]
            dims.append(total)
        return (dims[0][0] - dims[1][0], dims[0][1] - dims[1][1])

    # -- polynomials --------------------------------------------------------------------------
    def poly(self, p: Poly) -> _Form:
        key = str(p)
        hit = self.poly_memo.get(key)
        if hit is not None:
            return hit
        expanded = _poly_form(p)
        self.poly_memo[key] = expanded  # breaks cycles (p = -(-p))
        best = self._poly(p, expanded)
        self.poly_memo[key] = best
        return best

    def _poly(self, p: Poly, expanded: _Form) -> _Form:
        if p.is_zero() or len(p) == 1:
            return expanded
        self.steps += 1
        best = expanded
        content, factors = p.factor()
        if len(factors) > 1 or any(int(e) > 1 for _, e in factors) or int(content) != 1:
            for option in self._signed_products(int(content), factors):
                if _better(option, best):
                    best = option
        if len(factors) == 1 and int(factors[0][1]) == 1:
            for option in self._horner(p):
                # as short, and without a minus sign in front: 12*R2 - VBE1*(R1 + R2) reads
                # better than -(R1*VBE1 + R2*(VBE1 - 12))
                if _better(option, best):
                    best = option
        return best

    def _signed_products(self, content: int, factors) -> Iterable[_Form]:
        """content·Πf^e with each factor written as f or as -f (the sign moving to the
        front): every choice for a few factors, so that beta1*(12*R2 - VBE1*(R1 + R2)) is
        found beside -beta1*(R1*VBE1 + R2*(VBE1 - 12)); past SIGNED_FACTORS factors, each
        factor mostly negative is flipped."""
        factors = [(f, int(e)) for f, e in factors]
        if len(factors) > SIGNED_FACTORS:
            choices = [tuple(_mostly_negative(f) for f, _ in factors)]
        else:
            choices = itertools.product((False, True), repeat=len(factors))
        for flips in choices:
            sign, parts = 1, []
            for (f, e), flip in zip(factors, flips, strict=True):
                if flip:
                    f, sign = -f, sign * (-1) ** e
                parts.append(_pow(self.poly(f), e))
            yield _mul(sign * content, *parts)

    def _horner(self, p: Poly) -> Iterable[_Form]:
        """p = a + x·b along the variables of degree 1 found in the most terms (the greedy
        multivariate Horner scheme; the runner-up is tried too while the budget lasts)."""
        degrees = p.degrees()
        count = _counts(p)
        ranked = sorted((i for i in self.symbol if degrees[i] == 1 and 0 < count[i] < len(p)),
                        key=lambda i: (-count[i], i))
        for rank, i in enumerate(ranked[:HORNER_WIDTH]):
            if rank and not self.exploring:
                return
            a, b = _split(p, i)
            yield _add(self.poly(a), _mul(1, self.gen(i), self.poly(b)))


#: Factors of a product whose signs are all tried (2^n products).
SIGNED_FACTORS = 4


def _better(option: _Form, best: _Form) -> bool:
    """Shorter, or as short and without a minus sign in front where `best` has one
    (12*R2 - VBE1*(R1 + R2) over -(R1*VBE1 + R2*(VBE1 - 12)))."""
    return option.cost < best.cost or (option.cost == best.cost
                                       and _negations(option) < _negations(best))


def _negations(form: _Form) -> int:
    """Minus signs in front of products, the factors' own included: -(a + b)·c has one, as
    has (alpha1 - 1)·(-(a + b)); a polynomial written out with mostly negative terms has one
    for each (-gm1*ro1 - 1 has two, against one for -(gm1*ro1 + 1)); a subtraction inside a
    sum does not count."""
    if form.op == "poly":
        negative = sum(1 for c in form.args[0].coeffs() if c < 0)
        return negative if 2 * negative > len(form.args[0]) else 0
    if form.op == "mul":
        own = 1 if isinstance(form.args[0], int) and form.args[0] < 0 else 0
        return own + sum(_negations(a) for a in form.args[1:] if isinstance(a, _Form))
    if form.op == "pow":
        return _negations(form.args[0])
    if form.op == "add" and all(_negative(a) for a in form.args):
        return len(form.args)  # -gm1*ro1 - 1 written as a sum: as many as its terms
    return 0


def _negative(form: _Form) -> bool:
    """Whether a form is written with a minus sign in front as a whole (-ro1, -1,
    -(a + b), -a*b)."""
    if form.op == "poly":
        return all(c < 0 for c in form.args[0].coeffs())
    if form.op == "mul":
        flips = sum(_negative(a) for a in form.args[1:] if isinstance(a, _Form))
        return (form.args[0] < 0) != (flips % 2 == 1)
    if form.op == "add":
        return all(_negative(a) for a in form.args)
    return False


def _counts(p: Poly) -> list[int]:
    """For each generator, how many terms of p contain it."""
    count = [0] * p.context().nvars()
    for monom in p.monoms():
        for i, e in enumerate(monom):
            if e:
                count[i] += 1
    return count


def _split(p: Poly, i: int) -> tuple[Poly, Poly]:
    """p = a + x_i·b for p of degree at most 1 in x_i: (a, b)."""
    ctx = p.context()
    low, high = {}, {}
    for monom, coeff in p.to_dict().items():
        exps = tuple(int(e) for e in monom)
        if exps[i]:
            high[exps[:i] + (0,) + exps[i + 1:]] = coeff
        else:
            low[exps] = coeff
    return ctx.from_dict(low), ctx.from_dict(high)


def _mostly_negative(f: Poly) -> bool:
    """Whether -f reads better than f: more negative terms than positive, or as many and a
    negative constant term (1 - α, not α - 1, as textbooks write the T model's 1 - α)."""
    negative = sum(1 for c in f.coeffs() if c < 0)
    if 2 * negative != len(f):
        return 2 * negative > len(f)
    return f.to_dict().get((0,) * f.context().nvars(), 0) < 0


def _normalised(num: Poly, den: Poly) -> tuple[Poly, Poly]:
    """num/den in lowest terms, signed so that fewer terms are negative (the T model's
    (R_E + r_e)/(1 - α), not -(R_E + r_e)/(α - 1)); where that ties, with the denominator's
    leading coefficient positive."""
    if num.is_zero():
        return num, den.context().constant(1)
    g = num.gcd(den)
    if not g.is_one():
        num, den = num // g, den // g
    negative = sum(1 for c in num.coeffs() if c < 0) + sum(1 for c in den.coeffs() if c < 0)
    positive = len(num) + len(den) - negative
    if negative > positive or (negative == positive and den.leading_coefficient() < 0):
        num, den = -num, -den
    return num, den


def _scaled(k: int, expr: sympy.Expr) -> sympy.Expr:
    """k·expr without SymPy distributing the number over a sum (2*(a + b), not 2*a + 2*b)."""
    if k == 1:
        return expr
    if expr.is_Add:
        return sympy.Mul(sympy.Integer(k), expr, evaluate=False)
    return k * expr


@dataclass(frozen=True)
class NormalForm:
    """H(s) = K·s^m·(1 + a1·s + a2·s² ...)/(1 + b1·s + b2·s² ...), every coefficient in
    textbook form: K the mid-band (or DC) gain, a_k and b_k the numerator's and denominator's
    coefficients (b1 is the sum of the open-circuit time constants)."""

    k: sympy.Expr
    s_power: int
    a: tuple[sympy.Expr, ...]
    b: tuple[sympy.Expr, ...]

    @property
    def expr(self) -> sympy.Expr:
        s = sympy.Symbol("s")
        num = sympy.Add(sympy.S.One, *[c * s**(k + 1) for k, c in enumerate(self.a)],
                        evaluate=False) if self.a else sympy.S.One
        den = sympy.Add(sympy.S.One, *[c * s**(k + 1) for k, c in enumerate(self.b)],
                        evaluate=False) if self.b else sympy.S.One
        front = self.k * s**self.s_power if self.s_power else self.k
        factors = [x for x in (num, sympy.Pow(den, -1) if den != 1 else sympy.S.One)
                   if x != 1]
        if not factors:
            return front
        if front == 1:
            return sympy.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0]
        return sympy.Mul(front, *factors, evaluate=False)


def normal_form(result: RationalFunction, *, beta: bool = True) -> NormalForm:
    """H(s) as K·s^m·N(s)/D(s) with N(0) = D(0) = 1, each coefficient in textbook form."""
    names = [str(g) for g in result.ring.gens]
    if "s" not in names or result.is_zero or result.is_infinite:
        return NormalForm(textbook(result, beta=beta), 0, (), ())
    k = names.index("s")
    num, den = _by_power(result.num, k), _by_power(result.den, k)
    p, q = min(num), min(den)
    ring = result.ring

    def ratio(top: Poly, bottom: Poly) -> sympy.Expr:
        return textbook(RationalFunction.reduced(top, bottom, ring), beta=beta)

    return NormalForm(
        ratio(num[p], den[q]), p - q,
        tuple(ratio(num.get(j, _zero(result.num)), num[p]) for j in range(p + 1, max(num) + 1)),
        tuple(ratio(den.get(j, _zero(result.den)), den[q]) for j in range(q + 1, max(den) + 1)))


def _by_power(p: Poly, k: int) -> dict[int, Poly]:
    """p's coefficients of each power of generator k (polynomials free of it)."""
    ctx = p.context()
    grouped: dict[int, dict] = {}
    for monom, coeff in p.to_dict().items():
        exps = tuple(int(e) for e in monom)
        grouped.setdefault(exps[k], {})[exps[:k] + (0,) + exps[k + 1:]] = coeff
    return {power: ctx.from_dict(terms) for power, terms in grouped.items()}


def _zero(p: Poly) -> Poly:
    return p.context().constant(0)
