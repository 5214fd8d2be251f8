"""Element values: SPICE numbers, bare symbols and braced expressions, parsed without eval.

Text a user typed never reaches `eval` or `sympify`; a small tokenizer and a non-recursive
operator-precedence parser build the SymPy expression directly, so only numbers, symbols,
`+ - * / ^ **`, unary minus, parentheses, `sqrt exp log abs` and `pi` can appear. Sums and
products are built from argument lists (one `Add(*terms)`), so long flat expressions take linear
time.

Every value either parses or raises `NetlistError` naming the problem and the limit, in bounded
time (well under a second for anything up to the length limit). The limits are module constants,
generous for real circuits, whose values live far inside them:

- `MAX_VALUE_CHARS` = 4,000 characters of value text, `MAX_NUMBER_CHARS` = 100 characters in one
  number literal (digits, exponent, suffix): no quadratic reading of a 20,000-digit number.
- Numbers: every number in a value, literal or computed, is 0 or has a magnitude from 1e-300 to
  1e300 (`MIN_MAGNITUDE`, `MAX_MAGNITUDE`), so it becomes a double without overflow or underflow
  (`1e301`, `1e200k`, `{exp(1000)}` are too large); an exact number keeps at most `MAX_DIGITS` =
  1,000 digits in numerator and denominator (`{1.000001^64}` needs 385).
- Numeric values are real and finite: `{sqrt(-1)}`, `{log(-2)}`, `{(-8)^(1/3)}`, `{1/0}`,
  `{log(0)}` are errors.
- `MAX_EXPONENT` = 64: an exponent is a number with |exponent| <= 64 (`^0.5` and `^(1/3)` are
  fine); a symbolic exponent (`R^a`) is an error.
- `MAX_TERMS` = 10,000 and `MAX_DEGREE` = 256 bound an estimate of the terms and the degree of
  the value's expansion into a ratio of polynomials (what the solver builds): a sum of k terms to
  the n has C(n+k-1, k-1) terms, products multiply, a sum of fractions multiplies denominators.
  `{(a+b+c)^64}` passes (2,145 terms), `{(a+b+c+d)^64}` does not (47,905).
- `MAX_NESTING` = 32 parentheses and calls open at once in the text (the parser itself keeps its
  own stacks and never recurses), and `MAX_DEPTH` = 100 levels in the expression built (SymPy's
  printers recurse on it; `resolve` can deepen a value).
- Limits on how SymPy is asked to build the value. SymPy answers questions about signs (asked
  while building sums of powers, `abs`, `sqrt` of products, powers of powers) by searches that
  grow exponentially with nesting, worst for sums of a single symbol. So: `MAX_SUM_NESTING` = 12
  sums inside one another; `MAX_UNIVARIATE_NESTING` = 4 for sums of one and the same symbol
  (`{R*(1+R*(1+R*(1+R*(1+R))))}` is one too many); `MAX_FUNCTION_NESTING` = 3 functions
  (`sqrt exp log abs`, and non-integer powers) inside one another, `MAX_FUNCTION_SUM_NESTING` =
  3 sums nested in a function's argument, and `MAX_FUNCTIONS` = 16 calls and non-integer powers
  in one value. Each is checked before SymPy is asked, and `exp`, `log` and powers of sums are
  built without questions whose answer is known.

Identifiers are positive real symbols. `s` is reserved for the Laplace variable; `pi` is the
constant (in any case, as function names match in any case), and `sqrt exp log abs` cannot name a
value, so that a printed result reads back as what it was.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from fractions import Fraction

import sympy
from sympy.core.evalf import PrecisionExhausted

from ..errors import NetlistError

#: The Laplace variable. Users cannot name a value `s`.
s = sympy.Symbol("s")

RESERVED = {"s": "the Laplace variable"}

MAX_VALUE_CHARS = 4_000
MAX_NUMBER_CHARS = 100
MAX_MAGNITUDE = sympy.Integer(10) ** 300
MIN_MAGNITUDE = sympy.Rational(1, 10**300)
MAX_DIGITS = 1_000
MAX_NESTING = 32
MAX_SUM_NESTING = 12
MAX_UNIVARIATE_NESTING = 4
MAX_FUNCTION_NESTING = 3
MAX_FUNCTION_SUM_NESTING = 3
MAX_FUNCTIONS = 16
MAX_EXPONENT = 64
MAX_TERMS = 10_000
MAX_DEGREE = 256
MAX_DEPTH = 100

_MAX_BITS = math.ceil(MAX_DIGITS / math.log10(2))  # an integer of MAX_DIGITS digits, in bits
_EXP_LIMIT = 300 * math.log(10)  # exp(x) stays within 1e-300 .. 1e300 for |x| <= this
_SHOWN = 60  # characters of user text quoted in a message

# SPICE scale factors; the longest match wins ("meg" before "m"), letters after it are ignored
# as SPICE does ("10uF" is 10e-6, and "1F" is one femto). Micro may be written µ (U+00B5 or
# U+03BC), as LTspice writes it: "10µ" reads as "10u".
_SCALE = {
    "t": 10**12,
    "g": 10**9,
    "meg": 10**6,
    "k": 10**3,
    "mil": Fraction(254, 10**7),
    "m": Fraction(1, 10**3),
    "u": Fraction(1, 10**6),
    "n": Fraction(1, 10**9),
    "p": Fraction(1, 10**12),
    "f": Fraction(1, 10**15),
    "a": Fraction(1, 10**18),
}
# One reading of a number: the mantissa has no ambiguous split (no quadratic backtracking).
_NUMBER = re.compile(
    r"(?P<mant>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exp>[+-]?[0-9]+))?"
    r"(?P<suffix>meg|mil|[tgkmunpfa])?(?P<unit>[a-z]*)",
    re.IGNORECASE,
)
# Unit names a number may carry inside an expression ({10uF/2}); any other letters after a number
# there are an error, since {2RE} would otherwise silently read as 2.
_UNITS = {"f", "h", "hz", "ohm", "ohms", "v", "a", "w"}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNCTIONS = {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "abs": sympy.Abs}
_CONSTANTS = {"pi": sympy.pi}
# Names sympy.parse_expr calls for itself when it reads a result back (Integer(2), Symbol('x')).
_PARSER_NAMES = frozenset({"Symbol", "Integer", "Float", "Rational", "Function"})


def _show(text: str) -> str:
    """User text for a message: quoted, and cut short if long."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def symbol(name: str) -> sympy.Symbol:
    """The positive real symbol a netlist identifier stands for."""
    if name in RESERVED:
        raise ValueError(f"the name {name!r} is reserved for {RESERVED[name]}")
    return sympy.Symbol(name, positive=True)


