"""Every path of the exact solver gives the same exact result: both pivot orders, the race
between them under work caps, and dividing before multiplying (forced on small cases, where
the solver would otherwise multiply directly). Each is checked against an independent route:
the same circuit built as an MNA system with Fractions at random rational points and solved by
plain Gaussian elimination (tests/randnumeric.py), or a random sparse system solved the same way.
"""

import random
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from symsig import amplifier, parse, transfer
from symsig.engine import solve as engine
from symsig.engine import solve_for
from tests.randnumeric import GROUND, Part, _gauss
from tests.randnumeric import _solve as mna_solve

BENCH = Path(__file__).resolve().parent / "draw_circuits" / "bench"  # copies of ../shared/bench


def _only(order: str):
    def eliminate(rows, target, rhs_col, one, max_terms=engine.MAX_TERMS):
        return engine._bareiss_last([dict(r) for r in rows], target, rhs_col, one, max_terms,
                                    order=order)
    return eliminate


def configure(monkeypatch, path: str) -> None:
    """Send every solve down one path."""
    if path in ("markowitz", "size"):
        monkeypatch.setattr(engine, "_eliminate", _only(path))
    elif path == "divide-first":  # gcd splitting and reduced pivot ratios everywhere
        monkeypatch.setattr(engine, "DIRECT_DIVISOR", 0)
        monkeypatch.setattr(engine, "DIRECT_PRODUCT", 0)
    elif path == "race":  # tiny work caps: both orders start, stop and restart
        monkeypatch.setattr(engine, "FIRST_WORK", 1)
        monkeypatch.setattr(engine, "WORK_GROWTH", 2)
    else:
        assert path == "default"


PATHS = ["default", "markowitz", "size", "divide-first", "race"]

CIRCUITS = {  # file, source, output (as the bench files say)
    "ce_hf": ("Vs", "c"), "ota5": ("Vin", "out"), "miller": ("Vin", "out"),
    "cascade2": ("Vs", "c2"), "cascade3": ("Vs", "c3"),
}


def bench_text(name: str) -> str:
    path = BENCH / f"{name}.cir"
    if not path.exists():
        pytest.skip(f"{path} is not there (the copies of the benchmark circuits)")
    return path.read_text()


def parts_at(text: str, values: dict[str, Fraction]) -> list[Part]:
    """The bench netlist (R, C, G, V lines with symbolic values) as numeric Parts."""
    parts = []
    for line in text.splitlines():
        words = line.split()
        if not words or words[0][0] in "*.":
            continue
        name, kind = words[0], words[0][0].upper()
        if kind == "V":
            parts.append(Part(name, "V", tuple(words[1:3]), ac=True))
        elif kind == "G":
            parts.append(Part(name, "G", tuple(words[1:5]), values[words[5]]))
        else:
            parts.append(Part(name, kind, tuple(words[1:3]), values[words[3]]))
    return parts


def reference(parts: list[Part], source: str, output: str, s: Fraction) -> dict[str, Fraction]:
    """Gain, R_in at the source's + node (the source removed) and R_out at the output (the
    source shorted), by Fraction elimination."""
    src = next(p for p in parts if p.name == source)
    removed = [p for p in parts if p.name != source]
    out = {"gain": mna_solve(parts, s, {source.lower(): Fraction(1)}, ("v", output))}
    for key, node, rest in (("rin", src.nodes[0], removed), ("rout", output, parts)):
        test = Part("itest", "I", (GROUND, node))
        out[key] = mna_solve(rest + [test], s, {"itest": Fraction(1)}, ("v", node))
    return out


