"""The bad-input suite: malformed, hostile and edge-case netlists and options through the CLI.

Each case ends in one of two ways, within a time limit (a hang is a failure, not a stuck suite):
- `error`: exit 2; stderr is exactly one line `symsig: error: ...` that names the netlist line
  (`line N`, N the offending line, every line of the file counted) or the option at fault, and
  a word for the problem; no traceback, nothing on stdout, no raw control characters.
- `ok`: exit 0, no traceback, no `zoo`/`nan` in the output, and where a hand formula exists the
  answer equals it (read back from `--json` the way the README says a user reads it back).
A few hostile cases (`either`) may end either way, as long as an error is clean and an answer
is right: a 20,000-digit resistor can be refused or used, but never a traceback or a hang.

Each case runs `symsig.cli.main` in a forked child of this process (symsig is imported once, so
a case costs milliseconds) with its own stdout, stderr and stdin, a memory cap and a timeout;
cases marked `sub` (and all cases with SYMSIG_BAD_INPUT_SUBPROCESS=1) run the real command,
`python -m symsig.cli`, in a subprocess.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sympy

import symsig
from symsig.cli import main

CPU_LIMIT = 4  # seconds of CPU a case may use (a load on the machine does not count)
TIMEOUT = 15.0  # seconds of wall time, for a case that waits instead of working
MEMORY = 3 << 30  # bytes of address space a case may add to what this process has mapped
ALL_SUBPROCESS = os.environ.get("SYMSIG_BAD_INPUT_SUBPROCESS") == "1"
REPO = Path(__file__).resolve().parent.parent

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
k = sympy.Integer(1000)


# -- running one case ---------------------------------------------------------------------------
@dataclass
class Run:
    code: int | None  # None: timed out
    out: str
    err: str
    seconds: float


def _vm_size() -> int:
    with contextlib.suppress(OSError, ValueError, StopIteration):
        text = Path("/proc/self/status").read_text()
        return int(next(x for x in text.splitlines() if x.startswith("VmSize")).split()[1]) << 10
    return 0


def _limit(extra_memory: int) -> None:
    """In the child: a memory cap, and SIGXCPU (which ends the process) after CPU_LIMIT."""
    with contextlib.suppress(ValueError, OSError):
        limit = _vm_size() + extra_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(ValueError, OSError):
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        resource.setrlimit(resource.RLIMIT_CPU, (spent + CPU_LIMIT, spent + CPU_LIMIT + 5))


def _run_forked(argv: list[str], stdin: bytes, timeout: float) -> Run:
    out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: be `symsig` with these arguments, then leave without cleanup
        code = 1
        try:
            os.dup2(out_f.fileno(), 1)
            os.dup2(err_f.fileno(), 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace",  # noqa: SIM115
                              closefd=False)
            sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            _limit(MEMORY)
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:  # noqa: BLE001 - what a user would see: a traceback
                traceback.print_exc()
                code = 1
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 1)
    code = None
    deadline = start + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            break
        select.select([], [], [], 0.002)
    seconds = time.monotonic() - start
    texts = []
    for f in (out_f, err_f):
        f.seek(0)
        texts.append(f.read().decode("utf-8", errors="replace"))
        f.close()
    return Run(code, texts[0], texts[1], seconds)


def _run_subprocess(argv: list[str], stdin: bytes, timeout: float) -> Run:
    start = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        p = subprocess.run([sys.executable, "-m", "symsig.cli", *argv], input=stdin,
                           capture_output=True, timeout=timeout, env=env,
                           preexec_fn=lambda: _limit(MEMORY))
    except subprocess.TimeoutExpired as exc:
        return Run(None, (exc.stdout or b"").decode("utf-8", "replace"),
                   (exc.stderr or b"").decode("utf-8", "replace"), time.monotonic() - start)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"),
               p.stderr.decode("utf-8", "replace"), time.monotonic() - start)


# -- the table ------------------------------------------------------------------------------
@dataclass
class Case:
    """One input and what it must give. `args` holds FILE where the netlist's path goes."""

    netlist: str | bytes | None
    args: list[str]
    expect: str  # "error", "ok" or "either"
    line: int | None = None  # error: the netlist line the message must name
    option: str | None = None  # error: the option the message must name
    words: str | None = None  # error: a regex (case-insensitive) naming the problem
    check: Callable[[Run], None] | None = None  # ok: the answer, checked against a hand value
    stdin: bytes = b""
    sub: bool = False
    timeout: float = TIMEOUT
    files: dict[str, str | bytes] = field(default_factory=dict)  # more files beside FILE


CASES: list = []
COUNTS: dict[str, int] = {}


def add(group: str, name: str, netlist, args, expect, **kw) -> None:
    COUNTS[group] = COUNTS.get(group, 0) + 1
    CASES.append(pytest.param(Case(netlist, list(args), expect, **kw), id=f"{group}-{name}"))


def analyze(source="V1", output="b", *more) -> list[str]:
    return ["analyze", "FILE", "--source", source, "--output", output, *more]


def json_of(run: Run) -> dict:
    def no_constant(name):
        raise AssertionError(f"JSON carries {name}, which is not JSON")

    return json.loads(run.out, parse_constant=no_constant)


