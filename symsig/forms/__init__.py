"""The forms wing: how results are written. Textbook forms (the parallel operator, grouped
terms, H(s) in normal form), stated approximations, LaTeX with textbook symbols, and text that
reads back exactly."""

from .approx import Approximation, approx
from .latex import latex, symbol_latex
from .parallel import Par, expand_par
from .textbook import NormalForm, normal_form, operation_count, textbook

__all__ = ["Approximation", "NormalForm", "Par", "approx", "expand_par", "latex",
           "normal_form", "operation_count", "symbol_latex", "textbook"]
