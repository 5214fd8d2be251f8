"""The typed-answer reader of `symsig check`: its grammar, the textbook-name mapping, SI
suffixes, its limits, and hostile input (each refused in under 0.1 s, nothing executed).

Every expectation is a hand-written SymPy expression: the reading is compared with it exactly.
"""

import time

import pytest
import sympy

from symsig.check import AnswerError, Vocabulary, check, parse_answer
from symsig.forms import Par

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
gm1, rpi1, ro1, beta1, RC, RL, Rs, RE, CL, s = map(
    P, "gm1 rpi1 ro1 beta1 RC RL Rs RE CL s".split())

#: A circuit with one transistor Q1 (hybrid-π symbols) and some resistors.
ONE_Q = Vocabulary({"gm1", "rpi1", "ro1", "RC", "RL", "Rs", "RE", "CL", "s"})


def reads(text, vocabulary=ONE_Q):
    """The answer's exact value as SymPy, with ∥ written out."""
    return parse_answer(text, vocabulary).display.doit()


def same(a, b):
    return sympy.cancel(sympy.together(a - b)) == 0


@pytest.mark.parametrize("text, expected", [
    # operators and precedence: || between + and *
    ("-gm*(RC||RL)", -gm1 * RC * RL / (RC + RL)),
    ("-gm(RC||RL)", -gm1 * RC * RL / (RC + RL)),          # implicit product before (
    ("gm*RC||RL", 1 / (1 / (gm1 * RC) + 1 / RL)),          # (gm RC) || RL
    ("Rs + RC||RL", Rs + RC * RL / (RC + RL)),             # Rs + (RC || RL)
    ("RC||RL||ro", 1 / (1 / RC + 1 / RL + 1 / ro1)),
    ("-RC||RL", -RC * RL / (RC + RL)),                     # a leading minus: -(RC || RL)
    ("RC||-RL", 1 / (1 / RC - 1 / RL)),
    ("RC - RL||RE", RC - RL * RE / (RL + RE)),
    ("-RC^2", -RC**2),                                     # -(RC^2)
    ("RC*-RL*RE", -RC * RL * RE),
    ("2^-1*RC", RC / 2),                                   # the minus binds to the exponent
    ("RC**2/RL", RC**2 / RL),
    ("RC^2^1", RC**2),                                     # right-associative
    ("RC/RL/RE", RC / (RL * RE)),
    ("RC/2*RL", RC * RL / 2),
    ("(RC+RL)(RC-RL)", (RC + RL) * (RC - RL)),
    ("[RC + RL]/2", (RC + RL) / 2),
    ("2gm RC", 2 * gm1 * RC),                              # 2gm, gm RC
    ("gm ro", gm1 * ro1),
    ("1/(s*CL)", 1 / (s * CL)),
    # unicode and LaTeX
    ("−g_m (R_C ∥ R_L)", -gm1 * RC * RL / (RC + RL)),
    ("g_m·R_C", gm1 * RC),
    ("R_C²", RC**2),
    ("R_C⁻¹", 1 / RC),
    ("rπ", rpi1), ("r_π", rpi1), ("r_pi", rpi1), ("rpi", rpi1), ("r_{\\pi}", rpi1),
    ("r_π₁", rpi1), ("g_{m1}", gm1), ("gₘ", gm1), ("r_o", ro1), ("R_{C}", RC),
    ("-g_m \\left(R_C \\parallel R_L\\right)", -gm1 * RC * RL / (RC + RL)),
    ("\\beta R_E", beta1 * RE),
    ("βR_E + r_π", beta1 * RE + rpi1),                     # a Greek letter ends a name
    ("β₁", beta1), ("h_fe", beta1), ("h_ie", rpi1),
    ("2πRC", 2 * sympy.pi * RC),
    # SPICE suffixes
    ("4.7k", sympy.Integer(4700)), ("2.2meg", sympy.Integer(2200000)),
    ("10u*RC", RC / 100000), ("4.7kΩ", sympy.Integer(4700)), ("1e3", sympy.Integer(1000)),
    ("3.3µ", sympy.Rational(33, 10**7)),
])
def test_reading(text, expected):
    assert same(reads(text), expected)


def test_numbers_with_units_as_whole_answers():
    # 38.5 mA/V is g_m at 1 mA (seed documents); 2.6 kΩ is r_π at β = 100.
    assert parse_answer("38.5 mA/V").expr == sympy.Rational(385, 10000)
    assert parse_answer("2.6 kΩ").expr == 2600
    assert parse_answer("13.3 Ω").expr == sympy.Rational(133, 10)
    assert parse_answer("100 kohm").expr == 100000
    assert parse_answer("2.6 kΩ").unit == (1, 0, 0)
    assert parse_answer("26 mS").unit == (-1, 0, 0)


def test_beta_means_gm_rpi_when_the_result_has_no_beta():
    # The result has g_m1 and r_π1; β1 = g_m1 r_π1 (DESIGN §2), so β R_C/r_π is g_m R_C.
    r = check("beta*R_C/r_pi", gm1 * RC, names={"gm1", "rpi1", "RC"})
    assert r.verdict == "equivalent"
    assert any("β1 = g_m1·r_π1" in a for a in r.assumptions)
    # and α/g_m is r_e, I_C/V_T is g_m (T model and bias relations)
    assert check("alpha/g_m", rpi1 / (1 + gm1 * rpi1), names={"gm1", "rpi1"}).verdict == \
        "equivalent"
    assert check("I_C/V_T", gm1, names={"gm1", "rpi1"}).verdict == "equivalent"


