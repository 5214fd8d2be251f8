"""Exact results as polynomials: a ring of SymPy generators over python-flint's fmpz_mpoly,
and `RationalFunction`, a coprime numerator/denominator pair that stays polynomial until someone
asks for SymPy or for numbers. Knows nothing about circuits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from math import gcd as _gcd

import flint
import sympy
from sympy.core.add import _addsort
from sympy.core.mul import _mulsort

Poly = flint.fmpz_mpoly
#: Results are shown factored only up to this degree in any one generator (flint's factoring
#: time grows steeply with degree; circuit results rarely pass a few dozen).
MAX_FACTOR_DEGREE = 64


class Undefined(ArithmeticError):
    """A value that is 0/0 at the numbers given: neither a number nor infinite."""


@dataclass(frozen=True, eq=False)
class Ring:
    """Polynomials in a fixed tuple of SymPy generators (symbols, or atoms like sqrt(x))."""

    gens: tuple[sympy.Expr, ...]
    ctx: flint.fmpz_mpoly_ctx = field(repr=False)

    @classmethod
    def over(cls, gens: Sequence[sympy.Expr]) -> Ring:
        """The generators' own names go to flint when they are distinct symbol names that are
        identifiers (so flint prints a polynomial the way Python reads it back, see
        symsig.forms.polyprint); x0, x1, ... otherwise."""
        names = tuple(str(g) for g in gens)
        if not (all(g.is_Symbol for g in gens) and len(set(names)) == len(names)
                and all(n.isidentifier() for n in names)):
            names = tuple(f"x{i}" for i in range(len(gens)))
        return cls(tuple(gens), flint.fmpz_mpoly_ctx.get(names or ("x0",), "degrevlex"))

    @property
    def named(self) -> bool:
        """Whether flint knows the generators by their own names (see `over`)."""
        return bool(self.gens) and self.ctx.names() == tuple(str(g) for g in self.gens)

    def poly(self, p: sympy.Poly) -> Poly:
        """A SymPy Poly over ZZ in (a prefix-compatible order of) this ring's generators."""
        index = [self.gens.index(g) for g in p.gens]
        nv = max(len(self.gens), 1)
        terms = {}
        for monom, coeff in p.terms():
            exps = [0] * nv
            for i, e in zip(index, monom, strict=True):
                exps[i] = e
            terms[tuple(exps)] = int(coeff)
        return self.ctx.from_dict(terms) if terms else self.ctx.from_dict({})

    def to_sympy(self, p: Poly) -> sympy.Expr:
        """The polynomial as a SymPy expression, expanded.

        SymPy's own route (Poly.as_expr) re-sorts and re-collects every term and takes seconds
        for 10^4 terms. The terms here are already distinct, so each Mul and the Add are made
        with their arguments put in SymPy's canonical order directly: ~10x faster, and equal
        (==, same args) to what SymPy would build (tested).
        """
        if p.is_zero():
            return sympy.S.Zero
        terms = p.to_dict()
        if not all(g.is_Symbol for g in self.gens):
            return sympy.Poly.from_dict(
                {k: int(v) for k, v in terms.items()}, *self.gens, domain=sympy.ZZ
            ).as_expr()
        top = [max(int(m[i]) for m in terms) for i in range(len(self.gens))]
        factor = {(i, e): g if e == 1 else sympy.Pow(g, e)
                  for i, g in enumerate(self.gens) for e in range(1, top[i] + 1)}
        ordered = list(factor.values())
        _mulsort(ordered)  # one canonical sort of all factors; each term then sorts by rank
        rank = {id(f): r for r, f in enumerate(ordered)}
        out = []
        for monom, coeff in terms.items():
            args = sorted((factor[i, int(e)] for i, e in enumerate(monom) if e),
                          key=lambda f: rank[id(f)])
            c = int(coeff)
            if c != 1 or not args:
                args.insert(0, sympy.Integer(c))
            out.append(sympy.Mul._from_args(args) if len(args) > 1 else args[0])
        if len(out) == 1:
            return out[0]
        _addsort(out)
        return sympy.Add._from_args(out)


def _is_infinite(value: object) -> bool:
    if isinstance(value, float | int | Fraction):
        return value == float("inf")
    return value is sympy.oo or value == sympy.oo


def _to_fraction(value: object) -> Fraction | complex:
    if isinstance(value, (complex,)) and value.imag != 0:
        return value
    if isinstance(value, complex):
        value = value.real
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value)) if value == value else Fraction(0)
    from ..circuit.values import to_expr  # strings go through symsig's own parser, never sympify

    expr = to_expr(value)
    if expr.is_Rational:
        return Fraction(int(expr.p), int(expr.q))
    number = complex(expr)
    return Fraction(repr(number.real)) if number.imag == 0 else number


