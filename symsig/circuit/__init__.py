"""The circuit wing: netlist text and values in, an immutable `Circuit` out.

`values` reads SPICE numbers, symbols and braced expressions without eval; `netlist` holds the
data-driven grammar, the `Circuit` value and its structural checks.
"""

from .netlist import GROUND, Circuit, Element, Model, parse
from .values import s

__all__ = ["GROUND", "Circuit", "Element", "Model", "parse", "s"]
