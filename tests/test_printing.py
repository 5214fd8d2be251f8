"""Printing large results straight from their polynomials (forms/polyprint.py): the text reads
back to the same exact result, the LaTeX says the same terms, and the command line uses these
printers for large results (--json, --exact) while small ones keep SymPy's printers. The
expectations come from outside the printers: SymPy's parser reading the text back, and SymPy's
own expansion of the result."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

from symsig import parse, transfer
from symsig.engine.rational import RationalFunction, Ring
from symsig.forms import polyprint

BENCH = Path(__file__).resolve().parent / "draw_circuits" / "bench"  # copies of ../shared/bench


def cascade(n: int) -> str:
    """The bench's n-stage hybrid-π cascade (C_π, C_μ, all values symbolic; output c<n>)."""
    path = BENCH / f"cascade{n}.cir"
    if not path.exists():
        pytest.skip(f"{path} is not there (the copies of the benchmark circuits)")
    return path.read_text()


def read_back(text: str, names) -> sympy.Expr:
    local = {n: sympy.Symbol(n, positive=True) for n in names}
    return plain(sympy.parse_expr(text, local_dict=local))


def plain(expr: sympy.Expr) -> sympy.Expr:
    """Every symbol without assumptions (s is plain in symsig, the netlist's are positive)."""
    return expr.xreplace({x: sympy.Symbol(x.name) for x in expr.free_symbols})


def same(got: sympy.Expr, r: RationalFunction) -> bool:
    num, den = sympy.fraction(got)
    return sympy.expand(num * plain(r.denominator) - den * plain(r.numerator)) == 0


def test_text_of_a_large_result_reads_back_exactly():
    r = transfer(parse(cascade(3)), "c3", "Vs")  # 440 terms
    assert polyprint.direct(r)
    text = polyprint.rational_text(r)
    got = read_back(text, [str(g) for g in r.ring.gens])
    assert same(got, r)  # SymPy's own expansion of the polynomials decides


def test_names_python_reserves_and_powers_read_back():
    gens = (sympy.Symbol("lambda", positive=True), sympy.Symbol("I", positive=True),
            sympy.Symbol("s"))
    ring = Ring.over(gens)
    lam, i, s = ring.ctx.gens()
    num = 3 * lam**12 * i - 7 * s**2 + 5
    den = lam * s + i**3 - 2
    r = RationalFunction.reduced(num, den, ring)
    text = polyprint.rational_text(r)
    assert "Symbol('lambda', positive=True)**12" in text and "^" not in text
    got = read_back(text, ["I", "s"])
    L, I_, S = (sympy.Symbol(n) for n in ("lambda", "I", "s"))
    want = (3 * L**12 * I_ - 7 * S**2 + 5) / (L * S + I_**3 - 2)
    assert sympy.simplify(got - want) == 0
    assert got.free_symbols == {L, I_, S}  # I is a symbol here, not the imaginary unit


def test_latex_of_a_polynomial_uses_textbook_names_and_braced_powers():
    gens = tuple(sympy.Symbol(n, positive=True) for n in ("gm1", "rpi1", "RC", "s"))
    ring = Ring.over(gens)
    gm, rpi, rc, s = ring.ctx.gens()
    text = polyprint.poly_latex(-2 * gm * rpi**12 + rc * s**2 + 3, ring)
    terms = {t.strip() for t in text.replace(" - ", " + -").split(" + ")}
    assert terms == {r"-2 g_{m1} r_{\pi 1}^{12}", r"R_{C} s^2", "3"}


def test_zero_infinite_and_polynomial_results():
    gens = (sympy.Symbol("a", positive=True), sympy.Symbol("b", positive=True))
    ring = Ring.over(gens)
    a, b = ring.ctx.gens()
    assert polyprint.rational_text(RationalFunction.infinite(ring)) == "oo"
    assert polyprint.rational_text(RationalFunction.reduced(a * b + 1, a**0, ring)) == \
        "a*b + 1"
    assert polyprint.poly_text(a - a, ring) == "0"
    assert polyprint.rational_latex(RationalFunction.reduced(a, b, ring)) == r"\frac{a}{b}"


