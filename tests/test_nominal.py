"""Approximations past exact reach (analysis/nominal.py): on circuits whose exact result symsig
can still compute, the approximation and the error it reports are checked against that exact
result evaluated at the same numbers (the exact solver is itself checked against ngspice in
test_ngspice.py), with the approximation read back through SymPy's own substitution of its
expressions, not through the numpy path that chose the terms."""

import cmath
import json
import math
import sys
from pathlib import Path

import pytest
import sympy

from symsig import param_values, parse, rin, rout, transfer
from symsig.analysis import nominal
from symsig.cli import analyze as analyze_cli
from symsig.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from amplifiers import chain  # noqa: E402

_AT: dict = {}


def exact_at(r, values, f):
    """The exact result at the numbers and s = j·2πf (complex), by its own polynomials: the
    numbers put in exactly (once), then s."""
    key = (id(r), tuple(sorted(values.items())))
    if key not in _AT:
        _AT[key] = (r, r.substitute(values))
    return complex(_AT[key][1].evaluate({}, s=2j * math.pi * f))


def estimate_at(est, values, f):
    """The estimate at the numbers and s = j·2πf, by substituting into its expressions."""
    sub = {k: sympy.Float(v, 30) for k, v in values.items()}
    sub["s"] = sympy.I * 2 * sympy.pi * f
    known = {}

    def at(e):
        return e.xreplace({x: known[x] if x in known else sub[str(x)] for x in e.free_symbols})

    for k, e in est.definitions:
        known[k] = sympy.N(at(e), 25)
    return complex(sympy.N(at(est.expr), 20))


def grid(est, count=7):
    lo, hi = est.band
    return [lo * (hi / lo) ** (k / (count - 1)) for k in range(count)]


@pytest.fixture(scope="module")
def amp4():
    text, out = chain(4, seed=3)
    circuit = parse(text)
    return circuit, out, {k: float(v) for k, v in param_values(circuit).items()}


@pytest.mark.parametrize("route", ["expanded", "sequence"])
def test_estimate_is_within_its_reported_error_of_the_exact_result(monkeypatch, amp4, route):
    circuit, out, values = amp4
    if route == "sequence":
        monkeypatch.setattr(nominal, "EXPANDED_TERMS", 0)
    else:
        monkeypatch.setattr(nominal, "EXPANDED_TERMS", 10**7)
    est = nominal.estimate_transfer(circuit, out, "Vs", values, eps=0.05)
    assert (est.value is None) == (route == "sequence")
    assert est.error <= 0.05
    exact = transfer(circuit, out, "Vs")
    worst = 0.0
    for f in grid(est):
        want = exact_at(exact, values, f)
        got = estimate_at(est, values, f)
        worst = max(worst, abs(got / want - 1))
    assert worst <= est.error * 1.000001 + 1e-12  # the reported error covers these points
    assert est.terms < exact.terms


def test_a_stage_chain_comes_out_as_a_sequence_of_expressions(monkeypatch, amp4):
    """Past the expanded form's size: one short expression per node or so, not millions of
    terms; each definition is used, and only circuit symbols, s and earlier names occur."""
    circuit, out, values = amp4
    monkeypatch.setattr(nominal, "EXPANDED_TERMS", 0)
    est = nominal.estimate_transfer(circuit, out, "Vs", values, eps=0.05)
    names = {str(x) for x in circuit.symbols()} | {"s"}
    seen = set()
    for k, e in est.definitions:
        assert {str(x) for x in e.free_symbols} <= names | seen, k
        seen.add(str(k))
    assert len(est.definitions) <= 4 * 4
    assert {str(x) for x in est.expr.free_symbols} <= names | seen


@pytest.mark.parametrize("which", ["rin", "rout"])
def test_impedances_are_estimated_too(amp4, which):
    circuit, out, values = amp4
    if which == "rin":
        est = nominal.estimate_impedance(circuit, "s", values, ("Vs",), eps=0.05)
        exact = rin(circuit, "Vs")
    else:
        est = nominal.estimate_impedance(circuit, out, values, eps=0.05)
        exact = rout(circuit, out)
    assert est.error <= 0.05
    for f in grid(est, 5):
        assert abs(estimate_at(est, values, f) / exact_at(exact, values, f) - 1) <= \
            est.error * 1.000001 + 1e-12


