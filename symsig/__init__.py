"""symsig: exact small-signal circuit formulas from SPICE-like netlists."""

from importlib import import_module

#: Public names and the modules they live in, imported on first use (PEP 562): `import symsig`
#: and the command line's start-up do not pay for SymPy until a name that needs it is used.
_WHERE = {
    **dict.fromkeys(["Amplifier", "Probe", "amplifier", "current", "impedance", "measure",
                     "node_voltage", "param_values", "rin", "rout", "transfer"], ".analysis"),
    **dict.fromkeys(["numbers_at_the_end", "operating_point"], ".bias"),
    **dict.fromkeys(["Circuit", "Element", "Model", "parse"], ".circuit.netlist"),
    "s": ".circuit.values",
    "Options": ".devices",
    "small_signal": ".devices.ac",
    "RationalFunction": ".engine.rational",
    **dict.fromkeys(["AnalysisError", "NetlistError", "SymsigError"], ".errors"),
}

__all__ = [
    "Amplifier", "AnalysisError", "Circuit", "Element", "Model", "NetlistError", "Options",
    "Probe", "RationalFunction", "SymsigError", "amplifier", "check", "current", "impedance",
    "measure", "node_voltage", "numbers_at_the_end", "operating_point", "param_values", "parse",
    "rin", "rout", "s", "small_signal", "transfer",
]


def __getattr__(name: str):
    """Each public name is imported when first used; `symsig.check` (callable:
    `symsig.check(answer, expected)`) is the check package itself."""
    if name == "check":
        return import_module(".check", __name__)
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'symsig' has no attribute {name!r}")
    value = getattr(import_module(where, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE, "check"])
