"""Worked derivations: one amplifier's gain, R_in and R_out as a TA writes them on the board, as a
complete LaTeX document.

`derivation(circuit, source, output, ...)` returns the document: the netlist as written and its
small-signal equivalent (two tables), the nodal equations A·x = b in matrix form, the exact
solution, its textbook form (`forms.textbook`), stated approximations (`forms.approx`) and the
numbers at the end (`bias.numbers_at_the_end`, with the Q-point). It compiles with pdflatex and
the packages of texlive-latex-recommended (amsmath, amssymb, booktabs, geometry, longtable).

By default a resistor, capacitor or inductor whose value is a plain number is written as its
own symbol (R_C for `RC vcc c 2.2k`) and its number goes in at the end with the others, as a
textbook solves a numeric problem; `symbolic=False` keeps the numbers in the formulas, as
`symsig analyze` prints them. Everything taken from user text (the title, node and element
names) is escaped for LaTeX.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import sympy

from ..analysis.linear import Probe, driven_node, rin, rout, transfer
from ..bias import Numbers, numbers_at_the_end
from ..bias.dc import card_values
from ..bias.numbers import device_symbols
from ..circuit.netlist import GROUND, VOLTAGE_KINDS, Circuit, Element
from ..circuit.values import RESERVED, parse_expression
from ..devices import OFF_REGIONS, Options
from ..devices.ac import high_frequency_capacitors, small_signal
from ..engine.mna import equations
from ..engine.rational import RationalFunction, Undefined
from ..engine.solve import ResultTooLarge
from ..errors import AnalysisError, NotDefined, SymsigError
from .approx import approx
from .latex import latex, symbol_latex
from .text import rounded
from .textbook import textbook

#: Unknowns above which the matrix is described by its size instead of printed.
MAX_MATRIX = 12
#: Terms (numerator + denominator) above which an exact result is described by its size.
MAX_TERMS = 120

# -- LaTeX of user text ------------------------------------------------------------------------
_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}", "<": r"$<$", ">": r"$>$",
    "|": r"$|$", "\t": " ",
}
# Characters pdflatex's default (OT1, utf8) fonts set, beyond ASCII: Latin-1 and Latin
# Extended-A, less the few that need T1 fonts.
_UNSET = set("«»ÐÞðþĄąĐđĘęĦħĮįĸĿŀŉŊŋŦŧŲųſ")
_SYMBOLS = {
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\epsilon$",
    "θ": r"$\theta$", "λ": r"$\lambda$", "μ": r"$\mu$", "π": r"$\pi$", "ρ": r"$\rho$",
    "σ": r"$\sigma$", "τ": r"$\tau$", "φ": r"$\phi$", "ω": r"$\omega$", "Ω": r"$\Omega$",
    "Δ": r"$\Delta$", "∥": r"$\parallel$", "→": r"$\to$", "∞": r"$\infty$", "≈": r"$\approx$",
    "≤": r"$\le$", "≥": r"$\ge$", "≫": r"$\gg$", "≪": r"$\ll$", "−": "-", "–": "--",
    "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\dots{}", "\u00a0": "~",
}


def escape(text: str) -> str:
    """`text` as LaTeX text: special characters escaped, Greek and a few symbols as math, any
    other character pdflatex's default fonts cannot set as `?`."""
    out = []
    for ch in str(text):
        if ch in _TEXT_ESCAPES:
            out.append(_TEXT_ESCAPES[ch])
        elif ch in _SYMBOLS:
            out.append(_SYMBOLS[ch])
        elif " " <= ch <= "~" or (0xA1 <= ord(ch) < 0x180 and ch not in _UNSET):
            out.append(ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append("?")
    return "".join(out)


def _name_tex(letter: str, rest: str) -> str:
    """letter_{rest} for a plain name, letter_{\\text{rest}} for one with other characters."""
    if not rest:
        return letter
    if re.fullmatch(r"[A-Za-z0-9]+", rest):
        return f"{letter}_{{{rest}}}"
    return rf"{letter}_{{\text{{{escape(rest)}}}}}"


def element_tex(name: str) -> str:
    """An element's name in math: R_{C}, V_{s}, Q_{1} (as symbol_latex writes a symbol of that
    name, so R_{C} in the table is R_{C} in the formulas)."""
    if re.fullmatch(r"[RCLGZY][A-Za-z0-9]+", name):
        return symbol_latex(name)
    return _name_tex(name[0].upper(), name[1:])


def node_tex(node: str) -> str:
    """A node's name as a subscript: b, \\mathrm{out}, \\text{n\\_1}."""
    if node == GROUND:
        return "0"
    if re.fullmatch(r"[A-Za-z]|[0-9]+", node):
        return node
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", node):
        return rf"\mathrm{{{node}}}"
    return rf"\text{{{escape(node)}}}"


def node_text(node: str) -> str:
    """A node's name in running text and tables: sans-serif, escaped (ground is 0)."""
    return rf"\textsf{{{escape(node)}}}"


def voltage_tex(node: str) -> str:
    return "0" if node == GROUND else f"v_{{{node_tex(node)}}}"


# -- numbers with units ------------------------------------------------------------------------
_PREFIX = {-15: "f", -12: "p", -9: "n", -6: r"\mu ", -3: "m", 0: "", 3: "k", 6: "M", 9: "G"}
_UNITS = {"ohm": r"\Omega", "S": r"\mathrm{S}", "F": r"\mathrm{F}", "H": r"\mathrm{H}",
          "A": r"\mathrm{A}", "V": r"\mathrm{V}", "m": r"\mathrm{m}", "1/V": r"\mathrm{V^{-1}}",
          "A/V2": r"\mathrm{A/V^2}", "V/V": r"\mathrm{V/V}", "A/V": r"\mathrm{A/V}",
          "A/A": r"\mathrm{A/A}"}
_KIND_UNIT = {"R": "ohm", "C": "F", "L": "H", "G": "S", "H": "ohm"}


def number_tex(value: object, digits: int = 4) -> str:
    """A number to `digits` significant digits, 10^k for very large or small ones."""
    if isinstance(value, sympy.Basic):
        if value in (sympy.oo, sympy.zoo):
            return r"\infty"
        if value == -sympy.oo:
            return r"-\infty"
        value = complex(value) if not value.is_real else float(value)
    if isinstance(value, complex):
        if value.imag == 0:
            value = value.real
        else:
            sign = "+" if value.imag >= 0 else "-"
            return (f"{number_tex(value.real, digits)} {sign} "
                    f"{number_tex(abs(value.imag), digits)}\\,j")
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa in ("1", "1.0") else rf"{mantissa} \times {power}"
    return text


def quantity_tex(value: object, unit: str = "", digits: int = 4) -> str:
    """4.7\\,k\\Omega, 38.66\\,mS, 0.7\\,V: a number with an SI prefix and its unit."""
    if unit not in _UNITS:
        return number_tex(value, digits)
    x = value
    if isinstance(x, sympy.Basic):
        if not x.is_real or not x.is_finite:
            return number_tex(x, digits)
        x = float(x)
    if isinstance(x, complex) or not math.isfinite(x) or x == 0:
        return number_tex(x, digits) + (rf"\,{_UNITS[unit]}" if x == 0 else "")
    exp3 = max(-15, min(9, 3 * math.floor(math.log10(abs(x)) / 3)))
    mantissa = float(f"{x / 10**exp3:.{digits}g}")
    if abs(mantissa) >= 1000 and exp3 < 9:  # 999.96 rounds up to 1000: next prefix
        exp3, mantissa = exp3 + 3, mantissa / 1000
    prefix = _PREFIX[exp3]
    unit_tex = _UNITS[unit]
    if unit == "ohm":
        body = rf"\mathrm{{{prefix}}}\Omega" if prefix.strip().isalpha() else f"{prefix}\\Omega"
    elif prefix.strip().isalpha():
        body = rf"\mathrm{{{prefix}{unit_tex[8:-1]}}}" if unit_tex.startswith(r"\mathrm{") \
            else prefix + unit_tex
    else:
        body = prefix + unit_tex
    return rf"{number_tex(mantissa, digits)}\,{body}"


def _symbol_unit(name: str, kinds: Mapping[str, str]) -> str:
    """The unit of a symbol: from the element it is the value of, else from its stem."""
    if name in kinds:
        return kinds[name]
    m = re.fullmatch(r"([A-Za-z]+?)(\d*)", name)
    stem = m.group(1) if m else name
    rules = (("gmb", "S"), ("gm", "S"), ("lambda", "1/V"), ("kp", "A/V2"), ("beta", ""),
             ("alpha", ""), ("chi", ""), ("gamma", ""))
    for prefix, unit in rules:
        if stem == prefix or name.startswith(prefix):
            return unit
    if stem in ("W", "L"):
        return "m"
    first = name[:1]
    return {"r": "ohm", "R": "ohm", "c": "F", "C": "F", "I": "A", "V": "V"}.get(first, "")


# -- how wide a formula is ---------------------------------------------------------------------
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)
_THIN = {",": 0.3, ";": 0.5, ":": 0.4, "!": -0.2, " ": 0.5, "{": 0.6, "}": 0.6, "_": 0.6,
         "%": 1, "#": 1, "&": 1, "$": 1}
_BINARY = {"times", "parallel", "to", "approx", "le", "ge", "gg", "ll", "pm", "sim"}
_NO_WIDTH = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "displaystyle",
             "textstyle", "limits", "nonumber", "notag"}


