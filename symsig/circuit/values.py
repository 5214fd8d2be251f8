"""Element values: SPICE numbers, bare symbols and braced expressions, parsed without eval.

Text a user typed never reaches `eval` or `sympify`; a small tokenizer and a precedence-climbing
parser build the SymPy expression directly, so only numbers, symbols, + - * / ^ ** and a few
named functions can appear.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

import sympy

from ..errors import NetlistError

#: The Laplace variable. Users cannot name a value `s`.
s = sympy.Symbol("s")

RESERVED = {"s": "the Laplace variable"}

# SPICE scale factors; the longest match wins ("meg" before "m"), letters after it are ignored
# as SPICE does ("10uF" is 10e-6, and "1F" is one femto).
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
_NUMBER = re.compile(
    r"(?P<mant>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?P<suffix>meg|mil|[tgkmunpfa])?(?P<unit>[a-z]*)",
    re.IGNORECASE,
)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FUNCTIONS = {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "abs": sympy.Abs}
_CONSTANTS = {"pi": sympy.pi}


def symbol(name: str) -> sympy.Symbol:
    """The positive real symbol a netlist identifier stands for."""
    if name in RESERVED:
        raise ValueError(f"the name {name!r} is reserved for {RESERVED[name]}")
    return sympy.Symbol(name, positive=True)


def parse_number(text: str) -> sympy.Rational | None:
    """An exact rational for a SPICE number like 4.7k, 2meg, 1e-3; None if `text` is not one."""
    m = _NUMBER.fullmatch(text.strip())
    if not m:
        return None
    value = Fraction(m.group("mant"))
    if m.group("suffix"):
        value *= _SCALE[m.group("suffix").lower()]
    return sympy.Rational(value.numerator, value.denominator)


def parse_value(text: str, line: int | None = None) -> sympy.Expr:
    """A netlist VALUE: a SPICE number, an identifier (a positive symbol) or `{expression}`."""
    text = text.strip()
    if not text:
        raise NetlistError("missing value", line)
    if text.startswith("{"):
        if not text.endswith("}"):
            raise NetlistError(f"unbalanced braces in value {text!r}", line)
        return parse_expression(text[1:-1], line)
    number = parse_number(text)
    if number is not None:
        return number
    if _IDENT.fullmatch(text):
        try:
            return symbol(text)
        except ValueError as exc:
            raise NetlistError(str(exc), line) from None
    # An unbraced expression like 2*RE is a convenience SPICE tools also accept.
    return parse_expression(text, line)


def to_expr(value: object, line: int | None = None) -> sympy.Expr:
    """Any value the Python API accepts (str, int, float, Fraction, SymPy) as a SymPy expression."""
    if isinstance(value, str):
        return parse_value(value, line)
    if isinstance(value, bool):
        raise NetlistError(f"bad value {value!r}", line)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, float):
        # repr gives the shortest decimal that round-trips: 4.7e3 stays exactly 4700.
        return sympy.Rational(repr(value))
    if isinstance(value, complex):
        return to_expr(value.real, line) + sympy.I * to_expr(value.imag, line)
    if isinstance(value, sympy.Basic):
        return value  # already a SymPy object, not user text
    if hasattr(value, "__float__") and not isinstance(value, str):  # numpy and flint numbers
        return to_expr(float(value), line)
    raise NetlistError(f"bad value {value!r}", line)


_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:meg|mil|[tgkmunpfa])?[a-zA-Z]*)"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),]))"
)


def _tokens(text: str, line: int | None) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = text[pos:].strip()[:1] or text[pos:pos + 1]
            raise NetlistError(f"bad character {bad!r} in expression {text!r}", line)
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Precedence climbing over the token list: + - < * / < unary - < ^ (right associative)."""

    def __init__(self, text: str, line: int | None):
        self.text, self.line = text, line
        self.toks = _tokens(text, line)
        self.i = 0

    def fail(self, why: str) -> NetlistError:
        return NetlistError(f"bad expression {self.text!r}: {why}", self.line)

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.toks):
            raise self.fail("unexpected end")
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> sympy.Expr:
        if not self.toks:
            raise self.fail("empty")
        expr = self.sum()
        if self.i != len(self.toks):
            raise self.fail(f"unexpected {self.peek()!r}")
        return expr

    def sum(self) -> sympy.Expr:
        expr = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            rhs = self.product()
            expr = expr + rhs if op == "+" else expr - rhs
        return expr

    def product(self) -> sympy.Expr:
        expr = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            rhs = self.unary()
            if op == "/" and rhs == 0:
                raise self.fail("division by zero")
            expr = expr * rhs if op == "*" else expr / rhs
        return expr

    def unary(self) -> sympy.Expr:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            operand = self.unary()
            return -operand if op == "-" else operand
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        if self.peek() in ("^", "**"):
            self.take()
            return base ** self.unary()
        return base

    def atom(self) -> sympy.Expr:
        kind, text = self.take()
        if kind == "num":
            value = parse_number(text)
            if value is None:
                raise self.fail(f"bad number {text!r}")
            return value
        if kind == "ident":
            if self.peek() == "(":
                func = _FUNCTIONS.get(text.lower())
                if func is None:
                    raise self.fail(f"unknown function {text!r}")
                self.take()
                arg = self.sum()
                self.expect(")")
                return func(arg)
            if text.lower() in _CONSTANTS:
                return _CONSTANTS[text.lower()]
            try:
                return symbol(text)
            except ValueError as exc:
                raise self.fail(str(exc)) from None
        if text == "(":
            expr = self.sum()
            self.expect(")")
            return expr
        raise self.fail(f"unexpected {text!r}")

    def expect(self, op: str) -> None:
        if self.peek() != op:
            raise self.fail(f"expected {op!r}")
        self.take()


def parse_expression(text: str, line: int | None = None) -> sympy.Expr:
    """Parse arithmetic on numbers and symbols (the inside of `{...}`) into SymPy, safely."""
    return _Parser(text, line).parse()


def resolve(values: Mapping[str, sympy.Expr]) -> dict[str, sympy.Expr]:
    """Values that name each other (.param b={2*a}) substituted until they stop changing."""
    by_symbol = {symbol(k): v for k, v in values.items() if k not in RESERVED}
    out = {}
    for name, value in values.items():
        for _ in range(len(values) + 1):
            nxt = value.xreplace(by_symbol)
            if nxt == value:
                break
            value = nxt
        out[name] = value
    return out