def test_textbook_names_map_to_the_circuits_symbols():
    a = parse_answer("-g_m (R_C ∥ r_o)", ONE_Q)
    assert a.names == {"g_m": "gm1", "R_C": "RC", "r_o": "ro1"}
    assert a.symbols == {"gm1", "RC", "ro1"}


def test_ambiguous_device_names_list_the_devices():
    two = Vocabulary({"gm1", "ro1", "gm2", "ro2", "rpi1", "rpi2"})
    with pytest.raises(AnswerError, match="ambiguous.*ro1, ro2"):
        parse_answer("r_o", two)
    assert parse_answer("r_o2", two).symbols == {"ro2"}


@pytest.mark.parametrize("text, message", [
    ("gmRC", r"did you mean gm\*RC\?"),
    ("rc", r"did you mean 'RC'\? names are case-sensitive"),
    ("R_X", r"unknown name 'R_X'.*this circuit's names are CL, RC, RE, RL, Rs, gm1"),
    ("r_pi2", r"did you mean 'rpi1'"),
    ("1/2gm", r"ambiguous \(an implicit product right after a division\)"),
    ("2M", r"ambiguous: SPICE reads M as milli; write 2meg"),
    ("RC RL 2", r"a number \(2\) follows a value"),
    ("RC^n", r"unknown name 'n'|exponent must be a number"),
    ("RC^0.5", r"not a whole number"),
    ("RC^65", r"exponent 65 is too large"),
    ("RC|RL", r"write \|\| for parallel"),
    ("Av = gm*RC", r"write only the right-hand side"),
    ("(RC+RL", r"missing '\)'"),
    ("RC+RL)", r"unbalanced"),
    ("(RC+RL]", r"closes a bracket opened with '\('"),
    ("RC +", r"ends where a value is expected"),
    ("", r"empty"),
    ("omega*CL", r"write s for the Laplace variable"),
    ("1e400", r"out of range"),
    ("RC/0", r"division by zero"),
    ("\\frac{1}{RC}", r"\\frac is not read"),
])
def test_errors_say_what_is_wrong(text, message):
    with pytest.raises(AnswerError, match=message):
        parse_answer(text, ONE_Q)


def test_unknown_names_are_accepted_when_asked():
    v = Vocabulary({"RC"}, allow_unknown=True)
    assert parse_answer("R_X + RC", v).symbols == {"RX", "RC"}


def test_division_by_an_expression_that_is_zero():
    with pytest.raises(AnswerError, match="divides by zero"):
        check("1/(RC - RC)", RC, names={"RC"})


def test_ambiguous_suffix_and_name():
    v = Vocabulary({"m", "RC"})
    with pytest.raises(AnswerError, match="2m is ambiguous"):
        parse_answer("2m", v)
    assert parse_answer("2*m", v).symbols == {"m"}


def test_the_parallel_reading_note():
    a = parse_answer("gm RC || RL", ONE_Q)
    assert a.notes and "binds looser than a product" in a.notes[0]
    assert parse_answer("gm (RC || RL)", ONE_Q).notes == []


def test_latex_of_the_answer_as_typed():
    assert parse_answer("-g_m (R_C ∥ R_L)", ONE_Q).latex == \
        r"- g_{m1} \left(R_{C} \parallel R_{L}\right)"
    assert isinstance(parse_answer("RC||RL", ONE_Q).display, Par)


HOSTILE = [
    "__import__('os').system('x')",
    "9**9**9**9",
    "(" * 10_000 + "RC" + ")" * 10_000,
    "(" * 900 + "RC" + ")" * 900,                     # within the length limit: nesting
    "x" * 1_000_000,
    "RC" + "+RC" * 400,                               # long, but a plain sum: fine
    "(RC+RL+RE+Rs)^64*(RC+RL+RE+Rs)^64",              # expansion size
    "((RC+RL)^64)^64",
    "2^64^64",
    "1" + "0" * 1500,
    "lambda: 0", "eval('1')", "RC.__class__", "RC; import os", "exec", "\x00RC",
    "RC" * 1000,
    "-" * 1990 + "RC",
    "((((((((((((((((((((((((((RC))))))))))))))))))))))))))",
]


@pytest.mark.parametrize("text", HOSTILE, ids=[f"hostile{i}" for i in range(len(HOSTILE))])
def test_hostile_answers_are_refused_fast(text):
    start = time.perf_counter()
    try:
        parse_answer(text, ONE_Q)
        refused = None
    except AnswerError as exc:
        refused = str(exc)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.1, f"{elapsed:.3f} s"
    if text.startswith("RC+RC"):
        assert refused is None  # long but harmless: read
    elif not text.startswith("-" * 10):
        assert refused, "refused with a message"


def test_nothing_is_executed(tmp_path, monkeypatch):
    # Were the text evaluated, this would create a file.
    marker = tmp_path / "pwned"
    monkeypatch.chdir(tmp_path)
    for text in (f"__import__('pathlib').Path('{marker}').touch()",
                 "open('pwned','w')", "exec(\"open('pwned','w')\")"):
        with pytest.raises(AnswerError):
            parse_answer(text, Vocabulary((), allow_unknown=True))
    assert not marker.exists()
