"""The bias wing: DC operating points (constant-V_BE, exponential, ngspice) and the numbers
they give the small-signal symbols at the end."""

from .numbers import Numbers, numbers_at_the_end
from .operating_point import METHODS, DeviceBias, OperatingPoint, operating_point

__all__ = ["METHODS", "DeviceBias", "Numbers", "OperatingPoint", "numbers_at_the_end",
           "operating_point"]
