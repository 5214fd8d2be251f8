"""Pictures: Bode and step plots (`plots`), schematics of a netlist or of its small-signal
equivalent (`schematic`). matplotlib and schemdraw are loaded only when a picture is asked for."""
