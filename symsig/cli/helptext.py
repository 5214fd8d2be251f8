"""What each command's --help says besides its options: what it does, an example to copy, and
the definitions it uses (R_in, R_out, how an output is named, the units it prints), written
once here so the commands say them alike. Each example runs as written from the repository's
folder (a test runs them)."""

from __future__ import annotations

import argparse
import textwrap

OUTPUT = ("Outputs: --output c is the node voltage v(c) to ground; v(c,e) the voltage between "
          "two nodes; i(RL) the current through an element from its first node to its second "
          "(through a V source: into its + node, SPICE's convention). A current output over a "
          "voltage source is a transconductance (A/V = S).")
RIN = ("R_in: the impedance between the input node (default: the source's + node; --input-node "
       "b gives the R_in after a series R_s) and ground, seen by a test source there, with the "
       "driving source removed (open) and every other independent source zeroed (V shorted, I "
       "opened).")
ROUT = ("R_out: the impedance between the output node and ground, seen by a test source there, "
        "with every independent source zeroed (V shorted, I opened; the driving source too, so "
        "R_s stays in the circuit) and the --load element removed.")
MODEL = ("Small-signal circuit: supplies and other DC voltage sources at AC ground, DC current "
         "sources open, capacitors shorted at mid-band (--caps keep: 1/(sC)), each transistor "
         "replaced by its model (--model: hybrid-pi, T, h).")
UNITS = "Units: Ω, S, A, V, F, Hz; gains as V/V (A/A, or A/V = S for a current over a voltage)."

