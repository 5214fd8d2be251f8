"""The algebras a parsed answer runs over, and the space both sides of a comparison live in.

One postfix program (see `answers`), four readings:

- `FloatAlgebra`: numbers at a batch of points at once (the random-point test);
- `PolyAlgebra`: exact numerator/denominator pairs of python-flint polynomials (the exact
  confirmation, limits, cancellation);
- `SympyAlgebra`: an unevaluated SymPy expression, the answer as typed (for LaTeX);
- `DimAlgebra`: the physical dimension, (ohm, second, ampere) exponents.

`Space` is the polynomial ring of one check: every basis symbol (g_m, β, r_o, resistors, s, π
...) a generator, with the DESIGN §2 relations giving the derived ones (r_π = β/g_m). A
`Target` is an expected result written in that space, with its values at the check's points.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction

import flint
import sympy

from ..engine.rational import RationalFunction, Ring
from ..forms.parallel import Par
from .answers import ADD, CONST, MUL, NUM, PAR, POW, SYM, Answer, AnswerError, run

NAN = float("nan")


# -- numbers at points --------------------------------------------------------------------------

class FloatAlgebra:
    """Each value is a list: one float (or complex) per point. A point where a value is
    undefined (a division by zero, an overflow) holds nan."""

    def __init__(self, size: int):
        self.size = size

    def number(self, v):
        return [float(v)] * self.size

    def constant(self, name):
        return [math.pi] * self.size

    @staticmethod
    def add(items):
        return [sum(col) for col in zip(*items, strict=True)]

    @staticmethod
    def mul(items):
        out = list(items[0])
        for item in items[1:]:
            out = [a * b for a, b in zip(out, item, strict=True)]
        return out

    @staticmethod
    def neg(x):
        return [-a for a in x]

    @staticmethod
    def inv(x):
        return [1 / a if a != 0 else NAN for a in x]

    @staticmethod
    def power(x, k):
        out = []
        for a in x:
            try:
                out.append(a**k if a != 0 or k > 0 else NAN)
            except (OverflowError, ZeroDivisionError):
                out.append(NAN)
        return out

    @staticmethod
    def par(items):
        out = []
        for col in zip(*items, strict=True):
            if any(a == 0 for a in col):
                out.append(0.0)
                continue
            total = sum(1 / a for a in col)
            out.append(1 / total if total != 0 else NAN)
        return out


def finite(x) -> bool:
    return not (cmath.isnan(x) or cmath.isinf(x)) if isinstance(x, complex) else math.isfinite(x)


# -- exact pairs of polynomials ---------------------------------------------------------------

class PolyAlgebra:
    """Exact values as (numerator, denominator) pairs of fmpz_mpoly in one context."""

    def __init__(self, ctx: flint.fmpz_mpoly_ctx, constants: Mapping[str, tuple] | None = None):
        self.ctx = ctx
        self.one = ctx.from_dict({(0,) * ctx.nvars(): 1})
        self.zero = ctx.from_dict({})
        self.constants = constants or {}

    def number(self, v: Fraction):
        return (self.ctx.constant(v.numerator), self.ctx.constant(v.denominator))

    def constant(self, name):
        return self.constants[name]

    def add(self, items):
        n, d = items[0]
        for n2, d2 in items[1:]:
            if d == d2:
                n = n + n2
            else:
                g = d.gcd(d2)
                if g.is_one():
                    n, d = n * d2 + n2 * d, d * d2
                else:
                    a, b = d2 // g, d // g
                    n, d = n * a + n2 * b, d * a
        return reduce(n, d)

    def mul(self, items):
        n, d = items[0]
        for n2, d2 in items[1:]:
            n, d = n * n2, d * d2
        return reduce(n, d) if not d.is_constant() else (n, d)

    @staticmethod
    def neg(x):
        return (-x[0], x[1])

    @staticmethod
    def inv(x):
        if x[0].is_zero():
            raise ZeroDivisionError("division by an expression that is identically zero")
        return (x[1], x[0])

    @staticmethod
    def power(x, k):
        n, d = x
        if k < 0:
            if n.is_zero():
                raise ZeroDivisionError("zero to a negative power")
            n, d, k = d, n, -k
        return (n**k, d**k)

    def par(self, items):
        if any(n.is_zero() for n, _ in items):
            return (self.zero, self.one)
        return self.inv(self.add([self.inv(x) for x in items]))


def reduce(n, d):
    """n/d with the common factor cancelled and the denominator's leading coefficient
    positive."""
    if n.is_zero():
        return n, d.context().from_dict({(0,) * d.context().nvars(): 1})
    g = n.gcd(d)
    if not g.is_one():
        n, d = n // g, d // g
    if d.leading_coefficient() < 0:
        n, d = -n, -d
    return n, d


def limit(pair: tuple, index: int, to) -> tuple:
    """The limit of n/d as generator `index` → ∞ (`to` = "oo") or → 0: the ratio of the
    leading (or lowest) parts in that generator; (1, 0) stands for an infinite result."""
    n, d = pair
    ctx = d.context()
    if n.is_zero():
        return pair
    if d.is_zero():
        return pair

    def part(p):
        terms = p.to_dict()
        degrees = [int(m[index]) for m in terms]
        k = max(degrees) if to == "oo" else min(degrees)
        kept = {}
        for m, c in terms.items():
            if int(m[index]) == k:
                kept[m[:index] + (0,) + m[index + 1:]] = c
        return k, ctx.from_dict(kept)

    kn, pn = part(n)
    kd, pd = part(d)
    one = ctx.from_dict({(0,) * ctx.nvars(): 1})
    grows = kn > kd if to == "oo" else kn < kd
    if kn != kd:
        return (one, ctx.from_dict({})) if grows else (ctx.from_dict({}), one)
    return reduce(pn, pd)


# -- SymPy, as typed --------------------------------------------------------------------------

class SympyAlgebra:
    """An unevaluated SymPy expression that keeps the typed shape (for LaTeX and text)."""

    @staticmethod
    def number(v: Fraction):
        if v.denominator == 1:
            return sympy.Integer(v.numerator)
        text = f"{float(v):.12g}"
        if Fraction(text) == v:  # a decimal as typed: 4.7, 0.5
            return sympy.Float(text, 15)
        return sympy.Rational(v.numerator, v.denominator)

    @staticmethod
    def constant(name):
        return sympy.pi

    @staticmethod
    def add(items):
        return sympy.Add(*items, evaluate=False)

    @staticmethod
    def mul(items):
        kept = [x for x in items if x != 1] or [sympy.S.One]  # 1/x, not 1·(1/x)
        return sympy.Mul(*kept, evaluate=False) if len(kept) > 1 else kept[0]

    @staticmethod
    def neg(x):
        if x.is_Number:
            return -x
        return sympy.Mul(sympy.S.NegativeOne, x, evaluate=False)

    @staticmethod
    def inv(x):
        return sympy.Pow(x, -1, evaluate=False)

    @staticmethod
    def power(x, k):
        return sympy.Pow(x, k, evaluate=False)

    @staticmethod
    def par(items):
        return Par(*items, evaluate=False)


# -- dimensions ---------------------------------------------------------------------------------

class DimensionError(ArithmeticError):
    """A sum (or parallel combination) of quantities of different dimensions."""


def dim_text(d: tuple[int, int, int] | None) -> str:
    names = {(0, 0, 0): "dimensionless", (1, 0, 0): "Ω", (-1, 0, 0): "S (a conductance)",
             (-1, 1, 0): "F", (1, 1, 0): "H", (0, -1, 0): "1/s", (0, 1, 0): "s",
             (0, 0, 1): "A", (1, 0, 1): "V"}
    if d is None:
        return "of unknown dimension"
    if d in names:
        return names[d] if d != (0, 0, 0) else "dimensionless"
    parts = [f"{u}^{e}" if e != 1 else u for u, e in zip(("Ω", "s", "A"), d, strict=True) if e]
    return "·".join(parts)


class DimAlgebra:
    """Dimensions: a tuple of (ohm, second, ampere) exponents, or None when unknown."""

    @staticmethod
    def number(v):
        return (0, 0, 0)

    @staticmethod
    def constant(name):
        return (0, 0, 0)

    @staticmethod
    def add(items):
        known = [d for d in items if d is not None]
        if len(known) < len(items):
            return None
        if any(d != known[0] for d in known):
            raise DimensionError(" + ".join(dict.fromkeys(dim_text(d) for d in known)))
        return known[0]

    @staticmethod
    def mul(items):
        if any(d is None for d in items):
            return None
        return tuple(sum(col) for col in zip(*items, strict=True))

    @staticmethod
    def neg(x):
        return x

    @staticmethod
    def inv(x):
        return None if x is None else tuple(-e for e in x)

    @staticmethod
    def power(x, k):
        return None if x is None else tuple(e * k for e in x)

    @staticmethod
    def par(items):
        return DimAlgebra.add(items)


# -- SymPy expressions into programs ------------------------------------------------------------

def from_sympy(expr: sympy.Expr) -> tuple[tuple, set[str]]:
    """A SymPy expression (a ratio of polynomials: + * integer powers, numbers, symbols, π,
    ∥) as a postfix program, without recursion; returns (program, symbol names)."""
    out: list[tuple] = []
    names: set[str] = set()
    stack: list[tuple[sympy.Basic, bool]] = [(sympy.sympify(expr), False)]
    while stack:
        node, done = stack.pop()
        if node.is_Symbol:
            out.append((SYM, node.name))
            names.add(node.name)
        elif node.is_Rational:
            out.append((NUM, Fraction(int(node.p), int(node.q))))
        elif node.is_Float:
            out.append((NUM, Fraction(repr(float(node)))))
        elif node is sympy.pi:
            out.append((CONST, "pi"))
        elif node.is_Add or node.is_Mul or isinstance(node, Par):
            if done:
                op = ADD if node.is_Add else MUL if node.is_Mul else PAR
                out.append((op, len(node.args)))
            else:
                stack.append((node, True))
                stack.extend((a, False) for a in reversed(node.args))
        elif node.is_Pow and node.exp.is_Integer:
            if done:
                out.append((POW, int(node.exp)))
            else:
                stack.append((node, True))
                stack.append((node.base, False))
        else:
            raise AnswerError(f"the expected result holds {node}, which is not a ratio of "
                              "polynomials in its symbols")
    return tuple(out), names


# -- the space of one check -------------------------------------------------------------------

class Space:
    """The ring of one check: each basis symbol a generator; derived symbols (r_π1 = β1/g_m1)
    through the vocabulary's relations; π and s generators like any other."""

    def __init__(self, vocabulary, basis: Iterable[str]):
        self.vocab = vocabulary
        names = sorted(set(basis) | {"pi"})
        self.names = tuple(names)
        self.index = {n: i for i, n in enumerate(names)}
        self.ring = Ring.over(tuple(sympy.Symbol(n, positive=True) for n in names))
        self.ctx = self.ring.ctx
        gens = self.ctx.gens()
        one = self.ctx.from_dict({(0,) * self.ctx.nvars(): 1})
        self._gen = {n: (gens[i], one) for n, i in self.index.items()}
        self.algebra = PolyAlgebra(self.ctx, {"pi": self._gen["pi"]})
        self._leaf: dict[str, tuple] = {}

    def leaf(self, name: str) -> tuple:
        """The exact value of a symbol in this space (derived ones through their relation)."""
        got = self._leaf.get(name)
        if got is not None:
            return got
        formula = self.vocab.formula(name)
        if formula is not None:
            got = run(formula_program(formula), self.algebra, self.leaf)
        elif name in self._gen:
            got = self._gen[name]
        else:
            raise KeyError(name)
        self._leaf[name] = got
        return got

    def exact(self, program: tuple) -> tuple:
        """The exact (numerator, denominator) of a program in this space."""
        return run(program, self.algebra, self.leaf)

    def rational(self, pair: tuple) -> RationalFunction:
        n, d = reduce(*pair)
        return RationalFunction(n, d, self.ring)

    def convert(self, rf: RationalFunction) -> tuple:
        """A RationalFunction (over any ring of symbols) as an exact pair in this space."""
        leaves = []
        used = set(rf.generators)
        for g in rf.ring.gens:
            if g not in used:
                leaves.append((self.algebra.one, self.algebra.one))  # absent: never raised
                continue
            if not g.is_Symbol:
                raise AnswerError(f"the expected result holds {g}, which checking cannot "
                                  "compare (it is not a ratio of polynomials in symbols)")
            leaves.append(self.leaf(g.name))
        if rf.is_infinite:
            return (self.algebra.one, self.algebra.zero)
        return reduce(*self.algebra.mul([_compose(rf.num, leaves, self.algebra),
                                         self.algebra.inv(_compose(rf.den, leaves,
                                                                   self.algebra))]))