@contextlib.contextmanager
def big_ints():
    """Our own read-back of results that hold integers of thousands of digits."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def read_back(doc: dict, text: str) -> sympy.Expr:
    """README "Command line": parse_expr with every listed symbol a positive symbol."""
    names = {n: sympy.Symbol(n, positive=True) for n in doc.get("symbols", [])}
    try:
        with big_ints():
            return sympy.parse_expr(text, local_dict=names)
    except Exception as exc:  # noqa: BLE001 - the README's recipe must work: say so plainly
        raise AssertionError(f"the README's read-back fails on {text[:200]!r}: "
                             f"{type(exc).__name__}: {exc}") from None


def equal(got: sympy.Expr, want: sympy.Expr) -> bool:
    if got == want:
        return True
    with big_ints():
        return sympy.simplify(sympy.together(got - want)) == 0


def results(**want: sympy.Expr) -> Callable[[Run], None]:
    """--json results equal to hand formulas: results(gain=..., rin=..., rout=...)."""

    def check(run: Run) -> None:
        doc = json_of(run)
        for key, expected in want.items():
            assert doc.get(key) is not None, f"{key}: {doc.get('not_defined', {}).get(key)}"
            got = read_back(doc, doc[key])
            # numeric element values are written as names (R1 = 4.7k prints as R1); put the
            # parsed numbers from "values" back for every name the expected formula lacks
            names = {str(x) for x in sympy.sympify(expected).free_symbols}
            got = got.subs({sympy.Symbol(k, positive=True): sympy.sympify(v)
                            for k, v in doc.get("values", {}).items() if k not in names})
            assert equal(got, expected), f"{key} = {got}, expected {expected}"

    return check


def numeric(**want: float) -> Callable[[Run], None]:
    """--json numbers: numeric(gain=0.5) to 1e-9 relative."""

    def check(run: Run) -> None:
        doc = json_of(run)
        for key, expected in want.items():
            got = doc["numeric"][key]
            value = complex(sympy.N(read_back(doc, got))) if isinstance(got, str) else got
            assert abs(value - expected) <= 1e-9 * abs(expected) + 1e-300, (key, got, expected)

    return check


def both(*checks: Callable[[Run], None]) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        for c in checks:
            c(run)

    return check


def says(pattern: str) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        assert re.search(pattern, run.out, re.I | re.M), f"output lacks {pattern!r}"

    return check


# -- 1. values -------------------------------------------------------------------------------
DIVIDER = "value test\nV1 a 0 AC 1\nR1 a b {}\nR2 b 0 1k\n"  # R1's value is line 3
JSON = analyze("V1", "b", "--json")


def divider_gain(r1: sympy.Expr) -> Callable[[Run], None]:
    return results(gain=k / (r1 + k))


def value_ok(name: str, text: str, r1, expect: str = "ok", **kw) -> None:
    check = None if r1 is None else divider_gain(sympy.sympify(r1))
    line = kw.pop("line", 3)  # None where the trouble is the result's size, not the text
    add("values", name, DIVIDER.format(text), JSON, expect, line=line, check=check, **kw)


def value_error(name: str, text: str, words: str, **kw) -> None:
    add("values", name, DIVIDER.format(text), JSON, "error", line=3, words=words, **kw)


R = sympy.Rational
value_ok("4.7k", "4.7k", 4700)
value_ok("2meg", "2meg", 2 * 10**6)
value_ok("2MEG-upper", "2MEG", 2 * 10**6)
value_ok("1M-is-milli", "1M", R(1, 1000))
value_ok("10uF-unit-ignored", "10uF", R(1, 10**5))
value_ok("1F-is-femto", "1F", R(1, 10**15))
value_ok("1mil", "1mil", R(254, 10**7))
value_ok("dot5", ".5", R(1, 2))
value_ok("5dot", "5.", 5)
value_ok("1e-3", "1e-3", R(1, 1000))
value_ok("1E+3", "1E+3", 1000)
value_ok("1e3k", "1e3k", 10**6)
value_ok("4k7ohm-units", "4.7kohm", 4700)
value_ok("unbraced-product", "2*RE", 2 * P("RE"))
value_ok("braced-sum", "{a+b}", P("a") + P("b"))
value_ok("sqrt2", "{sqrt(2)}", sympy.sqrt(2))
value_ok("2pi", "{2*pi}", 2 * sympy.pi)
value_ok("PI-upper-constant", "{PI}", sympy.pi)
value_ok("SQRT-upper", "{SQRT(4)}", 2)
value_ok("power-negative", "{2^-1}", R(1, 2))
value_ok("power-right-assoc", "{2^-3^2}", R(1, 512))
value_ok("unary-minus-binds-looser", "{-2^2+1k}", 996)
value_ok("double-star", "{10**3}", 1000)
value_ok("abs", "{abs(-3k)}", 3000)
value_ok("log-exp", "{log(exp(2))}", 2)
value_ok("sqrt-square-positive", "{sqrt(a^2)}", P("a"))
value_ok("cube-root", "{2^(1/3)}", sympy.root(2, 3))
# e^1000 ~ 2e434 is past the magnitude values may have (1e300: every value fits a double)
value_error("exp1000", "{exp(1000)}", "too large|out of range")
value_ok("exp-1e6", "{exp(1000000)}", sympy.exp(10**6), expect="either", line=None,
         words="large|exponent|overflow")
value_ok("1e-no-exponent-digits", "1e", 1, expect="either", words="number|expression")
value_ok("double-minus", "--1", 1, expect="either", words="number|expression|unexpected")
value_ok("sqrt-of-minus-one", "{sqrt(-1)}", sympy.I, expect="either",
         words="real|imaginary|complex")
value_ok("neg-cube-root", "{(-8)^(1/3)}", sympy.Integer(-8) ** R(1, 3), expect="either",
         words="real|imaginary|complex")
value_ok("fullwidth-digit", "\uff11k", 1000, expect="either", words="character|number")
value_ok("nested-parens-250", "{" + "(" * 250 + "1k" + ")" * 250 + "}", 1000, expect="either",
         words="deep|nest|parenthes|complex")
value_ok("nested-unary-400", "{" + "-" * 400 + "1k}", 1000, expect="either",
         words="deep|nest|complex")
value_ok("sum-of-20000-ones", "{" + "+".join(["1"] * 20000) + "}", 20000, expect="either",
         words="long|large|terms|complex")


def _all_ones(run: Run) -> None:
    doc = json_of(run)
    gain = read_back(doc, doc["gain"])
    assert gain.xreplace({x: 1 for x in gain.free_symbols}) == R(1000, 21000)


add("values", "sum-of-20000-symbols",
    DIVIDER.format("{" + "+".join(f"r{i}" for i in range(20000)) + "}"), JSON, "either",
    line=None, words="long|large|terms|symbols|complex", check=_all_ones)
value_ok("20000-digit-number", "1" + "0" * 19999, 10**19999, expect="either",
         words="digits|large|long")
value_ok("5000-digit-integer", "7" * 5000, 7 * (10**5000 - 1) // 9, expect="either",
         words="digits|large|long")
value_ok("5000-digit-fraction", "0." + "3" * 5000, R((10**5000 - 1) // 3, 10**5000),
         expect="either", words="digits|large|long")
value_ok("R-to-the-million", "{R^1000000}", P("R") ** 1000000, expect="either", line=None,
         words="large|power|exponent|degree")


def _at_half(run: Run) -> None:
    doc = json_of(run)
    assert len(doc["gain"]) < 10**6
    gain = read_back(doc, doc["gain"])
    assert gain.xreplace({P("a"): R(1, 2), P("b"): R(1, 2)}) == R(1000, 1001)


add("values", "a-plus-b-to-the-20000", DIVIDER.format("{(a+b)^20000}"), JSON, "either",
    line=None, words="large|power|exponent|degree|terms", check=_at_half)
value_error("9-pow-9-pow-9", "{9^9^9}", "large|big|power|exponent|overflow")
value_error("10-pow-10-pow-10", "{10^10^10}", "large|big|power|exponent|overflow")
value_ok("1e999999999", "1e999999999", None, expect="either", words="large|exponent|range")
value_ok("1e-999999999", "1e-999999999", None, expect="either", words="small|exponent|range")
value_error("4.7.3", "4.7.3", r"number|'\.3'|unexpected")
value_error("1k2-ambiguous", "1k2", r"number|unexpected|'2'")
value_error("hex", "0x10", r"number|unexpected")
value_error("underscore-digits", "1_000", r"number|unexpected")
value_error("comma-decimal", "1,5", r"unexpected|','|number")
value_error("bang", "1k!", r"character|'!'")
value_error("empty-braces", "{}", "empty|missing")
value_error("open-brace-only", "{", "brace")
value_error("unclosed-brace", "{1k", "brace")
value_error("stray-close-brace", "1k}", r"brace|'}'")
value_error("nested-braces", "{{1k}}", "brace")
value_error("unclosed-paren", "{(1k}", r"paren|'\)'|expected")
value_error("extra-close-paren", "{1k)}", r"paren|'\)'|unexpected")
value_error("trailing-operator", "{2*}", "end|missing|unexpected")
value_error("leading-operator", "{*2}", r"unexpected|'\*'")
value_error("dangling-power", "{2**}", "end|missing|unexpected")
value_error("at-sign", "{R@2}", r"character|'@'")
value_error("two-names", "{R1 R2}", r"unexpected|'R2'")
value_error("unknown-function", "{foo(2)}", "unknown function")
value_error("sin-not-a-function-here", "{sin(2)}", "unknown function")
value_error("sqrt-two-args", "{sqrt(2,3)}", r"expected|','|argument")
value_error("sqrt-no-arg", "{sqrt()}", r"unexpected|'\)'|argument|empty")
value_error("one-over-zero", "{1/0}", "division by zero")
value_error("zero-over-zero", "{0/0}", "division by zero|0/0")
value_error("over-a-minus-a", "{R/(a-a)}", "division by zero")
value_error("zero-to-minus-one", "{0^-1}", r"division by zero|zero|infinite|0\^")
value_error("zero-to-minus-two-paren", "{(1-1)^(-2)}", "division by zero|zero|infinite")
value_error("log-zero", "{log(0)}", "log|zero|infinite")
value_error("s-bare", "s", "reserved")
value_error("s-in-expression", "{2*s}", "reserved")
value_error("s-unbraced", "2*s", "reserved")

# names SymPy or Python treat specially are plain positive symbols, and --json reads back
for sym in ["beta", "gamma", "E", "I", "S", "N", "Q", "O", "lambda", "oo", "None", "True",
            "def", "exec", "__import__", "zeta", "x_1", "_R"]:
    value_ok(f"symbol-{sym}", sym, P(sym))
value_ok("symbol-pi", "pi", sympy.pi)  # pi is the constant, bare as in braces
# a function's name (any case) or a name SymPy's parser calls for itself cannot name a value:
# a printed result would not read back as what it was
for sym in ["exp", "sqrt", "Abs", "LOG"]:
    value_error(f"symbol-{sym}", sym, "function name")
for sym in ["Symbol", "Integer", "Rational", "Float", "Function"]:
    value_error(f"symbol-{sym}", sym, "parser")
value_ok("symbol-E-times-e", "{E*exp(1)}", P("E") * sympy.E)
value_ok("symbol-I-in-sum", "{I+1k}", P("I") + 1000)
value_ok("symbol-beta-gamma", "{beta*gamma}", P("beta") * P("gamma"))
value_ok("symbol-lambda-expr", "{1/lambda}", 1 / P("lambda"))


# -- 2. source specifications -------------------------------------------------------------------
SOURCE = "source test\nV1 1 0 {}\nR1 1 2 R\nD1 2 0\n"  # the specification is on line 2
OP = ["op", "FILE", "--json"]
VD1, Rsym = P("VD1"), P("R")


def parts(spec: str, dc, ac) -> Callable[[Run], None]:
    """The source's DC and AC parts, read by the library the CLI uses; and, where the diode
    conducts, symsig op's diode current (dc - VD1)/R."""

    def check(run: Run) -> None:
        v1 = symsig.parse(SOURCE.format(spec)).find("V1")
        assert equal(v1.value, sympy.sympify(dc)), f"DC part {v1.value}, expected {dc}"
        assert equal(v1.ac, sympy.sympify(ac)), f"AC part {v1.ac}, expected {ac}"
        doc = json_of(run)
        if not sympy.sympify(dc).is_number or sympy.sympify(dc) > 1:  # the diode conducts
            d1 = doc["devices"]["D1"]
            names = {n: P(n) for n in ("a", "b", "R", "VD1", "phi")}
            got = sympy.parse_expr(d1["bias"]["ID"], local_dict=names)
            assert equal(got, (sympy.sympify(dc) - VD1) / Rsym), f"ID1 = {got}"

    return check