def test_small_results_keep_sympys_printers():
    r = transfer(parse(cascade(1)), "c1", "Vs")  # 14 terms: factored, collected in s
    assert not polyprint.direct(r)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symsig.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_json_of_large_results_reads_back(tmp_path):
    net = tmp_path / "c3.cir"
    net.write_text(cascade(3))
    done = run("analyze", str(net), "--source", "Vs", "--output", "c3", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["terms"] == {"gain": 440, "rin": 756, "rout": 576}
    assert out["textbook"]["gain"] is None and out["latex_exact"]["gain"] is None
    gain = read_back(out["gain"], out["symbols"])
    assert same(gain, transfer(parse(cascade(3)), "c3", "Vs"))
    exact = run("analyze", str(net), "--source", "Vs", "--output", "c3", "--json", "--exact")
    out = json.loads(exact.stdout)
    assert out["latex_exact"]["gain"].startswith(r"\frac{")
    assert out["textbook"]["gain"] == out["gain"]


def test_cli_text_of_large_results_prints_sizes_then_all_with_exact(tmp_path):
    net = tmp_path / "c3.cir"
    net.write_text(cascade(3))
    done = run("analyze", str(net), "--source", "Vs", "--output", "c3")
    assert "gain v(c3)/Vs: 440 terms, too long to read" in done.stdout
    exact = run("analyze", str(net), "--source", "Vs", "--output", "c3", "--exact")
    line = next(x for x in exact.stdout.splitlines() if x.startswith("gain"))
    text = line.split(" = ", 1)[1]
    r = transfer(parse(cascade(3)), "c3", "Vs")
    assert same(read_back(text, [str(g) for g in r.ring.gens]), r)


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--exact"], ["--latex"]])
def test_cli_small_results_print_as_before(fmt):
    """A small circuit's output does not go through the polynomial printers at all: the
    README's example line stays what the README says."""
    done = run("analyze", "examples/ce.cir", "--source", "Vs", "--output", "c",
               "--input-node", "b", "--load", "RL", *fmt)
    assert done.returncode == 0, done.stderr
    if not fmt:
        assert "gain v(c)/Vs = -beta*(RC || RL || ro)/(Rs + rpi)" in done.stdout
    if fmt == ["--exact"]:
        assert "-RC*RL*gm*ro*rpi/((Rs + rpi)*(RC*RL + RC*ro + RL*ro))" in done.stdout


@pytest.mark.parametrize("n", [1, 2])
def test_both_printer_paths_give_the_same_exact_result(monkeypatch, n):
    """On small results both routes run: SymPy's printer (factored, collected in s) and the
    polynomial printer (forced); read back, they are the same rational function."""
    from symsig.cli.common import Result
    from symsig.forms.text import exact_text

    r = transfer(parse(cascade(n)), f"c{n}", "Vs")
    names = {str(g) for g in r.generators}
    by_sympy = read_back(exact_text(r.in_s(), names), names)
    monkeypatch.setattr(polyprint, "DIRECT_TERMS", 0)
    assert polyprint.direct(r)
    by_flint = read_back(Result("gain", "gain", "A", r).exact_text(names), names)
    assert sympy.cancel(by_sympy - by_flint) == 0
    assert same(by_flint, r)


def test_results_without_s_keep_their_textbook_forms_past_sixty_terms(tmp_path):
    """R_in (85 terms) and R_out (70 terms) of a CE stage with r_x, r_o, R_E and a bias
    divider read as textbook forms; the size line is only for forms nobody can read."""
    net = tmp_path / "ce.cir"
    net.write_text("CE\nVs s 0 AC 1\nRs s b1 Rs\nCin b1 b Cin\nRB1 b 0 RB1\nRB2 b 0 RB2\n"
                   "Q1 c b e npn\nRE e 0 RE\nRC c 0 RC\nRL c 0 RL\n")
    done = run("analyze", str(net), "--source", "Vs", "--output", "c", "--include", "rx,ro",
               "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["terms"]["rin"] > 60 and out["terms"]["rout"] > 60
    assert out["textbook"]["rin"].startswith("Rs + (RB1 || RB2 || ")
    assert out["textbook"]["rout"].startswith("RC || RL || ")
