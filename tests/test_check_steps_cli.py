"""Step checking of derivations, and `symsig check` end to end (in-process, JSON read back).

Expectations are hand-written: each derivation below is written by hand, its wrong line made
wrong on purpose (a sign dropped, β for β+1, a term dropped); the CLI's expected results are the
textbook formulas stated beside each command.
"""

import json

import pytest
import sympy

from symsig import amplifier, parse
from symsig.check import check, check_steps
from symsig.cli import main

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731

CE = """CE with r_o, R_s, R_L (hybrid-pi written out)
Vs s 0 AC 1
Rs s b Rs
Rpi b 0 rpi
G1 c 0 b 0 gm
Ro c 0 ro
RC c 0 RC
RL c 0 RL
.param gm={1m/26m} rpi={100/gm} ro=100k RC=4.7k RL=10k Rs=1k
"""


@pytest.fixture(scope="module")
def ce():
    c = parse(CE)
    # Sedra/Smith: A_v = -g_m (r_o || R_C || R_L) r_pi/(r_pi + R_s)
    return amplifier(c, "Vs", "c", input_node="b", load="RL"), {str(x) for x in c.symbols()}


# --- steps ----------------------------------------------------------------------------------

RIGHT = """A_v = -g_m (r_o ∥ R_C ∥ R_L) · r_π/(r_π + R_s)
      = -g_m r_π (r_o ∥ R_C ∥ R_L)/(r_π + R_s)
      = -β (r_o ∥ R_C ∥ R_L)/(r_π + R_s)
      ≈ -β (R_C ∥ R_L)/(r_π + R_s)"""


def test_a_right_derivation(ce):
    amp, names = ce
    steps = check_steps(RIGHT, amp.gain, names=names)
    assert steps.ok and steps.first_error is None
    assert [s.ok for s in steps.steps] == [True, True, True, True]
    assert steps.steps[3].approximate and "r_o → ∞" in steps.steps[3].message


def test_the_first_wrong_line_is_named_with_what_changed(ce):
    amp, names = ce
    wrong = RIGHT.replace("= -β (r_o", "= β (r_o")  # line 3 drops the sign
    steps = check_steps(wrong, amp.gain, names=names)
    assert steps.first_error.line == 3 and not steps.ok
    assert steps.first_error.changes[0].kind == "sign"
    assert "sign error" in steps.first_error.message


def test_an_approximation_without_the_approximate_sign(ce):
    amp, names = ce
    steps = check_steps(RIGHT.replace("≈", "="), amp.gain, names=names)
    assert steps.first_error.line == 4
    assert "r_o → ∞ only" in steps.first_error.message and "≈" in steps.first_error.message


@pytest.mark.parametrize("lines, kind, words", [
    (["R_in = r_π + (β+1) R_E", "= r_π + β R_E"], "beta_plus_one", "β+1 belongs"),
    (["g_m R_C + g_m r_o", "= g_m R_C"], "term", "the term g_m·r_o is missing"),
    (["g_m R_C", "= g_m R_C + g_m r_o"], "term", "the term g_m·r_o should not be there"),
    (["A = -g_m R_C", "= -g_m R_E"], "replaced", "R_C belongs where this step has R_E"),
    (["R_C R_E/(R_C + R_E)", "= R_E R_C/(R_E + R_C) + 0", "= R_C R_E/(R_C - R_E)"], "term",
     None),
    (["g_m R_C r_o/(R_C + r_o)", "= g_m R_C/(R_C + r_o)"], "dimension", "S (a conductance)"),
    (["(1 + g_m R_E) r_o", "= 2 (1 + g_m R_E) r_o"], "factor", "factor 2"),
    (["(R_C + R_E)/(g_m R_E)", "= (R_C + R_E)"], "term", "the factor R_E·g_m is missing"),
    (["g_m R_C/(1 + g_m R_E)", "= R_C/(1 + g_m R_E)"], "term", "the factor g_m is missing"),
    (["R_C g_m^2", "= R_C g_m"], "symbol_factor", "a factor g_m missing"),
])
def test_what_changed_between_steps(lines, kind, words):
    steps = check_steps(lines)
    bad = steps.first_error
    assert bad is not None and bad.line == len(lines)
    assert kind in [d.kind for d in bad.changes], bad.message
    if words:
        assert words in bad.message


def test_steps_as_a_list_with_labels_and_chains():
    steps = check_steps(["R_out = r_o ∥ R_C = R_C r_o/(R_C + r_o)", "= 1/(1/R_C + 1/r_o)"])
    assert steps.ok and len(steps.steps) == 3


def test_an_unreadable_step_is_the_first_error():
    steps = check_steps(["g_m R_C", "= g_m R_C)"])
    assert steps.first_error.line == 2 and steps.first_error.verdict == "unreadable"


# --- the command line --------------------------------------------------------------------------

