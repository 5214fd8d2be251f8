"""The bias wing: DC operating points (constant-V_BE, exponential, ngspice) and the numbers
they give the small-signal symbols at the end."""

from .operating_point import (
    DeviceBias,
    OperatingPoint,
    device_values,
    numbers_at_the_end,
    operating_point,
)

__all__ = ["DeviceBias", "OperatingPoint", "device_values", "numbers_at_the_end",
           "operating_point"]
