"""Element values (symsig.circuit.values): exact readings written out by hand, and every limit and
failure class refused with a clear NetlistError, fast (each hostile case runs under a hang guard).
"""

import math
import time
from fractions import Fraction

import pytest
import sympy

from symsig.circuit import values as V
from symsig.circuit.values import (
    parse_expression,
    parse_number,
    parse_number_value,
    parse_value,
    resolve,
    symbol,
    to_expr,
)
from symsig.errors import NetlistError

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
a, b, c, R, R1, R2, L, C, RE = (P(n) for n in ("a", "b", "c", "R", "R1", "R2", "L", "C", "RE"))
FAST = 1.0  # seconds: a hang guard, not a benchmark (these take milliseconds)


def timed(fn, *args, **kw):
    start = time.perf_counter()
    try:
        return fn(*args, **kw)
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < FAST, f"took {elapsed:.2f} s"


def refused(fn, *args, words: str, **kw) -> NetlistError:
    """fn(*args) raises NetlistError, fast, with a message matching `words` (a regex)."""
    with pytest.raises(NetlistError, match=f"(?i){words}") as info:
        timed(fn, *args, **kw)
    return info.value


# -- 1. real values read exactly -----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("4.7k", sympy.Integer(4700)),
    ("2meg", sympy.Integer(2_000_000)),
    ("2MEG", sympy.Integer(2_000_000)),
    ("2.2meg", sympy.Integer(2_200_000)),
    ("10u", sympy.Rational(1, 100_000)),
    ("10uF", sympy.Rational(1, 100_000)),
    ("1e-3", sympy.Rational(1, 1000)),
    ("1E+3", sympy.Integer(1000)),
    ("1e-15", sympy.Rational(1, 10**15)),
    ("1e3k", sympy.Integer(10**6)),
    ("1M", sympy.Rational(1, 1000)),  # SPICE: M is milli
    ("1F", sympy.Rational(1, 10**15)),  # SPICE: F is femto
    ("1mil", sympy.Rational(254, 10**7)),
    ("4.7kohm", sympy.Integer(4700)),
    (".5", sympy.Rational(1, 2)),
    ("5.", sympy.Integer(5)),
    ("0", sympy.Integer(0)),
    ("0e999999999", sympy.Integer(0)),  # zero whatever the exponent, without building 10**e
    ("1e300", sympy.Integer(10) ** 300),
    ("1e-300", sympy.Rational(1, 10**300)),
    ("RC", P("RC")),
    ("R_E", P("R_E")),
    ("pi", sympy.pi),
    ("2*RE", 2 * RE),
    ("-5", sympy.Integer(-5)),
    ("{1/(2*pi*sqrt(L*C))}", 1 / (2 * sympy.pi * sympy.sqrt(L * C))),
    ("{(1+R1/R2)^2}", (1 + R1 / R2) ** 2),
    ("{beta*RE}", P("beta") * RE),
    ("{RE/2}", RE / 2),
    ("{2k*gm^2}", 2000 * P("gm") ** 2),
    ("{-(a+b)}", -a - b),
    ("{-a^2}", -(a**2)),
    ("{2^-1*3}", sympy.Rational(3, 2)),
    ("{2^-3^2}", sympy.Rational(1, 512)),
    ("{-2^2+1k}", sympy.Integer(996)),
    ("{10**3}", sympy.Integer(1000)),
    ("{1/(1/R1+1/R2)}", 1 / (1 / R1 + 1 / R2)),
    ("{R^0.5}", sympy.sqrt(R)),
    ("{2^(1/3)}", sympy.root(2, 3)),
    ("{sqrt(a^2)}", a),
    ("{SQRT(4)}", sympy.Integer(2)),
    ("{PI*R}", sympy.pi * R),
    ("{abs(-3k)}", sympy.Integer(3000)),
    ("{abs(R1-R2)}", sympy.Abs(R1 - R2)),
    ("{log(exp(2))}", sympy.Integer(2)),
    ("{exp(-t/(R*C))}", sympy.exp(-P("t") / (R * C))),
    ("{log(1+I_D/I_S)}", sympy.log(1 + P("I_D") / P("I_S"))),
    ("{exp(690)}", sympy.exp(690)),
    ("{(a+b+c)^64}", (a + b + c) ** 64),  # 2,145 terms: under the limit
    ("{1.000001^64}", sympy.Rational(1_000_001, 1_000_000) ** 64),
    ("{10uF/2}", sympy.Rational(1, 200_000)),
    ("{E*exp(1)}", P("E") * sympy.E),
    ("{1/(1+1/(1+1/(1+R/2)/2)/2)}", 1 / (1 + 1 / (1 + 1 / (1 + R / 2) / 2) / 2)),
])
def test_values_read_exactly(text, expected):
    assert timed(parse_value, text) == expected


