"""The solver at scale: the pivot heaps and column index, the direct SymPy -> flint converter
and the term budget, each against an expectation computed outside the code under test."""

import random
import time
from fractions import Fraction

import pytest
import sympy

from symsig import amplifier, impedance, parse, transfer
from symsig.engine import Ring, solve_for
from symsig.engine.solve import ResultTooLarge

RA = [1000, 2200, 470]  # series resistors of the ladder, in turn
RB = [2000, 10000, 3300]  # shunt resistors


def ladder(n: int, symbolic: bool = False) -> str:
    """V1 drives n0; section k has Ra_k from n(k-1) to nk and Rb_k from nk to ground."""
    lines = ["* ladder", "V1 n0 0 AC 1"]
    for k in range(1, n + 1):
        a = f"Ra{k}" if symbolic else RA[k % 3]
        b = f"Rb{k}" if symbolic else RB[k % 3]
        lines += [f"Ra{k} n{k - 1} n{k} {a}", f"Rb{k} n{k} 0 {b}"]
    return "\n".join(lines) + "\n.end\n"


def ladder_by_hand(n: int, ra, rb, tidy=lambda v: v):
    """(gain v(nn)/V1, R_in at n0, R_out at nn) of the ladder, each as a (numerator,
    denominator) pair; ra(k), rb(k) are the values of section k (Fractions or SymPy symbols)
    and `tidy` expands SymPy's sums.

    Gain and R_in walk from the far end: with v(nn) = Rb1*...*Rbn, the current into section k
    is i_k = v_k/Rb_k + i_(k+1) and v_(k-1) = v_k + Ra_k*i_k. R_out is the continued fraction
    X_k = Rb_k || (Ra_k + X_(k-1)) from the shorted source, X_0 = 0.
    """
    v = 1
    for k in range(1, n + 1):
        v = v * rb(k)
    far, i = v, 0
    for k in range(n, 0, -1):
        i = tidy(v / rb(k) + i)
        v = tidy(v + ra(k) * i)
    num, den = 0, 1  # X = num/den
    for k in range(1, n + 1):
        series = tidy(num + ra(k) * den)  # (Ra_k + X) = series/den
        num, den = tidy(rb(k) * series), tidy(rb(k) * den + series)
    return (far, v), (v, i), (num, den)


def as_fraction(result) -> Fraction:
    """A RationalFunction without symbols as a Fraction (its polynomials are constants)."""
    assert result.num.is_constant() and result.den.is_constant()
    num = int(result.num.coeffs()[0]) if not result.num.is_zero() else 0
    return Fraction(num, int(result.den.coeffs()[0]))


@pytest.mark.parametrize("n", [50, 200, 1000])
def test_numeric_ladder_matches_continued_fractions(n):
    amp = amplifier(parse(ladder(n)), "V1", f"n{n}")
    by_hand = ladder_by_hand(n, lambda k: Fraction(RA[k % 3]), lambda k: Fraction(RB[k % 3]))
    for got, (num, den) in zip((amp.gain, amp.rin, amp.rout), by_hand, strict=True):
        assert as_fraction(got) == num / den
    # R_in once more as the continued fraction Z_k = Ra_k + (Rb_k || Z_(k+1)), Z_(n+1) = oo
    z = Fraction(RA[n % 3] + RB[n % 3])
    for k in range(n - 1, 0, -1):
        rb = Fraction(RB[k % 3])
        z = RA[k % 3] + rb * z / (rb + z)
    assert as_fraction(amp.rin) == z


def test_symbolic_ladder_matches_continued_fractions():
    n = 6

    def ra(k):
        return sympy.Symbol(f"Ra{k}", positive=True)

    def rb(k):
        return sympy.Symbol(f"Rb{k}", positive=True)

    amp = amplifier(parse(ladder(n, symbolic=True)), "V1", f"n{n}")
    for got, (num, den) in zip((amp.gain, amp.rin, amp.rout),
                               ladder_by_hand(n, ra, rb, tidy=sympy.expand), strict=True):
        assert sympy.expand(got.numerator * den - num * got.denominator) == 0