def source_ok(name: str, spec: str, dc, ac, **kw) -> None:
    add("sources", name, SOURCE.format(spec), OP, "ok", check=parts(spec, dc, ac), **kw)


def source_error(name: str, spec: str, words: str) -> None:
    add("sources", name, SOURCE.format(spec), OP, "error", line=2, words=words)


a_, b_ = P("a"), P("b")
source_ok("braced-expression-is-dc", "{2*(a+b)}", 2 * (a_ + b_), 0)
source_ok("dc-braced-expression", "DC {2*(a+b)}", 2 * (a_ + b_), 0)
source_ok("AC-then-DC-12", "AC DC 12", 12, 1)
source_ok("DC-then-AC", "DC 12 AC 1", 12, 1)
source_ok("AC-then-DC", "AC 1 DC 12", 12, 1)
source_ok("bare-value-then-AC", "12 AC 1", 12, 1)
source_ok("lowercase-keywords", "dc 5 ac 2", 5, 2)
source_ok("AC-alone", "AC", 0, 1)
source_ok("AC-at-end", "DC 5 AC", 5, 1)
source_ok("AC-phase-90", "AC 2 90", 0, 2 * sympy.I)
source_ok("AC-phase-minus-90", "AC 1 -90", 0, -sympy.I)
source_ok("AC-phase-zero-then-DC", "AC 1 0 DC 2", 2, 1)
source_ok("AC-symbolic-magnitude", "AC vin", 0, P("vin"))
source_ok("DC-with-unit", "DC 12V", 12, 0)
source_ok("DC-millivolts", "DC 5mV", R(5, 1000), 0)
source_ok("nothing-after-nodes", "", 0, 0)
source_ok("SIN-no-space", "SIN(0 1 1k)", 0, 0)
source_ok("SIN-space", "SIN (0 1 1k)", 0, 0)
source_ok("DC-SIN-AC", "DC 3 SIN(0 1 1k) AC 1", 3, 1)
source_ok("AC-then-SIN", "AC 1 SIN(0 1 1k)", 0, 1)
source_ok("PULSE-no-space", "PULSE(0 5 0 1n 1n 1u 2u)", 0, 0)
source_ok("PULSE-space", "PULSE (0 5 0 1n 1n 1u 2u) AC 1", 0, 1)
source_ok("PWL", "DC 1 PWL(0 0 1m 1)", 1, 0)
source_ok("sin-lowercase-braced-args", "DC 2 sin({0} {1} 1k)", 2, 0)
source_error("DC-without-value", "DC", "DC")
source_error("DC-then-AC-no-value", "DC AC 1", "DC")
source_error("DC-twice", "DC 1 DC 2", "twice")
source_error("bare-then-DC", "5 DC 6", "twice")
source_error("AC-twice", "AC 1 AC 2", "twice")
source_error("AC-phase-symbolic", "AC 1 phi", "phase")
source_error("AC-phase-braced-symbolic", "AC 1 {phi}", "phase")
source_error("two-bare-values", "5 6", r"unexpected|'6'")
source_error("unexpected-word", "DC 5 foo", r"unexpected|'foo'")
source_error("junk-after-phase", "AC 1 0 junk", r"unexpected|'junk'")
source_ok("SINE-as-LTspice-writes-it", "SINE(0 1 1k) AC 1", 0, 1)
source_error("unknown-time-function", "SQUARE(0 1 1k)", r"SQUARE|unknown")
source_error("DC-equals", "DC=5", r"DC|'='")
source_error("AC-division-by-zero", "AC {1/0}", "division by zero")
source_error("AC-s", "AC s", "reserved")
source_error("DC-bad-number", "DC 4.7.3", r"number|unexpected")
add("sources", "current-source-AC-DC", "isrc\nI1 0 a DC 1m AC 1\nR1 a 0 R1\n",
    analyze("I1", "a", "--json"), "ok", check=results(gain=P("R1"), rin=P("R1"), rout=P("R1")))
add("sources", "V-source-value-reads-as-DC", "v as dc\nV1 a 0 {2*(a+b)}\nR1 a b2 1k\nR2 b2 0 1k\n",
    analyze("V1", "b2", "--json"), "ok", check=results(gain=R(1, 2)))


# -- 3. structure -------------------------------------------------------------------------------
def struct_error(name: str, netlist: str, line: int | None, words: str, args=None, **kw) -> None:
    add("structure", name, netlist, args or analyze("V1", "a"), "error", line=line, words=words,
        **kw)


def struct_ok(name: str, netlist: str, args=None, check=None, **kw) -> None:
    add("structure", name, netlist, args or analyze("V1", "a", "--json"), "ok", check=check, **kw)


T = "structure test\nV1 a 0 AC 1\nR1 a 0 1k\n"  # lines 1-3; the case's line is line 4
for letter in "ZWTBUJSYPAN":
    struct_error(f"unknown-element-{letter}", T + f"{letter}1 a 0 50\n", 4,
                 "unknown element|not supported")
struct_error("K-not-inductors", T + "K1 a 0 50\n", 4, "not an inductor")
struct_error("X-unknown-subcircuit", T + "X1 a 0 50\n", 4, "no subcircuit named '50'")
struct_error("unknown-element-digit", T + "1R a 0 50\n", 4, "unknown element")
struct_error("unknown-element-after-comments",
             "title\n* c\n\n; c\nV1 a 0 AC 1\n  \nR1 a 0 1k\nZ9 a 0 1\n", 8, "unknown element")
struct_error("line-after-continuation",
             "title\nV1 a 0\n+ AC 1\nR1 a 0\n+ 1k\n* c\nZ9 a 0 1\n", 7, "unknown element")