_FORMULAS: dict[str, tuple] = {}


def formula_program(text: str) -> tuple:
    """A relation (`beta1/gm1`) as a program (parsed once, by symsig's own parser)."""
    got = _FORMULAS.get(text)
    if got is None:
        from .answers import parse

        got = _FORMULAS[text] = parse(text).program
    return got


def _compose(p, leaves: list[tuple], algebra: PolyAlgebra) -> tuple:
    """p(x_i = leaves[i]) as an exact pair, the common denominator taken once: each variable
    x_i = n_i/d_i enters as n_i^e d_i^(D_i - e) over the product of d_i^D_i (D_i: p's degree
    in x_i)."""
    if p.is_zero():
        return (algebra.zero, algebra.one)
    terms = p.to_dict()
    nv = len(leaves)
    top = [max(int(m[i]) for m in terms) for i in range(nv)]
    powers: dict[tuple[int, int, int], object] = {}

    def power(i: int, which: int, e: int):
        key = (i, which, e)
        got = powers.get(key)
        if got is None:
            got = powers[key] = leaves[i][which] ** e
        return got

    num = algebra.zero
    plain = [leaves[i][1].is_one() for i in range(nv)]
    for monom, coeff in terms.items():
        term = algebra.ctx.constant(int(coeff))
        for i in range(nv):
            e = int(monom[i])
            if e:
                term = term * power(i, 0, e)
            if not plain[i] and top[i] - e:
                term = term * power(i, 1, top[i] - e)
        num = num + term
    den = algebra.one
    for i in range(nv):
        if top[i] and not plain[i]:
            den = den * power(i, 1, top[i])
    return (num, den)


