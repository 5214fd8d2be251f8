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
from .circuit.netlist import Circuit, Element, Model, parse
from .circuit.values import s
from .devices import Options
from .devices.ac import small_signal
from .engine.rational import RationalFunction
from .errors import AnalysisError, NetlistError, SymsigError

__all__ = [
    "Amplifier", "AnalysisError", "Circuit", "Element", "Model", "NetlistError", "Options",
    "Probe", "RationalFunction", "SymsigError", "amplifier", "check", "current", "impedance",
    "measure", "node_voltage", "numbers_at_the_end", "operating_point", "param_values", "parse",
    "rin", "rout", "s", "small_signal", "transfer",
]


def __getattr__(name: str):
    """`symsig.check` (callable: `symsig.check(answer, expected)`) is loaded on first use, so
    the command line does not pay for it."""
    if name == "check":
        import importlib

        return importlib.import_module(".check", __name__)
    raise AttributeError(f"module 'symsig' has no attribute {name!r}")
