"""The analysis wing: what users ask of a circuit (transfer functions, currents, impedances,
R_in, R_out, two-port parameters), each an exact `RationalFunction`."""

from .linear import (
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

__all__ = ["Amplifier", "Probe", "amplifier", "current", "impedance", "measure", "node_voltage",
           "param_values", "rin", "rout", "transfer"]