def _read_group(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The tokens of the group (or single token) starting at tokens[i], and the index after."""
    while i < len(tokens) and tokens[i] == " ":
        i += 1
    if i >= len(tokens):
        return [], i
    if tokens[i] != "{":
        return [tokens[i]], i + 1
    depth, j = 0, i
    while j < len(tokens):
        if tokens[j] == "{":
            depth += 1
        elif tokens[j] == "}":
            depth -= 1
            if depth == 0:
                return tokens[i + 1:j], j + 1
        j += 1
    return tokens[i + 1:], len(tokens)


def _tokens_width(tokens: list[str]) -> float:
    width, i = 0.0, 0
    while i < len(tokens):
        t = tokens[i]
        i += 1
        if t.startswith("\\") and len(t) > 1:
            name = t[1:]
            if name in ("frac", "dfrac", "tfrac"):
                a, i = _read_group(tokens, i)
                b, i = _read_group(tokens, i)
                width += max(_tokens_width(a), _tokens_width(b)) + 0.4
            elif name in ("text", "mathrm", "mathit", "mathbf", "operatorname"):
                a, i = _read_group(tokens, i)
                width += _tokens_width(a)
            elif name in ("vphantom",):
                _, i = _read_group(tokens, i)
            elif name in _NO_WIDTH:
                if name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big"):
                    _, i = _read_group(tokens, i)
                    width += 0.5
            elif name in ("quad",):
                width += 2
            elif name in ("qquad",):
                width += 4
            elif name in _BINARY:
                width += 2.4
            elif name == "cdot":
                width += 1.4
            elif len(name) == 1:
                width += _THIN.get(name, 1)
            else:
                width += 1.1
        elif t in "_^":
            a, i = _read_group(tokens, i)
            width += 0.8 * _tokens_width(a)
        elif t == "{":
            depth, j = 1, i
            while j < len(tokens) and depth:
                depth += {"{": 1, "}": -1}.get(tokens[j], 0)
                j += 1
            width += _tokens_width(tokens[i:j - 1])
            i = j
        elif t in "+-=<>":
            width += 2.2
        elif t in "()[]|,.;:'":
            width += 0.5
        elif t in " &\n}":
            continue
        elif t.isdigit():
            width += 0.8
        else:
            width += 1.0
    return width


def width(tex: str) -> float:
    """A formula's width in units of about one italic letter (6 to 7.5 pt at 11 pt): a
    heuristic that knows fractions, subscripts and \\text."""
    return _tokens_width(_TOKEN.findall(tex))


#: Line width of a display in width() units (A4, 2.2 cm margins, 11 pt: 472 pt at ~7 pt).
LINE = 66


# -- breaking long formulas --------------------------------------------------------------------
def _signed(term: sympy.Expr) -> tuple[str, str]:
    """("+"|"-", LaTeX of |term|) for one term of a sum."""
    if term.could_extract_minus_sign():
        return "-", latex(-term)
    return "+", latex(term)


def _chunks(expr: sympy.Expr) -> list[str] | None:
    """`expr` as pieces that may be set on separate lines (joined in order they read as
    `expr`), or None when it cannot be broken (a fraction)."""
    if expr.is_Add:
        out = []
        for k, term in enumerate(expr.as_ordered_terms()):
            sign, body = _signed(term)
            inner = _chunks(term if sign == "+" else -term) if width(body) > LINE - 8 else None
            lead = "" if k == 0 and sign == "+" else sign + " "
            if inner:
                out += [lead + inner[0], *inner[1:]]
            else:
                out.append(lead + body)
        return out
    if expr.is_Mul:
        num, den = sympy.fraction(expr)
        if den != 1:
            return None
        coeff, factors = expr.as_coeff_mul()
        plain = [f for f in factors if not f.is_Add]
        sums = [f for f in factors if f.is_Add]
        head = latex(coeff * sympy.Mul(*plain)) if plain or coeff != 1 else ""
        if head == "1":
            head = ""
        if head == "-1":
            head = "-"
        out = [head] if head else []
        for f in sums:
            inner = _chunks(f) or [latex(f)]
            inner[0] = r"\bigl(" + inner[0]
            inner[-1] = inner[-1] + r"\bigr)"
            if out and width(out[-1]) + width(inner[0]) < LINE - 10:
                out[-1] = out[-1] + " " + inner[0]
                inner = inner[1:]
            out += inner
        return out
    return None


def _pack(chunks: list[str], budget: float) -> list[str]:
    """Chunks packed greedily into lines of at most `budget` width."""
    lines: list[str] = []
    for c in chunks:
        if lines and width(lines[-1]) + width(c) <= budget:
            lines[-1] += " " + c
        else:
            lines.append(c)
    return lines


Rows = list[tuple[str, list[str]]]  # (left-hand side, lines of the right-hand side)


def rows(lhs: str, expr: sympy.Expr, max_lines: int = 10) -> Rows:
    """`lhs = expr` as aligned rows: one line when it fits; else the terms spread over lines
    (a product's sums inside \\bigl( \\bigr)); else, for a fraction that cannot be broken,
    lhs = N/D followed by rows for N and D. Raises ValueError when that would take more than
    `max_lines` lines for one side."""
    tex = latex(expr)
    budget = LINE - width(lhs) - 3
    if width(tex) <= budget:
        return [(lhs, [tex])]
    if expr.is_number:
        raise ValueError("a number too long for one line")
    chunks = _chunks(expr)
    if chunks is not None:
        lines = _pack(chunks, budget - 2)
        if len(lines) > max_lines:
            raise ValueError(f"{len(lines)} lines")
        return [(lhs, lines)]
    num, den = sympy.fraction(sympy.together(expr) if not expr.is_Mul else expr)
    sign = ""
    if num.could_extract_minus_sign():
        num, sign = -num, "-"
    out: Rows = [(lhs, [rf"{sign}\frac{{N}}{{D}}"])]
    for letter, part in (("N", num), ("D", den)):  # in the same display: lhs's column width
        pt = latex(part)
        lines = [pt] if width(pt) <= budget else _pack(_chunks(part) or [pt], budget - 2)
        if len(lines) > max_lines:
            raise ValueError(f"{len(lines)} lines")
        out.append((letter, lines))
    return out


def align(all_rows: Rows) -> str:
    """Rows as one align* display: continuation lines indented under the first term."""
    body = []
    for lhs, lines in all_rows:
        body.append(f"  {lhs} &= {lines[0]}")
        body += [rf"  &\quad {{}}{line}" for line in lines[1:]]
    return "\\begin{align*}\n" + " \\\\\n".join(body) + "\n\\end{align*}"


def display(lhs: str, expr: sympy.Expr, max_lines: int = 10) -> str:
    """`lhs = expr` as a display (see `rows`); ValueError when it would be too long."""
    return align(rows(lhs, expr, max_lines))


def show_result(lhs: str, value: RationalFunction, max_lines: int = 8) -> str | None:
    """An exact result as a display: `display` of its form in s, or, for an H(s) too long for
    that, the ratio of two polynomials in s with each coefficient written out below it. None
    when even that is too long (or the result is too big to try)."""
    if value.is_infinite:
        return f"\\begin{{align*}}\n  {lhs} &= \\infty\n\\end{{align*}}"
    if value.terms > MAX_TERMS * 4:
        return None
    expr = value.in_s()
    s = next((g for g in value.generators if str(g) == "s"), None)
    if value.terms <= MAX_TERMS or s is None:
        try:
            return display(lhs, expr, max_lines if s is None else 3)
        except ValueError:
            if s is None:
                return None
    return _by_powers_of_s(lhs, expr, s, max_lines)


def _s_terms(p: sympy.Expr, s: sympy.Symbol) -> tuple[sympy.Expr, list[tuple[int, sympy.Expr]]]:
    """p = common * sum(c_k s^k): the factor free of s and each power's coefficient."""
    common, rest = p.as_independent(s, as_Add=False)
    out: dict[int, sympy.Expr] = {}
    for term in sympy.Add.make_args(rest):
        c, power = term.as_independent(s, as_Add=False)
        k = int(sympy.degree(power, s))
        out[k] = out.get(k, sympy.Integer(0)) + c
    return common, sorted(out.items())


def _by_powers_of_s(lhs: str, expr: sympy.Expr, s: sympy.Symbol, max_lines: int) -> str | None:
    num, den = sympy.fraction(expr)
    sign = ""
    if num.could_extract_minus_sign():
        num, sign = -num, "-"
    coefficients: Rows = []
    sides = []
    for letter, side in (("a", num), ("b", den)):
        common, terms = _s_terms(side, s)
        if len(terms) == 1 and terms[0][0] == 0:  # no s on this side
            sides.append((common * terms[0][1], ""))
            continue
        poly = " + ".join(f"{letter}_{{{k}}}" + ("" if k == 0 else " s" if k == 1 else
                                                 f" s^{{{k}}}") for k, _ in terms)
        sides.append((common, poly))
        for k, c in terms:
            try:
                coefficients += rows(f"{letter}_{{{k}}}", c, max_lines)
            except ValueError:
                return None
    (kn, pn), (kd, pd) = sides
    for letter, side in (("a", pn), ("b", pd)):
        if width(side) > LINE - width(lhs) - 8:  # too many powers to list: write the sum
            powers = [int(k) for k in re.findall(rf"{letter}_{{(\d+)}}", side)]
            coefficients += [(f"{letter}_{{{k}}}", ["0"]) for k in
                             range(min(powers), max(powers)) if k not in powers]
            sum_tex = rf"\sum_{{k={min(powers)}}}^{{{max(powers)}}} {letter}_k s^k"
            if letter == "a":
                pn = sum_tex
            else:
                pd = sum_tex
    factor = kn / kd
    head = "" if factor == 1 else latex(factor) + " "
    if factor.is_Add or (factor.is_Mul and any(f.is_Add for f in factor.args)):
        head = rf"\left({latex(factor)}\right) "
    if not pn and not pd or width(head) > LINE / 2:
        return None
    main = align([(lhs, [rf"{sign}{head}\frac{{{pn or '1'}}}{{{pd or '1'}}}"])])
    return main + "\nwith the coefficients of the powers of $s$\n" + align(coefficients)


# -- the nodal equations -----------------------------------------------------------------------
@dataclass
class NodalSystem:
    """The MNA system A·x = b of a linear circuit with one source driving, in LaTeX: `rows`
    labels each equation (KCL at a node, or a branch equation), `unknowns` names x, `entries`
    maps (row, column) to the LaTeX of a nonzero entry of A (its terms in the order the
    elements stamp them), `rhs` maps a row to the LaTeX of b's entry."""

    rows: list[str]
    unknowns: list[str]
    entries: dict[tuple[int, int], str]
    rhs: dict[int, str]
    nodes: int
    branches: int
    terms: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # each entry's terms

    @property
    def size(self) -> int:
        return len(self.unknowns)

    def row_tex(self, i: int) -> list[str]:
        return [self.entries.get((i, j), "0") for j in range(self.size)]


def _entry_terms(terms: Iterable[sympy.Expr]) -> list[str]:
    """One matrix entry from its stamped terms, as signed LaTeX pieces ("\\frac{1}{R_{s}}",
    "- g_{m1}"): equal symbolic terms added (2 g_m), numbers kept apart (1/1000 + 1/4700, one
    per element), in stamp order; [] when they cancel."""
    order: list[object] = []
    coeffs: dict[object, sympy.Expr] = {}
    for k, t in enumerate(terms):
        c, rest = t.as_coeff_Mul()
        key = rest if rest != 1 else ("number", k)
        if key not in coeffs:
            order.append(key)
            coeffs[key] = sympy.Integer(0)
        coeffs[key] += c
    parts = [coeffs[k] * (k if not isinstance(k, tuple) else 1) for k in order if coeffs[k] != 0]
    if not parts or sympy.Add(*parts) == 0:
        return []
    out = []
    for k, p in enumerate(parts):
        sign, body = _signed(p)
        out.append((body if sign == "+" else "-" + body) if k == 0 else f"{sign} {body}")
    return out


def nodal_system(circuit: Circuit, source: str) -> NodalSystem:
    """The MNA equations of linear `circuit` driven by `source` (every other independent source
    zeroed), with the drive written as the source's name (V_{s}) on the right-hand side."""
    src = circuit.element(source)
    eq = equations(circuit, {src.name.lower(): sympy.Integer(1)})
    by_branch = {e.name.lower(): e for e in circuit.elements  # coupled L, TF have branches too
                 if e.kind in VOLTAGE_KINDS or e.name.lower() in eq.branch}
    n = eq.size
    rows: list[str] = [""] * n
    unknowns: list[str] = [""] * n
    for node, i in eq.index.items():
        rows[i] = rf"\text{{KCL at {node_text(node)}}}"
        unknowns[i] = voltage_tex(node)
    for name, k in eq.branch.items():
        e = by_branch[name]
        rows[k] = _branch_label(e)
        unknowns[k] = current_tex(e)
    entries, pieces = {}, {}
    for (i, j), terms in eq.matrix.items():
        tex = _entry_terms(terms)
        if tex:
            entries[(i, j)] = " ".join(tex)
            pieces[(i, j)] = tex
    drive = element_tex(src.name)
    rhs = {}
    for i, terms in eq.rhs.items():
        total = sympy.Add(*terms)
        if total != 0:
            rhs[i] = drive if total == 1 else f"-{drive}" if total == -1 else \
                f"{latex(total)}\\,{drive}"
    return NodalSystem(rows, unknowns, entries, rhs, len(eq.index), len(eq.branch), pieces)


def current_tex(e: Element) -> str:
    """The current through a branch element: i_{V_s}; a BJT model's base-current sense is
    i_{b1} (the i_b of Q1), not the name symsig gave it."""
    device = _sensed_device(e)
    if device is not None:
        return f"i_{{b{device[1:]}}}" if re.fullmatch(r"\w*", device[1:]) else "i_b"
    return f"i_{{{element_tex(e.name)}}}"


def _sensed_device(e: Element) -> str | None:
    origin = e.origin or ""
    if e.kind == "V" and origin.endswith("'s base-current sense"):
        return origin.split("'s ", 1)[0]
    return None


def _branch_label(e: Element) -> str:
    device = _sensed_device(e)
    if device is not None:
        return rf"{current_tex(e)}\text{{ sense}}"
    name = element_tex(e.name)
    if e.kind == "O":
        return rf"{name}\text{{: }} v_{{+}} = v_{{-}}"
    return rf"{name}\text{{ branch}}"


def _column(cells: list[str], phantoms: list[str], brackets: bool, align: str = "c") -> str:
    body = " \\\\\n    ".join(f"{c}\\vphantom{{{p}}}" for c, p in zip(cells, phantoms,
                                                                    strict=True))
    if brackets:
        return f"\\begin{{bmatrix}}\n    {body}\n  \\end{{bmatrix}}"
    return f"\\begin{{array}}{{@{{}}{align}@{{}}}}\n    {body}\n  \\end{{array}}"


def _matrix_width(system: NodalSystem) -> float:
    cols = [max(width(system.entries.get((i, j), "0")) for i in range(system.size)) * 0.8
            for j in range(system.size)]
    labels = max(width(r) * 0.8 for r in system.rows)
    x = max(width(u) for u in system.unknowns)
    b = max([width(v) for v in system.rhs.values()] + [1])
    return labels + sum(cols) + 1.8 * len(cols) + x + b + 12


def matrix_tex(system: NodalSystem) -> str:
    """The display `labels [A] [x] = [b]`, each row of the four columns of equal height so the
    labels line up with their rows; `\\small` or `\\footnotesize` when it is wide, and the
    widest entries named a_{ij} (and written out below it) when it is wider still."""
    entries = dict(system.entries)
    shown = replace(system, entries=entries)
    named: list[tuple[tuple[int, int], str]] = []
    while _matrix_width(shown) > LINE * 1.2:
        wide = [(width(t), k) for k, t in entries.items() if width(t) > 4]
        if not wide:
            break
        _, (i, j) = max(wide)
        name = f"a_{{{i + 1}{j + 1}}}" if shown.size < 10 else f"a_{{{i + 1},{j + 1}}}"
        named.append(((i, j), name))
        entries[(i, j)] = name
    phantoms = [" ".join(shown.row_tex(i)) for i in range(shown.size)]
    label_cells = [rf"\scriptstyle {r}\quad" for r in shown.rows]
    rows_tex = []
    for i in range(shown.size):
        cells = shown.row_tex(i)
        cells[-1] += f"\\vphantom{{{phantoms[i]}}}"
        rows_tex.append(" & ".join(cells))
    matrix_body = " \\\\\n    ".join(rows_tex)
    a = f"\\begin{{bmatrix}}\n    {matrix_body}\n  \\end{{bmatrix}}"
    x = _column(shown.unknowns, phantoms, True)
    b = _column([shown.rhs.get(i, "0") for i in range(shown.size)], phantoms, True)
    labels = _column(label_cells, phantoms, False, "r")
    w = _matrix_width(shown)
    size = "" if w <= LINE else r"\small" if w <= LINE * 1.1 else r"\footnotesize"
    body = f"\\[\n  {labels}\n  {a}\n  {x}\n  =\n  {b}\n\\]"
    out = f"{{\\renewcommand{{\\arraystretch}}{{1.5}}{size}\n{body}}}%"
    if named:
        defs = [(name, _pack(system.terms[k], LINE - 8)) for k, name in sorted(named)]
        out += ("\nwhere the entries too wide to print in place are\n"
                + align(defs))
    return out


# -- the derivation ----------------------------------------------------------------------------
_ASSUMPTION_TEX = {"ro=oo": r"r_o \to \infty", "beta=oo": r"\beta \to \infty",
                   "gm*ro>>1": r"g_m r_o \gg 1", "A=oo": r"A \to \infty"}


@dataclass
class _Assume:
    """One approximation: assumptions for `forms.approx` (ro=oo, gm*ro>>1, ...), or with `eps`
    the terms that change the result by less than eps at the nominal values dropped."""

    texts: list[str]
    eps: float | None = None

    @property
    def tex(self) -> str:
        if self.eps is not None:
            return rf"\text{{terms}} < {number_tex(100 * self.eps, 2)}\,\%"
        return ",\\ ".join(_ASSUMPTION_TEX.get(t.replace(" ", ""), _assumption_tex(t))
                            for t in self.texts)

    def apply(self, value: RationalFunction, present: set[str], numbers: Numbers | None):
        """approx() of `value`, or None where it does not apply (no such symbol; no numbers)."""
        if self.eps is not None:
            values = numbers.values if numbers else {}
            known = {k: v for k, v in values.items() if k in present}
            if (present - {"s"}) - set(known) or value.terms <= 4 or any(
                    not (v.is_number and v.is_finite) for v in known.values()):
                return None
            try:
                a = approx(value, values=known, eps=self.eps)
            except (ValueError, ArithmeticError):
                return None
            return a if a.value.terms < value.terms else None
        wanted = [t for t in self.texts if _touches(t, present)]
        if not wanted:
            return None
        try:
            return approx(value, *wanted)
        except (ValueError, ArithmeticError):
            return None


def _touches(text: str, present: set[str]) -> bool:
    """Whether an assumption (ro=oo, beta=oo, gm*ro>>1, ro1=oo) names a symbol of the result
    (or, for a family name, one of its members)."""
    names = re.findall(r"[A-Za-z_]\w*", text.split("=")[0].split(">>")[0])
    stems = [n for n in names if n not in ("oo", "gm")] or names
    for stem in stems:
        family = {"beta": ("beta", "rpi", "alpha")}.get(re.sub(r"\d+$", "", stem), (stem,))
        suffix = stem[len(re.sub(r"\d+$", "", stem)):]
        for f in family:
            if any(n == f + suffix or (not suffix and re.fullmatch(rf"{f}\d\w*", n))
                   for n in present):
                return True
    return False


def _degenerate(value: RationalFunction, texts: list[str]) -> bool:
    """True when the limit turns a finite, nonzero result infinite or zero."""
    if value.is_infinite or value.is_zero or not _touches(texts[0], {str(g) for g in
                                                                      value.generators}):
        return False
    try:
        a = approx(value, *texts).value
    except (ValueError, ArithmeticError):
        return False
    return a.is_infinite or a.is_zero


@dataclass
class _Result:
    key: str
    tex: str  # A_v, R_{in}, R_{out}
    what: str  # "voltage gain", ...
    how: str  # one sentence: how it is defined
    value: RationalFunction | None = None
    why: str | None = None
    numeric: RationalFunction | None = None
    numeric_why: str | None = None
    textbook: sympy.Expr | None = None
    textbook_error: str | None = None
    approximations: list = field(default_factory=list)


_NAMES = {("v", True): ("voltage gain", "A_v"), ("v", False): ("transresistance", "R_m"),
          ("i", True): ("transconductance", "G_m"), ("i", False): ("current gain", "A_i")}


def _probe_tex(probe: Probe) -> str:
    if probe.kind == "i":
        return f"i_{{{element_tex(probe.plus)}}}"
    if probe.minus == GROUND:
        return voltage_tex(probe.plus)
    return f"({voltage_tex(probe.plus)} - {voltage_tex(probe.minus)})"


def named_values(circuit: Circuit, symbolic: bool) -> tuple[Circuit, dict[str, sympy.Expr]]:
    """With `symbolic`, each R, C and L whose value is a plain number takes its own name as a
    symbol (RC = 2.2k becomes R_C); returns the new circuit and the numbers taken out."""
    if not symbolic:
        return circuit, {}
    taken = ({str(x) for x in circuit.symbols()} | set(circuit.params) | device_symbols(circuit)
             | set(card_values(circuit)) | set(RESERVED))
    names = [e.name for e in circuit.elements]
    lowered = [n.lower() for n in names]
    numbers: dict[str, sympy.Expr] = {}
    elements = []
    for e in circuit.elements:
        if (e.kind in "RCL" and e.value is not None and e.value.is_number and e.value != 0
                and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", e.name) and e.name not in taken
                and lowered.count(e.name.lower()) == 1):
            numbers[e.name] = e.value
            e = replace(e, value=sympy.Symbol(e.name, positive=True))
        elements.append(e)
    return replace(circuit, elements=tuple(elements)), numbers


def _wants_numbers(circuit: Circuit, given: Mapping[str, object]) -> bool:
    if given or circuit.params or card_values(circuit):
        return True
    return any(e.value is not None and e.value.is_number and e.value != 0
               for e in circuit.elements if e.kind in "RCLEFGH")


def derivation(circuit: Circuit, source: str, output: str, input_node: str | None = None,
               load: str | None = None, options: Options | None = None,
               values: Mapping[str, object] | None = None, *, bias: str = "constant-vbe",
               capacitors: str = "short", symbolic: bool = True, title: str | None = None,
               approximations: Iterable[object] | None = None) -> str:
    """A worked derivation of `output`/`source`, R_in and R_out as a LaTeX document.

    Arguments as `symsig analyze` takes them: `options` the device model, `values` numbers for
    the end (as --subs; `sympy.oo` for a limit), `bias` where device numbers come from,
    `capacitors` "short" (mid-band) or "keep". `symbolic` writes numeric R, C and L values as
    their element names (see the module docstring). `approximations` is a list of assumption
    sets for `forms.approx`, each a string, a list of strings or a mapping (`["ro=oo",
    ["ro=oo", "beta=oo"], {"ro1": sympy.oo}]`); by default r_o → ∞, then also β → ∞ for BJTs,
    g_m r_o ≫ 1 where r_o → ∞ alone makes a result infinite, and (with numbers for every
    symbol) the terms under 1 % at those values dropped. `title` replaces the netlist's title.
    """
    args = (circuit, source, output, input_node, load, options or Options(), dict(values or {}),
            bias, capacitors)
    try:
        work = _Work(*args, symbolic, approximations)
    except ResultTooLarge:
        if not symbolic:
            raise
        work = _Work(*args, False, approximations)  # too big with every value a symbol
        work.note = ("With every element value a symbol the exact results would be too large "
                     "to find, so the values given as numbers stay numbers in the formulas.\n")
    return work.document(title)


class _Work:
    """The derivation of one circuit: everything computed once, then written section by
    section."""

    def __init__(self, circuit, source, output, input_node, load, options, values, bias,
                 capacitors, symbolic, approximations):
        self.original = circuit
        self.note = ""
        self.opened: list[str] = []  # capacitors open at mid-band
        src = circuit.find(source)
        if src is None:
            raise AnalysisError(f"no source named {source!r} in the circuit")
        if src.kind not in "VI":
            raise AnalysisError(f"{src.name} is a {src.what}, not an independent source (V or "
                                "I)")
        if load is not None and circuit.find(load) is None:
            raise AnalysisError(f"load {load}: no element named {load!r} in the circuit")
        self.source, self.output, self.load = src.name, output, load
        self.input_node = input_node
        self.options, self.capacitors, self.bias = options, capacitors, bias
        self.probe = Probe.parse(output)
        self.given = values
        self.named, self.element_numbers = named_values(circuit, symbolic)
        self.numbers: Numbers | None = None
        self.regions: dict[str, str] = {}
        self.results = self._derive()
        if _wants_numbers(circuit, values):
            need = {str(g) for r in self.results if r.value is not None
                    for g in r.value.generators}
            self.numbers = numbers_at_the_end(circuit, {**self.element_numbers, **values},
                                              bias, need)
            self.regions = {k: v for k, v in self.numbers.regions.items()
                            if v in OFF_REGIONS or v == "breakdown"}
            if self.regions:  # a device off changes the small-signal circuit
                self.results = self._derive()
            for r in self.results:
                self._put_numbers(r)
        self.kinds = {str(e.value): _KIND_UNIT[e.kind] for e in self.linear.elements
                      if e.kind in _KIND_UNIT and e.value is not None and e.value.is_Symbol}
        self.assumption_sets = self._assumption_sets(approximations)
        for r in self.results:
            self._forms(r)

    # -- computing -------------------------------------------------------------------------
    def _derive(self) -> list[_Result]:
        circuit = self.named
        if circuit.devices() and self.capacitors == "short":
            # mid-band: a load or compensation capacitor (1 nF or less) is an open
            self.opened = high_frequency_capacitors(self.original)
            circuit = circuit.without(*self.opened) if self.opened else circuit
        if circuit.devices():
            circuit = small_signal(circuit, self.options, capacitors=self.capacitors,
                                   sources=[self.source], regions=self.regions)
        self.linear = circuit
        if self.probe.kind == "i":
            if circuit.find(self.probe.plus) is None:
                raise AnalysisError(f"output {self.output}: no element named "
                                    f"{self.probe.plus!r} in the circuit")
        else:
            for node in (self.probe.plus, self.probe.minus):
                if not circuit.has_node(node):
                    raise AnalysisError(f"output {self.output}: no node named {node!r} in the "
                                        "circuit")
        if self.input_node is not None and not circuit.has_node(self.input_node):
            raise AnalysisError(f"input node {self.input_node}: no node named "
                                f"{self.input_node!r} in the circuit")
        src = circuit.element(self.source)
        what, tex = _NAMES[(self.probe.kind, src.kind == "V")]
        in_node = circuit.resolve(self.input_node or driven_node(src))
        self.in_node = in_node
        drive = element_tex(src.name)
        out = _probe_tex(self.probe)
        removed = f", with ${element_tex(self.load)}$ removed" if self.load else ""
        results = [
            _Result("gain", tex, what,
                    f"${tex} = {out}/{drive}$: the output with ${drive}$ the only source "
                    "driving the circuit."),
            _Result("rin", "R_{in}", "input resistance",
                    f"$R_{{in}}$ is the resistance seen from node {node_text(in_node)} to "
                    f"ground with ${drive}$ removed and every other independent source zeroed: "
                    f"a test current $i_x$ into node {node_text(in_node)} gives "
                    f"$R_{{in}} = {voltage_tex(in_node)}/i_x$."),
            _Result("rout", "R_{out}", "output resistance",
                    "$R_{out}$ is the resistance seen from the output to ground with every "
                    f"independent source zeroed (${drive} = 0$){removed}: a test current $i_x$ "
                    f"into the output gives $R_{{out}} = {out}/i_x$."),
        ]
        compute = {
            "gain": lambda: transfer(circuit, self.output, self.source),
            "rin": lambda: rin(circuit, self.source, self.input_node),
            "rout": lambda: rout(circuit, self.output, self.load),
        }
        for r in results:
            try:
                r.value = compute[r.key]()
            except NotDefined as exc:
                r.why = str(exc)
        return results

    def _put_numbers(self, r: _Result) -> None:
        if r.value is None or self.numbers is None:
            return
        present = {str(g) for g in r.value.generators}
        known = {k: v for k, v in self.numbers.values.items() if k in present}
        if not known:
            return
        try:
            r.numeric = r.value.substitute(known)
        except Undefined:
            r.numeric_why = "numerator and denominator both vanish at these values (0/0)"

    def _assumption_sets(self, given) -> list[_Assume]:
        """The approximations to show: as given, or by default r_o → ∞; for BJTs also β → ∞;
        g_m r_o ≫ 1 where r_o → ∞ leaves a result infinite or zero (a cascode's R_out); and,
        with numbers for every symbol, the terms that matter at those values."""
        if given is not None:
            out = []
            for a in given:
                if isinstance(a, str):
                    texts = [a]
                elif isinstance(a, Mapping):
                    texts = [f"{k}={'oo' if v in (sympy.oo, float('inf')) else v}"
                             for k, v in a.items()]
                else:
                    texts = [str(t) for t in a]
                if texts:
                    out.append(_Assume(texts))
            return out
        used = {str(g) for r in self.results if r.value is not None for g in r.value.generators}
        has = lambda stem: any(re.fullmatch(rf"{stem}\d*\w*", n) for n in used)  # noqa: E731
        sets = []
        if has("ro"):
            sets.append(_Assume(["ro=oo"]))
        if has("rpi") or has("beta") or has("alpha") or has("re"):
            sets.append(_Assume(["ro=oo", "beta=oo"] if has("ro") else ["beta=oo"]))
        if has("ro") and any(_degenerate(r.value, ["ro=oo"]) for r in self.results
                             if r.value is not None):
            sets.append(_Assume(["gm*ro>>1"]))
        if self.numbers is not None:
            values = self.numbers.values
            finite = {k for k, v in values.items() if v.is_number and v.is_finite}
            if any(r.value is not None and r.value.terms > 4 and
                   {str(g) for g in r.value.generators} - {"s"} <= finite
                   for r in self.results):
                sets.append(_Assume([], eps=0.01))
        return sets

    def _forms(self, r: _Result) -> None:
        if r.value is None or r.value.is_infinite or r.value.is_zero:
            return
        try:
            r.textbook = textbook(r.value, self.linear)
        except SymsigError as exc:
            r.textbook_error = str(exc)
        present = {str(g) for g in r.value.generators}
        for k, assumed in enumerate(self.assumption_sets):
            a = assumed.apply(r.value, present, self.numbers)
            if a is None:
                continue
            shape = None
            if not (a.value.is_infinite or a.value.is_zero or a.value.is_number):
                try:
                    shape = textbook(a.value, self.linear)
                except SymsigError:
                    shape = None
            r.approximations.append((k, a, shape))

    # -- writing ---------------------------------------------------------------------------
    def document(self, title: str | None) -> str:
        title = self.original.title if title is None else title
        parts = [_PREAMBLE]
        heading = escape(title) if title else "A small-signal circuit"
        parts.append(f"\\begin{{center}}\n{{\\Large Worked derivation}}\\\\[4pt]\n"
                     f"{{\\large {heading}}}\n\\end{{center}}\n")
        parts.append(self._intro())
        parts.append(self._circuit_section())
        parts.append(self._equations_section())
        parts.append(self._solution_section())
        parts.append(self._approximation_section())
        parts.append(self._numbers_section())
        parts.append("\\end{document}\n")
        return "\n".join(p for p in parts if p)

    def _intro(self) -> str:
        src = self.original.element(self.source)
        what = self.results[0].what
        out = _probe_tex(self.probe)
        load = (f" $R_{{out}}$ is taken with the load ${element_tex(self.load)}$ removed."
                if self.load else "")
        return (f"We derive the {what} from ${element_tex(src.name)}$ to ${out}$, the input "
                f"resistance $R_{{in}}$ at node {node_text(self.in_node)} and the output "
                f"resistance $R_{{out}}$, exactly, by nodal analysis of the small-signal "
                f"circuit, and put numbers in only at the end.{load}\n")

    # 1. the circuit
    def _circuit_section(self) -> str:
        out = ["\\section{The circuit}"]
        out.append(_table(["Element", "Kind", "Nodes", "Value"],
                          [self._written_row(e) for e in self.original.elements], "llll",
                          "The netlist as written, one element per row (a value that is a "
                          "number keeps its unit; a name is a symbol):"))
        models = self._models_text()
        if models:
            out.append(models)
        if self.note:
            out.append(self.note)
        used = {str(x) for e in self.linear.elements if e.value is not None
                for x in e.value.free_symbols}
        symbolized = [n for n in self.element_numbers if n in used]
        if symbolized:
            named = ", ".join(f"${element_tex(n)}$" for n in symbolized)
            out.append(f"In the formulas below each element value given as a number is written "
                       f"as its symbol ({named}); the numbers go in at the end.\n")
        out.append(self._equivalent_text())
        return "\n".join(out)

    def _written_row(self, e: Element) -> list[str]:
        nodes = ", ".join(node_text(n) for n in e.nodes)
        return [f"${element_tex(e.name)}$", escape(e.what), nodes, self._value_cell(e)]

    def _value_cell(self, e: Element) -> str:
        kind = e.kind
        if kind in "QMD":
            model = self.original.model_of(e)
            parts = [escape(e.model or model.type)]
            parts += [f"${_param_tex(k)} = {self._param_value(k, v)}$" for k, v in e.params]
            return ", ".join(parts)
        if kind == "O":
            return "ideal ($v_{+} = v_{-}$, no input current)"
        if kind in "VI":
            unit = "V" if kind == "V" else "A"
            bits = []
            if e.value is not None and e.value != 0:
                bits.append(f"DC ${_value_tex(e.value, unit)}$")
            if e.ac is not None and e.ac != 0:
                bits.append(f"AC ${_value_tex(e.ac, unit)}$")
            return ", ".join(bits) if bits else "$0$"
        unit = {"R": "ohm", "C": "F", "L": "H", "G": "S", "H": "ohm"}.get(kind, "")
        value = _value_tex(e.value, unit)
        if kind in "EG":
            if e.value.is_Add:
                value = rf"\left({value}\right)"
            return f"${_controlled(value, e.nodes[2], e.nodes[3])}$"
        if kind in "FH":
            sensed = self.linear.find(e.control) or self.original.find(e.control)
            current = current_tex(sensed) if sensed is not None else \
                f"i_{{{element_tex(e.control)}}}"
            return f"${value}\\,{current}$"
        return f"${value}$"

    def _param_value(self, key: str, value: sympy.Expr) -> str:
        return _value_tex(value, {"w": "m", "l": "m"}.get(key.lower(), ""))

    def _models_text(self) -> str:
        used = {(d.model or "").lower() for d in self.original.devices()}
        cards = [m for k, m in self.original.models.items() if k in used]
        if not cards:
            return ""
        lines = []
        for m in cards:
            params = ", ".join(f"${_param_tex(k)} = {_value_tex(v, _CARD_UNITS.get(k, ''))}$"
                               for k, v in m.params.items())
            lines.append(f"\\item \\texttt{{{escape(m.name)}}} ({escape(m.type)})"
                         + (f": {params}" if params else ""))
        return ("Device models (a parameter a card leaves out stays a symbol):\n"
                "\\begin{itemize}\n" + "\n".join(lines) + "\n\\end{itemize}\n")

    def _equivalent_text(self) -> str:
        linear, original = self.linear, self.original
        if not original.devices():
            kept = {e.name.lower() for e in linear.elements}
            return ("The circuit has no transistors or diodes, so it is its own small-signal "
                    "circuit" + ("." if len(kept) == len(original.elements) else
                                 ", less what the analysis zeroes.") + "\n")
        out = ["\\subsection*{The small-signal equivalent}"]
        steps = []
        orig = {e.name.lower(): e for e in original.elements}
        kept = {e.name.lower() for e in linear.elements}
        dc_v = [e for e in original.elements if e.kind == "V" and e.name.lower() not in kept]
        dc_i = [e for e in original.elements if e.kind == "I" and e.name.lower() not in kept]
        opened = [e for e in original.elements if e.name in self.opened]
        caps = [e for e in original.elements if e.kind == "C" and e.name.lower() not in kept
                and e.name not in self.opened]
        if dc_v:
            steps.append(_listing(dc_v) + (" is a DC supply and becomes a short" if len(dc_v) == 1
                                           else " are DC supplies and become shorts")
                         + " (AC ground)")
        if dc_i:
            steps.append(_listing(dc_i) + (" is a DC current source and becomes an open circuit"
                                           if len(dc_i) == 1 else
                                           " are DC current sources and become open circuits"))
        if caps:
            steps.append(_listing(caps) + (" is" if len(caps) == 1 else " are")
                         + " shorted at mid-band (coupling and bypass capacitors)")
        if opened:
            steps.append(_listing(opened) + (
                " is open at mid-band (1 nF or less: a load or compensation capacitor)"
                if len(opened) == 1 else
                " are open at mid-band (1 nF or less: load and compensation capacitors)"))
        merged = {old: new for old, new in linear.aliases.items() if old != new}
        if merged:
            joined = ", ".join(
                f"{node_text(a)} is " + ("ground" if b == GROUND else node_text(b))
                for a, b in merged.items())
            steps.append(f"so {joined}")
        model = {"hybrid-pi": "hybrid-$\\pi$", "hybrid-pi-beta": "hybrid-$\\pi$ "
                 "($\\beta i_b$)", "T": "T", "h": "h-parameter"}[self.options.model]
        devices = _listing(original.devices())
        steps.append(f"{devices} {'is' if len(original.devices()) == 1 else 'are'} replaced by "
                     f"the {model} model")
        text = "; ".join(steps)
        out.append(text[0].upper() + text[1:] + ".")
        if original.matches:
            pairs = ", ".join(f"${element_tex(original.element(f).name)}$ shares the symbols of "
                              f"${element_tex(original.element(lead).name)}$"
                              for f, lead in original.matches.items())
            out.append(f" Matched devices: {pairs}.")
        if self.regions:
            off = ", ".join(f"${element_tex(orig[k.lower()].name)}$ ({escape(v)})"
                            for k, v in self.regions.items())
            out.append(f" At the Q-point {off}: its model is replaced accordingly.")
        out.append("The circuit the equations are written for:")
        rows = []
        for e in linear.elements:
            origin = e.origin or ""
            if "'s " in origin:
                device, part = origin.split("'s ", 1)
                name = _part_tex(device, e)
                source = f"${element_tex(device)}$"
            else:
                name = f"${element_tex(e.name)}$"
                source = "as written" if e.name.lower() in orig else escape(origin)
            shown = e.nodes[:2] if e.kind in "EG" else e.nodes
            nodes = ", ".join(node_text(n) for n in shown)
            rows.append([name, nodes, self._linear_value(e), source])
        out.append(_table(["Part", "Nodes", "Value", "From"], rows, "llll", out.pop()))
        return "\n".join(out)

    def _linear_value(self, e: Element) -> str:
        if e.kind in "VI":
            drive = element_tex(e.name)
            if e.name.lower() == self.source.lower():
                return f"${drive}$ (the input)"
            if e.ac is not None and e.ac != 0:
                return f"AC ${_value_tex(e.ac, 'V' if e.kind == 'V' else 'A')}$ (zeroed)"
            return "$0$ (an ammeter)" if e.kind == "V" else "$0$"
        return self._value_cell(e)

    # 2. the equations
    def _equations_section(self) -> str:
        system = nodal_system(self.linear, self.source)
        out = ["\\section{The nodal equations}"]
        drive = element_tex(self.source)
        nodes = ", ".join(f"${u}$" for u in system.unknowns[:system.nodes])
        branch = system.unknowns[system.nodes:]
        text = (f"The unknowns are the node voltages {nodes}"
                + (" and the branch currents " if len(branch) > 1 else
                   " and the branch current " if branch else "")
                + ", ".join(f"${u}$" for u in branch) + ". ")
        text += ("Row ``KCL at $n$'' says that the currents leaving node $n$ through its "
                 "elements add up to the current a source pushes in; ")
        if branch:
            text += ("a branch row states the voltage a source or op-amp imposes, and a branch "
                     "current flows into the element's $+$ node (SPICE's sign convention); ")
        text += f"the input ${drive}$ is the only source driving.\n"
        out.append(text)
        if system.size > MAX_MATRIX:
            nonzero = len(system.entries)
            out.append(f"The system is too large to print usefully: {system.size} unknowns "
                       f"({system.nodes} node voltages, {system.branches} branch currents), a "
                       f"${system.size} \\times {system.size}$ matrix with {nonzero} nonzero "
                       "entries. It is solved exactly all the same.\n")
            return "\n".join(out)
        out.append(matrix_tex(system))
        out.append(f"The matrix is {system.size} $\\times$ {system.size}. Every result below "
                   "comes from this system (or from it with a test source in place of the "
                   "input) by exact elimination, with no rounding.\n")
        return "\n".join(out)

    # 3. the solution
    def _solution_section(self) -> str:
        out = ["\\section{The solution}"]
        for r in self.results:
            out.append(f"\\subsection*{{{r.what[0].upper() + r.what[1:]}}}")
            if r.value is None:
                why = escape(_lower(r.why)).rstrip(".")
                out.append(f"${r.tex}$ is not defined here: {why}.\n")
                continue
            out.append(r.how)
            if r.value.is_infinite:
                out.append(" No current can enter: the resistance is infinite.")
                out.append(f"\\begin{{equation*}}\n  {r.tex} = \\infty\n\\end{{equation*}}")
                continue
            if r.value.is_zero:
                if r.key == "rout":
                    out.append(" With every source zeroed the output voltage stays 0 whatever "
                               "current is pushed in (an ideal source holds it):")
                out.append(f"\\begin{{equation*}}\n  {r.tex} = 0\n\\end{{equation*}}")
                continue
            out.append(self._exact(r))
        return "\n".join(out)

    def _exact(self, r: _Result) -> str:
        """The exact result, then its textbook form; whichever is too long is described."""
        exact = show_result(r.tex, r.value)
        shape = None
        if r.textbook is not None and latex(r.textbook) != latex(r.value.in_s()):
            try:
                shape = display(r.tex, r.textbook)
            except ValueError:
                shape = None
        size = (f"The exact ${r.tex}$ is a ratio of polynomials with {len(r.value.num)} and "
                f"{len(r.value.den)} terms{_in_symbols(r.value)}, too long to write out "
                "usefully")
        note = _introduced(r.textbook, r.value) if r.textbook is not None else ""
        solving = " Solving the equations exactly:\n"
        if exact and shape:
            return f"{solving}{exact}\nIn textbook form (exactly equal{note}):\n{shape}"
        if exact:
            same = r.textbook is not None and latex(r.textbook) == latex(r.value.in_s())
            return solving + exact + ("\nThis is already its textbook form.\n" if same else "")
        if shape:
            return f" {size}; in textbook form (exactly equal{note}) it is\n{shape}"
        return f" {size} (the numbers at the end come from it all the same).\n"

    # 4. approximations
    def _approximation_section(self) -> str:
        shown = [r for r in self.results if r.approximations]
        if not shown:
            return ""
        out = ["\\section{Approximations}"]
        out.append("The usual simplifications: each line is the limit of the exact result "
                   "above (or, for the last, its dominant terms), written in its shortest "
                   "form.\n")
        for r in shown:
            together: Rows = []  # the one-line ones share one display
            notes: list[str] = []
            for k, a, shape in r.approximations:
                lhs = f"{r.tex}\\big|_{{{self.assumption_sets[k].tex}}}"
                expr = a.expr if a.value.is_infinite or a.value.is_zero else a.value.in_s()
                if shape is not None and width(latex(shape)) < width(latex(expr)):
                    expr = shape
                    note = _introduced(shape, a.value)
                    if note:
                        notes.append(f"with {note[len(', with '):]}")
                if a.bound is not None:
                    measured = (f", ${number_tex(100 * a.error, 2)}\\,\\%$ measured"
                                if a.error is not None else "")
                    notes.append(f"${self.assumption_sets[k].tex}$: {a.exact_terms} terms down "
                                 f"to {a.value.terms}, relative error at most "
                                 f"${number_tex(100 * a.bound, 2)}\\,\\%$ at the nominal "
                                 f"values{measured}")
                try:
                    found = rows(lhs, expr, 6)
                except ValueError:
                    found = []
                if len(found) == 1 and len(found[0][1]) == 1:
                    together += found
                    continue
                if together:
                    out.append(align(together))
                    together = []
                if found:
                    out.append(align(found))
                    continue
                out.append(show_result(lhs, a.value) or (
                    f"${lhs}$ is a ratio of polynomials with {a.value.terms} terms in all, too "
                    "long to write out.\n"))
            if together:
                out.append(align(together))
            if notes:
                out.append("(" + "; ".join(notes) + ")\n")
        names = _assumption_words(self.assumption_sets)
        if names:
            out.append(names)
        return "\n".join(out)

    # 5. numbers
    def _numbers_section(self) -> str:
        out = ["\\section{The numbers}"]
        numbers = self.numbers
        if numbers is None:
            out.append("The netlist gives no numbers, so the results stay symbolic.\n")
            return "\n".join(out)
        if self.given:
            said = ", ".join(
                f"${symbol_latex(k)} = "
                f"{quantity_tex(numbers.values.get(k, v), _symbol_unit(k, self.kinds))}$"
                for k, v in self.given.items() if k in numbers.values)
            if said:
                out.append(f"Given: {said}.\n")
        if numbers.op is not None:
            out.append(self._qpoint(numbers))
        need = self._symbols_in_order()
        rows = []
        for name in need:
            if name in numbers.values:
                unit = _symbol_unit(name, self.kinds)
                rows.append([f"${symbol_latex(name)}$",
                             f"${quantity_tex(numbers.values[name], unit)}$",
                             self._provenance(name)])
        missing = [n for n in need if n not in numbers.values]
        if rows:
            out.append(_table(["Symbol", "Value", "From"], rows, "lll",
                              "The values that go into the formulas:"))
        if missing:
            out.append("No number for " + ", ".join(f"${symbol_latex(n)}$" for n in missing)
                       + f": results that use {'it' if len(missing) == 1 else 'them'} stay "
                       "formulas.\n")
        out.append(self._results_table())
        if numbers.assumed:
            out.append("Assumed defaults: " + "; ".join(_assumed_tex(a) for a in numbers.assumed)
                       + ".\n")
        if numbers.warnings:
            out.append("\\paragraph{Warnings}\n\\begin{itemize}\n" + "\n".join(
                f"\\item {escape(w)}" for w in numbers.warnings) + "\n\\end{itemize}\n")
        return "\n".join(out)

    def _symbols_in_order(self) -> list[str]:
        """The results' symbols in the order the small-signal circuit's elements use them."""
        used = {str(g) for r in self.results if r.value is not None
                for g in r.value.generators if str(g) != "s"}
        order: dict[str, None] = {}
        for e in self.linear.elements:
            for v in (e.value, e.ac):
                if v is not None:
                    for x in sorted(v.free_symbols, key=str):
                        if str(x) in used:
                            order.setdefault(str(x), None)
        return list(order) + sorted(used - set(order))

    def _provenance(self, name: str) -> str:
        if name in self.given:
            return "given"
        if name in self.element_numbers:
            return "the netlist"
        if name in self.original.params:
            return r"\texttt{.param}"
        if name in card_values(self.original):
            return r"\texttt{.model}"
        op = self.numbers.op if self.numbers else None
        if op is not None and any(name in d.numeric for d in op.devices):
            return f"Q-point ({escape(op.method)})"
        m = re.fullmatch(r"([a-z]+)(\w*)", name)
        if m:
            kind = next((d.kind for d in self.original.devices()
                         if self.original.symbol_suffix(d) == m.group(2)), "")
            law = _LAWS.get((kind, m.group(1)))
            if law:
                return f"${law}$"
        return "a relation of its device"

    def _qpoint(self, numbers: Numbers) -> str:
        op = numbers.op
        used = {str(g) for r in self.results if r.value is not None for g in r.value.generators}
        rows = []
        for d in op.devices:
            own = d.name[1:]
            names = [k + own for k in d.bias] + list(d.small_signal)
            names += [k for k in d.numeric if k not in names]
            bias = [k for k in names if k[:1] in "IV"]
            small = [k for k in names if k[:1] not in "IV" and k != "beta" + own]
            small = [k for k in small if k in used] or small
            cell = lambda ks, d=d: ", ".join(  # noqa: E731
                f"${symbol_latex(k)} = {self._number(k, d)}$" for k in ks)
            rows.append([f"${element_tex(d.name)}$", escape(d.region_text), cell(bias),
                         cell(small)])
        kinds = {d.kind for d in self.original.devices()}
        textbook_way = " and ".join(w for k, w in (
            ("Q", "a constant $V_{BE}$ drop per BJT"), ("D", "a constant drop per diode"),
            ("M", "the square law per MOSFET")) if k in kinds)
        method = {"constant-vbe": f"the textbook's method ({textbook_way})",
                  "exponential": "the exponential device laws, solved by Newton's method",
                  "ngspice": "ngspice's own operating point"}.get(op.method, escape(op.method))
        laws = [law for kind, law in (
            ("Q", r"$g_m = I_C/V_T$, $r_\pi = \beta/g_m$, $r_o = V_A/I_C$"),
            ("M", r"$g_m = 2I_D/V_{ov}$, $r_o = 1/(\lambda I_D)$"),
            ("D", r"$r_d = nV_T/I_D$")) if kind in kinds]
        text = (f"The Q-point, from {method}, gives the small-signal parameters "
                f"({'; '.join(laws)}):")
        return _table(["Device", "Region", "Bias", "Small-signal"], rows,
                      "ll>{\\raggedright\\arraybackslash}p{0.3\\textwidth}"
                      ">{\\raggedright\\arraybackslash}p{0.33\\textwidth}", text)

    def _number(self, name: str, d) -> str:
        if name in d.numeric:
            return quantity_tex(d.numeric[name], _symbol_unit(name, self.kinds))
        expr = d.bias.get(name[:-len(d.name[1:])] if d.name[1:] else name) \
            if name not in d.small_signal else d.small_signal[name]
        return latex(expr) if expr is not None else "?"

    def _results_table(self) -> str:
        """Exact numbers beside each approximation's, in one table; a result that keeps
        symbols (no number for one of them, or s) is written out below it."""
        sets = self.assumption_sets
        rows, later = [], []
        for r in self.results:
            row = [f"${r.tex}$"]
            if r.value is None:
                rows.append(row + ["not defined"] + ["" for _ in sets])
                continue
            if r.numeric_why:
                rows.append(row + [escape(r.numeric_why)] + ["" for _ in sets])
                continue
            value = r.numeric if r.numeric is not None else r.value
            if r.numeric is None and not (value.is_number or value.is_infinite) and \
                    {str(g) for g in value.generators} != {"s"}:
                rows.append(row + ["no numbers"] + ["" for _ in sets])
                continue
            if not value.is_number and not value.is_infinite:
                only_s = {str(g) for g in value.generators} == {"s"}
                rows.append(row + ["$H(s)$ below" if only_s else "below"] + ["" for _ in sets])
                later.append((only_s, self._formula_line(r, value)))
                continue
            row.append(self._number_cell(r, value))
            for k in range(len(sets)):
                row.append(self._approx_cell(r, value, k))
            rows.append(row)
        keep = [k for k in range(len(sets))
                if any(row[2 + k] not in ("", "same") for row in rows)]
        head = ["Result", "Exact"] + [f"${sets[k].tex}$" for k in keep]
        rows = [row[:2] + [row[2 + k] for k in keep] for row in rows]
        out = []
        if any(row[1] not in ("below", "$H(s)$ below", "no numbers") for row in rows):
            out.append(_table(head, rows, "l" + "r" * (len(head) - 1), "With these numbers:"))
        if any(only_s for only_s, _ in later):
            out.append("As functions of $s$ with the numbers in (time-constant form: the "
                       "denominator's constant term is 1):")
            out += [line for only_s, line in later if only_s]
        if any(not only_s for only_s, _ in later):
            out.append("With the numbers in, these results still hold symbols that have no "
                       "number:")
            out += [line for only_s, line in later if not only_s]
        return "\n".join(out)

    def _formula_line(self, r: _Result, value: RationalFunction) -> str:
        try:
            return display(r.tex, _rounded_in_s(value))
        except ValueError:
            return (f"${r.tex}$: a ratio of polynomials with {len(value.num)} and "
                    f"{len(value.den)} terms.\n")

    def _number_cell(self, r: _Result, value: RationalFunction) -> str:
        if value.is_infinite:
            return r"$\infty$"
        unit = {"R_{in}": "ohm", "R_{out}": "ohm", "R_m": "ohm", "G_m": "A/V"}.get(r.tex, "")
        number = _fraction(value)
        body = f"${quantity_tex(number, unit, 4)}$"
        if r.tex == "A_v" and number != 0:
            db = number_tex(20 * math.log10(abs(float(number))), 4)
            body += rf" (${db}\,\mathrm{{dB}}$)"
        return body

    def _approx_cell(self, r: _Result, exact: RationalFunction, k: int) -> str:
        """The k-th approximation of r with the numbers in, and how far it is from exact."""
        found = [a for j, a, _ in r.approximations if j == k]
        if not found:
            return "same"
        a = found[0]
        present = {str(g) for g in a.value.generators}
        known = {n: v for n, v in self.numbers.values.items() if n in present}
        try:
            v = a.value.substitute(known)
        except Undefined:
            return "0/0"
        if v.is_infinite:
            return r"$\infty$"
        if not v.is_number:
            return "(symbols left)"
        unit = {"R_{in}": "ohm", "R_{out}": "ohm", "R_m": "ohm", "G_m": "A/V"}.get(r.tex, "")
        y = _fraction(v)
        cell = f"${quantity_tex(y, unit, 4)}$"
        if not exact.is_infinite and _fraction(exact) != 0:
            change = float((y - _fraction(exact)) / _fraction(exact))
            cell += f" (${'+' if change >= 0 else ''}{number_tex(100 * change, 2)}\\,\\%$)"
        return cell


# -- small writers -----------------------------------------------------------------------------
_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb}
\usepackage{array,booktabs,longtable}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt plus 2pt}
\allowdisplaybreaks
\begin{document}
"""

_CARD_UNITS = {"va": "V", "vaf": "V", "is": "A", "vth": "V", "vto": "V", "kp": "A/V2",
               "lambda": "1/V", "rx": "ohm", "rb": "ohm", "vbe": "V", "bv": "V", "ibv": "A",
               "cj0": "F", "cjo": "F"}
_CARD_TEX = {"beta": r"\beta", "bf": r"\beta", "va": "V_A", "vaf": "V_A", "is": "I_S",
             "vth": "V_{th}", "vto": "V_{th}", "kp": "k'", "lambda": r"\lambda", "n": "n",
             "rx": "r_x", "rb": "r_x", "vbe": "V_{BE}", "gamma": r"\gamma", "phi": r"\phi",
             "bv": "BV", "ibv": "I_{BV}", "w": "W", "l": "L"}


#: How a small-signal parameter follows from the bias (DESIGN §2), by device letter and stem.
_LAWS = {("Q", "gm"): "g_m = I_C/V_T", ("Q", "rpi"): r"r_\pi = \beta/g_m",
         ("Q", "ro"): "r_o = V_A/I_C", ("Q", "re"): r"r_e = \alpha/g_m",
         ("Q", "alpha"): r"\alpha = \beta/(\beta + 1)", ("M", "gm"): "g_m = 2I_D/V_{ov}",
         ("M", "ro"): r"r_o = 1/(\lambda I_D)", ("M", "gmb"): r"g_{mb} = \chi g_m",
         ("D", "rd"): "r_d = nV_T/I_D"}


def _param_tex(key: str) -> str:
    tex = _CARD_TEX.get(key.lower())
    return tex if tex else rf"\text{{{escape(key)}}}"


def _value_tex(value: sympy.Expr | None, unit: str) -> str:
    if value is None:
        return "?"
    if value.is_number and value.is_real:
        return quantity_tex(value, unit)
    return latex(value)


def _controlled(g: str, plus: str, minus: str) -> str:
    """g_{m1} v_{b}, -g_{m1} v_{e}, g_{m1} (v_{b} - v_{e}): a controlled source's value."""
    if minus == GROUND:
        return f"{g}\\,{voltage_tex(plus)}"
    if plus == GROUND:
        return f"-{g}\\,{voltage_tex(minus)}"
    return f"{g}\\,({voltage_tex(plus)} - {voltage_tex(minus)})"