def _user_symbol(name: str) -> sympy.Expr:
    """An identifier in user text: `pi`, or a symbol whose name reads back unambiguously."""
    low = name.lower()
    if low in _CONSTANTS:
        return _CONSTANTS[low]
    if low in _FUNCTIONS:
        raise ValueError(f"{name!r} is a function name and cannot name a value "
                         f"(write {low}(x) to call it)")
    if name in _PARSER_NAMES:
        raise ValueError(f"{name!r} is a name SymPy's parser keeps for itself, so a result "
                         "using it would not read back; choose another name")
    return symbol(name)


# -- numbers ------------------------------------------------------------------------------------

_TOO_LARGE = "is too large (out of range: magnitudes are limited to 1e300)"
_TOO_SMALL = "is too small (out of range: a nonzero magnitude must be at least 1e-300)"


def _read_number(text: str, line: int | None) -> tuple[Fraction, str] | None:
    """(exact value, unit letters) of a SPICE number, None if `text` is not one; numbers past
    the limits raise."""
    if "\u00b5" in text or "\u03bc" in text:  # LTspice writes micro as µ (either code point)
        text = text.replace("\u00b5", "u").replace("\u03bc", "u")
    m = _NUMBER.fullmatch(text)
    if not m:
        return None
    if len(text) > MAX_NUMBER_CHARS:
        raise NetlistError(f"number {_show(text)} is too long ({len(text)} characters; "
                           f"the limit is {MAX_NUMBER_CHARS})", line)
    mant = m.group("mant")
    whole, _, frac = mant.partition(".")
    digits = int(whole + frac or "0")
    unit = m.group("unit")
    if digits == 0:
        return Fraction(0), unit
    exp = int(m.group("exp") or 0)
    # The mantissa has at most 100 digits and the suffix scales by at most 10^±18, so an
    # exponent beyond ±1000 is out of range whatever else: refuse it before building 10**exp.
    problem = _TOO_LARGE if exp > 0 else _TOO_SMALL
    if abs(exp) <= 1000:
        value = Fraction(digits, 10 ** len(frac)) * Fraction(10) ** exp
        if m.group("suffix"):
            value *= _SCALE[m.group("suffix").lower()]
        problem = _rational_problem(value.numerator, value.denominator)
    if problem:
        raise NetlistError(f"number {_show(text)} {problem}", line)
    return value, unit


def parse_number(text: str, line: int | None = None) -> sympy.Rational | None:
    """An exact rational for a SPICE number like 4.7k, 2meg, 1e-3; None if `text` is not one.

    A number too long or out of range raises `NetlistError` (see the module's limits).
    """
    read = _read_number(text.strip(), line)
    if read is None:
        return None
    value = read[0]
    return sympy.Rational(value.numerator, value.denominator)


def _evaluate(expr: sympy.Expr) -> sympy.Expr:
    """A number expression as a Rational or a 20-digit Float (or whatever evalf gives when it is
    not a real number); a value evalf cannot tell from zero counts as zero."""
    if expr.is_Rational:
        return expr
    try:
        return expr.evalf(20, strict=True)
    except PrecisionExhausted:
        return sympy.S.Zero


_TEN_300 = 10**300