def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_text(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, out, err = run(capsys, "check", str(path), "--quantity", "gain", "--source", "Vs",
                         "--output", "c", "--answer", "-gm*(RC||RL||ro)*rpi/(rpi+Rs)",
                         "--answer", "-gm*(RC||ro)*rpi/(rpi+Rs)")
    assert code == 0 and err == ""
    assert "verdict: equivalent (passes)" in out
    assert "R_L is missing" in out and "counterexample: at " in out


def test_cli_check_json_reads_back(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, out, _ = run(capsys, "check", str(path), "--quantity", "gain", "--source", "Vs",
                       "--output", "c", "--answer", "-gm(RC||RL)", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["verdict"] == "not_equivalent" and doc["passed"] is False
    names = {n: P(n) for n in doc["symbols"]}
    expected = sympy.parse_expr(doc["expected"], local_dict=names)
    # Sedra/Smith's A_v, by hand
    gm, rpi, ro, RC, RL, Rs = (names[n] for n in ("gm", "rpi", "ro", "RC", "RL", "Rs"))
    hand = -gm * rpi / (rpi + Rs) / (1 / ro + 1 / RC + 1 / RL)
    assert sympy.cancel(expected - hand) == 0
    answer = doc["answers"][0]
    assert sympy.cancel(sympy.parse_expr(answer["answer"], local_dict=names)
                        - (-gm * RC * RL / (RC + RL))) == 0
    assert answer["answer_latex"] == r"- g_{m} \left(R_{C} \parallel R_{L}\right)"
    ce = doc["counterexample"]
    assert set(ce) >= {"values", "answer", "expected", "relative_error", "text"}
    assert any(d["kind"] == "missing" and d["details"]["element"] == "Rs"
               for d in doc["diagnosis"])
    assert "though equal as r_o → ∞, then β → ∞" in doc["reasons"]


def test_cli_limits_tolerance_and_forms(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    base = ["check", str(path), "--source", "Vs", "--output", "c"]
    # R_out = R_C || r_o; R_C alone is right as r_o -> oo, which --limit ro allows
    code, out, _ = run(capsys, *base, "--quantity", "rout", "--load", "RL", "--answer", "RC",
                       "--limit", "ro", "--json")
    doc = json.loads(out)
    assert doc["passed"] and doc["verdict"] == "equivalent_in_limit"
    assert doc["assumptions"] == ["r_o → ∞"]
    # the numbers of the .param line: -86 is within 1 % of the gain there (-86.06)
    code, out, _ = run(capsys, *base, "--quantity", "gain", "--answer", "-86",
                       "--tolerance", "0.01", "--json")
    doc = json.loads(out)
    assert doc["verdict"] == "approximately_equal" and doc["passed"]
    # a form requirement
    code, out, _ = run(capsys, *base, "--quantity", "rout", "--load", "RL",
                       "--answer", "RC*ro/(RC+ro)", "--require", "uses ||", "--json")
    doc = json.loads(out)
    assert doc["verdict"] == "equivalent" and not doc["passed"]


def test_cli_rin_and_a_two_port_parameter(tmp_path, capsys):
    path = tmp_path / "q.cir"
    path.write_text("BJT\nVs b 0 AC 1\nQ1 c b 0\nRL c 0 RL\n")
    # h21 = beta = g_m r_pi (the seed documents: h_fe is the small-signal beta)
    code, out, _ = run(capsys, "check", str(path), "--quantity", "h21", "--port1", "b,0",
                       "--port2", "c,0", "--answer", "h_fe", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "equivalent"
    code, out, _ = run(capsys, "check", str(path), "--quantity", "rin", "--source", "Vs",
                       "--answer", "beta/g_m", "--json")
    assert json.loads(out)["verdict"] == "equivalent"


def test_cli_transfer_function_with_s(tmp_path, capsys):
    path = tmp_path / "rc.cir"
    path.write_text("RC low-pass\nVin in 0 AC 1\nR1 in out R\nC1 out 0 C\n")
    # H(s) = 1/(1 + sRC)
    code, out, _ = run(capsys, "check", str(path), "--quantity", "H", "--source", "Vin",
                       "--output", "out", "--answer", "1/(1 + s R C)",
                       "--answer", "1/(1 + R/(s C))", "--json")
    doc = json.loads(out)
    assert [a["verdict"] for a in doc["answers"]] == ["equivalent", "not_equivalent"]
    assert "frequency" in doc["answers"][1]["counterexample"]
    assert any(d["kind"] == "dimension" for d in doc["answers"][1]["diagnosis"])


@pytest.mark.parametrize("args, message", [
    (["--answer", "__import__('os')"], "unexpected character '_'"),
    (["--answer", "gmRC"], "did you mean gm*RC?"),
    (["--answer", "9**9**9**9"], "exponent 387420489 is too large"),
    (["--answer", "1", "--limit", "foo"], "limit foo: no symbol 'foo'"),
    (["--answer", "1", "--require", "pretty"], "unknown form requirement"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys, args, message):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, out, err = run(capsys, "check", str(path), "--quantity", "gain", "--source", "Vs",
                         "--output", "c", *args)
    assert code == 2 and out == ""
    assert err.startswith("symsig: error: ") and err.count("\n") == 1 and message in err


def test_cli_needs_what_the_quantity_needs(tmp_path, capsys):
    path = tmp_path / "ce.cir"
    path.write_text(CE)
    code, _, err = run(capsys, "check", str(path), "--quantity", "gain", "--answer", "1")
    assert code == 2 and "needs --source" in err


def test_library_check_dataclass(ce):
    amp, names = ce
    r = check("-gm*(ro||RC||RL)*rpi/(rpi+Rs)", amp.gain, names=names)
    assert r.verdict == "equivalent" and r.passed and r.counterexample is None
    d = r.to_dict()
    assert d["answer_latex"].startswith("- \\frac{")
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d


def test_the_module_is_callable_and_takes_a_circuit_for_names():
    import symsig.check

    c = parse(CE)
    gain = amplifier(c, "Vs", "c", input_node="b", load="RL").gain
    r = symsig.check("-g_m (R_C || R_L || r_o) r_π/(r_π + R_s)", gain, names=c)
    assert r.verdict == "equivalent"
    assert symsig.check.check("r_pi", amplifier(c, "Vs", "c", "b").rin, names=c).passed
    assert symsig.check.grade("R_C || r_o", "RC*ro/(RC+ro)")["score"] == 1.0
