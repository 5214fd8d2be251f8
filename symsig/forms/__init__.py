"""The forms wing: how results are written. LaTeX with textbook symbols, the parallel operator,
text that reads back exactly."""

from .latex import latex, symbol_latex
from .parallel import Par, expand_par

__all__ = ["Par", "expand_par", "latex", "symbol_latex"]