# -- polynomials at points -------------------------------------------------------------------

class Evaluator:
    """A polynomial of a space evaluated at one point (a list of values by generator index):
    grouped by the power of s, so with Fraction values it is exact but for the final powers of
    a complex s; with floats it is plain floating point."""

    def __init__(self, p, space: Space):
        self.s = space.index.get("s")
        self.terms = [(int(c), [(i, int(e)) for i, e in enumerate(m) if e])
                      for m, c in p.to_dict().items()] if not p.is_zero() else []
        self.used = frozenset(i for _, fs in self.terms for i, _ in fs)

    def __call__(self, values: list):
        s = self.s
        by_power: dict[int, object] = {}
        for c, factors in self.terms:
            term = c
            k = 0
            for i, e in factors:
                if i == s:
                    k = e
                else:
                    term = term * values[i] ** e
            by_power[k] = by_power.get(k, 0) + term
        if not by_power:
            return 0
        if len(by_power) == 1 and 0 in by_power:
            return by_power[0]
        s_value = values[s]
        return sum(complex(c) * s_value**k for k, c in by_power.items())


class OwnSpace:
    """An answer's own ring: its symbols as typed (no relations), π a generator of its own."""

    def __init__(self, answer: Answer):
        names = sorted(answer.symbols)
        has_pi = any(op == CONST for op, _ in answer.program)
        gens = [sympy.Symbol(n, positive=True) for n in names] + ([sympy.pi] if has_pi else [])
        self.ring = Ring.over(tuple(gens))
        ctx = self.ring.ctx
        one = ctx.from_dict({(0,) * ctx.nvars(): 1})
        self._gen = {n: (g, one) for n, g in zip(names, ctx.gens(), strict=False)}
        self.algebra = PolyAlgebra(ctx, {"pi": (ctx.gens()[len(names)], one)} if has_pi else {})

    def exact(self, program: tuple) -> tuple:
        try:
            return run(program, self.algebra, self._gen.__getitem__)
        except ZeroDivisionError as exc:
            raise AnswerError(f"the answer divides by zero: {exc}") from None

    def rational(self, pair: tuple) -> RationalFunction:
        return RationalFunction(*reduce(*pair), self.ring)


def own_rational(answer: Answer) -> RationalFunction:
    """An answer as an exact RationalFunction in its own symbols (no relations applied)."""
    space = OwnSpace(answer)
    return space.rational(space.exact(answer.program))