struct_error("R-one-node", T + "R2 a\n", 4, "nodes")
struct_error("R-no-value", T + "R2 a 0\n", 4, "nodes|fields|value")
struct_error("R-three-nodes", T + "R2 a 0 b 1k\n", 4, "fields")
struct_error("E-three-nodes", T + "E1 b 0 a 2\n", 4, "nodes|fields")
struct_error("G-three-fields", T + "G1 b 0 a\n", 4, "nodes")
struct_error("F-no-gain", T + "F1 b 0 V1\n", 4, "fields")
struct_error("Q-two-nodes", T + "Q1 c b\n", 4, "fields|nodes")
struct_error("Q-too-many", T + "Q1 c a 0 npn extra\n", 4, "fields")
struct_error("M-too-many", T + "M1 d a 0 0 nmos extra\n", 4, "fields")
struct_error("M-param-no-value", T + "M1 d a 0 0 nmos W 1u\n", 4, "fields")
struct_error("D-one-node", T + "D1 a\n", 4, "fields|nodes")
struct_error("O-two-nodes", T + "O1 a b\n", 4, "nodes")
struct_error("O-extra-field", T + "O1 o a 0 5\n", 4, r"unexpected|'5'")
struct_error("V-one-node", T + "V2 a\n", 4, "nodes")
struct_error("bad-node-name-paren", T + "R2 a(b 0 1k\n", 4, "node")
struct_error("bad-node-name-brace", T + "R2 {x} 0 1k\n", 4, "node")
struct_error("duplicate-name", T + "R1 a 0 2k\n", 4, "duplicate")
struct_error("duplicate-name-case", T + "r1 a 0 2k\n", 4, "duplicate")
struct_error("duplicate-source", T + "v1 a 0 AC 2\n", 4, "duplicate|loop")
struct_error("floating-pair", T + "R2 x y 1k\n", 4, "floating")
struct_error("floating-control-node", T + "E1 o 0 x 0 2\nR2 o 0 1k\n", 4, "floating")
struct_error("loop-V-V", T + "V2 a 0 1\n", 4, "loop")
struct_error("loop-V-E", T + "E1 a 0 a 0 2\n", 4, "loop")
struct_error("loop-V-H", T + "H1 a 0 V1 5\n", 4, "loop")
struct_error("loop-three", "t\nV1 a 0 AC 1\nV2 a b 1\nR1 b 0 1k\nE1 b 0 a 0 2\n", 5, "loop")
struct_error("loop-opamp-output", T + "O1 a p n\nR2 p 0 1k\nR3 n 0 1k\n", 4, "loop")
# the message must name the problem, not "closes a loop of voltage sources with : ..."
struct_error("V-across-one-node", T + "V2 a a 1\n", 4,
             r"same node|both (ends|nodes)|shorted|itself|loop of voltage sources with \w")
struct_error("F-missing-source", T + "F1 a 0 Vx 2\n", 4, "controlling|Vx")
struct_error("H-missing-source", T + "H1 b 0 Vx 2\nR2 b 0 1k\n", 4, "controlling|Vx")
struct_error("F-senses-resistor", T + "F1 a 0 R1 2\n", 4, "not a voltage source")
struct_error("F-senses-I-source", T + "I1 a 0 1\nF1 a 0 I1 2\n", 5, "not a voltage source")
struct_error("H-senses-itself", T + "H1 b 0 H1 2\nR2 b 0 1k\n", 4, "not a voltage source")
struct_error("F-senses-E", T + "E1 b 0 a 0 2\nF1 a 0 E1 2\n", 5, "not a voltage source")
struct_error("zero-R", T + "R2 a 0 0\n", 4, "zero")
struct_error("zero-R-expression", T + "R2 a 0 {a-a}\n", 4, "zero")
struct_error("zero-R-0k", T + "R2 a 0 0k\n", 4, "zero")
struct_error("zero-L", T + "L1 a 0 0\n", 4, "zero")
struct_error("zero-C", T + "C1 a 0 0\n", 4, "zero")
struct_error("empty-file", "", None, "no elements|empty")
struct_error("only-title", "just a title\n", None, "no elements|empty")
struct_error("only-comments", "* one\n* two\n; three\n", None, "no elements|empty")
struct_error("only-end", ".end\n", None, "no elements|empty")
struct_error("continuation-first", "+ R1 a 0 1k\nV1 a 0 AC 1\n", 1, "continuation")
struct_error("continuation-after-comment", "* t\n\n+ R1 a 0 1k\nV1 a 0 AC 1\n", 3,
             "continuation")
struct_error("unknown-dot-command", T + ".frobnicate 1 2\n", 4, "unknown command")
struct_ok("subckt-defined-not-used", T + ".subckt amp in out\nR9 in out 1k\n.ends\n",
          check=results(gain=1))
struct_error("subckt-no-ends", T + ".subckt amp in out\nR9 in out 1k\n", 4, ".ends")
struct_error("func", T + ".func f(x) {2*x}\n", 4, "unknown command|not supported")
struct_error("include-missing-file", T + ".include nonexistent.cir\n", 4,
             "nonexistent|not found|cannot read|no such|not supported")
struct_error("include-no-name", T + ".include\n", 4, "include")
struct_error("param-s", T + ".param s=0\n", 4, "reserved|Laplace")
struct_error("param-no-equals", T + ".param a 5\n", 4, "NAME=VALUE|=")
struct_error("param-empty", T + ".param\n", 4, "NAME=VALUE")
struct_error("param-no-value", T + ".param a=\n", 4, "NAME=VALUE|value")
struct_error("param-double-equals", T + ".param a==5\n", 4, "NAME=VALUE|=")
struct_error("param-bad-name", T + ".param 1a=5\n", 4, "NAME=VALUE|name")
struct_error("param-division-by-zero", T + ".param a={1/0}\n", 4, "division by zero")
struct_error("param-cycle", "t\nV1 a 0 AC 1\nR1 a 0 RA\n.param RA={RB}\n.param RB={RA}\n", 4,
             "cycle|circular|refer", args=analyze("V1", "a"))
struct_error("param-cycle-one-line", "t\nV1 a 0 AC 1\nR1 a b RA\nR2 b 0 1k\n"
             ".param RA={RB} RB={RA}\n", 5, "cycle|circular|refer", args=analyze("V1", "b"))
struct_error("param-self-reference", "t\nV1 a 0 AC 1\nR1 a b RA\nR2 b 0 1k\n.param RA={RA+1}\n",
             5, "cycle|circular|itself|refer", args=analyze("V1", "b"))
struct_error("model-unknown-type", T + ".model QX foo (BF=100)\n", 4, "unknown type|type")
struct_error("model-no-type", T + ".model QX\n", 4, "model")
struct_error("model-odd-fields", T + ".model QX npn (BF=100 VAF)\n", 4, "name=value")
struct_error("model-no-equals", T + ".model QX npn BF 100\n", 4, "name=value")
struct_error("model-duplicate", T + ".model QX npn\n.model qx npn (BF=50)\n", 5, "duplicate")
struct_error("model-bad-value", T + ".model QX npn (BF={1/0})\n", 4, "division by zero")
Q = "bjt\nVs b 0 AC 1\nQ1 c b 0 {}\nRC c 0 RC\n"
struct_error("device-unknown-model", Q.format("QX"), 3, "unknown model|QX",
             args=analyze("Vs", "c"))
struct_error("device-wrong-model-kind", "t\nVs g 0 AC 1\nM1 d g 0 QN\nRD d 0 RD\n"
             ".model QN npn\n", 3, "model|npn", args=analyze("Vs", "d"))
struct_error("Q-and-M-share-symbols", "t\nVs b 0 AC 1\nQ1 c b 0\nRC c 0 RC\nM1 c b 0\n", 5,
             "share", args=analyze("Vs", "c"))
