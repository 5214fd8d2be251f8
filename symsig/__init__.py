"""symsig: exact small-signal circuit formulas from SPICE-like netlists."""

from .analysis import (
    Amplifier,
    Probe,
    amplifier,
    current,
    impedance,
    measure,
    node_voltage,
    param_values,
    rin,
    rout,
    transfer,
)
from .bias import numbers_at_the_end, operating_point
from .devices import Options
from .errors import AnalysisError, NetlistError, SymsigError
from .exact import RationalFunction
from .netlist import Circuit, Element, Model, parse
from .smallsignal import small_signal
from .values import s

__all__ = [
    "Amplifier", "AnalysisError", "Circuit", "Element", "Model", "NetlistError", "Options",
    "Probe", "RationalFunction", "SymsigError", "amplifier", "current", "impedance", "measure",
    "node_voltage", "numbers_at_the_end", "operating_point", "param_values", "parse", "rin",
    "rout", "s", "small_signal", "transfer",
]
