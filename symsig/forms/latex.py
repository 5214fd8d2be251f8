"""LaTeX the way textbooks write small-signal symbols: g_{m1}, r_{\\pi 1}, C_{\\mu}, R_{C}."""

from __future__ import annotations

import re

import sympy
from sympy.printing.latex import LatexPrinter

# symbol stem -> (letter, subscript) per DESIGN §2; the device index is appended to the subscript
_DEVICE = {
    "gm": ("g", "m"), "gmb": ("g", "mb"), "rpi": ("r", r"\pi"), "ro": ("r", "o"),
    "rx": ("r", "x"), "re": ("r", "e"), "rd": ("r", "d"), "cpi": ("C", r"\pi"),
    "cmu": ("C", r"\mu"), "cgs": ("C", "gs"), "cgd": ("C", "gd"), "cdb": ("C", "db"),
    "csb": ("C", "sb"), "beta": (r"\beta", ""), "alpha": (r"\alpha", ""),
    "lambda": (r"\lambda", ""), "chi": (r"\chi", ""), "IC": ("I", "C"), "ID": ("I", "D"),
    "VA": ("V", "A"), "Vov": ("V", "ov"), "VT": ("V", "T"), "rz": ("r", "z"),
    "IB": ("I", "B"), "VBE": ("V", "BE"), "VCE": ("V", "CE"), "VEB": ("V", "EB"),
    "VEC": ("V", "EC"), "VGS": ("V", "GS"), "VDS": ("V", "DS"), "VSG": ("V", "SG"),
    "VSD": ("V", "SD"), "VD": ("V", "D"),
    "hie": ("h", "ie"), "hre": ("h", "re"), "hfe": ("h", "fe"), "hoe": ("h", "oe"),
    "kp": ("k'", ""), "Vth": ("V", "th"), "VSB": ("V", "SB"), "VBS": ("V", "BS"),
}
_STEMS = "|".join(sorted(_DEVICE, key=len, reverse=True))
# a device in a subcircuit instance: gm1_X1 (gm1 of X1.M1), gm_X1_X2 (gm of X1.X2.M)
_DEVICE_NAME = re.compile(rf"({_STEMS})(?:_?(\d+))?((?:_[Xx][A-Za-z0-9]*)*)")
_PASSIVE_NAME = re.compile(r"([RCLGZY])_?([A-Za-z0-9]+)")
# supplies and bias sources as textbooks write them: VCC -> V_{CC}, IEE -> I_{EE}, IREF
_SUPPLY_NAME = re.compile(r"([VI])_?([A-Z]{2,}[0-9]*)")


def symbol_latex(name: str) -> str:
    """LaTeX for one symbol name, with the textbook subscript convention."""
    m = _DEVICE_NAME.fullmatch(name)
    if m:
        (letter, sub), index = _DEVICE[m.group(1)], m.group(2) or ""
        if m.group(3):  # the instance path after the index: g_{m1,\mathrm{X1.X2}}
            path = r"\mathrm{" + m.group(3)[1:].replace("_", ".") + "}"
            gap = " " if index and sub.startswith("\\") else ""
            return f"{letter}_{{{sub}{gap}{index},{path}}}" if sub or index else \
                f"{letter}_{{{path}}}"
        if not sub:
            return letter + (f"_{{{index}}}" if index else "")
        gap = " " if index and sub.startswith("\\") else ""  # r_{\pi 1}, not r_{\pi1}
        return f"{letter}_{{{sub}{gap}{index}}}"
    m = _PASSIVE_NAME.fullmatch(name) or _SUPPLY_NAME.fullmatch(name)
    if m:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    return sympy.latex(sympy.Symbol(name))


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer, with a parallel combination bracketed inside a sum as it is
    inside a product: R_S + (R_C ∥ r_o)."""

    def _needs_add_brackets(self, expr) -> bool:
        from .parallel import Par

        return isinstance(expr, Par) or super()._needs_add_brackets(expr)


def latex(expr: sympy.Expr) -> str:
    """LaTeX of an expression with textbook symbol names."""
    names = {sym: symbol_latex(sym.name) for sym in expr.free_symbols if sym.is_Symbol}
    return _Printer({"symbol_names": names}).doprint(expr)