def _listing(elements: list[Element]) -> str:
    names = [f"${element_tex(e.name)}$" for e in elements]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


_PART_STEMS = {"rpi": r"r_{\pi}", "ro": "r_o", "rx": "r_x", "re": "r_e", "rd": "r_d",
               "rz": "r_z", "cpi": r"C_{\pi}", "cmu": r"C_{\mu}", "cgs": "C_{gs}", "cgd": "C_{gd}",
               "cdb": "C_{db}", "csb": "C_{sb}", "cd": "C_d", "gmb": "g_{mb} v_{bs}",
               "beta": r"\beta i_b", "hie": "h_{ie}", "hre": "h_{re} v_{ce}",
               "hfe": "h_{fe} i_b", "hoe": "1/h_{oe}"}
_STEM = re.compile("|".join(sorted(_PART_STEMS, key=len, reverse=True)))


def _part_tex(device: str, e: Element) -> str:
    """What a model element is, as a textbook labels it: r_pi, g_m v_pi, C_mu, 1/g_m, ..."""
    names = sorted((str(x) for x in (e.value.free_symbols if e.value is not None else ())),
                   key=len)
    if e.kind == "V":
        return r"$i_b$ sense ($0\,\mathrm{V}$)"
    if e.kind == "G" and any(n.startswith("alpha") for n in names):
        return r"$\alpha i_e$"
    if e.kind == "R" and e.value is not None and e.value.is_Pow and \
            not any(n.startswith("hoe") for n in names):
        return "$1/g_m$"
    for name in names:
        m = _STEM.match(name)
        if m and (e.kind != "G" or m.group(0) == "gmb"):
            return f"${_PART_STEMS[m.group(0)]}$"
    if e.kind == "G":
        return "$g_m v_{gs}$" if device[:1].upper() == "M" else r"$g_m v_{\pi}$"
    return escape(e.origin or e.name)


