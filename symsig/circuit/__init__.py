"""The circuit wing: netlist text and values in, an immutable `Circuit` out, and back out.

`values` reads SPICE numbers, symbols and braced expressions without eval; `files` reads the
lines of a netlist with its `.include` and `.lib` files; `netlist` holds the data-driven grammar,
the `Circuit` value and its structural checks; `subckt` expands `.subckt` instances; `dialects`
reads the instance parameters LTspice and ngspice write on a part's line; `coupling` gives the
mutual inductance of `K` lines; `spice_out` writes a numeric netlist for ngspice; `lcapy_io`
converts to and from Lcapy.
"""

from .netlist import GROUND, Circuit, Element, Model, parse
from .values import s

__all__ = ["GROUND", "Circuit", "Element", "Model", "parse", "s"]