def test_the_band_ends_where_the_gain_has_fallen_20_db(amp4):
    """The stated band: from 1 Hz to the first frequency past the peak where |H| is 20 dB
    under it (checked on the exact result)."""
    circuit, out, values = amp4
    est = nominal.estimate_transfer(circuit, out, "Vs", values, eps=0.05)
    exact = transfer(circuit, out, "Vs")
    lo, hi = est.band
    assert lo == 1.0
    peak = max(abs(exact_at(exact, values, f)) for f in grid(est, 25))
    assert abs(exact_at(exact, values, hi)) <= peak * 10 ** (-20 / 20) * 1.0001
    assert abs(exact_at(exact, values, hi / 10 ** 0.2)) > peak * 10 ** (-20 / 20)


def test_missing_or_zero_values_are_refused_with_a_name(amp4):
    circuit, out, values = amp4
    some = dict(values)
    del some["gm3"]
    with pytest.raises(nominal.AnalysisError, match="gm3"):
        nominal.estimate_transfer(circuit, out, "Vs", some)
    with pytest.raises(nominal.AnalysisError, match="ro2"):
        nominal.estimate_transfer(circuit, out, "Vs", {**values, "ro2": 0})


def test_cli_estimates_what_is_past_its_budget(monkeypatch, tmp_path, capsys, amp4):
    """With numbers, a result past the command's budget is approximated, not an error; the
    JSON carries the expressions, which read back (SymPy's parser) to within the error."""
    circuit, out, values = amp4
    text, _ = chain(4, seed=3)
    net = tmp_path / "amp.cir"
    net.write_text(text)
    monkeypatch.setattr(analyze_cli, "NUMBERED_BUDGET", 50)
    assert main(["analyze", str(net), "--source", "Vs", "--output", out]) == 0
    shown = capsys.readouterr().out
    assert f"gain v({out})/Vs ~ " in shown and "measured at" in shown, shown
    assert main(["analyze", str(net), "--source", "Vs", "--output", out, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["gain"] is None and "gain" in doc["too_large"]
    est = doc["estimates"]["gain"]
    local = {n: sympy.Symbol(n) for n in [*values, "s", *est["definitions"]]}
    exact = transfer(circuit, out, "Vs")
    lo, hi = est["band_hz"]
    for f in (lo, math.sqrt(lo * hi), hi):
        sub = {sympy.Symbol(k): v for k, v in values.items()}
        sub[sympy.Symbol("s")] = 2j * cmath.pi * f
        known = {}
        for k, e in est["definitions"].items():
            known[sympy.Symbol(k)] = complex(sympy.parse_expr(e, local_dict=local)
                                             .xreplace({**sub, **known}))
        got = complex(sympy.parse_expr(est["value"], local_dict=local).xreplace({**sub, **known}))
        assert abs(got / exact_at(exact, values, f) - 1) <= est["error"] * 1.0001 + 1e-12


def test_cli_exact_ignores_estimates(monkeypatch, tmp_path, capsys, amp4):
    _, out, _ = amp4
    text, _ = chain(2, seed=3)
    net = tmp_path / "amp.cir"
    net.write_text(text)
    monkeypatch.setattr(analyze_cli, "NUMBERED_BUDGET", 5)
    assert main(["analyze", str(net), "--source", "Vs", "--output", "e2", "--exact"]) == 0
    assert " ~ " not in capsys.readouterr().out


def test_cli_says_too_large_not_undefined(monkeypatch, tmp_path, capsys, amp4):
    """--approx needs the exact result: past the budget the line says so (not 'not
    defined'), and the other results still print."""
    _, out, _ = amp4
    text, _ = chain(4, seed=3)
    net = tmp_path / "amp.cir"
    net.write_text(text)
    monkeypatch.setattr(analyze_cli, "NUMBERED_BUDGET", 50)
    assert main(["analyze", str(net), "--source", "Vs", "--output", out, "--approx",
                 "ro=oo"]) == 0
    shown = capsys.readouterr().out
    assert f"gain v({out})/Vs: too large: " in shown and "--approx needs the exact" in shown


def test_cli_latex_of_an_estimate(monkeypatch, tmp_path, capsys, amp4):
    _, out, _ = amp4
    text, _ = chain(4, seed=3)
    net = tmp_path / "amp.cir"
    net.write_text(text)
    monkeypatch.setattr(analyze_cli, "NUMBERED_BUDGET", 50)
    monkeypatch.setattr(nominal, "EXPANDED_TERMS", 0)  # the sequence, with its definitions
    assert main(["analyze", str(net), "--source", "Vs", "--output", out, "--latex"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("A_v"))
    assert line.startswith(r"A_v \approx ") and r" \quad\text{where } Y_{1} = " in line
    assert "\\\\" not in line
