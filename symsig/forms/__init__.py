"""The forms wing: how results are written (LaTeX with textbook symbols; later textbook forms,
approximations and derivations)."""

from .latex import latex, symbol_latex

__all__ = ["latex", "symbol_latex"]
