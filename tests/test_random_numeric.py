"""500 random numeric linear circuits: gain, R_in and R_out, exact zeros and infinities included.

Source of the expectation: `tests/randnumeric.py`'s own MNA stamps solved with `fractions.Fraction`
Gaussian elimination at rational values of s (no symsig code involved). About half of the circuits
are degenerate on purpose (a result exactly 0, infinite or not defined). Exact equality
throughout, at each s point. The command line (`symsig analyze`, text and --json) gets the same
circuits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from fractions import Fraction

import pytest
import sympy

from symsig import parse, rin, rout, transfer
from symsig.cli import main
from symsig.errors import NotDefined
from tests.randnumeric import Ref, generate, reference

SEEDS = range(500)
CLI_EVERY = 1  # the command line on every seed: ~15 s of the ~25 s (raise it if CI is slow)
S = sympy.Symbol("s")


def _reference(seed: int) -> dict[str, Ref]:
    if seed not in _REFS:
        _REFS[seed] = reference(generate(seed))
    return _REFS[seed]


_REFS: dict[int, dict[str, Ref]] = {}


def _expected(ref: Ref) -> str:
    if ref.kind != "value":
        return {"infinite": "infinite", "undefined": "not defined"}[ref.kind]
    return "0" if ref.zero else ", ".join(f"{v} at s={s}" for s, v in ref.values.items())


def _describe(seed: int, key: str | None = None) -> str:
    case = generate(seed)
    ref = _reference(seed)
    keys = [key] if key else list(ref)
    expected = "; ".join(f"{k} {_expected(ref[k])}" for k in keys)
    return (f"seed {seed}: expected {expected}\nsource {case.source}, output {case.output}, "
            f"input node {case.rin_node}, load {case.load}\n{case.netlist}")


def _check_library(key: str, compute, ref: Ref, where: str) -> None:
    try:
        got = compute()
    except NotDefined as exc:
        if ref.kind == "undefined":
            return
        pytest.fail(f"NotDefined ({exc})\n{where}")
    except Exception as exc:  # any other error: name the seed, print the netlist
        pytest.fail(f"{type(exc).__name__}: {exc}\n{where}")
    if ref.kind == "undefined":
        pytest.fail(f"got {got} instead of NotDefined\n{where}")
    if ref.kind == "infinite":
        assert got.is_infinite, f"got {got}\n{where}"
        return
    assert not got.is_infinite, f"got oo\n{where}"
    assert got.is_zero == ref.zero, f"got {got} (is_zero {got.is_zero})\n{where}"
    for s, expected in ref.values.items():
        at = got.substitute({"s": s})
        assert at.is_number and not at.is_infinite, f"got {got}, at s={s}: {at}\n{where}"
        value = sympy.Rational(at.expr)
        assert Fraction(int(value.p), int(value.q)) == expected, (
            f"got {got}, at s={s}: {value}\n{where}")


@pytest.mark.parametrize("seed", SEEDS)
def test_library(seed):
    case = generate(seed)
    ref = _reference(seed)
    circuit = parse(case.netlist)
    checks = {
        "gain": lambda: transfer(circuit, case.output, case.source),
        "rin": lambda: rin(circuit, case.source, case.input_node),
        "rout": lambda: rout(circuit, case.output, case.load),
    }
    for key, compute in checks.items():
        _check_library(key, compute, ref[key], _describe(seed, key))


def _check_json(key: str, out: dict, ref: Ref, where: str) -> None:
    text = out[key]
    if ref.kind == "undefined":
        assert text is None, f"JSON {key} = {text!r}\n{where}"
        assert out.get("not_defined", {}).get(key), f"no reason under not_defined\n{where}"
        return
    assert isinstance(text, str), f"JSON {key} = {text!r}\n{where}"
    expr = sympy.parse_expr(text, local_dict={"s": S})
    # element values written as names (R1 = 330meg prints as R1) go in from "values", exactly
    expr = expr.subs({sympy.Symbol(k): sympy.sympify(v) for k, v in out["values"].items()})
    if ref.kind == "infinite":
        assert expr == sympy.oo, f"JSON {key} = {text!r}\n{where}"
        return
    assert (expr == 0) == ref.zero, f"JSON {key} = {text!r}\n{where}"
    for s, expected in ref.values.items():
        value = expr.subs(S, sympy.Rational(s.numerator, s.denominator))
        assert value == sympy.Rational(expected.numerator, expected.denominator), (
            f"JSON {key} = {text!r}, at s={s}: {value}\n{where}")


@pytest.mark.parametrize("seed", [s for s in SEEDS if s % CLI_EVERY == 0])
def test_command_line(seed, tmp_path, capsys):
    case = generate(seed)
    ref = _reference(seed)
    path = tmp_path / "circuit.cir"
    path.write_text(case.netlist)
    where = _describe(seed)

    code = main([*case.cli_args(str(path)), "--json"])
    captured = capsys.readouterr()
    assert code == 0, f"exit {code}: {captured.err}\n{where}"
    out = json.loads(captured.out)
    for key in ("gain", "rin", "rout"):
        _check_json(key, out, ref[key], _describe(seed, key))
    undefined = {k for k, r in ref.items() if r.kind == "undefined"}
    assert set(out.get("not_defined", {})) == undefined, f"{out}\n{where}"

    code = main(case.cli_args(str(path)))
    captured = capsys.readouterr()
    assert code == 0, f"exit {code}: {captured.err}\n{where}"
    text = captured.out + captured.err
    for bad in ("Traceback", "zoo", "nan"):
        assert not re.search(rf"\b{bad}\b", text), f"{bad!r} in the output:\n{text}\n{where}"
    assert ("not defined" in captured.out) == any(r.kind == "undefined" for r in ref.values()), (
        f"{captured.out}\n{where}")


def test_degenerate_share():
    """At least 20 % of the circuits have a result that is exactly 0, infinite or not defined,
    and every kind of degenerate result occurs."""
    kinds = Counter()
    degenerate = 0
    for seed in SEEDS:
        found = set()
        for key, r in _reference(seed).items():
            kind = "zero" if r.kind == "value" and r.zero else r.kind
            kinds[key, kind] += 1
            if kind != "value":
                found.add(kind)
        degenerate += bool(found)
    assert degenerate >= 0.2 * len(SEEDS), (degenerate, kinds)
    for key in ("rin", "rout"):
        for kind in ("zero", "infinite", "undefined"):
            assert kinds[key, kind] >= 5, (key, kind, kinds)
    assert kinds["gain", "zero"] >= 50, kinds