def _number_problem(expr: sympy.Expr) -> str | None:
    """Why a number expression is not an acceptable value (None if it is): not finite, not
    real, out of range, or too many exact digits."""
    if expr.is_Rational:
        return _rational_problem(int(expr.p), int(expr.q))
    v = _evaluate(expr)
    if v is sympy.nan or v is sympy.zoo or v.is_infinite or v.is_Float and not v.is_finite:
        return "is not a finite number"
    if not (v.is_Float or v.is_Rational):
        return "is not a real number"
    if abs(v) > MAX_MAGNITUDE:
        return _TOO_LARGE
    if v != 0 and abs(v) < MIN_MAGNITUDE:
        return _TOO_SMALL
    return None


def _rational_problem(p: int, q: int) -> str | None:
    """`_number_problem` of p/q (q > 0), in integers."""
    p = abs(p)
    if max(p.bit_length(), q.bit_length()) > _MAX_BITS:
        return f"has more than {MAX_DIGITS} digits"
    if p > q * _TEN_300:
        return _TOO_LARGE
    if p and q > p * _TEN_300:
        return _TOO_SMALL
    return None


def _text(expr: object) -> str:
    """An expression for a message: cut short, and never a failing huge-int str()."""
    try:
        text = str(expr)
    except ValueError:  # Python's int/str conversion limit
        return "(a number too long to show)"
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


# -- size estimates -----------------------------------------------------------------------------

class _Limit(Exception):
    """A value past one of the limits; the caller adds the line and the context."""


def _count_monomials(k: int, n: int, cap: int) -> int:
    """C(k+n-1, n-1), the terms of a sum of n terms to the power k, or `cap` if that is more."""
    if n <= 1 or k == 0:
        return 1
    if n >= cap:
        return cap
    r, m = min(k, n - 1), k + n - 1
    c = 1
    for i in range(1, r + 1):  # C(m, i) at least doubles while i <= m/2: a few steps
        c = c * (m - r + i) // i
        if c >= cap:
            return cap
    return c


