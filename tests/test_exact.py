"""The exact engine against SymPy's own, independent routes on small systems."""

import random
from fractions import Fraction

import pytest
import sympy

from symsig.engine import Ring, SingularSystem, solve_for

x, y, z, s = sympy.symbols("x y z s")


def random_system(rng: random.Random, n: int):
    """A sparse n x n system with rational-function entries in x, y, z, s."""
    atoms = [x, y, z, s, 1 / x, s * y, 2 * z + 1, sympy.Rational(3, 7), x / (y + 1), -y]
    matrix = {}
    for i in range(n):
        matrix[(i, i)] = [rng.choice(atoms) + rng.choice(atoms)]
        for j in rng.sample(range(n), k=min(n, 2)):
            matrix.setdefault((i, j), []).append(rng.choice(atoms))
    rhs = {rng.randrange(n): [rng.choice(atoms)]}
    return matrix, rhs


@pytest.mark.parametrize("seed", range(25))
def test_solution_matches_cramers_rule(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 5)
    matrix, rhs = random_system(rng, n)
    A = sympy.zeros(n, n)
    for (i, j), terms in matrix.items():
        A[i, j] += sum(terms)
    b = sympy.zeros(n, 1)
    for i, terms in rhs.items():
        b[i] += sum(terms)
    target = {k: sympy.Integer(rng.choice([1, -1, 2])) for k in rng.sample(range(n), 2)}
    # Independent route: Cramer's rule with SymPy's Berkowitz determinants.
    det = sympy.cancel(A.det(method="berkowitz"))
    if det == 0:
        with pytest.raises(SingularSystem):
            solve_for(matrix, rhs, n, target)
        return
    expected = 0
    for k, c in target.items():
        Ak = A.copy()
        Ak[:, k] = b
        expected += c * sympy.cancel(Ak.det(method="berkowitz")) / det
    got = solve_for(matrix, rhs, n, target)
    assert sympy.cancel(sympy.together(got.expr - expected)) == 0
    # fully cancelled: numerator and denominator share no factor
    assert sympy.gcd(got.numerator, got.denominator).is_number


def test_to_sympy_equals_sympys_own_conversion():
    rng = random.Random(1)
    gens = (x, y, z, s)
    ring = Ring.over(gens)
    for _ in range(20):
        terms = {tuple(rng.randint(0, 3) for _ in gens): rng.choice([-3, -1, 1, 2, 5])
                 for _ in range(rng.randint(1, 12))}
        p = ring.ctx.from_dict(terms)
        ours = ring.to_sympy(p)
        theirs = sympy.Poly.from_dict(terms, *gens).as_expr()
        assert ours == theirs and ours.args == theirs.args


def test_evaluate_and_substitute_agree_with_sympy_subs():
    matrix = {(0, 0): [x + s * y], (0, 1): [-x], (1, 0): [-x], (1, 1): [x + 1 / z]}
    got = solve_for(matrix, {0: [1]}, 2, {1: 1})
    values = {"x": Fraction(3, 2), "y": 2, "z": 0.25}
    expr = got.expr.subs({x: sympy.Rational(3, 2), y: 2, z: sympy.Rational(1, 4)})
    assert got.evaluate(values, s=0.5j) == pytest.approx(complex(expr.subs(s, 0.5 * sympy.I)))
    partial = got.substitute({"x": 2})
    assert sympy.cancel(partial.expr - got.expr.subs(x, 2)) == 0
    assert got.substitute({"x": 1, "y": 1, "z": 1}).evaluate({}, s=1.0) == \
        pytest.approx(complex(got.expr.subs({x: 1, y: 1, z: 1, s: 1})))