MATCH = "t\nVs b 0 AC 1\nQ1 c b 0\nQ2 c2 b 0\nRC c 0 RC\nRC2 c2 0 RC\n{}\n"  # .match: line 7
for name, card, words in [
        ("unknown-device", ".match Q1 Q9", "Q9|no element"),
        ("not-a-device", ".match Q1 RC", "not a device|RC"),
        ("one-device", ".match Q1", "two"),
        ("twice", ".match Q1 Q2\n.match Q2 Q1", "already matched"),
        ("same-twice", ".match Q1 Q1", "already matched|twice|itself")]:
    line = 8 if name == "twice" else 7
    struct_error(f"match-{name}", MATCH.format(card), line, words, args=analyze("Vs", "c"))
struct_error("match-different-kinds", "t\nVs b 0 AC 1\nQ1 c b 0\nM2 c b 0\nRC c 0 RC\n"
             ".match Q1 M2\n", 6, "same kind", args=analyze("Vs", "c"))
struct_error("match-npn-pnp", "t\nVs b 0 AC 1\nQ1 c b 0 npn\nQ2 c b 0 pnp\nRC c 0 RC\n"
             ".match Q1 Q2\n", 6, "same kind", args=analyze("Vs", "c"))
struct_error("opamp-inputs-one-node", T + "O1 o a a\nR2 o 0 1k\n", 4, "both inputs")
struct_ok("continuation-joins", "t\nV1 a 0\n+ AC 1\nR1 a b\n+ 1k\nR2 b 0 1k\n",
          analyze("V1", "b", "--json"), results(gain=R(1, 2)))
struct_ok("end-in-the-middle", "t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n.END\nZ1 garbage\n+ more\n",
          analyze("V1", "b", "--json"), results(gain=R(1, 2)))
struct_ok("first-line-is-element", "V1 a 0 AC 1\nR1 a b 1k\nR2 b 0 3k\n",
          analyze("V1", "b", "--json"), results(gain=R(3, 4)))
struct_ok("title-looks-like-element", "R9 x y 5\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 3k\n",
          analyze("V1", "b", "--json"), results(gain=R(3, 4)))
struct_ok("ignored-analysis-cards", T + ".op\n.ac dec 10 1 1meg\n.tran 1n 1u\n.options reltol=1m\n"
          ".control\nrun\nfoo bar\n.endc\n", check=results(gain=1))
struct_ok("gnd-names", "t\nV1 a GND AC 1\nR1 a b 1k\nR2 b gnd 1k\nR3 b 0 2k\n",
          analyze("V1", "b", "--json"), results(gain=R(2, 5)))
struct_ok("self-loop-resistor", T + "R2 a a 1k\n", check=results(gain=1))
struct_ok("F-sense-case-insensitive", "t\nV1 a 0 AC 1\nVsense a b 0\nR1 b 0 1k\n"
          "F1 0 c vSENSE 3\nR2 c 0 2k\n", analyze("V1", "c", "--json"), results(gain=6))
struct_ok("element-names-bare-letters", "t\nV a 0 AC 1\nR a b 1k\nC b 0 1\n",
          analyze("V", "b", "--json", "--caps", "keep"),
          results(gain=1 / (1 + 1000 * P("s"))))
struct_ok("negative-resistor", T + "R2 a b -2k\nR3 b 0 1k\n", analyze("V1", "b", "--json"),
          results(gain=-1))
struct_ok("tabs-and-spaces", "t\n\tV1\ta\t0\tAC\t1\n  R1  a  b   1k  \nR2\tb 0\t1k\t; note\n",
          analyze("V1", "b", "--json"), results(gain=R(1, 2)))
struct_ok("include-existing-file", T + ".include part.cir\n", analyze("V1", "b", "--json"),
          results(gain=R(1, 2)), files={"part.cir": "R2 a b 1k\nR3 b 0 1k\n"})
struct_error("include-error-inside", T + ".include part.cir\n", 4, "part.cir line 2",
             args=analyze("V1", "b"), files={"part.cir": "R2 a b 1k\nR3 b 0 1k 2k\n"})
struct_error("include-cycle", T + ".include a.cir\n", 4, "cycle",
             files={"a.cir": ".include b.cir\n", "b.cir": ".include a.cir\n"})
struct_error("include-self", T + ".include a.cir\n", 4, "cycle",
             files={"a.cir": ".include a.cir\n"})
struct_error("include-doubling", T + ".include f0.cir\n", 4, "more than 1000 files",
             files={f"f{i}.cir": f".include f{i + 1}.cir\n.include f{i + 1}.cir\n"
                    for i in range(14)} | {"f14.cir": "* end\n"})
_BOMB = "".join(f".subckt s{i} p q\n" + "".join(f"X{j} p q s{i + 1}\n" for j in range(10))
                + ".ends\n" for i in range(20)) + ".subckt s20 p q\nR1 p q 1k\n.ends\n"
struct_error("subckt-bomb", T + "X1 a 0 s0\n" + _BOMB, 4, "more than 200,000 elements")
struct_error("subckt-recursive", T + "X1 a 0 s\n.subckt s p q\nX1 p q s\n.ends\n", 6,
             "contains itself")
struct_error("subckt-wide", T + "X1 a 0 w\n.subckt w p q\n" + "R1 p q 1k\n" * 1000 + ".ends\n"
             + "".join(f"X{i} a 0 w\n" for i in range(2, 400)), 4, "more than 200,000")


# -- 4. files and encodings -------------------------------------------------------------------
def file_error(name: str, data, line: int | None, words: str, args=None, **kw) -> None:
    add("files", name, data, args or analyze("V1", "b"), "error", line=line, words=words, **kw)


HALF = R(1, 2)


def file_ok(name: str, data, gain=HALF, args=None, **kw) -> None:
    add("files", name, data, args or analyze("V1", "b", "--json"), "ok",
        check=results(gain=gain), **kw)


GOOD = ["file test", "V1 a 0 AC 1", "R1 a b 1k", "R2 b 0 1k"]
file_error("latin1-micro", b"file test\nV1 a 0 AC 1\nR1 a b 10\xb5\nR2 b 0 1k\n", 3,
           "not UTF-8", sub=True)
file_error("latin1-title", b"caf\xe9 amplifier\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n", 1,
           "not UTF-8")
file_error("random-bytes-line5", b"t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n\x80\x81\xfe\xff\n", 5,
           "not UTF-8")
file_error("truncated-utf8", b"t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k \xe2\x82\n", 4,
           "not UTF-8")
file_error("utf16", "\n".join(GOOD).encode("utf-16"), 1, "not UTF-8|UTF-16", sub=True)
file_error("stdin-latin1", None, 3, "not UTF-8", args=["analyze", "-", "--source", "V1",
           "--output", "b"], stdin=b"t\nV1 a 0 AC 1\nR1 a b 10\xb5\nR2 b 0 1k\n", sub=True)
file_error("nul-in-value", "t\nV1 a 0 AC 1\nR1 a b 1k\x00\nR2 b 0 1k\n", 3, "character|NUL")
file_error("nul-in-node", "t\nV1 a 0 AC 1\nR1 a b\x00b 1k\nR2 b 0 1k\n", 3,
           "node|character|NUL")
file_error("escape-sequence-node", "t\nV1 a 0 AC 1\nR1 a \x1b[31mb 1k\nR2 b 0 1k\n", 3,
           "node|character")
file_error("bom-in-the-middle", "t\nV1 a 0 AC 1\n\ufeffR1 a b 1k\nR2 b 0 1k\n", 3,
           "unknown element|character|BOM")
file_error("zero-width-space-value", "t\nV1 a 0 AC 1\nR1 a b 1k\u200b\nR2 b 0 1k\n", 3,
           "character")
file_ok("utf8-micro-sign", "t\nV1 a 0 AC 1\nR1 a b 10µ\nR2 b 0 1k\n", R(10**8, 10**8 + 1))
file_error("form-feed-keeps-line-count", "t\n* page\x0cbreak\nV1 a 0 AC 1\nZ1 a 0 1\n", 4,
           "unknown element")