def test_parse_number_is_exact_and_none_for_non_numbers():
    assert parse_number("4.7k") == 4700 and isinstance(parse_number("4.7k"), sympy.Rational)
    assert parse_number("3.3nF") == sympy.Rational(33, 10**10)
    assert parse_number("RE") is None and parse_number("{1}") is None


def test_hostile_but_valid_values_parse_fast_and_right():
    assert timed(parse_value, "{" + "-" * 3990 + "R}") == R  # an even number of minus signs
    assert timed(parse_value, "{" + "+".join(["1"] * 1999) + "}") == 1999
    names = [f"r{i}" for i in range(700)]
    assert timed(parse_value, "{" + "+".join(names) + "}") == sympy.Add(*map(P, names))
    assert timed(parse_value, "{" + "*".join(names[:256]) + "}") == sympy.Mul(*map(P, names[:256]))
    refused(parse_value, "{" + "*".join(names[:257]) + "}", words="degree more than 256")
    assert timed(parse_value, "{" + "(" * 32 + "R" + ")" * 32 + "}") == R
    assert timed(parse_value, "{((R^64)^4)}") == R**256  # degree 256: the limit, allowed
    assert timed(parse_value, "{R*(1+R*(1+R*(1+R*(1+R))))}") == \
        R * (1 + R * (1 + R * (1 + R * (1 + R))))  # one symbol's sums nested 4 deep: allowed


def test_long_sums_are_built_in_linear_time():
    def seconds(n):
        text = "{" + "+".join(f"x{i}" for i in range(n)) + "}"
        start = time.perf_counter()
        parse_value(text)
        return time.perf_counter() - start

    small, large = min(seconds(150) for _ in range(3)), min(seconds(600) for _ in range(3))
    assert large < 12 * small + 0.05  # 4x the terms: linear is 4x, quadratic 16x


# -- 2. every limit and failure class: a clear error, fast ---------------------------------------
NEST13 = "a0"
for _i in range(1, 14):
    NEST13 = f"a{_i}+b{_i}*({NEST13})"
FRACTIONS14 = "+".join(f"1/({n}+1)" for n in "abcdefghijklmn")