def _table(head: list[str], rows: list[list[str]], spec: str, intro: str = "") -> str:
    """A booktabs table with its introducing sentence: kept on one page with it when short,
    a longtable (breaking across pages) when long."""
    head_tex = " & ".join(f"\\textbf{{{h}}}" for h in head) + " \\\\"
    body = [" & ".join(r) + " \\\\" for r in rows]
    if len(rows) > 25:
        lines = [intro, f"\\begin{{longtable}}{{{spec}}}", "\\toprule", head_tex, "\\midrule",
                 "\\endhead", *body, "\\bottomrule", "\\end{longtable}"]
        return "\n".join(lines)
    lines = ["\\par\\noindent\\begin{minipage}{\\linewidth}", intro, "\\begin{center}",
             f"\\begin{{tabular}}{{{spec}}}", "\\toprule", head_tex, "\\midrule", *body,
             "\\bottomrule", "\\end{tabular}", "\\end{center}", "\\end{minipage}\\par"]
    return "\n".join(lines)


def _in_symbols(value: RationalFunction) -> str:
    gens = [str(g) for g in value.generators]
    if len(gens) == 1:
        return f" in ${symbol_latex(gens[0])}$"
    return f" in {len(gens)} symbols"


def _rounded_in_s(value: RationalFunction, digits: int = 4) -> sympy.Expr:
    """A result with numbers in, rounded: H(s) with only s left in time-constant form
    (denominator 1 + b_1 s + ...), anything else in its own shape."""
    if {str(g) for g in value.generators} != {"s"}:
        return rounded(value.in_s(), digits)
    s = next(g for g in value.ring.gens if str(g) == "s")
    num, den = sympy.Poly(value.numerator, s), sympy.Poly(value.denominator, s)
    lowest = den.terms()[-1][1]
    parts = [sympy.Add(*[_plain(c / lowest, digits) * s**m[0] for m, c in p.terms()])
             for p in (num, den)]
    return parts[0] / parts[1]


