"""The one exception family users see: every message names the line or the thing at fault."""

from __future__ import annotations


class SymsigError(Exception):
    """Base of all errors symsig raises on bad input; the CLI prints these without a traceback."""


class NetlistError(SymsigError):
    """A problem in the netlist text or in the circuit it describes.

    `line` is the 1-based line number in the file (every line counts), or None when the
    circuit was built from Python.
    """

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class AnalysisError(SymsigError):
    """A well-formed circuit on which the analysis asked for has no answer (e.g. singular)."""


class NotDefined(AnalysisError):
    """A result the circuit does not have (a singular system, a parameter set that does not
    exist, R_out of a current output); the message says why. Other results still stand."""
