"""The engine wing: exact linear algebra over polynomials, and the MNA stamps that feed it.

`rational` holds polynomial rings and `RationalFunction`; `solve` the fraction-free sparse
solver; neither knows about circuits. `mna` turns a linear `Circuit` into a sparse system, one
stamp per element letter.
"""

from .rational import RationalFunction, Ring
from .solve import MAX_TERMS, ResultTooLarge, SingularSystem, as_rational, solve_for

__all__ = ["MAX_TERMS", "RationalFunction", "ResultTooLarge", "Ring", "SingularSystem",
           "as_rational", "solve_for"]