file_error("line-separator-keeps-line-count", "t\n* a\u2028b\nV1 a 0 AC 1\nZ1 a 0 1\n", 4,
           "unknown element")
file_error("next-line-char-keeps-line-count", "t\n* a\x85b\nV1 a 0 AC 1\nZ1 a 0 1\n", 4,
           "unknown element")
file_error("cr-only-line-numbers", "t\rV1 a 0 AC 1\rR1 a b 1k\rZ1 b 0 1\r", 4,
           "unknown element")
file_error("missing-file", None, None, "cannot read|No such file",
           args=["analyze", "/nonexistent/x.cir", "--source", "V1", "--output", "b"], sub=True)
file_error("directory", None, None, "cannot read|directory",
           args=["analyze", "/tmp", "--source", "V1", "--output", "b"])
file_error("stdin-empty", None, None, "no elements|empty",
           args=["analyze", "-", "--source", "V1", "--output", "b"], stdin=b"")
file_error("50000-comments-then-error",
           "t\n" + "* comment\n" * 50000 + "V1 a 0 AC 1\nZ1 a 0 1\n", 50003, "unknown element",
           sub=True)
file_error("megabyte-line-error", "t\nV1 a 0 AC 1\nR1 a b " + "x" * 10**6 + "!\nR2 b 0 1k\n",
           3, "character|'!'")
file_ok("crlf", "\r\n".join(GOOD) + "\r\n", sub=True)
file_ok("crlf-no-final-newline", "\r\n".join(GOOD))
file_ok("mixed-line-endings", "file test\r\nV1 a 0 AC 1\nR1 a b 1k\r\nR2 b 0 1k")
file_ok("bom", "\ufeff" + "\n".join(GOOD) + "\n")
file_ok("bom-crlf", ("\ufeff" + "\r\n".join(GOOD) + "\r\n").encode("utf-8"), sub=True)
file_ok("bom-first-line-element", "\ufeffV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n")
file_ok("nul-in-comment", "t\n* \x00 comment\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 1k\n")
file_ok("latin-title-in-utf8", "Verstärker für µA\n" + "\n".join(GOOD[1:]))
file_ok("unicode-node-names", "t\nV1 ä 0 AC 1\nR1 ä ω 1k\nR2 ω 0 1k\n",
        args=analyze("V1", "ω", "--json"))
file_ok("50000-comment-lines", "t\n" + "* comment\n" * 50000 + "\n".join(GOOD[1:]) + "\n",
        sub=True)
file_ok("50000-blank-and-semicolon", "t\n" + "\n; c\n" * 25000 + "\n".join(GOOD[1:]) + "\n")
file_ok("megabyte-title", "T" * 10**6 + "\n" + "\n".join(GOOD[1:]) + "\n")
file_ok("megabyte-comment", "t\n*" + "c" * 10**6 + "\n" + "\n".join(GOOD[1:]) + "\n")
file_ok("long-node-name", "t\nV1 a 0 AC 1\nR1 a " + "n" * 100000 + " 1k\nR2 " + "n" * 100000
        + " 0 1k\n", args=analyze("V1", "n" * 100000, "--json"))
file_ok("10000-continuations", "t\nV1 a 0 AC 1\nR1 a b\n" + "+\n" * 10000 + "+ 1k\nR2 b 0 1k\n")
file_ok("tabs-only", "t\tx\nV1\ta\t0\tAC\t1\nR1\ta\tb\t1k\nR2\tb\t0\t1k\n")
file_ok("trailing-whitespace-and-semicolon", "t  \nV1 a 0 AC 1   ; src\nR1 a b 1k;x\n"
        "R2 b 0 1k \t\n")
file_ok("stdin", None, args=["analyze", "-", "--source", "V1", "--output", "b", "--json"],
        stdin="\n".join(GOOD).encode(), sub=True)
file_ok("stdin-bom-crlf", None, args=["analyze", "-", "--source", "V1", "--output", "b",
        "--json"], stdin=("\ufeff" + "\r\n".join(GOOD)).encode())


def _many_elements(n: int) -> str:
    """A ladder of n series 1k resistors into 1k: gain 1/(n+1)."""
    lines = ["big", "V1 n0 0 AC 1"] + [f"R{i} n{i} n{i + 1} 1k" for i in range(n)]
    return "\n".join(lines + [f"RL n{n} 0 1k"]) + "\n"


add("files", "2000-element-ladder", _many_elements(2000),
    analyze("V1", "n2000", "--json"), "ok", check=results(gain=R(1, 2001)))


# -- 5. command-line options --------------------------------------------------------------------
AMP = "opt test\nVs in 0 AC 1\nRs in b Rs\nR1 b 0 R1\nRL b 0 RL\n"
Rs_, R1_, RL_ = P("Rs"), P("R1"), P("RL")
PAR = R1_ * RL_ / (R1_ + RL_)


def opt_error(name: str, args: list[str], option: str | None, words: str, netlist=AMP,
              **kw) -> None:
    add("options", name, netlist, args, "error", option=option, words=words, **kw)


def opt_ok(name: str, args: list[str], check=None, netlist=AMP, **kw) -> None:
    add("options", name, netlist, args, "ok", check=check, **kw)


def amp(*more: str, source="Vs", output="b") -> list[str]:
    return analyze(source, output, *more)


opt_error("source-missing", amp(source="Vx"), "--source",
          r"no (element|source|independent source)( named)? '?Vx|'Vx'.*(not found|no such)")
opt_error("source-is-resistor", amp(source="R1"), "--source", "resistor|not an independent")
opt_error("source-empty", amp(source=""), "--source",
          r"empty|no (element|source)( named)? ''")
opt_error("output-missing-node", amp(output="nope"), "--output", "nope|no node")
opt_error("output-three-nodes", amp(output="v(a,b,c)"), "--output", "output|v\\(a,b,c\\)")
opt_error("output-empty", amp(output=""), "--output", "output")
opt_error("output-v-empty", amp(output="v()"), "--output", "output|v\\(\\)")
opt_error("output-unclosed", amp(output="v(b"), "--output", "output")
opt_error("output-current-missing", amp(output="i(nope)"), "--output", "nope|no element")
opt_error("output-current-two", amp(output="i(R1,RL)"), "--output", "one element|i\\(")
opt_error("output-v-missing-second", amp(output="v(b,nope)"), "--output", "nope|no node")
opt_error("input-node-missing", amp("--input-node", "nope"), "--input-node", "nope|no node")
opt_error("load-missing", amp("--load", "Rnope"), "--load", "Rnope|no element")
opt_error("subs-unknown", amp("--subs", "foo=1"), "--subs", "foo|no symbol")
opt_error("subs-case-hint", amp("--subs", "rl=1k"), "--subs", "'RL'")
opt_error("subs-close-hint", amp("--subs", "Rl1=1k"), "--subs", "did you mean|RL")
opt_error("subs-not-a-number", amp("--subs", "RL=abc"), "--subs", "not a real number|abc")
opt_error("subs-braced-symbol", amp("--subs", "RL={x*2}"), "--subs", "not a real number|x")
opt_error("subs-no-value", amp("--subs", "RL="), "--subs", "NAME=VALUE")
opt_error("subs-no-name", amp("--subs", "=5"), "--subs", "NAME=VALUE")
opt_error("subs-no-equals", amp("--subs", "RL"), "--subs", "NAME=VALUE")
opt_error("subs-s", amp("--subs", "s=1"), "--subs", "Laplace|reserved")
opt_error("subs-division-by-zero", amp("--subs", "RL={1/0}"), "--subs", "division by zero")
opt_error("subs-two-equals", amp("--subs", "RL=1k=2"), "--subs", "character|'='|NAME=VALUE")
opt_error("subs-nan", amp("--subs", "RL=nan"), "--subs", "not a real number|nan")
opt_error("subs-imaginary", amp("--subs", "RL={sqrt(-1)}"), "--subs", "not a real number")
opt_error("subs-huge-exponent", amp("--subs", "RL=1e999999999"), "--subs",
          "large|exponent|range")