@pytest.mark.parametrize("name", sorted(CIRCUITS))
def test_every_path_gives_the_same_exact_amplifier(monkeypatch, name):
    text = bench_text(name)
    source, output = CIRCUITS[name]
    circuit = parse(text)
    results = {}
    for path in PATHS:
        with monkeypatch.context() as m:
            configure(m, path)
            a = amplifier(circuit, source, output)
        results[path] = {"gain": a.gain, "rin": a.rin, "rout": a.rout}
    for path, got in results.items():
        for key, r in got.items():
            first = results["default"][key]
            assert (r.num, r.den) == (first.num, first.den), f"{path} {key}"
    rng = random.Random(name)
    for _ in range(2):
        symbols = {str(x) for x in circuit.symbols()}
        values = {n: Fraction(rng.randint(1, 50), rng.randint(1, 50)) for n in sorted(symbols)}
        s = Fraction(rng.randint(1, 30), rng.randint(1, 30))
        want = reference(parts_at(text, values), source, output, s)
        for key, r in results["default"].items():
            if want[key] is None:  # singular with a test current: no current enters (a gate)
                assert r.is_infinite, key
                continue
            got = r.substitute({**values, "s": s})
            assert got.is_number
            assert Fraction(int(got.num.leading_coefficient()),
                            int(got.den.leading_coefficient())) == want[key], key


def random_system(rng: random.Random):
    """A sparse random system with small polynomial entries in a, b, c (and its dense twin)."""
    a, b, c = sympy.symbols("a b c", positive=True)
    n = rng.randint(3, 7)
    matrix: dict = {}
    for i in range(n):
        cols = {i, *rng.sample(range(n), 2)}
        for j in cols:
            coeffs = [rng.randint(-3, 3) for _ in range(4)]
            if i == j:
                coeffs[0] = rng.randint(4, 9)
            matrix[(i, j)] = [coeffs[0] + coeffs[1] * a + coeffs[2] * b * c + coeffs[3] * a * b]
    rhs = {i: [sympy.Integer(rng.randint(1, 3))] for i in rng.sample(range(n), 2)}
    target = {j: sympy.Integer(rng.choice([-1, 1, 2])) for j in rng.sample(range(n), 2)}
    return (a, b, c), n, matrix, rhs, target


@pytest.mark.parametrize("seed", range(25))
def test_every_path_solves_random_systems_as_gaussian_elimination(monkeypatch, seed):
    rng = random.Random(seed)
    symbols, n, matrix, rhs, target = random_system(rng)
    results = {}
    for path in PATHS:
        with monkeypatch.context() as m:
            configure(m, path)
            try:
                results[path] = solve_for(matrix, rhs, n, target)
            except engine.SingularSystem:
                results[path] = None
    first = results["default"]
    for path, r in results.items():
        if first is None:
            assert r is None, path
        else:
            assert (r.num, r.den) == (first.num, first.den), path
    for _ in range(3):
        point = {x: Fraction(rng.randint(1, 40), rng.randint(1, 40)) for x in symbols}
        dense = [dict() for _ in range(n)]
        for (i, j), terms in matrix.items():
            dense[i][j] = Fraction(str(sympy.Add(*terms).subs(point)))
        b = [Fraction(0)] * n
        for i, terms in rhs.items():
            b[i] = Fraction(int(sympy.Add(*terms)))
        xs = [_gauss([dict(row) for row in dense], b, k) for k in range(n)]
        if first is None or any(x is None for x in xs):
            continue  # singular at this point (or everywhere, as the solver said)
        want = sum(int(t) * xs[j] for j, t in target.items())
        got = first.substitute({str(x): v for x, v in point.items()})
        value = Fraction(int(got.num.leading_coefficient()) if not got.is_zero else 0,
                         int(got.den.leading_coefficient()))
        assert value == want


def test_the_race_raises_what_markowitz_raises_when_both_orders_are_too_large(monkeypatch):
    """A symbolic 40-section ladder (its answer has ~10^16 terms) under a 2,000-term budget."""
    c = parse("* ladder\nV1 n0 0 AC 1\n" + "".join(
        f"Ra{k} n{k - 1} n{k} Ra{k}\nRb{k} n{k} 0 Rb{k}\n" for k in range(1, 41)))
    monkeypatch.setattr(engine, "MAX_TERMS", 2_000)
    with pytest.raises(engine.ResultTooLarge) as info:
        transfer(c, "n40", "V1")
    assert info.value.limit == engine.term_budget(80, 2_000) < info.value.reached


