"""Typed answers, read safely: `-gm(RC||RL)`, `−g_m (R_C ∥ r_o)`, `β R_E + r_π`, `4.7k`.

Nothing a student types reaches `eval`, `sympify` or `parse_expr`. A tokenizer and a
shunting-yard parser with explicit stacks (no recursion, whatever the text) build a small tree
of nodes, checked against the limits below as each node is made; the tree compiles to a postfix
program that one stack machine runs over any algebra (floats at random points, exact
polynomials in python-flint, unevaluated SymPy for the LaTeX).

Grammar, loosest binding first:

    sum      a + b, a - b              a leading minus negates the whole term: -a||b = -(a||b)
    parallel a || b, a ∥ b             R_C || R_L = 1/(1/R_C + 1/R_L); between + and *
    product  a*b, a/b, a b, 2a, a(b)   implicit multiplication where unambiguous
    power    a^2, a**2, a²             right-associative; whole-number exponents, |n| <= 64

so `gm*RC||RL` is `(gm*RC) || RL` and `RS + RD||ro` is `RS + (RD || ro)`; write
`gm*(RC||RL)`. After `*`, `/` or `||` a minus binds to the next factor only (`a*-b`), and after
`^` to the exponent (`2^-1`). Implicit multiplication joins a number, a name or `)` to a
following name or `(`: `2gm`, `gm ro`, `gm(RC||RL)`, `(a+b)(c+d)`; right after a division it is
ambiguous (`1/2gm`: is it 1/(2gm)?) and an error that says so. Brackets `[ ]` group like `( )`.

Numbers take SPICE suffixes (`4.7k`, `2meg`, `10u`, `4.7kΩ`); `M` alone is refused as ambiguous
(SPICE reads it as milli). A number directly followed by a name reads as a product (`2gm`),
and where the letters are both a suffix and a name of the circuit (`2m` with a symbol `m`) it
is an error. A whole answer may be a number with a unit: `38.5 mA/V`, `2.6 kΩ`, `13.3 Ω`.

Names: Greek letters (β, π, μ, α, λ, ω, ...), LaTeX commands (`\\beta`, `\\parallel`,
`\\cdot`), subscripts (`r_pi`, `g_{m1}`, `R_C`, `r_π₁`) are read, then mapped to the circuit's
symbols by a `Vocabulary` (see `names`). `pi` is π unless the circuit has a symbol `pi`; `s` is
the Laplace variable.

Limits (each exceeded limit is an `AnswerError` saying which): `MAX_CHARS` characters,
`MAX_TOKENS` tokens, `MAX_NESTING` open brackets, `MAX_DEPTH` levels in the tree, exponents
|n| <= `MAX_EXPONENT`, numbers within 1e-300..1e300 with at most `MAX_NUMBER_BITS` bits, and an
estimate of the expansion into a ratio of polynomials (`MAX_TERMS` terms, degree
`MAX_DEGREE`), so that every later step (exact comparison included) stays fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from ..errors import SymsigError

MAX_CHARS = 2_000
MAX_TOKENS = 1_000
MAX_NESTING = 24
MAX_DEPTH = 100
MAX_EXPONENT = 64
MAX_NUMBER_BITS = 2_000
MAX_TERMS = 10_000
MAX_DEGREE = 256
_TEN_300 = 10**300
_SHOWN = 60


class AnswerError(SymsigError):
    """A typed answer that cannot be read: the message says what and where."""


def show(text: str) -> str:
    """User text for a message: quoted, and cut short if long."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


# -- characters ---------------------------------------------------------------------------------

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "χ": "chi",
    "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda",
    "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi",
}
_GREEK_CHARS = "".join(GREEK)
_LATEX_GREEK = {name: ch for ch, name in GREEK.items() if ch != "µ"}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
                 "⁸": "8", "⁹": "9", "⁻": "-"}
_CHARS = str.maketrans({
    "−": "-", "–": "-", "—": "-", "·": "*", "⋅": "*", "×": "*", "∙": "*", "∗": "*", "÷": "/",
    "∥": "||", "‖": "||", "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6",
    "₇": "7", "₈": "8", "₉": "9", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "ₐ": "_a", "ₑ": "_e", "ₒ": "_o", "ₓ": "_x", "ₕ": "_h", "ₖ": "_k", "ₗ": "_l", "ₘ": "_m",
    "ₙ": "_n", "ₚ": "_p", "ₛ": "_s", "ₜ": "_t", "ᵢ": "_i", "ᵣ": "_r", "ᵥ": "_v",
})
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+|[|,;:! ])")
_LATEX_WORDS = {"parallel": "||", "|": "||", "cdot": "*", "times": "*", "left": "", "right": "",
                ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "infty": "∞", "Omega": "Ω"}