class _Sizer:
    """Bottom-up facts about an expression DAG, memoized per node and checked against the limits
    as each node is met: the estimated terms and degree of the numerator and denominator of its
    expansion, its tree depth, how deep functions nest in it and how deep sums nest in it.

    `strict` (user text): every number must be finite and in range, and nothing may be complex.
    Otherwise (substituting into values given through the API) infinities and I pass, but sizes
    are bounded all the same.
    """

    CAP = MAX_TERMS + 1

    def __init__(self, strict: bool = True):
        self.strict = strict
        self.memo: dict[int, tuple[int, ...]] = {}
        self.keep: list[sympy.Basic] = []  # nodes stay alive, so their ids stay theirs

    def check(self, expr: sympy.Basic) -> tuple:
        """(num terms, den terms, num degree, den degree, depth, function nesting, sum nesting,
        its one symbol (None for none, _MANY for several), nesting of sums of that one symbol)
        of `expr`, walking only nodes not seen before; raises `_Limit` past a limit."""
        memo = self.memo
        stack = [expr]
        while stack:
            node = stack[-1]
            if id(node) in memo:
                stack.pop()
                continue
            pending = [a for a in node.args if id(a) not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[id(node)] = self._facts(node)
            self.keep.append(node)
        return memo[id(expr)]

    def _facts(self, node: sympy.Basic) -> tuple:
        cap = self.CAP
        if node.is_Number or node is sympy.zoo:
            if self.strict or node.is_Rational:
                problem = _number_problem(node)
                if problem:
                    raise _Limit(f"the number {_text(node)} {problem}")
            return 1, 1, 0, 0, 1, 0, 0, None, 0
        if node is sympy.I and self.strict:
            raise _Limit("it is not a real number")
        if not node.args:  # a generator: a symbol, or a constant such as pi
            return 1, 1, 1, 0, 1, 0, 0, node if node.is_Symbol else None, 0
        kids = [self.memo[id(a)] for a in node.args]
        depth = 1 + max(k[4] for k in kids)
        nest = max(k[5] for k in kids)
        sums = max(k[6] for k in kids)
        sym = _one_symbol(k[7] for k in kids)
        uni = max(k[8] for k in kids)
        if node.is_Add:
            den, prefix = 1, []
            for k in kids:
                prefix.append(den)
                den = min(cap, den * k[1])
            num, suffix = 0, 1  # sum of num_i times the other denominators
            for k, before in zip(reversed(kids), reversed(prefix), strict=True):
                num = min(cap, num + k[0] * before * suffix)
                suffix = min(cap, suffix * k[1])
            dd = sum(k[3] for k in kids)
            nd = dd + max(k[2] - k[3] for k in kids)
            sums += 1
            uni += sym is not None and sym is not _MANY
        elif node.is_Mul:
            num = den = 1
            for k in kids:
                num, den = min(cap, num * k[0]), min(cap, den * k[1])
            nd, dd = sum(k[2] for k in kids), sum(k[3] for k in kids)
        elif node.is_Pow and node.exp.is_Rational:
            b, e = kids[0], node.exp
            whole = abs(e.p) // e.q  # x^(7/2) expands as x^3 times the generator x^(1/2)
            num, den = _count_monomials(whole, b[0], cap), _count_monomials(whole, b[1], cap)
            nd, dd = whole * b[2], whole * b[3]
            if e.q != 1:
                nd += 1
                nest = self._function(b[5], b[6])
            if e < 0:
                num, den, nd, dd = den, num, dd, nd
        else:  # a function, or a power with a symbolic or irrational exponent: a generator
            num, den, nd, dd = 1, 1, 1, 0
            nest = self._function(nest, sums)
        self.limit(num, den, nd, dd, sums, sym, uni)
        if depth > MAX_DEPTH:
            raise _Limit(f"it is nested more than {MAX_DEPTH} levels deep")
        return num, den, nd, dd, depth, nest, sums, sym, uni

    @staticmethod
    def limit(num: int, den: int, nd: int, dd: int, sums: int, sym, uni: int) -> None:
        if max(num, den) > MAX_TERMS:
            raise _Limit(f"its expansion could have more than {MAX_TERMS:,} terms")
        if max(nd, dd) > MAX_DEGREE:
            raise _Limit(f"its expansion could have degree more than {MAX_DEGREE}")
        if sums > MAX_SUM_NESTING:
            raise _Limit(f"it nests sums more than {MAX_SUM_NESTING} deep")
        if uni > MAX_UNIVARIATE_NESTING:
            raise _Limit(f"it nests sums of one symbol ({sym}) more than "
                         f"{MAX_UNIVARIATE_NESTING} deep")

    def may_apply(self, args: tuple) -> None:
        """Check, before SymPy builds it, a function (or non-integer power) of `args`."""
        facts = [self.check(a) for a in args]
        self._function(max(f[5] for f in facts), max(f[6] for f in facts))

    @staticmethod
    def _function(nest: int, sums: int) -> int:
        """The function nesting of a function (or non-integer power) of an argument with these
        function and sum nestings."""
        if nest >= MAX_FUNCTION_NESTING:
            raise _Limit(f"it nests functions (or non-integer powers) more than "
                         f"{MAX_FUNCTION_NESTING} deep")
        if sums > MAX_FUNCTION_SUM_NESTING:
            raise _Limit(f"a function (or non-integer power) has an argument that nests sums "
                         f"more than {MAX_FUNCTION_SUM_NESTING} deep")
        return nest + 1


_MANY = object()  # stands for "several symbols" in the sizer's facts


def _one_symbol(syms) -> object:
    """The one symbol all of `syms` share (None if there is none, _MANY if several)."""
    out = None
    for s in syms:
        if s is None or s is out:
            continue
        if out is None and s is not _MANY:
            out = s
        else:
            return _MANY
    return out


def _power(base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
    """base**exp as SymPy builds it, without SymPy's sign search where its answer is known.

    For a symbolic sum raised to a rational power SymPy's only rewrite is for sums holding an
    infinity (it asks each term whether it is infinite, a search exponential in the nesting);
    the values here are finite, so the unevaluated power is what SymPy would return. A power of
    such a power with an integer exponent multiplies the exponents, as SymPy does.
    """
    if exp.is_Rational and exp not in (0, 1) and not base.is_number:
        if base.is_Add:
            return sympy.Pow(base, exp, evaluate=False)
        if base.is_Pow and base.base.is_Add and base.exp.is_Rational and exp.is_Integer:
            return _power(base.base, base.exp * exp)
    return sympy.Pow(base, exp)


def _function(name: str, arg: sympy.Expr) -> sympy.Expr:
    """sqrt, exp, log or abs of `arg` as SymPy builds it, without its sign search where that
    cannot change the result: SymPy rewrites exp(x) only for x holding a log or I (or a zero it
    can prove), and log(x) only for x an exp, a number or holding I; otherwise it returns the
    unevaluated call after questions about x that take time exponential in x's nesting."""
    if name == "sqrt":
        return _power(arg, sympy.S.Half)  # what sympy.sqrt builds
    if not arg.is_number and not arg.has(sympy.I):
        if name == "exp" and not arg.has(sympy.log):
            return sympy.exp(arg, evaluate=False)
        if name == "log" and not isinstance(arg, sympy.exp):
            return sympy.log(arg, evaluate=False)
    return _FUNCTIONS[name](arg)


_NAME_OF = {sympy.exp: "exp", sympy.log: "log"}


def _rebuild(node: sympy.Basic, args: tuple) -> sympy.Basic:
    if node.is_Pow:
        return _power(*args)
    if node.func in _NAME_OF:
        return _function(_NAME_OF[node.func], *args)
    return node.func(*args)


# -- expressions --------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[A-Za-z\u00b5\u03bc]*)"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),]))"
)
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "^": 4}  # ^ is right associative


