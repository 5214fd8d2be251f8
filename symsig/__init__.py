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
from .errors import AnalysisError, NetlistError, SymsigError
from .exact import RationalFunction
from .netlist import Circuit, Element, parse
from .values import s

__all__ = [
    "Amplifier", "AnalysisError", "Circuit", "Element", "NetlistError", "Probe",
    "RationalFunction", "SymsigError", "amplifier", "current", "impedance", "measure",
    "node_voltage", "param_values", "parse", "rin", "rout", "s", "transfer",
]