def _plain(x: sympy.Expr, digits: int) -> sympy.Expr:
    """x to `digits` significant digits: an integer when it rounds to a small one (1, not 1.0)."""
    f = sympy.Float(x, digits)
    if f == int(f) and abs(f) < 10**digits:
        return sympy.Integer(int(f))
    return f


def _fraction(value: RationalFunction) -> sympy.Rational:
    if value.is_zero:
        return sympy.Integer(0)
    return sympy.Rational(int(value.num.leading_coefficient()),
                          int(value.den.leading_coefficient()))


def _lower(text: str | None) -> str:
    text = text or ""
    return text if text[:2] in ("R_", "I_", "V_") else text[:1].lower() + text[1:]


def _assumption_tex(text: str) -> str:
    """'ro1 -> oo' as r_{o1} \\to \\infty; 'gm1*ro1 >> 1' as g_{m1} r_{o1} \\gg 1."""
    for op, tex in ((" -> ", r" \to "), (" >> ", r" \gg "), (" << ", r" \ll "), (" = ", " = ")):
        if op in text:
            left, right = text.split(op, 1)
            try:
                sides = [_side_tex(x.strip()) for x in (left, right)]
            except SymsigError:
                break
            return sides[0] + tex + sides[1]
    return rf"\text{{{escape(text)}}}"