def _tokens(text: str, line: int | None) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].strip()[:1] or text[pos:pos + 1]
            raise NetlistError(f"bad character {bad!r} in expression {_show(text)}", line)
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Chain:
    """A sum or product still collecting its arguments, built once with Add(*) or Mul(*).

    It keeps the size estimate of what it will be (as `_Sizer` would find it), so that a long
    sum that grows too large is refused at the term that makes it so, not after all are built.
    """

    __slots__ = ("kind", "items", "num", "den", "nd", "dd", "sums", "sym", "uni", "kid_uni")

    def __init__(self, kind: str):
        self.kind, self.items = kind, []
        self.num = self.den = 1
        self.nd = self.dd = self.sums = self.uni = self.kid_uni = 0
        self.sym = None
        if kind == "+":
            self.num = 0

    def add(self, item: sympy.Expr, facts: tuple) -> None:
        cap = _Sizer.CAP
        n, d, nd, dd, _, _, sums, sym, uni = facts
        self.sym = _one_symbol((self.sym, sym))
        single = self.sym is not None and self.sym is not _MANY
        if self.kind == "+":  # an Add item merges into this sum: its own level is this one
            self.nd = max(self.nd + dd, nd + self.dd) if self.items else nd
            self.num = min(cap, self.num * d + n * self.den)
            self.sums = max(self.sums, sums if item.is_Add else sums + 1)
            item_single = sym is not None and sym is not _MANY
            self.kid_uni = max(self.kid_uni, uni - 1 if item.is_Add and item_single else uni)
            self.uni = self.kid_uni + 1 if single else self.kid_uni
        else:
            self.num, self.nd = min(cap, self.num * n), self.nd + nd
            self.sums, self.uni = max(self.sums, sums), max(self.uni, uni)
        self.den, self.dd = min(cap, self.den * d), self.dd + dd
        self.items.append(item)
        _Sizer.limit(self.num, self.den, self.nd, self.dd, self.sums, self.sym, self.uni)