def star(n: int) -> str:
    """A hub node h tied to n spokes: Rk from h to node k, Rgk from node k to ground."""
    lines = ["* star", "V1 in 0 AC 1", "Rin in h 100"]
    for k in range(1, n + 1):
        lines += [f"R{k} h k{k} {100 * (k % 5 + 1)}", f"Rg{k} k{k} 0 {1000 * (k % 3 + 1)}"]
    return "\n".join(lines) + "\n.end\n"


def test_dense_column_star_matches_hand_formula():
    """One node in every row's neighbourhood: a dense column in the pivot heaps."""
    n = 800
    spokes = [Fraction(100 * (k % 5 + 1)) + Fraction(1000 * (k % 3 + 1)) for k in range(1, n + 1)]
    hub = 1 / sum(1 / r for r in spokes)  # all spokes in parallel, seen from h
    c = parse(star(n))
    assert as_fraction(transfer(c, "h", "V1")) == hub / (100 + hub)
    assert as_fraction(impedance(c, "h")) == 1 / (1 / hub + Fraction(1, 100))


def test_random_sparse_numeric_systems_match_gaussian_elimination():
    """Many ties in the Markowitz cost; Fractions by plain Gaussian elimination decide."""
    rng = random.Random(7)
    for _ in range(30):
        n = rng.randint(10, 40)
        dense = [[Fraction(0)] * n for _ in range(n)]
        matrix = {}
        for i in range(n):
            dense[i][i] = Fraction(rng.randint(5, 9))
            matrix[(i, i)] = [sympy.Integer(dense[i][i])]
            for j in rng.sample(range(n), 2):
                v = Fraction(rng.choice([-3, -1, 1, 2]), rng.choice([1, 2, 7]))
                dense[i][j] += v
                matrix.setdefault((i, j), []).append(sympy.Rational(v.numerator, v.denominator))
        rhs_vec = [Fraction(0)] * n
        rhs = {}
        for i in rng.sample(range(n), 3):
            rhs_vec[i] = Fraction(rng.randint(1, 4))
            rhs[i] = [sympy.Integer(rhs_vec[i])]
        k = rng.randrange(n)
        x = gauss(dense, rhs_vec)
        if x is None:
            continue
        assert as_fraction(solve_for(matrix, rhs, n, {k: 1})) == x[k]


def gauss(a, b):
    """Solve a x = b with Fractions by Gaussian elimination with row swaps; None if singular."""
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def test_thousand_symbols_in_parallel():
    """1,000 symbolic resistors on one node: SymPy's Poly route recursed once per symbol."""
    n = 1000
    lines = ["* par", "V1 a 0 AC 1", "Rs a b Rs"] + [f"R{i} b 0 R{i}" for i in range(n)]
    c = parse("\n".join(lines) + "\n.end\n")
    names = sorted([f"R{i}" for i in range(n)] + ["Rs"])  # the generators, by name
    z = impedance(c, "b")  # V1 shorted: Rs parallel to R0 ... R999
    assert [str(g) for g in z.ring.gens] == names
    ctx = z.ring.ctx
    m = len(names)
    # Rs || R0 || ... = (product of all) / (sum over k of the product of all but the k-th)
    product = ctx.from_dict({(1,) * m: 1})
    all_but_one = ctx.from_dict({tuple(0 if i == k else 1 for i in range(m)): 1
                                 for k in range(m)})
    assert z.num == product and z.den == all_but_one

    # v(b)/V1 = (1/Rs) / (1/Rs + 1/R0 + ... + 1/R999): times the product of all symbols,
    # the numerator lacks Rs and the denominator is the same sum as above
    gain = transfer(c, "b", "V1")
    rs = names.index("Rs")
    assert gain.num == ctx.from_dict({tuple(int(i != rs) for i in range(m)): 1})
    assert gain.den == all_but_one