def _side_tex(text: str) -> str:
    if text in ("oo", "inf", "infinity"):
        return r"\infty"
    return latex(parse_expression(text))


#: Relations a textbook form may write a result with (the symbols it introduces).
_RELATIONS = {"beta": ("gm", "rpi", r"{0} = {1} {2}"), "re": ("alpha", "gm", r"{0} = {1}/{2}"),
              "alpha": ("beta", "beta", r"{0} = {1}/({2} + 1)")}


def _introduced(shape: sympy.Expr, value: RationalFunction) -> str:
    """', with beta_1 = g_{m1} r_{pi 1}' when a textbook form uses symbols the exact result
    does not; empty when it uses none."""
    have = {str(g) for g in value.generators}
    new = sorted(str(x) for x in shape.free_symbols if str(x) not in have and str(x) != "s")
    if not new:
        return ""
    said = []
    for name in new:
        m = re.fullmatch(r"(beta|alpha|re)(\w*)", name)
        if m:
            a, b, pattern = _RELATIONS[m.group(1)]
            k = m.group(2)
            said.append("$" + pattern.format(symbol_latex(name), symbol_latex(a + k),
                                             symbol_latex(b + k)) + "$")
        else:
            said.append(f"${symbol_latex(name)}$")
    return ", with " + ", ".join(said)