class _Parser:
    """Shunting-yard over the token list with explicit stacks: no recursion, whatever the text.

    Precedence: + - < * / < unary - < ^ (right associative), so -a^2 is -(a^2) and 2^-1*3 is
    3/2, as in Python. Each node is checked against the limits as soon as it is built.
    """

    def __init__(self, text: str, line: int | None):
        self.text, self.line = text, line
        self.sizer = _Sizer(strict=True)
        self.vals: list = []
        self.ops: list = []  # operators, and ("(", function or None) for open parentheses
        self.functions = 0

    def fail(self, why: str) -> NetlistError:
        return NetlistError(f"bad expression {_show(self.text)}: {why}", self.line)

    def checked(self, expr: sympy.Expr) -> sympy.Expr:
        try:
            self.sizer.check(expr)
        except _Limit as exc:
            raise self.fail(str(exc)) from None
        return expr

    def parse(self) -> sympy.Expr:
        if len(self.text) > MAX_VALUE_CHARS:
            raise self.fail(f"too long ({len(self.text):,} characters; the limit is "
                            f"{MAX_VALUE_CHARS:,})")
        toks = _tokens(self.text, self.line)
        if not toks:
            raise self.fail("empty")
        vals, ops = self.vals, self.ops
        want_value, depth, i = True, 0, 0
        while i < len(toks):
            kind, tok = toks[i]
            i += 1
            if want_value:
                if tok in ("+", "-") and kind == "op":
                    negative = tok == "-"
                    while i < len(toks) and toks[i] in (("op", "+"), ("op", "-")):
                        negative ^= toks[i][1] == "-"
                        i += 1
                    if negative:
                        ops.append("neg")
                elif kind == "num":
                    vals.append(self.number(tok))
                    want_value = False
                elif kind == "ident" and i < len(toks) and toks[i] == ("op", "("):
                    if tok.lower() not in _FUNCTIONS:
                        raise self.fail(f"unknown function {tok!r} (known: "
                                        f"{', '.join(_FUNCTIONS)})")
                    i += 1
                    depth = self.open(tok.lower(), depth)
                elif kind == "ident":
                    try:
                        vals.append(_user_symbol(tok))
                    except ValueError as exc:
                        raise self.fail(str(exc)) from None
                    want_value = False
                elif kind == "op" and tok == "(":
                    depth = self.open(None, depth)
                else:
                    raise self.fail(f"expected a value before {tok!r}")
            elif kind == "op" and (tok in _PREC or tok == "**"):
                op = "^" if tok == "**" else tok
                prec = _PREC[op]
                while ops and isinstance(ops[-1], str) and (
                        _PREC[ops[-1]] > prec or (_PREC[ops[-1]] == prec and op != "^")):
                    self.apply(ops.pop())
                ops.append(op)
                want_value = True
            elif tok == ")":
                while ops and isinstance(ops[-1], str):
                    self.apply(ops.pop())
                if not ops:
                    raise self.fail("unbalanced ')'")
                _, func = ops.pop()
                depth -= 1
                value = self.done(vals.pop())
                vals.append(self.call(func, value) if func else value)
            elif tok == ",":
                raise self.fail("unexpected ',' (functions take one argument)")
            else:
                raise self.fail(f"unexpected {tok!r} (an operator is missing before it)")
        if want_value:
            raise self.fail("unexpected end")
        while ops:
            op = ops.pop()
            if not isinstance(op, str):
                raise self.fail("missing ')'")
            self.apply(op)
        value = self.done(vals.pop())
        if value.is_number:
            problem = _number_problem(value)
            if problem:
                raise self.fail(f"the value {problem}")
        return value

    def open(self, func: str | None, depth: int) -> int:
        if depth >= MAX_NESTING:
            raise self.fail(f"nested more than {MAX_NESTING} parentheses deep")
        self.ops.append(("(", func))
        return depth + 1

    def number(self, tok: str) -> sympy.Expr:
        value, unit = _read_number(tok, self.line)
        if unit and unit.lower() not in _UNITS:
            raise self.fail(f"number {tok!r} ends in letters {unit!r} that are neither a scale "
                            f"suffix nor a unit (for a product write {tok[:-len(unit)]}*{unit})")
        return sympy.Rational(value.numerator, value.denominator)

    def done(self, value) -> sympy.Expr:
        """A finished SymPy expression for a value on the stack."""
        if isinstance(value, _Chain):
            built = sympy.Add(*value.items) if value.kind == "+" else sympy.Mul(*value.items)
            return self.checked(built)
        return value

    def apply(self, op: str) -> None:
        vals = self.vals
        if op == "neg":
            vals.append(self.checked(-self.done(vals.pop())))
            return
        right, left = self.done(vals.pop()), vals.pop()
        if op == "^":
            vals.append(self.power(self.done(left), right))
            return
        kind = "+" if op in "+-" else "*"
        if op == "-":
            right = self.checked(-right)
        elif op == "/":
            right = self.reciprocal(right)
        if not (isinstance(left, _Chain) and left.kind == kind):
            first, left = self.done(left), _Chain(kind)
            self.extend(left, first)
        self.extend(left, right)
        vals.append(left)

    def extend(self, chain: _Chain, item: sympy.Expr) -> None:
        try:
            chain.add(item, self.sizer.check(item))
        except _Limit as exc:
            raise self.fail(str(exc)) from None

    def operand(self, value: sympy.Expr, what: str) -> sympy.Expr | None:
        """The numeric value of a number operand (checked), or None for a symbolic one."""
        if not value.is_number:
            return None
        problem = _number_problem(value)
        if problem:
            raise self.fail(f"{what} {_text(value)} {problem}")
        return _evaluate(value)

    def reciprocal(self, value: sympy.Expr) -> sympy.Expr:
        v = self.operand(value, "the divisor")
        if v is not None and v == 0:
            raise self.fail("division by zero")
        return self.checked(_power(value, sympy.S.NegativeOne))

    def power(self, base: sympy.Expr, exp: sympy.Expr) -> sympy.Expr:
        if not exp.is_number:
            raise self.fail(f"exponent must be a number, got {_text(exp)}")
        e = self.operand(exp, "the exponent")
        if abs(e) > MAX_EXPONENT:
            raise self.fail(f"exponent {_text(exp)} is too large (the limit is "
                            f"|exponent| <= {MAX_EXPONENT})")
        b = self.operand(base, "the base")
        if b is not None:
            if b == 0:
                if e < 0:
                    raise self.fail("division by zero (zero to a negative power)")
            elif b < 0 and not exp.is_integer:
                raise self.fail(f"{_text(base)} to the power {_text(exp)} is not a "
                                "real number")
            else:
                magnitude = float(e) * _log10(b)
                if not -300.001 <= magnitude <= 300.001:
                    problem = _TOO_LARGE if magnitude > 0 else _TOO_SMALL
                    raise self.fail(f"({_text(base)})^({_text(exp)}) {problem}")
                if base.is_Rational and exp.is_Integer and abs(int(exp)) * max(
                        abs(base.p).bit_length(), base.q.bit_length()) > _MAX_BITS:
                    raise self.fail(f"({_text(base)})^({_text(exp)}) has more than "
                                    f"{MAX_DIGITS} digits")
        if not exp.is_integer:
            self.may_apply((base,))
        return self.checked(_power(base, exp))

    def may_apply(self, args: tuple) -> None:
        """Before a function (or non-integer power) is built: count it, check its nesting."""
        self.functions += 1
        if self.functions > MAX_FUNCTIONS:
            raise self.fail(f"more than {MAX_FUNCTIONS} function calls and non-integer powers")
        try:
            self.sizer.may_apply(args)
        except _Limit as exc:
            raise self.fail(str(exc)) from None

    def call(self, name: str, arg: sympy.Expr) -> sympy.Expr:
        self.may_apply((arg,))
        v = self.operand(arg, f"the argument of {name}")
        if v is not None:
            if name == "sqrt" and v < 0:
                raise self.fail(f"sqrt({_text(arg)}) is not a real number")
            if name == "log" and v == 0:
                raise self.fail("log(0) is not a finite number")
            if name == "log" and v < 0:
                raise self.fail(f"log({_text(arg)}) is not a real number")
            if name == "exp" and abs(v) > _EXP_LIMIT:
                raise self.fail(f"exp({_text(arg)}) {_TOO_LARGE if v > 0 else _TOO_SMALL}")
        elif name == "log" and _plainly_negative(arg):
            raise self.fail(f"log({_text(arg)}) is not a real number")
        return self.checked(_function(name, arg))


