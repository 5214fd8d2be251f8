"""What a notebook shows for a result: LaTeX that MathJax reads (no LaTeX installation), and
compact HTML tables, in the textbook's symbols and forms (R_C ∥ r_o, g_m1, H(s) in normal form).

Jupyter asks an object for `_repr_latex_` or `_repr_html_`; symsig's result types answer with
one line that calls a function here, so presentation stays in this wing. A result too large to
read (more than `MAX_TERMS` terms, or LaTeX longer than `MAX_LATEX` characters) is shown by its
size and a few of its terms, never as megabytes of LaTeX that would stall the notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import sympy

from .latex import latex, symbol_latex
from .units import eng, unit_of

if TYPE_CHECKING:
    from ..analysis.linear import Amplifier
    from ..analysis.twoport import TwoPort
    from ..bias.operating_point import OperatingPoint
    from ..engine.rational import RationalFunction

#: Results larger than this (terms of numerator and denominator) are shown by size.
MAX_TERMS = 400
#: LaTeX longer than this is not sent to MathJax (it would take seconds to typeset).
MAX_LATEX = 6000
#: A two-port entry (a SymPy expression) larger than this many nodes is shown by its size.
MAX_NODES = 3000
#: How many terms of each side a short form shows.
SHORT_TERMS = 3


# -- one result -----------------------------------------------------------------------------
def shown(result: RationalFunction) -> sympy.Expr:
    """The form a reader wants: textbook form, and H(s) in normal form K(1 + a1 s)/(1 + b1 s)
    (the same forms the command line prints)."""
    from .textbook import normal_form, textbook

    if "s" in {str(g) for g in result.generators}:
        return normal_form(result).expr
    return textbook(result)


def result_tex(result: RationalFunction) -> str:
    """The LaTeX of a result (without $$): its textbook form, a number as a number, or, when
    large, its size and a short form."""
    if result.is_infinite:
        return r"\infty"
    if result.is_number:
        return _number_tex(result.expr)
    if result.terms > MAX_TERMS:
        return short_tex(result)
    form = shown(result)
    tex = latex(form) + _relations(form, result)
    return tex if len(tex) <= MAX_LATEX else short_tex(result)


def short_tex(result: RationalFunction) -> str:
    """A large result: a few terms of each side, and how many there are in all."""
    ring = result.ring

    def side(p) -> str:
        items = list(p.to_dict().items())
        head = ring.ctx.from_dict(dict(items[:SHORT_TERMS]))
        text = latex(sympy.expand(ring.to_sympy(head)))
        return text + (r" + \cdots" if len(items) > SHORT_TERMS else "")

    names = ", ".join(symbol_latex(str(g)) for g in result.generators[:8])
    more = r", \ldots" if len(result.generators) > 8 else ""
    return (rf"\frac{{{side(result.num)}}}{{{side(result.den)}}}"
            rf"\qquad\text{{(exact: {len(result.num):,} + {len(result.den):,} terms in }}"
            rf"{names}{more}\text{{)}}")


def _number_tex(value: sympy.Expr) -> str:
    """A number: exact when short, with its decimal value beside a fraction."""
    if value.is_Integer or not value.is_Rational:
        return latex(value)
    decimal = f"{float(value):.6g}"
    if len(str(value)) > 24:
        return decimal
    return rf"{latex(value)} \approx {decimal}"


def _relations(form: sympy.Expr, result: RationalFunction) -> str:
    """β_1 = g_m1 r_π1 where a textbook form wrote β for g_m·r_π (its symbols are not the
    result's own)."""
    own = {str(g) for g in result.generators}
    new = sorted(str(x) for x in form.free_symbols if str(x) not in own and
                 str(x).startswith("beta"))
    said = [rf"{symbol_latex(b)} = {symbol_latex('gm' + b[4:])}\,{symbol_latex('rpi' + b[4:])}"
            for b in new]
    return rf"\qquad ({', '.join(said)})" if said else ""


def result_latex(result: RationalFunction) -> str:
    """`RationalFunction._repr_latex_`."""
    return f"$${result_tex(result)}$$"


# -- an amplifier -------------------------------------------------------------------------------
_AMPLIFIER = (("gain", "A_v", "V/V", "voltage gain v(out)/v(source)"),
              ("rin", "R_{in}", "Ω", "input resistance, source removed"),
              ("rout", "R_{out}", "Ω", "output resistance, sources zeroed, load removed"))


def amplifier_latex(amp: Amplifier) -> str:
    """A_v, R_in and R_out, one line each."""
    rows = [rf"{tex} &= {result_tex(getattr(amp, key))}" for key, tex, _, _ in _AMPLIFIER]
    return "$$\\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}$$"


def amplifier_html(amp: Amplifier) -> str:
    """A three-row table: quantity, formula, number with unit where it is one."""
    rows = [(_inline(tex), what, getattr(amp, key), unit) for key, tex, unit, what in _AMPLIFIER]
    return _table(("", "", "formula", "value"),
                  [(q, html.escape(what), _inline(result_tex(r)), _value(r, unit))
                   for q, what, r, unit in rows])


def _value(result: RationalFunction, unit: str) -> str:
    """A number with its unit, when the result is one."""
    if result.is_infinite:
        return "∞"
    if not result.is_number:
        return ""
    value = float(result.expr)
    return eng(value, unit) if unit != "V/V" else f"{value:.4g} V/V"


# -- a two-port ---------------------------------------------------------------------------------
#: The unit of each entry of each set (row by row), and how its entries are named.
_TWO_PORT_UNITS = {"z": ("Ω", "Ω", "Ω", "Ω"), "y": ("S", "S", "S", "S"),
                   "h": ("Ω", "", "", "S"), "g": ("S", "", "", "Ω"),
                   "abcd": ("", "Ω", "S", ""), "b": ("", "Ω", "S", ""),
                   "s": ("", "", "", ""), "t": ("", "", "", "")}


def entry_units(kind: str) -> tuple[str, ...]:
    """The unit of each entry of a set, row by row ("" for a ratio)."""
    return _TWO_PORT_UNITS[kind]


def entry_names(kind: str) -> list[str]:
    """z11, z12, z21, z22; A, B, C, D; S11 ...: as the set's entries are written."""
    if kind == "abcd":
        return ["A", "B", "C", "D"]
    letter = kind.upper() if kind in ("s", "t") else kind
    return [f"{letter}{i}{j}" for i in (1, 2) for j in (1, 2)]


def _entry_tex(name: str) -> str:
    return name if len(name) == 1 else f"{name[0]}_{{{name[1:]}}}"


def entry_form(expr: sympy.Expr) -> sympy.Expr:
    """A two-port parameter in textbook form (R_C ∥ r_o ...), exactly equal to it."""
    from ..engine import as_rational
    from ..errors import SymsigError
    from .textbook import textbook

    if expr.is_number or expr.has(sympy.I):
        return expr
    try:
        return textbook(as_rational(expr))
    except SymsigError:
        return expr


def _entry_tex_value(expr: sympy.Expr) -> str:
    """An entry's LaTeX; a huge one (its textbook form alone would take seconds) by size."""
    nodes = sum(1 for _ in sympy.preorder_traversal(expr))
    tex = latex(entry_form(expr)) if nodes <= MAX_NODES else ""
    return tex if tex and len(tex) <= MAX_LATEX else \
        rf"\text{{(a formula of {sympy.count_ops(expr):,} operations)}}"


def twoport_latex(net: TwoPort) -> str:
    """The set the two-port holds, as a 2×2 matrix of textbook forms."""
    cells = [_entry_tex_value(e) for e in net.matrix]
    symbol = {"abcd": r"\mathbf{ABCD}", "s": r"\mathbf{S}", "t": r"\mathbf{T}"}.get(
        net.kind, rf"\mathbf{{{net.kind}}}")
    matrix = rf"\begin{{pmatrix}} {cells[0]} & {cells[1]} \\ {cells[2]} & {cells[3]} " \
             r"\end{pmatrix}"
    return f"$${symbol} = {matrix}$$"


def twoport_html(net: TwoPort) -> str:
    """One row per parameter: name, textbook form, unit."""
    names = entry_names(net.kind)
    units = entry_units(net.kind)
    rows = [(_inline(_entry_tex(n)), _inline(_entry_tex_value(e)), u or "–")
            for n, e, u in zip(names, net.matrix, units, strict=True)]
    return _table(("", "formula", "unit"), rows)


# -- an operating point -------------------------------------------------------------------------
def operating_point_latex(op: OperatingPoint) -> str:
    """Each device: its region, then each quantity = its formula = its number with unit."""
    lines = []
    for d in op.devices:
        lines.append(rf"&\text{{{_text_tex(f'{d.name} ({d.type}): {d.region_text}')}}}")
        for name, expr in d.quantities().items():
            parts = [symbol_latex(name)]
            if expr is not None and not expr.is_number and str(expr) != name:
                parts.append(_op_tex(expr))
            number = d.numeric.get(name)
            if number is None and expr is not None and expr.is_number:
                number = float(expr)
            if number is not None:
                parts.append(rf"\text{{{_quantity(number, name)}}}")
            lines.append(parts[0] + " &= " + " = ".join(parts[1:]) if len(parts) > 1
                         else parts[0] + " &")
    if op.assumed:
        lines.append(rf"&\text{{{_text_tex('(assumed: ' + ', '.join(op.assumed) + ')')}}}")
    return "$$\\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}$$"


def _text_tex(text: str) -> str:
    """Words inside \\text{}: LaTeX's special characters written literally."""
    for ch in "\\{}_%&#$^~":
        text = text.replace(ch, "\\" + ch if ch not in "\\^~" else " ")
    return text


def _op_tex(expr: sympy.Expr) -> str:
    tex = latex(expr)
    return tex if len(tex) <= MAX_LATEX else r"\text{(a long formula)}"


def _quantity(value: float, name: str) -> str:
    """A number with the unit its symbol's name says it has (gm1 → S, rpi1 → Ω)."""
    if value != value:
        return "not defined"
    if value in (float("inf"), float("-inf")):
        return "∞" if value > 0 else "−∞"
    unit = unit_of(name)
    return eng(value, unit, 6) if unit else f"{value:.6g}"


# -- HTML -----------------------------------------------------------------------------------
def _inline(tex: str) -> str:
    """Inline math inside HTML, in the delimiters every MathJax set-up reads (Jupyter's and
    Sphinx's alike: \\( \\), not $)."""
    return html.escape(f"\\({tex}\\)")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="symsig"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