HOSTILE = [
    # exponents: numbers with |n| <= 64, never symbols
    ("{9^9^9}", "exponent 387420489 is too large.*64"),
    ("{10^10^10}", "exponent.*too large"),
    ("{R^1000000}", "exponent 1000000 is too large"),
    ("{(a+b)^20000}", "exponent 20000 is too large"),
    ("{R^65}", "exponent 65 is too large.*64"),
    ("{R^-65}", "exponent -65 is too large"),
    ("{R^64.5}", "exponent 129/2 is too large"),
    ("{(2^0.5)^-2000}", "exponent -2000 is too large"),
    ("{pi^64^2}", "exponent 4096 is too large"),
    ("{10^400/10^399}", "exponent 400 is too large"),
    ("{R^a}", "exponent must be a number"),
    ("{2^R}", "exponent must be a number"),
    # the size of the expansion
    ("{(a+b+c+d)^64}", "more than 10,000 terms"),
    ("{(a+b)^64*(c+d)^64*(e+f)^64}", "more than 10,000 terms"),
    ("{" + FRACTIONS14 + "}", "more than 10,000 terms"),
    ("{((R^64)^4)^2}", "degree more than 256"),
    # numbers: literal length and range
    ("1e999999999", "too large"),
    ("1e-999999999", "too small"),
    ("1e301", "too large.*1e300"),
    ("1e-301", "too small.*1e-300"),
    ("1e299k", "too large"),
    ("1e-290f", "too small"),
    ("{1e999999999*R}", "too large"),
    ("{" + "1" * 101 + "}", "too long.*101 characters.*100"),
    ("0." + "3" * 200, "number .* too long.*100"),
    ("1" + "0" * 19999, "too long.*20,000 characters.*4,000"),
    ("7" * 4400, "too long.*4,000"),  # past Python's 4,300-digit int/str limit: still clean
    ("{" + "1" * 5000 + "}", "too long"),
    ("{" + "+".join(["a"] * 20000) + "}", "too long"),
    ("{" + "+".join(["1"] * 20000) + "}", "too long"),
    # computed numbers: range, digits, real, finite
    ("{1e200*1e200}", "too large"),
    ("{1e-200*1e-200*R}", "too small"),
    ("{(1e300*10)^2}", "too large"),
    ("{sqrt(1e300*1e300)}", "too large"),
    ("{exp(1000)}", "exp\\(1000\\) is too large"),
    ("{exp(-1000)}", "too small"),
    ("{exp(1000000)}", "too large"),
    ("{exp(exp(exp(10)))}", "too large"),
    ("{exp(690)*exp(690)}", "too large"),
    ("{2^1000}", "exponent 1000"),
    ("{((1234567/1234568)^64)^64}", "more than 1000 digits"),
    ("{sqrt(-1)}", "sqrt\\(-1\\) is not a real number"),
    ("{sqrt(pi-4)}", "not a real number"),
    ("{log(-2)}", "not a real number"),
    ("{log(-R)}", "not a real number"),
    ("{(-R)^0.5}", "not a real number"),
    ("{(-8)^(1/3)}", "not a real number"),
    ("{log(0)}", "log\\(0\\) is not a finite number"),
    ("{1/0}", "division by zero"),
    ("{0/0}", "division by zero"),
    ("{R/(a-a)}", "division by zero"),
    ("{0^-1}", "division by zero"),
    ("{(1-1)^(-2)}", "division by zero"),
    # nesting: parentheses, sums, functions
    ("{" + "(" * 250 + "1k" + ")" * 250 + "}", "nested more than 32 parentheses"),
    ("{" + "(" * 33 + "R" + ")" * 33 + "}", "nested more than 32 parentheses"),
    ("{" + "sqrt(" * 40 + "R" + ")" * 40 + "}", "nested more than 32|functions"),
    ("{" + NEST13 + "}", "nests sums more than 12 deep"),
    ("{R*(1+R*(1+R*(1+R*(1+R*(1+R)))))}", "sums of one symbol \\(R\\) more than 4 deep"),
    ("{2^0.5^0.5^0.5^0.5}", "nests functions .* more than 3 deep"),
    ("{exp(1+a*(1+b*(1+c*(1+d))))}", "argument that nests sums more than 3 deep"),
    ("{" + "+".join(f"sqrt(x{i})" for i in range(17)) + "}", "more than 16 function calls"),
    # names
    ("s", "reserved for the Laplace variable"),
    ("{2*s}", "reserved"),
    ("2*s", "reserved"),
    ("sqrt", "'sqrt' is a function name"),
    ("EXP", "'EXP' is a function name"),
    ("{Log}", "'Log' is a function name"),
    ("{abs+1}", "'abs' is a function name"),
    ("{sqrt*2}", "function name"),
    ("{foo(2)}", "unknown function 'foo'"),
    ("{sin(2)}", "unknown function 'sin'"),
    # numbers that would silently misread, and syntax
    ("{2RE}", "letters 'RE'.*2\\*RE"),
    ("{2e-x}", "letters 'e'"),
    ("4.7.3", "unexpected '.3'"),
    ("1k2", "unexpected '2'"),
    ("0x10", "letters 'x'"),
    ("1_000", "unexpected '_000'"),
    ("1,5", "unexpected ','"),
    ("\uff11k", "bad character"),
    ("{sqrt(2,3)}", "unexpected ','.*one argument"),
    ("{sqrt()}", "expected a value before '\\)'"),
    ("{}", "empty"),
    ("{(1k}", "missing '\\)'"),
    ("{1k)}", "unbalanced '\\)'"),
    ("{2*}", "unexpected end"),
    ("{2**}", "unexpected end"),
    ("{*2}", "expected a value before '\\*'"),
    ("{R@2}", "bad character '@'"),
    ("{R1 R2}", "unexpected 'R2'.*operator is missing"),
    ("{2(3)}", "unexpected '\\('"),
    ("{{1k}}", "bad character '\\{'"),
    ("{1k", "unbalanced braces"),
    ("", "missing value"),
]