def _assumption_words(sets: list[_Assume]) -> str:
    """One sentence per kind of approximation shown: what it neglects."""
    texts = {t.replace(" ", "") for a in sets for t in a.texts}
    words = []
    if any(t.startswith("ro") for t in texts):
        words.append("$r_o \\to \\infty$ neglects the Early effect (BJT) or channel-length "
                     "modulation (MOSFET): each transistor's output is an ideal current source.")
    if "beta=oo" in texts:
        words.append("$\\beta \\to \\infty$ neglects the base current ($r_\\pi \\to \\infty$, "
                     "$\\alpha \\to 1$).")
    if "gm*ro>>1" in texts:
        words.append("$g_m r_o \\gg 1$ keeps the leading order as every $r_o$ grows together, "
                     "where $r_o \\to \\infty$ alone would make a result infinite.")
    if any(a.eps is not None for a in sets):
        words.append("The last simplification keeps only the terms that change the result by "
                     "more than the stated fraction at the nominal values.")
    return "\n".join(words) + "\n" if words else ""


def _assumed_tex(text: str) -> str:
    m = re.fullmatch(r"(\w+) = ([-+0-9.eE]+) ?(\w*)(.*)", text)
    if not m:
        return escape(text)
    name, number, unit, rest = m.groups()
    unit_tex = {"V": r"\,\mathrm{V}", "A": r"\,\mathrm{A}"}.get(unit, f"\\ \\text{{{escape(unit)}}}"
                                                                  if unit else "")
    return f"${symbol_latex(name)} = {number}{unit_tex}${escape(rest)}"


__all__ = ["NodalSystem", "align", "derivation", "display", "element_tex", "escape",
           "matrix_tex", "named_values", "nodal_system", "node_tex", "number_tex",
           "quantity_tex", "rows", "show_result", "width"]