x, y, z, s = sympy.symbols("x y z s")
R, C = sympy.symbols("R C", positive=True)

MIXED = [
    sympy.Rational(-3, 7),
    1 / R,
    s * C,
    1 / (s * C) + R,
    (x + 1) ** 2 / (y - 2),
    x / (x * y + x),  # together() cancels x: x is no generator of this entry
    sympy.Rational(5, 3) * x**2 / y**3 - 2 * z,
    1 / (1 + sympy.I * x * s),
    sympy.sqrt(x) + 1 / y,  # an atom: SymPy's route makes sqrt(x) a generator
    sympy.exp(2 * z) * R,
]


def sympy_route(expr):
    """(P, Q) of an expression by SymPy's own route, I standing in as a generator J (and s
    as the generator when there are only numbers)."""
    J = sympy.Dummy("J")
    num, den = sympy.fraction(sympy.together(expr.subs(sympy.I, J)))
    halves = [sympy.expand(num), sympy.expand(den)]
    try:
        (p, q), _ = sympy.parallel_poly_from_expr(halves, domain=sympy.ZZ)
    except sympy.PolificationFailed:
        (p, q), _ = sympy.parallel_poly_from_expr(halves, s, domain=sympy.ZZ)
    return p, q, J


def to_flint(p, ring, J):
    """A SymPy Poly as a polynomial of `ring`, generators matched by value (J as I)."""
    where = [ring.gens.index(sympy.I if g == J else g) for g in p.gens]
    terms = {}
    for monom, coeff in p.terms():
        exps = [0] * len(ring.gens)
        for k, e in zip(where, monom, strict=True):
            exps[k] = e
        terms[tuple(exps)] = int(coeff)
    return ring.ctx.from_dict(terms)


@pytest.mark.parametrize("expr", MIXED, ids=str)
def test_converter_agrees_with_sympy_poly_route_one_entry(expr):
    got = solve_for({(0, 0): [1]}, {0: [expr]}, 1, {0: 1})  # x0 = expr
    p, q, J = sympy_route(expr)
    assert set(got.ring.gens) == {sympy.I if g == J else g for g in p.gens}
    ring = Ring(got.ring.gens, got.ring.ctx)
    assert got.num * to_flint(q, ring, J) == got.den * to_flint(p, ring, J)


def test_converter_agrees_with_sympy_poly_route_whole_system():
    """All entries at once: one ring, symbols sorted by name, then the other atoms by name."""
    n = len(MIXED)
    matrix = {(i, i): [e] for i, e in enumerate(MIXED)}
    matrix[(0, 1)] = [x]
    got = solve_for(matrix, {i: [1] for i in range(n)}, n, {i: 1 for i in range(n)})
    # the imaginary unit sorts as its stand-in symbol, named _j
    expected_gens = (C, R, sympy.I, s, x, y, z, sympy.exp(z), sympy.sqrt(x))
    assert got.ring.gens == expected_gens
    # x0 = (1 - x*x1)/e0, xi = 1/ei otherwise
    # (sqrt(x) is a generator of its own, so compare values, to 50 digits)
    total = (1 - x / MIXED[1]) / MIXED[0] + sum(1 / e for e in MIXED[1:])
    at = {x: sympy.Rational(4, 9), y: 3, z: sympy.Rational(1, 2), R: 5, C: 7,
          s: sympy.Rational(11, 3)}
    ours, theirs = (complex(e.subs(at).evalf(50)) for e in (got.expr, total))
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_converter_drops_a_symbol_that_cancels_like_sympy():
    """x*(1 + y) - x*y is x: y is no generator (SymPy expands before choosing generators)."""
    got = solve_for({(0, 0): [x * (1 + y) - x * y]}, {0: [1]}, 1, {0: 1})
    assert got.ring.gens == (x,)
    assert got.expr == 1 / x