_SUPERSCRIPT_RUN = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")


def _latex(m: re.Match) -> str:
    word = m.group(1)
    if word in _LATEX_WORDS:
        return _LATEX_WORDS[word]
    if word in _LATEX_GREEK:
        return _LATEX_GREEK[word]
    if word in ("frac", "dfrac", "tfrac"):
        raise AnswerError("LaTeX \\frac is not read: write (a)/(b)")
    raise AnswerError(f"the LaTeX command \\{word} is not understood")


def normalize(text: str) -> str:
    """The answer with unicode operators, superscripts and LaTeX commands in plain form."""
    if "\\" in text:
        text = _LATEX_COMMAND.sub(_latex, text)
    text = text.translate(_CHARS)
    if any(ch in _SUPERSCRIPTS for ch in text):
        text = _SUPERSCRIPT_RUN.sub(
            lambda m: "^(" + "".join(_SUPERSCRIPTS[c] for c in m.group()) + ")", text)
    return text


# -- tokens -------------------------------------------------------------------------------------

_G = _GREEK_CHARS
_IDENT = (rf"(?:[A-Za-z][A-Za-z0-9{_G}]*|[{_G}][0-9]*)"
          rf"(?:_(?:\{{[A-Za-z0-9{_G}, ]*\}}|[A-Za-z0-9{_G}]+))*")
_TOKEN = re.compile(
    r"[ \t\r\n]*(?:"
    r"(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    rf"|(?P<ident>{_IDENT})"
    r"|(?P<op>\|\||\*\*|[-+*/^()\[\]])"
    r"|(?P<unit>Ω)"
    r")"
)
# SPICE scale suffixes (longest first: "meg" before "m"); "M" alone is refused as ambiguous.
SCALE = {"t": Fraction(10**12), "g": Fraction(10**9), "meg": Fraction(10**6),
         "k": Fraction(10**3), "mil": Fraction(254, 10**7), "m": Fraction(1, 10**3),
         "u": Fraction(1, 10**6), "µ": Fraction(1, 10**6), "μ": Fraction(1, 10**6),
         "n": Fraction(1, 10**9), "p": Fraction(1, 10**12), "f": Fraction(1, 10**15),
         "a": Fraction(1, 10**18)}
_SUFFIX = re.compile(r"(?P<scale>meg|mil|[tgkmunpfaµμ])?(?P<ohm>Ω|ohms?)?", re.IGNORECASE)

# A whole answer that is a number with a unit: 38.5 mA/V, 2.6 kΩ, -86 V/V, 13.3 ohm.
UNITS = {  # unit -> dimension (ohm, second, ampere exponents)
    "Ω": (1, 0, 0), "ohm": (1, 0, 0), "ohms": (1, 0, 0), "V/A": (1, 0, 0),
    "S": (-1, 0, 0), "mho": (-1, 0, 0), "A/V": (-1, 0, 0), "V/V": (0, 0, 0), "A/A": (0, 0, 0),
    "V": (1, 0, 1), "A": (0, 0, 1), "F": (-1, 1, 0), "H": (1, 1, 0), "Hz": (0, -1, 0),
    "s": (0, 1, 0), "W": (1, 0, 2),
}
_UNIT_NAMES = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_NUMBER_WITH_UNIT = re.compile(
    r"\s*(?P<sign>[-+]?)\s*(?P<num>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*"
    rf"(?P<scale>meg|[TGkmuµμnpf])?(?P<unit>{_UNIT_NAMES})\s*")
_INFINITY = frozenset({"oo", "∞", "inf", "infinity", "+oo", "+∞", "+inf", "+infinity"})