def _log10(v: sympy.Expr) -> float:
    """log10 |v| of a nonzero number in range."""
    if v.is_Rational:
        return math.log10(abs(v.p)) - math.log10(v.q)
    return math.log10(abs(float(v)))


def _plainly_negative(expr: sympy.Expr) -> bool:
    """A negative number times positive symbols (and constants): -R, -2*R*C."""
    coeff, rest = expr.as_coeff_Mul()
    return coeff < 0 and all(
        f.is_Symbol and f.is_positive or f.is_NumberSymbol
        or f.is_Pow and f.base.is_Symbol and f.base.is_positive and f.exp.is_Rational
        for f in sympy.Mul.make_args(rest))


def parse_expression(text: str, line: int | None = None) -> sympy.Expr:
    """Parse arithmetic on numbers and symbols (the inside of `{...}`) into SymPy, safely."""
    return _Parser(text.strip(), line).parse()


def parse_value(text: str, line: int | None = None) -> sympy.Expr:
    """A netlist VALUE: a SPICE number, an identifier (a positive symbol) or `{expression}`."""
    text = text.strip()
    if not text:
        raise NetlistError("missing value", line)
    if len(text) > MAX_VALUE_CHARS + 2:
        raise NetlistError(f"value {_show(text)} is too long ({len(text):,} characters; the "
                           f"limit is {MAX_VALUE_CHARS:,})", line)
    if text.startswith("{"):
        if not text.endswith("}"):
            raise NetlistError(f"unbalanced braces in value {_show(text)}", line)
        return parse_expression(text[1:-1], line)
    number = parse_number(text, line)
    if number is not None:
        return number
    if _IDENT.fullmatch(text):
        try:
            return _user_symbol(text)
        except ValueError as exc:
            raise NetlistError(str(exc), line) from None
    # An unbraced expression like 2*RE is a convenience SPICE tools also accept.
    return parse_expression(text, line)


def parse_number_value(text: str, what: str) -> sympy.Expr:
    """A value that must be a real number (`--subs R1=4.7k`, `{1/3}`, `{2*pi*1k}`); `what` names
    it in the error."""
    try:
        value = parse_value(text)
    except NetlistError as exc:
        raise NetlistError(f"{what}: {exc.message}") from None
    if not value.is_number:
        raise NetlistError(f"{what}: {_show(text.strip())} is not a number")
    return value


# -- values from Python -------------------------------------------------------------------------

def _checked_number(value: sympy.Expr, line: int | None) -> sympy.Expr:
    problem = _number_problem(value)
    if problem:
        raise NetlistError(f"value {_text(value)} {problem}", line)
    return value


def to_expr(value: object, line: int | None = None, real: bool = True) -> sympy.Expr:
    """Any value the Python API accepts (str, int, float, Fraction, SymPy, numpy and flint
    numbers) as a SymPy expression.

    Strings go through `parse_value`. Numbers must be finite and within the limits; a complex
    number is an error unless `real` is False (a two-port's S-parameters, say). SymPy objects
    are not user text and pass as they are, except a bare infinity or NaN.
    """
    if isinstance(value, str):
        return parse_value(value, line)
    if isinstance(value, sympy.Basic):
        if value is sympy.nan or value is sympy.zoo:
            raise NetlistError(f"value {value} is not a finite number", line)
        return value  # already a SymPy object, not user text
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy bools too
        raise NetlistError(f"bad value {value!r}", line)
    if isinstance(value, numbers.Integral):
        return _checked_number(sympy.Integer(int(value)), line)
    if isinstance(value, numbers.Rational) or (
            hasattr(value, "numerator") and hasattr(value, "denominator")
            and not isinstance(value, numbers.Complex)):
        return _checked_number(sympy.Rational(int(value.numerator), int(value.denominator)),
                               line)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NetlistError(f"value {value!r} is not a finite number", line)
        # repr gives the shortest decimal that round-trips: 4.7e3 stays exactly 4700.
        exact = Fraction(repr(float(value)))
        return _checked_number(sympy.Rational(exact.numerator, exact.denominator), line)
    if isinstance(value, complex) or (isinstance(value, numbers.Complex)
                                      and not isinstance(value, numbers.Real)):
        value = complex(value)
        if value.imag == 0:
            return to_expr(value.real, line)
        if real:
            raise NetlistError(f"value {value!r} is complex where a real value is needed", line)
        return to_expr(value.real, line) + sympy.I * to_expr(value.imag, line)
    if hasattr(value, "__float__"):  # numpy and flint floating-point numbers
        return to_expr(float(value), line)
    raise NetlistError(f"bad value {value!r}", line)


# -- parameters that name each other ------------------------------------------------------------