@pytest.mark.parametrize("text, words", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_hostile_values_are_clean_errors_and_fast(text, words):
    err = refused(parse_value, text, 12, words=words)
    assert err.line == 12 and str(err).startswith("line 12: ")
    assert len(str(err)) < 400  # long inputs are quoted cut short


def test_at_least_sixty_hostile_cases():
    assert len(HOSTILE) >= 60


def test_the_limits_are_module_constants():
    assert (V.MAX_VALUE_CHARS, V.MAX_NUMBER_CHARS, V.MAX_NESTING, V.MAX_EXPONENT) == \
        (4000, 100, 32, 64)
    assert (V.MAX_TERMS, V.MAX_DEGREE, V.MAX_DIGITS) == (10_000, 256, 1000)
    assert V.MAX_MAGNITUDE == sympy.Integer(10) ** 300 and V.MIN_MAGNITUDE == 1 / V.MAX_MAGNITUDE
    for name in ("MAX_VALUE_CHARS", "MAX_NUMBER_CHARS", "MAX_EXPONENT", "MAX_TERMS",
                 "MAX_DEGREE", "MAX_NESTING", "MAX_FUNCTION_NESTING", "MAX_UNIVARIATE_NESTING"):
        assert name in V.__doc__


def test_parse_expression_checks_the_same_limits():
    refused(parse_expression, "R^100", words="exponent 100 is too large")
    refused(parse_expression, "x" * 4001, words="too long")
    refused(parse_expression, "exp", words="function name")


def test_every_number_of_limit_length_reads_fast():
    assert timed(parse_value, "9" * 100) == 10**100 - 1
    refused(parse_value, "9" * 101, words="too long")
    assert timed(parse_value, "0." + "0" * 97 + "1") == sympy.Rational(1, 10**98)


# -- 3. symbol(): everything but s (the device layer builds lambda, lambda1, ...) -----------------
def test_symbol_accepts_everything_but_s():
    for name in ("lambda", "lambda1", "sqrt", "exp", "pi", "gm1"):
        assert symbol(name) == sympy.Symbol(name, positive=True)
    with pytest.raises(ValueError, match="Laplace"):
        symbol("s")


# -- 4. to_expr: values from Python ---------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    (4.7e3, 4700), (0.1, sympy.Rational(1, 10)), (3, 3), (Fraction(1, 3), sympy.Rational(1, 3)),
    (3 + 0j, 3), ("4.7k", 4700), (R, R), (sympy.oo, sympy.oo),
])
def test_to_expr_reads_python_values_exactly(value, expected):
    assert to_expr(value) == expected


@pytest.mark.parametrize("value, words", [
    (math.inf, "not a finite number"), (-math.inf, "not a finite number"),
    (math.nan, "not a finite number"), (1 + 2j, "complex where a real value is needed"),
    (complex(0, 1), "complex"), (10**5000, "more than 1000 digits"), (1e308, "too large"),
    (5e-324, "too small"), (True, "bad value"), (sympy.nan, "not a finite number"),
    (sympy.zoo, "not a finite number"), (object(), "bad value"), ("{R^99}", "exponent"),
], ids=lambda v: type(v).__name__ if isinstance(v, int) else None)
def test_to_expr_refuses_what_is_not_a_real_finite_value(value, words):
    refused(to_expr, value, words=words)


def test_to_expr_complex_only_when_asked():
    assert to_expr(1 + 2j, real=False) == 1 + 2 * sympy.I
    refused(to_expr, complex(math.inf, 1), real=False, words="not a finite number")


def test_to_expr_numpy_and_flint_numbers():
    np = pytest.importorskip("numpy")
    flint = pytest.importorskip("flint")
    assert to_expr(np.float64(2.5)) == sympy.Rational(5, 2)
    assert to_expr(np.int64(7)) == 7
    assert to_expr(flint.fmpq(1, 3)) == sympy.Rational(1, 3)  # exact, not via a float
    assert to_expr(flint.fmpz(12)) == 12
    refused(to_expr, np.complex128(1 + 1j), words="complex")
    refused(to_expr, np.float64("nan"), words="not a finite number")
    refused(to_expr, np.bool_(True), words="bad value")


# -- 5. parse_number_value: --subs NAME=VALUE -----------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("4.7k", 4700), ("{1/3}", sympy.Rational(1, 3)), ("{2*pi*1k}", 2000 * sympy.pi),
    ("0", 0), ("1e-15", sympy.Rational(1, 10**15)), ("{sqrt(2)/2}", sympy.sqrt(2) / 2),
])
def test_parse_number_value_reads_numbers(text, expected):
    assert parse_number_value(text, "--subs R1") == expected


@pytest.mark.parametrize("text, words", [
    ("R2", "--subs R1: 'R2' is not a number"), ("{R2*2}", "--subs R1: '{R2\\*2}' is not a number"),
    ("{1/0}", "--subs R1: .*division by zero"), ("1e999", "--subs R1: .*too large"),
    ("", "--subs R1: missing value"), ("s", "--subs R1: .*reserved"),
])
def test_parse_number_value_refuses_non_numbers(text, words):
    err = refused(parse_number_value, text, "--subs R1", words=words)
    assert err.line is None