opt_error("subs-power-tower", amp("--subs", "RL={9^9^9}"), "--subs", "large|power|exponent")
opt_error("model-bogus", amp("--model", "bogus"), "--model", "bogus|unknown")
opt_error("include-bogus", amp("--include", "bogus"), "--include", "bogus|unknown")
opt_error("exclude-bogus", amp("--exclude", "bogus"), "--exclude", "bogus|unknown")
opt_error("bias-bogus", amp("--bias", "bogus"), "--bias", "bogus|invalid choice")
opt_error("caps-bogus", amp("--caps", "bogus"), "--caps", "bogus|invalid choice")
opt_error("no-source-option", ["analyze", "FILE", "--output", "b"], "--source", "required")
opt_error("unknown-option", amp("--frobnicate"), "--frobnicate", "unrecognized|unknown")
opt_error("json-and-latex", amp("--json", "--latex"), "--latex", "not allowed|exclusive")
opt_error("no-command", [], None, "command|required")
opt_error("unknown-command", ["frobnicate", "FILE"], "frobnicate", "invalid choice|unknown")
TP = ["twoport", "FILE", "--port1", "in,0", "--port2", "b,0"]
opt_error("z0-zero", [*TP, "--params", "s", "--z0", "0"], "--z0", "zero")
opt_error("z0-zero-expression", [*TP, "--params", "s", "--z0", "{a-a}"], "--z0", "zero")
opt_error("z0-division-by-zero", [*TP, "--params", "s", "--z0", "{1/0}"], "--z0",
          "division by zero")
opt_error("z0-empty", [*TP, "--params", "s", "--z0", ""], "--z0", "missing|empty")
opt_error("z0-s", [*TP, "--params", "s", "--z0", "s"], "--z0", "reserved|Laplace")
opt_error("z0-bad-number", [*TP, "--params", "s", "--z0", "5..0"], "--z0", "number|unexpected")
opt_error("params-bogus", [*TP, "--params", "bogus"], "--params", "bogus|unknown")
opt_error("params-empty", [*TP, "--params", ""], "--params", "unknown|empty")
add("options", "port1-one-node-means-to-ground",
    AMP, ["twoport", "FILE", "--port1", "in", "--port2", "b,0", "--json"], "either",
    option="--port1", words="two nodes|port",
    check=lambda run: json_of(run)["params"]["y"]["y11"] == "1/Rs" or pytest.fail(run.out))
opt_error("port1-three-nodes", ["twoport", "FILE", "--port1", "in,0,b", "--port2", "b,0"],
          "--port1", "two nodes|port")
opt_error("port2-missing-node", ["twoport", "FILE", "--port1", "in,0", "--port2", "nope,0"],
          "--port2", "nope|no node")
opt_error("op-bias-bogus", ["op", "FILE", "--bias", "bogus"], "--bias", "bogus|invalid choice")
opt_error("op-subs-unknown", ["op", "FILE", "--subs", "zz=1"], "--subs", "zz|no symbol")
opt_error("op-without-devices", ["op", "FILE"], None, "no transistors|diodes")
opt_error("twoport-empty-netlist", TP, None, "no elements|empty", netlist="title only\n")
opt_error("twoport-bad-value-line", TP, None, "division by zero", netlist=AMP + "R9 b 0 {1/0}\n",
          line=6)
opt_error("op-bad-value-line", ["op", "FILE"], None, "unknown element", line=3,
          netlist="t\nV1 a 0 DC 5\nZ1 a 0 1\nD1 a 0\n")
opt_ok("subs-empty-items", amp("--json", "--subs", ",,,"),
       results(gain=PAR / (Rs_ + PAR), rin=Rs_ + PAR, rout=Rs_ * PAR / (Rs_ + PAR)))
opt_ok("subs-numbers", amp("--json", "--subs", "Rs=1k,,R1=1k, RL=1k"), numeric(gain=1 / 3))
opt_ok("subs-infinite-load", amp("--json", "--subs", "RL=oo,Rs=1k,R1=3k"), numeric(gain=0.75))
opt_ok("subs-zero-load", amp("--json", "--subs", "RL=0,Rs=1k,R1=1k"), numeric(gain=0.0))
opt_ok("subs-sqrt", amp("--json", "--subs", "RL=oo,Rs={sqrt(2)},R1={sqrt(2)}"),
       numeric(gain=0.5))
opt_ok("source-lowercase", amp("--json", source="vs"), results(gain=PAR / (Rs_ + PAR)))
opt_ok("output-v-pair", amp("--json", output="v(b,0)"), results(gain=PAR / (Rs_ + PAR)))
opt_ok("output-ground", amp("--json", output="0"), results(gain=0))
opt_ok("output-current", amp("--json", output="i(RL)"),
       results(gain=R1_ / (Rs_ * R1_ + Rs_ * RL_ + R1_ * RL_)))
opt_ok("input-node-b", amp("--json", "--input-node", "b"), results(rin=PAR))
opt_ok("input-node-ground", amp("--json", "--input-node", "0"), results(rin=0))
opt_ok("load-RL", amp("--json", "--load", "RL"),
       results(rout=Rs_ * R1_ / (Rs_ + R1_)))
opt_ok("z0-symbol", [*TP, "--params", "s", "--z0", "abc", "--json"])
opt_ok("z0-negative", [*TP, "--params", "s", "--z0", "-50", "--json"])
opt_ok("params-all", [*TP, "--params", "all", "--json"])
opt_ok("params-upper", [*TP, "--params", "Z,Y", "--json"])


# -- 6. degenerate but valid circuits --------------------------------------------------------
def degenerate(name: str, netlist: str, args: list[str], check=None, expect="ok", **kw) -> None:
    add("degenerate", name, netlist, args, expect, check=check, **kw)


gm1, ro1, rpi1, RC_, RD_ = P("gm1"), P("ro1"), P("rpi1"), P("RC"), P("RD")
degenerate("rout-of-a-source-node", "t\nV1 a 0 AC 1\nR1 a 0 1k\n", analyze("V1", "a", "--json"),
           results(gain=1, rout=0))
degenerate("mos-gate-rin-infinite", "t\nVs g 0 AC 1\nM1 d g 0 nmos\nRD d 0 RD\n",
           analyze("Vs", "d", "--json"),
           results(gain=-gm1 * RD_ * ro1 / (RD_ + ro1), rin=sympy.oo, rout=RD_ * ro1 / (RD_ + ro1)))
degenerate("mos-gate-rin-infinite-text", "t\nVs g 0 AC 1\nM1 d g 0 nmos\nRD d 0 RD\n",
           analyze("Vs", "d"), says(r"^R_in at g \(Vs removed\) = oo"))
degenerate("gain-exactly-zero-unconnected", "t\nV1 a 0 AC 1\nR1 a 0 1k\nR2 b 0 1k\n",
           analyze("V1", "b", "--json"), results(gain=0, rout=1000))
degenerate("gain-zero-balanced-bridge",
           "t\nV1 a 0 AC 1\nR1 a c R\nR2 c 0 R\nR3 a d R\nR4 d 0 R\nR5 c d R5\n",
           analyze("V1", "v(c,d)", "--json"), results(gain=0))
degenerate("gain-zero-E-gain-zero", "t\nV1 a 0 AC 1\nR1 a 0 1k\nE1 o 0 a 0 0\nR2 o 0 1k\n",
           analyze("V1", "o", "--json"), results(gain=0))
degenerate("all-numeric", "t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 3k\n", analyze("V1", "b", "--json"),
           results(gain=R(3, 4), rin=4000, rout=750))
degenerate("all-numeric-text", "t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 3k\n", analyze("V1", "b"),
           says(r"^gain v\(b\)/V1 = R2/\(R1 \+ R2\)\n    = 0\.75 V/V$"))
