"""Generated amplifiers for the approximation benchmark: a chain of n bipolar stages, common
emitter and emitter follower in turn, each transistor hybrid-π with C_π, C_μ and r_o, every
value a symbol with a random nominal value (`.param`), so that the exact H(s) is far past
reach for n around 20 while its numbers are cheap.

    python benchmarks/amplifiers.py 20 > amp20.cir
"""

from __future__ import annotations

import random
import sys

RANGES = {"rpi": (1e3, 1e4), "gm": (0.01, 0.1), "cpi": (5e-12, 20e-12),
          "cmu": (0.5e-12, 2e-12), "ro": (5e4, 2e5), "RC": (2e3, 2e4), "RE": (1e3, 1e4)}


def chain(n: int, seed: int = 1) -> tuple[str, str]:
    """(netlist, output node) of an n-device chain driven by Vs through Rs."""
    rng = random.Random(seed)
    lines = [f"* {n}-stage amplifier chain (CE and CC in turn), hybrid-pi with C_pi, C_mu, r_o",
             "Vs s 0 AC 1", "Rs s b1 Rs"]
    params = {"Rs": 1e3}
    node = "b1"
    for k in range(1, n + 1):
        b = node
        follower = k % 2 == 0
        out = f"e{k}" if follower else f"c{k}"
        e, c = (out, "0") if follower else ("0", out)
        lines += [f"Rpi{k} {b} {e} rpi{k}", f"Cpi{k} {b} {e} cpi{k}", f"Cmu{k} {b} {c} cmu{k}",
                  f"G{k} {c} {e} {b} {e} gm{k}", f"Ro{k} {c} {e} ro{k}"]
        lines.append(f"RE{k} {e} 0 RE{k}" if follower else f"RC{k} {c} 0 RC{k}")
        for stem in ("rpi", "gm", "cpi", "cmu", "ro", "RE" if follower else "RC"):
            lo, hi = RANGES[stem]
            params[f"{stem}{k}"] = float(f"{lo * (hi / lo) ** rng.random():.3g}")
        node = out
    lines += [f".param {name}={value:g}" for name, value in params.items()]
    return "\n".join(lines) + "\n.end\n", node


if __name__ == "__main__":
    text, out = chain(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    sys.stdout.write(text.replace("* ", f"* output node: {out}; ", 1))