def test_symbolic_ladder_ends_quickly_in_result_too_large():
    c = parse(ladder(200, symbolic=True))
    t0 = time.perf_counter()
    with pytest.raises(ResultTooLarge) as info:
        transfer(c, "n200", "V1")
    assert time.perf_counter() - t0 < 10  # a guard against hangs, not a benchmark
    err = info.value
    assert err.reached > err.limit > 0
    assert f"{err.limit:,} terms" in str(err) and "step" in str(err)
    assert isinstance(err, ArithmeticError)


def test_max_terms_is_a_budget_on_every_stored_entry():
    n = 8
    full = transfer(parse(ladder(n, symbolic=True)), f"n{n}", "V1")
    with pytest.raises(ResultTooLarge) as info:
        _ladder_solve(n, max_terms=100)
    assert info.value.limit == 100 and info.value.reached > 100
    by_hand = _ladder_solve(n, max_terms=10_000)
    assert by_hand.terms == full.terms
    assert sympy.cancel(by_hand.expr - full.expr) == 0


def _ladder_solve(n: int, max_terms: int):
    """v(nn)/V1 of the symbolic ladder by solve_for directly, its matrix stamped by hand."""
    ra = [sympy.Symbol(f"Ra{k}", positive=True) for k in range(n + 1)]
    rb = [sympy.Symbol(f"Rb{k}", positive=True) for k in range(n + 1)]
    matrix: dict = {}

    def add(i, j, v):
        matrix.setdefault((i, j), []).append(v)

    # unknowns: v(n1) ... v(nn) as 0 .. n-1; n0 is fixed at 1 by the source
    for k in range(1, n + 1):
        i = k - 1
        add(i, i, 1 / ra[k] + 1 / rb[k])
        if k > 1:
            add(i, i - 1, -1 / ra[k])
        if k < n:
            add(i, i, 1 / ra[k + 1])
            add(i, i + 1, -1 / ra[k + 1])
    rhs = {0: [1 / ra[1]]}
    return solve_for(matrix, rhs, n, {n - 1: 1}, max_terms=max_terms)


def test_result_too_large_pickles():
    import pickle

    err = ResultTooLarge(2_000_000, 2_178_309, 15, 202)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.reached == 2_178_309
    assert "2,000,000 terms" in str(err) and "step 15 of 202" in str(err)


def test_products_too_large_are_refused_before_they_are_made():
    v = sympy.symbols("v0:40")
    p, q, r, t = (sum((i + 1) ** k * v[i] for i in range(40)) for k in range(4))  # 40 terms
    matrix = {(0, 0): [p], (0, 1): [q], (1, 0): [r], (1, 1): [t]}
    with pytest.raises(ResultTooLarge) as info:  # entries of 40 terms, products of 1,280
        solve_for(matrix, {0: [1]}, 2, {1: 1}, max_terms=40)
    assert info.value.kind == "product" and info.value.reached == 1600
    got = solve_for(matrix, {0: [1]}, 2, {1: 1})  # x1 = -r / (p*t - q*r)
    at = {str(s): Fraction(i % 7 + 1, i % 3 + 2) for i, s in enumerate(v)}
    pv, qv, rv, tv = (sum((i + 1) ** k * at[f"v{i}"] for i in range(40)) for k in range(4))
    assert as_fraction(got.substitute(at)) == -rv / (pv * tv - qv * rv)


def test_entries_too_large_to_read_are_refused():
    """(a+b+c+d)**1000 has comb(1003, 3) = 167,668,501 terms: refused before it is expanded."""
    a, b, c, d = sympy.symbols("a b c d")
    with pytest.raises(ResultTooLarge) as info:
        solve_for({(0, 0): [(a + b + c + d) ** 1000]}, {0: [1]}, 1, {0: 1})
    assert info.value.kind == "input" and info.value.reached == 167_668_501
    assert "167,668,501 terms" in str(info.value)
    got = solve_for({(0, 0): [(a + b) ** 2000]}, {0: [1]}, 1, {0: 1})  # 2001 terms: fine
    assert len(got.den) == 2001 and got.num.is_one()