#: Per command: (description, example lines, notes).
TEXTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "analyze": (
        "The voltage gain v(output)/source, R_in and R_out of an amplifier, derived exactly "
        "from the small-signal circuit: each in textbook form, then its number where the "
        "netlist, --subs or the Q-point gives numbers.",
        ("symsig analyze examples/ce.cir --source Vs --output c --load RL",
         "symsig analyze examples/ce_bias.cir --source Vs --output out --input-node b --load RL",
         "symsig analyze examples/ce.cir --source Vs --output 'i(RL)' --approx ro=oo"),
        (OUTPUT, RIN, ROUT, MODEL, UNITS)),
    "op": (
        "Each transistor's and diode's DC operating point: its region, bias currents and "
        "voltages, and the small-signal parameters that follow (gm1 = I_C/V_T, rpi1 = "
        "beta1/gm1, ro1 = V_A/I_C), as formulas and as numbers with units.",
        ("symsig op examples/ce_bias.cir",
         "symsig op examples/ce_bias.cir --bias exponential --model h"),
        ("Names: a device's quantities take its name after the letter as suffix (Q1: IC1, "
         "VBE1, gm1, rpi1, ro1); --model h adds hie1, hre1, hfe1, hoe1 at the Q-point.",
         "Units: I in A, V in V, g_m and h_oe in S, r_pi, r_o, r_e and h_ie in Ω; beta, "
         "alpha, h_fe and h_re are ratios.")),
    "twoport": (
        "Two-port parameter sets of the small-signal circuit between two ports, each port "
        "a pair of nodes: z, y, h, g, ABCD, b, S and T, exactly, in textbook form.",
        ("symsig twoport examples/ce_bias.cir --port1 b,0 --port2 c,0 --params h,y",
         "symsig twoport examples/ce.cir --port1 b,0 --port2 c,0 --params s --z0 50"),
        ("Ports: the current of each port flows into its first node. z: V = z·I, measured with "
         "the ports open; y: I = y·V, ports shorted; h: (V1, I2) = h·(I1, V2); g its inverse; "
         "ABCD: (V1, I1) = ABCD·(V2, -I2); b its inverse; S: waves a = V + Z0·I, "
         "b = V - Z0·I at --z0; T: (b1, a1) = T·(a2, b2). Other sources are zeroed.",
         "Units: z in Ω, y in S; h11 in Ω, h22 in S, h12 and h21 ratios (g the other way "
         "round); ABCD: A and D ratios, B in Ω, C in S; S and T are ratios.", MODEL)),
    "tf": (
        "H(s) = output/source in normal form K·s^m·(1 + a1·s + …)/(1 + b1·s + …), its poles "
        "and zeros, the -3 dB corners, and which capacitor sets each corner (open- and "
        "short-circuit time constants), with Miller, f_T and Bode or step plots.",
        ("symsig tf examples/ce_hf.cir --source Vs --output c --include caps "
         "--subs gm1=40m,rpi1=2.5k,ro1=100k,cpi1=10p,cmu1=1p --plot bode.png",
         "symsig tf examples/ce_bias.cir --source Vs --output out --at 100,1k"),
        ("K is the mid-band (or DC) gain. Device capacitances (--include caps) and capacitors "
         "named by --hf form the high-frequency group, seen through open-circuit time "
         "constants (Σ R·C = b1 exactly); the netlist's other capacitors (coupling, bypass) "
         "the low-frequency group, seen through short-circuit time constants.",
         OUTPUT, "Units: time constants in s, corners and poles in Hz (and rad/s where said), "
                 "gains as V/V.")),
    "check": (
        "Check typed answers (e.g. \"-gm*(RC||RL)\") against the exact result. || (or ∥) is "
        "the parallel operator; it binds looser than * and tighter than +. Exit 0 whatever "
        "the verdict; 2 on bad input.",
        ("symsig check examples/ce.cir --quantity gain --source Vs --output c "
         "--answer '-gm*(RC||RL||ro)*rpi/(Rs+rpi)'",
         "symsig check examples/ce.cir --quantity rout --output c --answer 'RC||RL' "
         "--limit ro"),
        ("Quantities: gain is v(output)/source at mid-band; H keeps the capacitors; rin and "
         "rout as below; h21, y11, z22 ... between --port1 and --port2.",
         OUTPUT, RIN, ROUT)),
    "derive": (
        "Write the derivation of the gain, R_in and R_out as a complete LaTeX document: the "
        "netlist and its small-signal equivalent, the nodal equations in matrix form, the "
        "exact solution, its textbook form, the approximations r_o -> oo and the numbers at "
        "the end.",
        ("symsig derive examples/ce.cir --source Vs --output c --load RL --latex-doc ce.tex",),
        (OUTPUT, RIN, ROUT, MODEL)),
    "draw": (
        "Draw the netlist as written (transistors, supplies, coupling capacitors), or with "
        "--small-signal the circuit symsig analyses: supplies and bypassed nodes at AC ground, "
        "each device replaced by its model (r_pi, g_m v_pi, r_o ...). Placement is automatic; "
        "a circuit that cannot be drawn without overlaps is refused with the reason.",
        ("symsig draw examples/ce_bias.cir -o ce.svg",
         "symsig draw examples/ce_bias.cir --small-signal -o ce_small_signal.png",
         "symsig draw examples/ce_bias.cir --small-signal --model T --include caps -o ce_t.svg"),
        ("On the drawing: node names in blue beside their wires, nodes merged at mid-band "
         "written c = out, the nodes at AC ground and the supplies' values under it; values "
         "in engineering units (4.7 kΩ), symbols as a textbook writes them (R_C, r_π1).",
         MODEL)),
    "export": (
        "Write a numeric SPICE netlist that ngspice runs as it is: the circuit as written, or "
        "its small-signal equivalent with numbers from --bias and --subs.",
        ("symsig export examples/ce_bias.cir --spice ce.sp",
         "symsig export examples/ce_bias.cir --small-signal --analysis '.ac dec 10 1 1g'"),
        (MODEL,)),
}


def parser_text(command: str) -> dict:
    """The add_parser keywords of a command's help: description, epilog (examples, then the
    definitions it uses) and a formatter that keeps their lines."""
    description, examples, notes = TEXTS[command]
    epilog = "Example:\n" + "\n".join(f"  {e}" for e in examples)
    epilog += "".join(f"\n\n{note}" for note in notes)
    return {"description": description, "epilog": epilog,
            "formatter_class": _Formatter}


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Each paragraph wrapped to the terminal, except the examples, kept line by line."""

    def _fill_text(self, text, width, indent):
        out = []
        for paragraph in text.split("\n\n"):
            if paragraph.startswith("Example:"):
                out.append(textwrap.indent(paragraph, indent))
            else:
                out.append(textwrap.fill(" ".join(paragraph.split()), width,
                                         initial_indent=indent, subsequent_indent=indent))
        return "\n\n".join(out)


def examples(command: str) -> tuple[str, ...]:
    return TEXTS[command][1]