@dataclass(frozen=True)
class Token:
    kind: str  # num, ident, op, unit
    text: str
    pos: int
    space_before: bool


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].lstrip()
            if not rest:
                break
            ch = rest[0]
            hint = {"|": " (write || for parallel)", "=": " (write only the right-hand side)",
                    ",": " (decimals take a point: 4.7k)", "_": " (names start with a letter)",
                    "{": " (braces only in subscripts: R_{C})", "!": "", "'": "", '"': ""}
            raise AnswerError(f"unexpected character {ch!r} at position "
                              f"{n - len(rest) + 1}{hint.get(ch, '')}")
        kind = m.lastgroup
        if kind is None:  # trailing blanks
            break
        out.append(Token(kind, m.group(kind), m.start(kind), m.start(kind) > pos))
        if len(out) > MAX_TOKENS:
            raise AnswerError(f"too long: more than {MAX_TOKENS:,} tokens")
        pos = m.end()
    return out


# -- numbers ------------------------------------------------------------------------------------

def read_number(text: str) -> Fraction:
    """A decimal literal (no suffix) as an exact fraction, within range."""
    mant, _, exp = text.lower().partition("e")
    whole, _, frac = mant.partition(".")
    if len(text) > 100:
        raise AnswerError(f"the number {show(text)} is too long")
    digits = int(whole + frac or "0")
    e = int(exp or 0)
    if digits == 0:
        return Fraction(0)
    if abs(e) > 1000:
        raise AnswerError(f"the number {show(text)} is out of range (1e-300 to 1e300)")
    return checked(Fraction(digits, 10 ** len(frac)) * Fraction(10) ** e, text)


def checked(value: Fraction, what: str = "") -> Fraction:
    """`value` if it is in range (0, or 1e-300..1e300 in magnitude, at most MAX_NUMBER_BITS
    bits); else an AnswerError."""
    p, q = abs(value.numerator), value.denominator
    shown = f" {show(what)}" if what else ""
    if max(p.bit_length(), q.bit_length()) > MAX_NUMBER_BITS:
        raise AnswerError(f"the number{shown} has too many digits")
    if p > q * _TEN_300 or (p and q > p * _TEN_300):
        raise AnswerError(f"the number{shown} is out of range (1e-300 to 1e300)")
    return value


# -- the tree -----------------------------------------------------------------------------------

NUM, SYM, CONST, ADD, MUL, PAR, NEG, INV, POW = range(9)


class Node:
    """One node of a parsed answer. `args` is a list while the parser may still extend a sum,
    product or parallel chain in place. `size` estimates the expansion (numerator terms,
    denominator terms, numerator degree, denominator degree)."""

    __slots__ = ("op", "args", "value", "text", "size", "depth", "implicit", "grouped")

    def __init__(self, op, args=(), value=None, text="", size=(1, 1, 0, 0), depth=1):
        self.op, self.args, self.value, self.text = op, list(args), value, text
        self.size, self.depth = size, depth
        self.implicit = False  # a product with an implicit multiplication in it
        self.grouped = False  # written inside brackets

    def __repr__(self) -> str:
        return f"Node({self.op}, {self.args!r}, {self.value!r})"


def _multinomial(k: int, n: int, cap: int) -> int:
    """Terms of a sum of n terms to the power k (C(k+n-1, n-1)), or `cap` if more."""
    if n <= 1 or k == 0:
        return 1
    if n >= cap:
        return cap
    r, m = min(k, n - 1), k + n - 1
    c = 1
    for i in range(1, r + 1):
        c = c * (m - r + i) // i
        if c >= cap:
            return cap
    return c


_CAP = MAX_TERMS + 1


def _sum_size(sizes) -> tuple[int, int, int, int]:
    num, den, nd, dd = 0, 1, 0, 0
    first = True
    for n, d, ndg, ddg in sizes:
        if first:
            num, den, nd, dd, first = n, d, ndg, ddg, False
            continue
        num = min(_CAP, num * d + n * den)
        nd = max(nd + ddg, ndg + dd)
        den, dd = min(_CAP, den * d), dd + ddg
    return num, den, nd, dd


def _size(op: int, args: list[Node], value=None) -> tuple[int, int, int, int]:
    if op == ADD:
        return _sum_size(a.size for a in args)
    if op == MUL:
        num = den = 1
        nd = dd = 0
        for a in args:
            n, d, ndg, ddg = a.size
            num, den, nd, dd = min(_CAP, num * n), min(_CAP, den * d), nd + ndg, dd + ddg
        return num, den, nd, dd
    if op == PAR:  # 1/(1/a + 1/b + ...)
        n, d, ndg, ddg = _sum_size((a.size[1], a.size[0], a.size[3], a.size[2]) for a in args)
        return d, n, ddg, ndg
    if op == NEG:
        return args[0].size
    if op == INV:
        n, d, ndg, ddg = args[0].size
        return d, n, ddg, ndg
    if op == POW:
        n, d, ndg, ddg = args[0].size
        k = abs(value)
        out = (_multinomial(k, n, _CAP), _multinomial(k, d, _CAP), k * ndg, k * ddg)
        return out if value >= 0 else (out[1], out[0], out[3], out[2])
    raise AssertionError(op)