degenerate("all-numeric-numbers-in", "t\nV1 a 0 AC 1\nR1 a b 1k\nR2 b 0 3k\n",
           analyze("V1", "b", "--numbers-in"), says(r"^gain v\(b\)/V1 = 3/4$"))
degenerate("irrational-values-cancel", "t\nV1 a 0 AC 1\nR1 a b {sqrt(2)}\nR2 b 0 {sqrt(2)}\n",
           analyze("V1", "b", "--json"), results(gain=R(1, 2)))
# 1/R1 = (1+sqrt(2))^2 = 3 + 2*sqrt(2) and G1 takes exactly that back: node a is held by R2 only
CANCEL = "t\nI1 0 a AC 1\nR1 a 0 {1/(1+sqrt(2))^2}\nG1 a 0 a 0 {-(3+2*sqrt(2))}\nR2 a b 1k\n" \
         "R3 b 0 1k\n"
degenerate("irrational-conductances-cancel", CANCEL, analyze("I1", "b", "--json"),
           results(gain=1000, rin=2000))
# ... and without R2 nothing holds node a: singular
SINGULAR = "t\nI1 0 a AC 1\nR1 a 0 {1/(1+sqrt(2))^2}\nG1 a 0 a 0 {-(3+2*sqrt(2))}\n"
degenerate("singular-irrational", SINGULAR, analyze("I1", "a"), says("not defined|singular"),
           expect="either", words="singular|not defined")
degenerate("singular-irrational-json", SINGULAR, analyze("I1", "a", "--json"),
           expect="either", words="singular|not defined",
           check=lambda run: json_of(run)["gain"] is None or pytest.fail(run.out))
degenerate("singular-log-identity",
           "t\nI1 0 a AC 1\nR1 a 0 {1/log(4)}\nG1 a 0 a 0 {-2*log(2)}\nR2 a 0 R2\nG2 a 0 a 0 "
           "{-1/R2}\n", analyze("I1", "a"), says("not defined|singular"), expect="either",
           words="singular|not defined")
degenerate("series-current-sources-singular", "t\nI1 0 m AC 1\nI2 m b 1\nR1 b 0 1k\n",
           analyze("I1", "b"), says("not defined"))
degenerate("negative-resistor-cancels", "t\nV1 a 0 AC 1\nR1 a b -1k\nR2 b 0 1k\n",
           analyze("V1", "b"), says("not defined|oo"))
degenerate("reverse-diode", "t\nVb 1 0 DC 5 AC 1\nR1 1 a 1k\nD1 0 a\nR2 a 0 1k\n",
           analyze("Vb", "a", "--json"), results(gain=R(1, 2)))
degenerate("reverse-diode-op", "t\nVb 1 0 DC 5 AC 1\nR1 1 a 1k\nD1 0 a\nR2 a 0 1k\n",
           ["op", "FILE"], lambda run: not re.search(r"rd1 +=( .* =)? -|= -[\d.]+ \w?Ω", run.out)
           or pytest.fail(f"negative resistance: {run.out}"))
degenerate("bjt-driven-at-base", "t\nVs b 0 AC 1\nQ1 c b 0\nRC c 0 RC\n",
           analyze("Vs", "c", "--json"),
           results(gain=-gm1 * RC_ * ro1 / (RC_ + ro1), rin=rpi1, rout=RC_ * ro1 / (RC_ + ro1)))
degenerate("bjt-driven-at-base-model-T", "t\nVs b 0 AC 1\nQ1 c b 0\nRC c 0 RC\n",
           analyze("Vs", "c", "--json", "--model", "T"))
degenerate("opamp-inverting", "t\nV1 in 0 AC 1\nR1 in n R1\nR2 n out R2\nO1 out 0 n\n",
           analyze("V1", "out", "--json"),
           results(gain=-P("R2") / P("R1"), rin=P("R1"), rout=0))
degenerate("opamp-follower", "t\nV1 in 0 AC 1\nO1 out in out\nRL out 0 RL\n",
           analyze("V1", "out", "--json"), results(gain=1, rout=0))
degenerate("opamp-open-loop-singular", "t\nV1 in 0 AC 1\nR1 in 0 1k\nO1 out in 0\nRL out 0 1k\n",
           analyze("V1", "out"), says("not defined"))
degenerate("capacitor-only-path", "t\nI1 0 a AC 1\nC1 a 0 C1\n",
           analyze("I1", "a", "--json", "--caps", "keep"),
           results(gain=1 / (P("s") * P("C1"))))
degenerate("output-is-input", "t\nV1 a 0 AC 1\nR1 a 0 1k\n", analyze("V1", "v(a,a)", "--json"),
           results(gain=0))
degenerate("twoport-lone-series-z", "t\nR1 a b R\n",
           ["twoport", "FILE", "--port1", "a,0", "--port2", "b,0", "--params", "z"],
           says("^z: .*"))
degenerate("twoport-same-port-twice", "t\nR1 a 0 R\n",
           ["twoport", "FILE", "--port1", "a,0", "--port2", "a,0", "--params", "y"],
           expect="either", words="port|singular|same")
degenerate("numbers-with-infinite-ro", "t\nVs b 0 AC 1\nQ1 c b 0\nRC c 0 RC\n",
           analyze("Vs", "c", "--json", "--subs", "gm1=0.04,ro1=oo,RC=1k"), numeric(gain=-40.0))
degenerate("latex-of-infinite-rin", "t\nVs g 0 AC 1\nM1 d g 0 nmos\nRD d 0 RD\n",
           analyze("Vs", "d", "--latex"), says(r"R_\{in\} = \\infty"))


# -- the test ---------------------------------------------------------------------------------
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _assert_clean_error(case: Case, run: Run) -> None:
    assert run.code == 2, f"exit {run.code}, expected 2\n{run.err[-3000:]}"
    assert "Traceback" not in run.err, run.err[-3000:]
    assert run.out == "", f"stdout not empty: {run.out[:500]!r}"
    lines = run.err.rstrip("\n").split("\n")
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {run.err[:1000]!r}"
    msg = lines[0]
    assert msg.startswith("symsig: error: "), msg[:300]
    assert not _CONTROL.search(msg), f"raw control character in {msg[:300]!r}"
    if case.line is not None:
        m = re.search(r"\bline (\d+)", msg)
        assert m and int(m.group(1)) == case.line, f"expected line {case.line}: {msg[:300]}"
    if case.option is not None:
        assert case.option in msg, f"message does not name {case.option}: {msg[:300]}"
    if case.words:
        assert re.search(case.words, msg, re.I), f"no /{case.words}/ in {msg[:300]}"


def _assert_ok(case: Case, run: Run) -> None:
    assert run.code == 0, f"exit {run.code}, expected 0\n{run.err[-3000:]}"
    assert "Traceback" not in run.err + run.out, run.err[-3000:]
    bad = re.search(r"\b(zoo|nan)\b", run.out, re.I)
    assert not bad, f"{bad.group(0)} in the output: {run.out[:1000]}"
    if case.check is not None:
        case.check(run)


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "netlist.cir"
    if case.netlist is not None:
        data = case.netlist if isinstance(case.netlist, bytes) else case.netlist.encode("utf-8")
        path.write_bytes(data)
    for name, content in case.files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    argv = [str(path) if a == "FILE" else a for a in case.args]
    runner = _run_subprocess if case.sub or ALL_SUBPROCESS else _run_forked
    run = runner(argv, case.stdin, case.timeout)
    assert run.code is not None, f"no answer within {case.timeout:.0f} s of wall time (hung)"
    assert run.code != -signal.SIGXCPU, f"no answer within {CPU_LIMIT} s of CPU (too slow)"
    if case.expect == "error" or (case.expect == "either" and run.code != 0):
        _assert_clean_error(case, run)
    else:
        _assert_ok(case, run)


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 300, COUNTS
    assert len({p.id for p in CASES}) == len(CASES), "case ids must be unique"