@dataclass(frozen=True, eq=False)
class RationalFunction:
    """num/den as coprime polynomials in `ring`; the exact result of a solve.

    `.expr` converts to SymPy once (factored when small, since that is the readable shape),
    `.evaluate()` gives numbers straight from the polynomials.
    """

    num: Poly
    den: Poly
    ring: Ring

    @classmethod
    def zero(cls, ring: Ring | None = None) -> RationalFunction:
        """0: e.g. the impedance between two nodes a short has merged."""
        ring = ring or Ring.over(())
        ctx = ring.ctx
        return cls(ctx.from_dict({}), ctx.from_dict({(0,) * ctx.nvars(): 1}), ring)

    @classmethod
    def infinite(cls, ring: Ring) -> RationalFunction:
        """1/0: the impedance of a node no current can enter (a MOS gate, say)."""
        zeros = (0,) * ring.ctx.nvars()
        return cls(ring.ctx.from_dict({zeros: 1}), ring.ctx.from_dict({}), ring)

    @property
    def is_infinite(self) -> bool:
        """1/0: an impedance no current can enter, or a gain whose denominator vanishes."""
        return self.den.is_zero()

    @property
    def is_zero(self) -> bool:
        return self.num.is_zero()

    @cached_property
    def generators(self) -> tuple[sympy.Expr, ...]:
        """The ring's generators that the result actually contains."""
        used = [False] * len(self.ring.gens)
        for p in (self.num, self.den):
            if p.is_zero():
                continue
            for i, e in enumerate(p.degrees()[: len(used)]):
                used[i] = used[i] or e > 0
        return tuple(g for g, u in zip(self.ring.gens, used, strict=True) if u)

    @property
    def is_number(self) -> bool:
        """No generator left: the result is a plain rational number (or infinite)."""
        return self.num.is_constant() and self.den.is_constant()

    @classmethod
    def reduced(cls, num: Poly, den: Poly, ring: Ring) -> RationalFunction:
        if den.is_zero():
            raise ZeroDivisionError("zero denominator")
        if num.is_zero():
            return cls(num, den.context().from_dict({(0,) * den.context().nvars(): 1}), ring)
        g = num.gcd(den)
        if not g.is_one():
            num, den = num / g, den / g
        if den.leading_coefficient() < 0:
            num, den = -num, -den
        return cls(num, den, ring)

    # -- sizes and SymPy --------------------------------------------------------------------
    @property
    def terms(self) -> int:
        """Number of terms in the expanded numerator plus denominator: the size of the answer."""
        return len(self.num) + len(self.den)

    @cached_property
    def numerator(self) -> sympy.Expr:
        return self.ring.to_sympy(self.num)

    @cached_property
    def denominator(self) -> sympy.Expr:
        return self.ring.to_sympy(self.den)

    def factored(self) -> sympy.Expr:
        """num/den with both sides factored over the integers (flint factors fast)."""
        if self.is_infinite:
            return sympy.oo
        return self._factor(self.num) / self._factor(self.den)

    def _factor(self, p: Poly) -> sympy.Expr:
        if max((int(d) for d in p.degrees()), default=0) > MAX_FACTOR_DEGREE:
            return self.ring.to_sympy(p)  # factoring a polynomial of huge degree can take hours
        try:
            content, factors = p.factor()
        except (OverflowError, ValueError):  # FLINT's limits on huge coefficients: unfactored
            return self.ring.to_sympy(p)
        sign = 1
        parts = []
        for f, e in factors:
            negative = sum(1 for c in f.coeffs() if c < 0)
            if 2 * negative > len(f):  # write (a + b), not (-a - b): the sign goes in front
                f = -f
                sign *= (-1) ** int(e)
            parts.append(self.ring.to_sympy(f) ** int(e))
        return sympy.Integer(sign * int(content)) * sympy.Mul(*parts)

    @cached_property
    def expr(self) -> sympy.Expr:
        """The result as one SymPy expression: factored if small, else expanded num/den."""
        if self.terms <= 400 or self.is_infinite:
            return self.factored()
        return self.numerator / self.denominator

    def __str__(self) -> str:
        return str(self.expr)

    def __repr__(self) -> str:
        return f"RationalFunction({self.expr})"

    def in_s(self) -> sympy.Expr:
        """num/den as polynomials in s with each coefficient factored: H(s) as a textbook
        writes it, (a0 + a1·s + ...)/(b0 + b1·s + ...). Without s, the same as `expr`."""
        names = [str(g) for g in self.ring.gens]
        if "s" not in names or self.is_infinite or self.is_zero:
            return self.expr
        k = names.index("s")
        s = self.ring.gens[k]

        def collected(p: Poly) -> sympy.Expr:
            by_power: dict[int, dict] = {}
            for monom, coeff in p.to_dict().items():
                rest = tuple(0 if i == k else int(e) for i, e in enumerate(monom))
                by_power.setdefault(int(monom[k]), {})[rest] = coeff
            coeffs = {power: self.ring.ctx.from_dict(t) for power, t in by_power.items()}
            common = None
            for c in coeffs.values():
                common = c if common is None else common.gcd(c)
            if common.leading_coefficient() < 0:
                common = -common
            terms = []
            for power in sorted(coeffs):
                c = coeffs[power] / common
                coeff = self._factor(c) if len(c) <= 2000 else self.ring.to_sympy(c)
                terms.append(coeff * s**power)
            poly = sympy.Add(*terms, evaluate=False) if len(terms) > 1 else terms[0]
            return self._factor(common) * poly if not common.is_one() else poly

        return collected(self.num) / collected(self.den)

    def latex(self) -> str:
        from ..forms.latex import latex  # presentation lives in its own module

        return latex(self.expr)

    def _repr_latex_(self) -> str:  # Jupyter: the textbook form (a large result: its size)
        from ..forms.display import result_latex

        return result_latex(self)

    # -- numbers ------------------------------------------------------------------------------
    def substitute(self, values: Mapping[object, object]) -> RationalFunction:
        """Exact partial substitution of rational numbers (by symbol or name); cancels again.

        Generators without a value (such as s) stay symbolic. A value may be infinite
        (`float("inf")`, `sympy.oo`): the result is then the limit as that generator grows,
        taken after the finite values are in (r_o → ∞ is an open circuit). Where the
        denominator vanishes at these values the result is infinite (`is_infinite`), or
        `Undefined` when the numerator vanishes too.
        """
        if self.is_infinite:
            return self
        infinite = [str(k) for k, v in values.items() if _is_infinite(v)]
        if infinite:
            out = self.substitute({k: v for k, v in values.items() if str(k) not in infinite})
            for name in infinite:
                out = out._at_infinity(name)
            return out
        by_name = {str(k): _to_fraction(v) for k, v in values.items()}
        if any(isinstance(v, complex) for v in by_name.values()):
            raise ValueError("substitute takes real numbers; use evaluate() for complex s")
        keep = [i for i, g in enumerate(self.ring.gens) if str(g) not in by_name]
        fixed = [by_name.get(str(g)) for g in self.ring.gens]
        ring = Ring.over(tuple(self.ring.gens[i] for i in keep))

        # flint substitutes (exactly, over the rationals) into a ring of the kept generators:
        # each fixed generator becomes a constant, each kept one a generator of that ring
        names = tuple(f"x{i}" for i in range(len(keep))) or ("x0",)
        qctx = flint.fmpq_mpoly_ctx.get(names, "degrevlex")
        kept = iter(qctx.gens())
        images = [qctx.constant(flint.fmpq(v.numerator, v.denominator)) if v is not None
                  else next(kept) for v in fixed]

        def collapse(p: Poly) -> dict[tuple[int, ...], Fraction]:
            """p at the point, as {exponents of the kept generators: coefficient}."""
            at = flint.fmpq_mpoly(p).compose(*images, ctx=qctx) if images else \
                qctx.constant(flint.fmpq(int(p.leading_coefficient()) if len(p) else 0))
            out = {tuple(int(e) for e in monom[: len(keep)]) or (0,):
                   Fraction(int(coeff.p), int(coeff.q)) for monom, coeff in at.to_dict().items()}
            return {k: v for k, v in out.items() if v}

        num, den = collapse(self.num), collapse(self.den)
        if not den:
            if not num:
                raise Undefined("0/0: numerator and denominator both vanish at these values")
            return RationalFunction.infinite(ring)
        scale = 1
        for v in (*num.values(), *den.values()):
            scale = scale * v.denominator // _gcd(scale, v.denominator)
        as_poly = lambda d: ring.ctx.from_dict({k: int(v * scale) for k, v in d.items()})  # noqa: E731
        return RationalFunction.reduced(as_poly(num), as_poly(den), ring)

    def _at_infinity(self, name: str) -> RationalFunction:
        """The limit as the generator `name` → +∞: the ratio of the leading coefficients when
        numerator and denominator have the same degree in it, 0 or infinite otherwise."""
        names = [str(g) for g in self.ring.gens]
        if name not in names or self.is_infinite:
            return self
        k = names.index(name)

        def leading(p: Poly) -> tuple[int, dict]:
            terms = {tuple(int(e) for e in m): c for m, c in p.to_dict().items()}
            top = max((m[k] for m in terms), default=0)
            return top, {m[:k] + (0,) + m[k + 1:]: c for m, c in terms.items() if m[k] == top}

        dn, ln = leading(self.num)
        dd, ld = leading(self.den)
        ctx = self.ring.ctx
        if self.is_zero or dn < dd:
            result = RationalFunction(ctx.from_dict({}), ctx.from_dict({(0,) * ctx.nvars(): 1}),
                                      self.ring)
        elif dn > dd:
            return RationalFunction.infinite(self.ring)
        else:
            result = RationalFunction.reduced(ctx.from_dict(ln), ctx.from_dict(ld), self.ring)
        return result.substitute({name: 0})  # drop the generator it no longer has

    def evaluate(self, values: Mapping[object, object], s: object = None) -> float | complex:
        """The value at numbers for every generator (by SymPy symbol or by name): a float, or a
        complex number when `s` (or a value) is complex; `inf` where the denominator vanishes
        and the numerator does not; `Undefined` (an ArithmeticError) for 0/0.

        Generators other than `s` are substituted exactly (Fractions), so the polynomials'
        cancellations are exact; only the final powers of a complex `s` use floating point.
        Use `substitute` for an exact rational result.
        """
        if self.is_infinite:
            return float("inf")
        by_name = {str(k): v for k, v in values.items()}
        exact: list[Fraction | complex | None] = []
        for g in self.ring.gens:
            if g.is_Symbol and g.name == "s" and s is not None:
                exact.append(None)
            elif str(g) in by_name:
                exact.append(_to_fraction(by_name[str(g)]))
            elif g.is_Symbol:
                raise KeyError(f"no value for {g}")
            else:  # an atom like sqrt(x): evaluate it from the symbol values
                sub = {sym: sympy.Rational(str(by_name[str(sym)])) if str(sym) in by_name else sym
                       for sym in g.free_symbols}
                exact.append(_to_fraction(g.subs(sub)))
        s_value = complex(_to_fraction(s)) if s is not None else None
        num, den = self._eval(self.num, exact, s_value), self._eval(self.den, exact, s_value)
        if den == 0:
            if num == 0:
                raise Undefined("0/0: numerator and denominator both vanish at these values")
            return float("inf")
        if isinstance(num, Fraction) and isinstance(den, Fraction):
            return float(num / den)
        return complex(num) / complex(den)

    # -- frequency response (symsig.analysis.frequency and symsig.draw.plots do the work) -------
    def poles(self, values: Mapping[object, object] | None = None) -> list:
        """Roots of the denominator in s: exact where the degree allows, else at `values`."""
        from ..analysis.frequency import poles

        return poles(self, values)

    def zeros(self, values: Mapping[object, object] | None = None) -> list:
        """Roots of the numerator in s, as `poles` finds them."""
        from ..analysis.frequency import zeros

        return zeros(self, values)

    def bode(self, values: Mapping[object, object] | None = None, **options):
        """Bode plot (magnitude and phase of H(j2πf)) at numbers: a matplotlib Figure; see
        `symsig.draw.plots.bode` for f=(f_lo, f_hi), file=, compare=, asymptotes=."""
        from ..draw.plots import bode

        return bode(self, values, **options)

    def step(self, values: Mapping[object, object] | None = None, **options):
        """Step response at numbers (partial fractions of the exact H(s)): a matplotlib Figure;
        see `symsig.draw.plots.step`."""
        from ..draw.plots import step

        return step(self, values, **options)

    @staticmethod
    def _eval(p: Poly, values: list, s_value: complex | None) -> Fraction | complex:
        by_power: dict[int, Fraction | complex] = {}
        for monom, coeff in p.to_dict().items():
            term: Fraction | complex = Fraction(int(coeff))
            power = 0
            for v, e in zip(values, monom, strict=False):
                if e:
                    if v is None:
                        power += int(e)
                    else:
                        term *= v**int(e)
            by_power[power] = by_power.get(power, 0) + term
        if s_value is None:
            return by_power.get(0, Fraction(0))
        total: complex = 0
        for power, coeff in by_power.items():
            total += complex(coeff) * s_value**power
        return total