def make(op: int, args: list[Node], value=None) -> Node:
    """A new node, its size and depth checked against the limits."""
    node = Node(op, args, value)
    _measure(node)
    return node


def _measure(node: Node) -> None:
    node.size = _size(node.op, node.args, node.value)
    node.depth = 1 + max(a.depth for a in node.args)
    num, den, nd, dd = node.size
    if max(num, den) > MAX_TERMS:
        raise AnswerError(f"too large: its expansion could have more than {MAX_TERMS:,} terms")
    if max(nd, dd) > MAX_DEGREE:
        raise AnswerError(f"too large: its expansion could have degree more than {MAX_DEGREE}")
    if node.depth > MAX_DEPTH:
        raise AnswerError(f"nested more than {MAX_DEPTH} levels deep")


def _extend(chain: Node, item: Node) -> None:
    """Add `item` to a sum, product or parallel chain in place (flattening its own kind)."""
    if item.op == chain.op:
        chain.args.extend(item.args)
        chain.implicit = chain.implicit or item.implicit
    else:
        chain.args.append(item)
    _measure(chain)


# -- the program: postfix, run by one stack machine over any algebra ---------------------------

def compile_tree(root: Node) -> tuple:
    """The tree as a postfix program of (opcode, argument) pairs, without recursion."""
    out: list[tuple] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if node.op in (NUM, SYM, CONST):
            out.append((node.op, node.value))
        elif done:
            arg = len(node.args) if node.op in (ADD, MUL, PAR) else node.value
            out.append((node.op, arg))
        else:
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.args))
    return tuple(out)


def run(program: tuple, algebra, leaf) -> object:
    """Run a postfix program: `leaf(name)` gives a symbol's value, `algebra` the operations
    (number, constant, add, mul, par, neg, inv, power)."""
    stack: list = []
    push, pop = stack.append, stack.pop
    for op, arg in program:
        if op == NUM:
            push(algebra.number(arg))
        elif op == SYM:
            push(leaf(arg))
        elif op == CONST:
            push(algebra.constant(arg))
        elif op == ADD:
            items = stack[-arg:]
            del stack[-arg:]
            push(algebra.add(items))
        elif op == MUL:
            items = stack[-arg:]
            del stack[-arg:]
            push(algebra.mul(items))
        elif op == PAR:
            items = stack[-arg:]
            del stack[-arg:]
            push(algebra.par(items))
        elif op == NEG:
            push(algebra.neg(pop()))
        elif op == INV:
            push(algebra.inv(pop()))
        else:
            push(algebra.power(pop(), arg))
    return stack[0]


class FractionAlgebra:
    """Exact rational arithmetic on numbers only (for exponents and number folding)."""

    @staticmethod
    def number(v):
        return v

    @staticmethod
    def constant(name):
        raise AnswerError(f"{name} is not a rational number here")

    @staticmethod
    def add(items):
        return checked(sum(items, Fraction(0)))

    @staticmethod
    def mul(items):
        out = Fraction(1)
        for v in items:
            if sum(max(x.numerator.bit_length(), x.denominator.bit_length())
                   for x in (out, v)) > MAX_NUMBER_BITS + 64:
                raise AnswerError("a number in the answer has too many digits")
            out = checked(out * v)
        return out

    par = None  # numbers in parallel are folded through the generic path

    @staticmethod
    def neg(v):
        return -v

    @staticmethod
    def inv(v):
        if v == 0:
            raise AnswerError("division by zero")
        return 1 / v

    @staticmethod
    def power(v, k):
        if v == 0 and k < 0:
            raise AnswerError("division by zero (zero to a negative power)")
        bits = max(v.numerator.bit_length(), v.denominator.bit_length())
        if abs(k) * bits > MAX_NUMBER_BITS + 64:
            raise AnswerError(f"a power in the answer has too many digits ({k} times "
                              f"{bits} bits)")
        return checked(v**k)


FractionAlgebra.par = staticmethod(
    lambda items: FractionAlgebra.inv(FractionAlgebra.add([FractionAlgebra.inv(v)
                                                           for v in items])))