# -- 6. resolve: .param values that name each other -----------------------------------------------
def test_resolve_substitutes_exactly_and_expands_nothing():
    values = {"a": parse_value("1k"), "b": parse_value("{2*a}"), "c": parse_value("{b+x}"),
              "p": parse_value("{x+y}"), "q": parse_value("{p^2/a}")}
    got = resolve(values)
    x, y = P("x"), P("y")
    assert got == {"a": 1000, "b": 2000, "c": x + 2000, "p": x + y, "q": (x + y) ** 2 / 1000}
    assert list(got) == list(values)  # the caller's order
    assert values["b"] == 2 * P("a")  # the input is not changed


def test_resolve_order_does_not_matter_and_unknown_names_stay_symbols():
    got = resolve({"c": parse_value("{b+1}"), "b": parse_value("{a*2}"), "a": parse_value("3")})
    assert got == {"c": 7, "b": 6, "a": 3}
    assert resolve({"g": parse_value("{1/rx}")}) == {"g": 1 / P("rx")}


def test_resolve_two_cycle_names_its_chain_and_the_line_of_its_first_parameter():
    values = {"R1": parse_value("{R2}"), "R2": parse_value("{R1}")}
    err = refused(resolve, values, words="^.param cycle: R1 -> R2 -> R1$")
    assert err.line is None
    err = refused(resolve, values, {"R1": 7, "R2": 9}, words="cycle: R1 -> R2 -> R1")
    assert err.line == 7 and str(err) == "line 7: .param cycle: R1 -> R2 -> R1"
    err = refused(resolve, values, {"R1": 9, "R2": 7}, words="cycle: R2 -> R1 -> R2")
    assert err.line == 7


def test_resolve_self_reference_is_a_cycle():
    err = refused(resolve, {"R1": parse_value("{R1+1}")}, {"R1": 4}, words="cycle: R1 -> R1")
    assert err.line == 4


def test_resolve_longer_cycle_reached_through_another_parameter():
    values = {"A": parse_value("{B+R1}"), "B": parse_value("1"), "R1": parse_value("{R2*2}"),
              "R2": parse_value("{R3+1}"), "R3": parse_value("{R1}")}
    err = refused(resolve, values, {"A": 3, "B": 4, "R1": 5, "R2": 6, "R3": 8},
                  words="cycle: R1 -> R2 -> R3 -> R1")
    assert err.line == 5


def test_resolve_long_chains_are_fast_and_bounded():
    chain = {"p0": parse_value("1")}
    for i in range(1, 2000):
        chain[f"p{i}"] = parse_value(f"{{p{i - 1}+1}}")
    assert timed(resolve, chain)["p1999"] == 2000
    doubling = {"p0": parse_value("1")}
    for i in range(1, 1500):
        doubling[f"p{i}"] = parse_value(f"{{2*p{i - 1}}}")
    refused(resolve, doubling, words=r"^.param p997 \(after substituting p996\): .*too large")
    ladder = {"z0": parse_value("R")}  # symbolic ladders nest sums two deeper per stage
    for i in range(1, 40):
        ladder[f"z{i}"] = parse_value(f"{{a{i}+1/(1/b{i}+1/z{i - 1})}}")
    refused(resolve, ladder, words=r"^.param z7 \(after substituting z6\): it nests sums more "
            "than 12 deep$")


def test_resolve_checks_substituted_numbers():
    refused(resolve, {"a": parse_value("-1"), "b": parse_value("{sqrt(a)}")},
            words=r".param b \(after substituting a\): the value I is not a real number")
    refused(resolve, {"a": parse_value("1"), "b": parse_value("{1/(a-1)}")},
            words="not a finite number")
    refused(resolve, {"a": parse_value("1e200"), "b": parse_value("{a*a}")}, {"b": 5},
            words="too large")


def test_resolve_s_cannot_be_given_a_value():
    err = refused(resolve, {"s": 0},
                  words="^s is the Laplace variable and cannot be given a value$")
    assert err.line is None
    assert refused(resolve, {"s": 0}, {"s": 3}, words="Laplace").line == 3


def test_resolve_keeps_its_old_call_and_infinities_from_the_api():
    assert resolve({"ro1": sympy.oo, "x": parse_value("{2*ro1}")}) == {"ro1": sympy.oo,
                                                                      "x": sympy.oo}
    assert resolve({"VT": sympy.Float("0.025852", 15), "g": parse_value("{1m/VT}")})["g"] == \
        sympy.Rational(1, 1000) / sympy.Float("0.025852", 15)
    assert resolve({}) == {}
