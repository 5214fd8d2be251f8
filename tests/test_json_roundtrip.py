"""`--json` results read back with SymPy exactly, the way the README says, whatever the names.

Independent check: the same circuits solved by SymPy's own linear algebra (sympy.Matrix
LUsolve on the nodal equations written by hand here), compared with what the JSON text reads
back to; and numbers compared with values computed here in double precision.
"""

from __future__ import annotations

import json

import pytest
import sympy

from symsig.cli import main

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731

# Names SymPy's parser would read as something else: functions (beta, gamma), constants (E,
# I, S, N, Q, pi's neighbours), and lambda, a Python keyword (a MOSFET named plain M has it).
SPECIAL = ["beta", "gamma", "E", "I", "S", "N", "Q", "lambda", "zeta", "O", "C"]


def read(text: str, symbols: list[str]) -> sympy.Expr:
    return sympy.parse_expr(text, local_dict={n: P(n) for n in symbols})


def cli_json(capsys, tmp_path, netlist: str, *args: str) -> dict:
    path = tmp_path / "c.cir"
    path.write_text(netlist)
    assert main(["analyze", str(path), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", SPECIAL)
def test_every_special_name_reads_back_as_a_plain_symbol(capsys, tmp_path, name):
    # a divider whose lower resistor is the special name: v(b)/V1 = X/(R1 + X)
    netlist = f"divider\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 {name}\n"
    out = cli_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "b")
    x, r1 = P(name), P("R1")
    assert sorted(out["symbols"]) == sorted({"R1", name})
    gain = read(out["gain"], out["symbols"])
    assert all(isinstance(a, sympy.Symbol) for a in gain.free_symbols)
    assert sympy.cancel(gain - x / (r1 + x)) == 0
    assert sympy.cancel(read(out["rout"], out["symbols"]) - r1 * x / (r1 + x)) == 0


def test_all_special_names_at_once_against_sympys_own_solve(capsys, tmp_path):
    netlist = ("ladder of special names\nV1 a 0 AC 1\nR1 a b beta\nR2 b 0 gamma\nR3 b c E\n"
               "R4 c 0 I\nG1 c 0 b 0 S\nR5 c d N\nR6 d 0 Q\nR7 d e lambda\nR8 e 0 zeta\n")
    out = cli_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "e")
    beta, gamma, e_, i_, s_, n_, q_, lam, zeta = map(
        P, "beta gamma E I S N Q lambda zeta".split())
    # nodal equations at b, c, d, e with v(a) = 1, written by hand; G1 draws S*v(b) from c
    vb, vc, vd, ve = sympy.symbols("vb vc vd ve")
    eqs = [
        (vb - 1) / beta + vb / gamma + (vb - vc) / e_,
        (vc - vb) / e_ + vc / i_ + s_ * vb + (vc - vd) / n_,
        (vd - vc) / n_ + vd / q_ + (vd - ve) / lam,
        (ve - vd) / lam + ve / zeta,
    ]
    expected = sympy.solve(eqs, [vb, vc, vd, ve], dict=True)[0][ve]
    got = read(out["gain"], out["symbols"])
    assert sympy.cancel(got - expected) == 0


def test_imaginary_unit_and_a_symbol_named_i_do_not_mix(capsys, tmp_path):
    # the AC phase of 90 degrees makes the measured node voltage j*...; a resistor is named I
    netlist = "phase\nV1 a 0 AC 1 90\nR1 a b I\nR2 b 0 R2\n"
    path = tmp_path / "c.cir"
    path.write_text(netlist)
    from symsig import measure, parse

    value = measure(parse(netlist), "b").expr  # j*R2/(I + R2), I the resistor
    assert value.has(sympy.I)
    from symsig.forms.text import exact_text

    text = exact_text(value, {"I", "R2"})
    back = read(text, ["I", "R2"])
    assert sympy.simplify(back - value) == 0
    assert "sqrt(-1)" in text


def test_numbers_keep_every_digit(capsys, tmp_path):
    netlist = "thirds\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 R2\n.param R1=1 R2=2\n"
    out = cli_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "b")
    assert out["numeric"]["gain"] == 2 / 3  # a JSON number with all 17 digits
    assert read(out["values"]["R1"], []) == 1
    # a float that needs all 17 significant digits survives the trip
    netlist = "float\nV1 a 0 AC 1\nR1 a b R1\nR2 b 0 1\n"
    out = cli_json(capsys, tmp_path, netlist, "--source", "V1", "--output", "b", "--subs",
                   "R1={1/3}")
    assert out["numeric"]["gain"] == 1 / (1 + 1 / 3)


def test_device_symbols_read_back_including_plain_m_lambda(capsys, tmp_path):
    netlist = "CS with a plain M\nVDD vdd 0 VDD\nVG g 0 VG\nM d g 0\nRD vdd d RD\n"
    path = tmp_path / "m.cir"
    path.write_text(netlist)
    assert main(["op", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ro = out["devices"]["M"]["small_signal"]["ro"]
    assert "Symbol('lambda', positive=True)" in ro
    back = sympy.parse_expr(ro, local_dict={"ID": P("ID")})
    assert P("lambda") in back.free_symbols