def sympy_mna(text: str, drive: str | None, extra_current: str | None = None) -> tuple:
    """The bench netlist's MNA system built here with SymPy symbols (R, C, G, V; one branch
    current per V source, `drive` at 1 V, the others at 0 V: shorted), plus a 1 A test
    current into `extra_current` if named: (matrix, rhs, node index)."""
    s = sympy.Symbol("s")
    parts = [line.split() for line in text.splitlines()
             if line.split() and line.split()[0][0] not in "*."]
    nodes = sorted({n for p in parts for n in (p[1:5] if p[0][0] in "Gg" else p[1:3])} - {"0"})
    vsrc = [p for p in parts if p[0][0] in "Vv"]
    at = {n: k for k, n in enumerate(nodes)}
    size = len(nodes) + len(vsrc)
    a = sympy.zeros(size, size)
    b = sympy.zeros(size, 1)

    def add(i, j, v):
        if i in at and j in at:
            a[at[i], at[j]] += v

    for p in parts:
        kind, value = p[0][0].upper(), sympy.Symbol(p[-1], positive=True)
        if kind in "RC":
            y = 1 / value if kind == "R" else s * value
            n1, n2 = p[1], p[2]
            add(n1, n1, y), add(n2, n2, y), add(n1, n2, -y), add(n2, n1, -y)
        elif kind == "G":
            o1, o2, c1, c2 = p[1:5]
            add(o1, c1, value), add(o1, c2, -value), add(o2, c1, -value), add(o2, c2, value)
    for k, p in enumerate(vsrc):
        row = len(nodes) + k
        for n, sign in ((p[1], 1), (p[2], -1)):
            if n in at:
                a[at[n], row] += sign
                a[row, at[n]] += sign
        b[row] = 1 if p[0] == drive else 0
    if extra_current is not None:
        b[at[extra_current]] = 1
    return a, b, at


@pytest.mark.parametrize("name", ["ce_hf", "cascade1", "cascade2"])
def test_every_path_equals_sympys_own_lu_solve(monkeypatch, name):
    """gain, R_in and R_out by every solver path equal SymPy's LUsolve of an MNA system this
    test builds itself, cancelled by SymPy: an exact second route, on circuits small enough
    for it."""
    text = bench_text(name)
    source, output = CIRCUITS.get(name, ("Vs", name.replace("cascade", "c")))
    circuit = parse(text)
    a, b, at = sympy_mna(text, source)
    want = {"gain": a.LUsolve(b)[at[output]]}
    src = next(line.split() for line in text.splitlines() if line.startswith(source))
    without = "\n".join(line for line in text.splitlines() if not line.startswith(source))
    a, b, at = sympy_mna(without, None, extra_current=src[1])
    want["rin"] = a.LUsolve(b)[at[src[1]]]
    a, b, at = sympy_mna(text, None, extra_current=output)  # the source shorted (0 V)
    want["rout"] = a.LUsolve(b)[at[output]]
    plain = {x: sympy.Symbol(x.name) for e in want.values() for x in e.free_symbols}
    want = {k: sympy.cancel(sympy.together(e.xreplace(plain))) for k, e in want.items()}
    for path in PATHS:
        with monkeypatch.context() as m:
            configure(m, path)
            got = amplifier(circuit, source, output)
        for key in want:
            r = getattr(got, key)
            mine = (r.numerator / r.denominator).xreplace(
                {x: sympy.Symbol(x.name) for x in (r.numerator / r.denominator).free_symbols})
            assert sympy.cancel(mine - want[key]) == 0, (path, key)