def _numeric(node: Node) -> bool:
    """True when a subtree holds numbers only (no names, no constants)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.op in (SYM, CONST):
            return False
        stack.extend(n.args)
    return True


# -- the parsed answer --------------------------------------------------------------------------

@dataclass
class Answer:
    """A typed answer, read: its tree, its postfix program and what the reading assumed.

    `names` maps each name as typed to the circuit symbol it was read as (`r_pi` -> `rpi1`);
    `symbols` are those symbols; `notes` say how an easily misread form was read.
    """

    text: str
    tree: Node | None
    program: tuple
    names: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    infinite: bool = False
    unit: tuple[int, int, int] | None = None

    @cached_property
    def symbols(self) -> frozenset[str]:
        return frozenset(arg for op, arg in self.program if op == SYM)

    @property
    def uses_parallel(self) -> bool:
        return any(op == PAR for op, _ in self.program)

    @property
    def is_number(self) -> bool:
        return not self.infinite and not any(op in (SYM, CONST) for op, _ in self.program)

    @cached_property
    def display(self):
        """The answer as typed, as an unevaluated SymPy expression (for LaTeX and text)."""
        import sympy

        from .program import SympyAlgebra

        if self.infinite:
            return sympy.oo
        return run(self.program, SympyAlgebra, lambda n: sympy.Symbol(n, positive=True))

    @cached_property
    def latex(self) -> str:
        from ..forms.latex import latex

        return latex(self.display)

    @cached_property
    def exact(self):
        """The answer as an exact `RationalFunction` in its own symbols (no relations)."""
        from .program import own_rational

        return own_rational(self)

    @property
    def expr(self):
        """The answer as an exact SymPy expression (cancelled, factored where small)."""
        import sympy

        if self.infinite:
            return sympy.oo
        return self.exact.expr


# -- the parser ---------------------------------------------------------------------------------

_PREC = {"+": 1, "-": 1, "neg": 1.5, "||": 2, "*": 3, "/": 3, "imp": 3, "negf": 4, "^": 5,
         "nege": 6}
_PREFIX = frozenset({"neg", "negf", "nege"})


def parse(text: str, vocabulary=None) -> Answer:
    """Read a typed answer; names are mapped by `vocabulary` (a `names.Vocabulary`; None
    accepts every name as written, in canonical form). Raises `AnswerError`."""
    from .names import Vocabulary

    if not isinstance(text, str):
        raise AnswerError(f"an answer is text, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise AnswerError(f"too long ({len(text):,} characters; the limit is {MAX_CHARS:,})")
    vocabulary = vocabulary if vocabulary is not None else Vocabulary((), allow_unknown=True)
    raw = text
    text = normalize(text).strip()
    if not text:
        raise AnswerError("the answer is empty")
    if text.lower() in _INFINITY:
        return Answer(raw, None, (), infinite=True)
    m = _NUMBER_WITH_UNIT.fullmatch(text)
    if m and not vocabulary.knows(m.group("unit")):
        return _number_with_unit(raw, m)
    return _Parser(raw, text, vocabulary).parse()


def _number_with_unit(raw: str, m: re.Match) -> Answer:
    value = read_number(m.group("num"))
    scale = m.group("scale")
    if scale:
        value = checked(value * SCALE[scale.lower() if scale not in "µμ" else scale], raw)
    if m.group("sign") == "-":
        value = -value
    node = Node(NUM, value=value, text=raw.strip())
    return Answer(raw, node, compile_tree(node), unit=UNITS[m.group("unit")])


class _Parser:
    def __init__(self, raw: str, text: str, vocabulary):
        self.raw, self.text, self.vocab = raw, text, vocabulary
        self.vals: list[Node] = []
        self.ops: list = []  # operator strings, or ("(", closing bracket)
        self.names: dict[str, str] = {}
        self.notes: list[str] = []

    def fail(self, why: str) -> AnswerError:
        return AnswerError(f"cannot read {show(self.raw.strip())}: {why}")

    def parse(self) -> Answer:
        try:
            toks = tokens(self.text)
        except AnswerError as exc:
            raise self.fail(str(exc)) from None
        if not toks:
            raise self.fail("the answer is empty")
        vals, ops = self.vals, self.ops
        want_value, depth, prev = True, 0, None
        i = 0
        while i < len(toks):
            tok = toks[i]
            i += 1
            if want_value:
                if tok.kind == "op" and tok.text in "+-":
                    negative = tok.text == "-"
                    while i < len(toks) and toks[i].kind == "op" and toks[i].text in "+-":
                        negative ^= toks[i].text == "-"
                        i += 1
                    if negative:
                        if prev is None or prev.text in ("(", "[", "+", "-"):
                            ops.append("neg")
                        elif prev.text == "^" or prev.text == "**":
                            ops.append("nege")
                        else:
                            ops.append("negf")
                    prev = tok
                    continue
                if tok.kind == "num":
                    i = self.number(toks, i - 1)
                    want_value = False
                elif tok.kind == "ident":
                    vals.append(self.name(tok.text))
                    want_value = False
                elif tok.kind == "op" and tok.text in "([":
                    depth = self.open(tok.text, depth)
                elif tok.kind == "unit":
                    raise self.fail("Ω goes after a number (4.7kΩ)")
                else:
                    raise self.fail(f"expected a value before {tok.text!r}")
                prev = tok
                continue
            # after a value: an operator, a closing bracket, or an implicit product
            if tok.kind == "op" and tok.text in ("+", "-", "*", "/", "^", "**", "||"):
                op = "^" if tok.text == "**" else tok.text
                self.pop_for(op)
                ops.append(op)
                want_value = True
            elif tok.kind == "op" and tok.text in ")]":
                while ops and isinstance(ops[-1], str):
                    self.apply(ops.pop())
                if not ops:
                    raise self.fail(f"unbalanced {tok.text!r}")
                _, closing = ops.pop()
                if closing != tok.text:
                    raise self.fail(f"{tok.text!r} closes a bracket opened with "
                                    f"{'(' if closing == ')' else '['!r}")
                vals[-1].grouped = True
                depth -= 1
            elif tok.kind == "ident" or (tok.kind == "op" and tok.text in "(["):
                self.ambiguous_division(toks, i - 1)
                self.pop_for("imp")
                ops.append("imp")
                i -= 1  # read the token again, as the start of the next factor
                want_value = True
            elif tok.kind == "num":
                raise self.fail(f"a number ({tok.text}) follows a value without an operator "
                                "between them")
            elif tok.kind == "unit":
                raise self.fail("Ω goes right after a number (4.7kΩ)")
            else:
                raise self.fail(f"unexpected {tok.text!r}")
            prev = tok
        if want_value:
            raise self.fail("it ends where a value is expected")
        while ops:
            op = ops.pop()
            if not isinstance(op, str):
                raise self.fail(f"a bracket is not closed: missing {op[1]!r}")
            self.apply(op)
        (root,) = vals
        program = compile_tree(root)
        return Answer(self.raw, root, program, self.names, self.notes)

    def open(self, bracket: str, depth: int) -> int:
        if depth >= MAX_NESTING:
            raise self.fail(f"brackets nested more than {MAX_NESTING} deep")
        self.ops.append(("(", ")" if bracket == "(" else "]"))
        return depth + 1

    def pop_for(self, op: str) -> None:
        prec = _PREC[op]
        ops = self.ops
        while ops and isinstance(ops[-1], str) and (
                _PREC[ops[-1]] > prec or (_PREC[ops[-1]] == prec and op != "^")):
            self.apply(ops.pop())

    def ambiguous_division(self, toks: list[Token], i: int) -> None:
        """An implicit product right after a division: 1/2gm could be 1/(2gm) or gm/2."""
        for op in reversed(self.ops):
            if not isinstance(op, str) or _PREC[op] < 3:
                return
            if op == "/":
                shown = _text(self.vals[-1]) or "..."
                nxt = toks[i].text
                raise self.fail(f"'/{shown} {nxt}' is ambiguous (an implicit product right after "
                                f"a division): write /({shown}*{nxt}) or /{shown}*{nxt}")
            if _PREC[op] == 3:
                return

    # -- values ---------------------------------------------------------------------------
    def number(self, toks: list[Token], i: int) -> int:
        """Read the number at toks[i] (with a suffix glued to it); returns the next index."""
        tok = toks[i]
        try:
            value = read_number(tok.text)
        except AnswerError as exc:
            raise self.fail(str(exc)) from None
        text = tok.text
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and not nxt.space_before and nxt.kind in ("ident", "unit"):
            letters = nxt.text
            after = toks[i + 2] if i + 2 < len(toks) else None
            if nxt.kind == "ident" and after is not None and after.kind == "unit" and \
                    not after.space_before:
                letters += after.text  # 4.7kΩ: the suffix, then the unit
            scale = self.suffix(tok.text, letters)
            if scale is not None:
                value = checked(value * scale, tok.text + letters)
                text += letters
                i += 1 + (letters != nxt.text)
        self.vals.append(Node(NUM, value=value, text=text))
        return i + 1

    def suffix(self, number: str, letters: str) -> Fraction | None:
        """The scale of letters glued to a number (4.7k, 10kΩ), None if they are a name (2gm);
        an error where they could be both, or where 'M' would be read as milli."""
        m = _SUFFIX.fullmatch(letters)
        if not m or not letters:
            return None
        if m.group("scale") == "M":
            raise self.fail(f"{number}{letters} is ambiguous: SPICE reads M as milli; write "
                            f"{number}meg for {number}·10⁶ or {number}m for {number}·10⁻³")
        if self.vocab.knows(letters):
            raise self.fail(f"{number}{letters} is ambiguous: {letters} is a scale suffix and a "
                            f"name in this circuit; write {number}*{letters} for the product")
        scale = m.group("scale")
        if scale is None:
            return Fraction(1)
        return SCALE[scale if scale in "µμ" else scale.lower()]

    def name(self, typed: str) -> Node:
        try:
            kind, value = self.vocab.resolve(typed)
        except AnswerError as exc:
            raise self.fail(str(exc)) from None
        if kind == "const":
            return Node(CONST, value=value, text=typed)
        self.names[typed] = value
        return Node(SYM, value=value, text=typed, size=(1, 1, 1, 0))

    # -- operators ------------------------------------------------------------------------
    def apply(self, op: str) -> None:
        vals = self.vals
        try:
            if op in _PREFIX:
                vals.append(self.negate(vals.pop()))
                return
            right, left = vals.pop(), vals.pop()
            if op == "^":
                vals.append(self.power(left, right))
                return
            if op == "-":
                right = self.negate(right)
            elif op == "/":
                right = self.reciprocal(right)
            kind = {"+": ADD, "-": ADD, "*": MUL, "/": MUL, "imp": MUL, "||": PAR}[op]
            if op == "||":
                for side in (left, right):
                    if side.op == MUL and side.implicit and not side.grouped:
                        self.notes.append(
                            f"|| binds looser than a product: '{_text(side)} || ...' is read as "
                            f"({_text(side)}) || ...; write g(R1 || R2) to multiply a parallel "
                            "combination")
            if left.op == kind and not left.grouped:
                chain = left
            else:
                chain = make(kind, [left])
            _extend(chain, right)
            chain.grouped = False
            if op == "imp":
                chain.implicit = True
            chain.text = ""
            vals.append(chain)
        except AnswerError as exc:
            if str(exc).startswith("cannot read"):
                raise
            raise self.fail(str(exc)) from None

    def negate(self, node: Node) -> Node:
        if node.op == NUM:
            return Node(NUM, value=-node.value, text="-" + node.text)
        return make(NEG, [node])

    def reciprocal(self, node: Node) -> Node:
        if node.op == NUM and node.value == 0:
            raise AnswerError("division by zero")
        return make(INV, [node])

    def power(self, base: Node, exponent: Node) -> Node:
        if not _numeric(exponent):
            raise AnswerError("an exponent must be a number (R^2, not R^n)")
        e = run(compile_tree(exponent), FractionAlgebra, None)
        if e.denominator != 1:
            raise AnswerError(f"the exponent {e} is not a whole number (small-signal answers "
                              "are ratios of polynomials)")
        k = int(e)
        if abs(k) > MAX_EXPONENT:
            raise AnswerError(f"the exponent {k} is too large (the limit is |n| <= "
                              f"{MAX_EXPONENT})")
        if base.op == NUM:
            return Node(NUM, value=FractionAlgebra.power(base.value, k),
                        text=f"{base.text}^{k}")
        if k == 1:
            return base
        if k == 0:
            return Node(NUM, value=Fraction(1), text="1")
        return make(POW, [base], k)


def _text(node: Node) -> str:
    """A short text of a node for a note."""
    parts = []
    stack = [node]
    while stack and len(parts) < 8:
        n = stack.pop(0)
        if n.text:
            parts.append(n.text)
        else:
            stack[:0] = n.args
    return " ".join(parts)
