"""The engine wing: exact linear algebra over polynomials, and the MNA stamps that feed it.

`exact` knows nothing about circuits (polynomial rings, `RationalFunction`, the fraction-free
solver); `mna` turns a linear `Circuit` into a sparse system, one stamp per element letter.
"""

from .exact import RationalFunction, SingularSystem

__all__ = ["RationalFunction", "SingularSystem"]