def resolve(values: Mapping[str, sympy.Expr],
            lines: Mapping[str, int] | None = None) -> dict[str, sympy.Expr]:
    """Values that name each other (.param b={2*a}) with every named value substituted.

    Substitution follows the dependency graph in topological order: exact, expanding nothing,
    and each substituted value is checked against the module's limits. A value naming itself,
    directly or through others, raises `NetlistError` naming the chain (`.param cycle: R1 -> R2
    -> R1`) at the line (`lines`: name -> line number) of its first parameter. A name no value
    defines stays a symbol. `s` cannot be given a value.
    """
    lines = lines or {}
    for name in values:
        if name in RESERVED:
            raise NetlistError(f"{name} is {RESERVED[name]} and cannot be given a value",
                               lines.get(name))
    names = list(values)
    exprs = {k: v if isinstance(v, sympy.Basic) else to_expr(v, lines.get(k))
             for k, v in values.items()}
    sym_of = {k: symbol(k) for k in names}
    owner = {sym: k for k, sym in sym_of.items()}
    order_of = {k: i for i, k in enumerate(names)}
    deps = {k: sorted((owner[x] for x in exprs[k].free_symbols if x in owner),
                      key=order_of.__getitem__) for k in names}

    order: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in names:
        if root in state:
            continue
        path, stack = [root], [iter(deps[root])]
        state[root] = 1
        while stack:
            for dep in stack[-1]:
                if state.get(dep) == 1:
                    raise _cycle(path[path.index(dep):], lines, order_of)
                if dep not in state:
                    state[dep] = 1
                    path.append(dep)
                    stack.append(iter(deps[dep]))
                    break
            else:
                stack.pop()
                done = path.pop()
                state[done] = 2
                order.append(done)

    out: dict[str, sympy.Expr] = {}
    sizer = _Sizer(strict=False)
    for name in order:
        expr = exprs[name]
        if deps[name]:
            try:
                expr = _substitute(expr, {sym_of[d]: out[d] for d in deps[name]}, sizer)
                problem = None
                if expr is sympy.nan or expr is sympy.zoo:
                    problem = "the value is not a finite number (a division by zero?)"
                elif expr.is_number and not expr.has(sympy.oo, -sympy.oo):
                    problem = _number_problem(expr)
                    problem = problem and f"the value {_text(expr)} {problem}"
            except _Limit as exc:
                problem = str(exc)
            if problem:
                raise NetlistError(f".param {name} (after substituting "
                                   f"{', '.join(deps[name])}): {problem}", lines.get(name))
        out[name] = expr
    return {k: out[k] for k in names}


def _cycle(members: list[str], lines: Mapping[str, int], order_of: Mapping[str, int]
           ) -> NetlistError:
    """The error for a dependency cycle, told from its first parameter (by line, else by order)."""
    first = min(range(len(members)),
                key=lambda i: (lines.get(members[i], math.inf), order_of[members[i]]))
    chain = members[first:] + members[:first]
    return NetlistError(f".param cycle: {' -> '.join([*chain, chain[0]])}",
                        lines.get(chain[0]))


def _substitute(expr: sympy.Basic, rule: dict, sizer: _Sizer) -> sympy.Basic:
    """expr.xreplace(rule), rebuilt bottom-up without recursion, as the parser builds (`_power`,
    `_function`), each new node checked against the limits as it is made (raises `_Limit`)."""
    done: dict[int, sympy.Basic] = {}
    keep = []
    stack = [expr]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        if node in rule:
            done[id(node)] = rule[node]
            keep.append(node)
            stack.pop()
            continue
        pending = [a for a in node.args if id(a) not in done]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        args = tuple(done[id(a)] for a in node.args)
        new = node
        if any(a is not old for a, old in zip(args, node.args, strict=True)):
            if not (node.is_Add or node.is_Mul or node.is_Pow and node.exp.is_Integer):
                sizer.may_apply(args)  # a function or a non-integer power: check it first
            new = _rebuild(node, args)
        sizer.check(new)
        done[id(node)] = new
        keep.append(node)
    return done[id(expr)]


def substitute(expr: sympy.Expr, rule: Mapping[sympy.Symbol, sympy.Expr],
               line: int | None = None) -> sympy.Expr:
    """`expr` with the symbols of `rule` replaced (a subcircuit's parameters put into its
    elements), rebuilt without recursion and checked against this module's limits as
    `resolve` checks a `.param`: a division by zero or a value too large is an error."""
    if not rule or not expr.free_symbols & rule.keys():
        return expr
    try:
        out = _substitute(expr, dict(rule), _Sizer(strict=False))
        problem = None
        if out is sympy.nan or out is sympy.zoo or out.has(sympy.zoo, sympy.nan):
            problem = "the value is not a finite number (a division by zero?)"
        elif out.is_number and not out.has(sympy.oo, -sympy.oo):
            problem = _number_problem(out)
            problem = problem and f"the value {_text(out)} {problem}"
    except _Limit as exc:
        problem = str(exc)
    if problem:
        names = ", ".join(sorted(str(x) for x in expr.free_symbols & rule.keys()))
        raise NetlistError(f"{_text(expr)} with {names} put in: {problem}", line)
    return out
