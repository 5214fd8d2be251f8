"""Answer-checking throughput: N typed answers (default 10,000) against one expected result.

    python benchmarks/check.py [--answers 10000] [--seed 1]

The expected result is symsig's exact gain of a common-emitter stage with r_o, R_s and R_L,
A_v = -g_m (r_o || R_C || R_L) r_π/(r_π + R_s). The answers are what a class types: right ones
in many spellings (unicode, textbook names, β for g_m r_π, parallel or written out, terms in any
order), approximate ones (r_o -> oo), and wrong ones (a sign, a factor, R_L or R_s missing, two
symbols swapped, β for β+1, a term added, an inconsistent sum), with random coefficients and
orders (about half of them distinct, as in a real class). Each is read by the safe parser,
compared at 6 random plausible points, confirmed exactly with python-flint where the points
agree, and a wrong one is diagnosed: the full `check` a grader calls. Target on the 2-core reference
machines: 10,000 answers in under 10 s. Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from symsig import amplifier, parse
from symsig.check import Checker

CE = """CE with r_o, R_s and R_L
VCC vcc 0 DC 12
Vs s 0 DC 0.7 AC 1
Rs s b Rs
Q1 c b 0 npn
RC vcc c RC
RL c 0 RL
"""


def answers(n: int, rng: random.Random) -> list[str]:
    """n typed answers, right, approximate and wrong, nearly all distinct."""
    def par(*names):
        names = list(names)
        rng.shuffle(names)
        return rng.choice(["||", " ∥ ", " || "]).join(names)

    def gm():
        return rng.choice(["gm", "g_m", "gₘ", "g_m1"])

    def rpi():
        return rng.choice(["rpi", "r_pi", "rπ", "r_π"])

    makers = [
        # right
        lambda: f"-{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}/({rpi()}+Rs)",
        lambda: f"-β ({par('r_o', 'R_C', 'R_L')})/(R_s + {rpi()})",
        lambda: f"-{gm()} {rpi()} ({par('ro', 'RC', 'RL')})/(Rs + {rpi()})",
        lambda: f"-{gm()}*RC*RL*ro*{rpi()}/((Rs+{rpi()})*(RC*RL+RC*ro+RL*ro))",
        lambda: (f"-{(k := rng.randint(2, 9))}*{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}"
                 f"/({k}*{rpi()}+{k}*Rs)"),
        # approximately right: r_o -> oo
        lambda: f"-{gm()}*({par('RC', 'RL')})*{rpi()}/({rpi()}+Rs)",
        # wrong
        lambda: f"{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}/({rpi()}+Rs)",
        lambda: f"-{rng.randint(2, 9)}*{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}/({rpi()}+Rs)",
        lambda: f"-{gm()}*({par('ro', 'RC')})*{rpi()}/({rpi()}+Rs)",
        lambda: f"-{gm()}*({par('ro', 'RC', 'RL')})",
        lambda: f"-{gm()}*({par('ro', 'Rs', 'RL')})*{rpi()}/({rpi()}+RC)",
        lambda: f"-{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}/({rpi()}+Rs) + {rng.randint(1, 9)}",
        lambda: f"-(β+1) ({par('r_o', 'R_C', 'R_L')})/(R_s + {rpi()})",
        lambda: f"-{gm()}*({par('ro', 'RC', 'RL')})*{rpi()}/({rpi()}+Rs) + RC",
        lambda: f"-{gm()}*RC",
    ]
    return [rng.choice(makers)() for _ in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--answers", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    c = parse(CE)
    gain = amplifier(c, "Vs", "c", input_node="b", load="RL").gain
    typed = answers(args.answers, random.Random(args.seed))
    start = time.perf_counter()
    checker = Checker(gain, names={"gm1", "rpi1", "ro1", "RC", "RL", "Rs"})
    prepared = time.perf_counter() - start
    verdicts: Counter = Counter()
    diagnoses: Counter = Counter()
    start = time.perf_counter()
    for text in typed:
        r = checker.check(text)
        verdicts[r.verdict] += 1
        for d in r.diagnosis:
            diagnoses[d.kind] += 1
    elapsed = time.perf_counter() - start
    print(f"expected: {gain.expr}")
    print(f"{len(typed):,} answers ({len(set(typed)):,} distinct) checked in {elapsed:.2f} s "
          f"({1e3 * elapsed / len(typed):.2f} ms each; prepared once in {1e3 * prepared:.1f} ms)")
    print("verdicts:  " + ", ".join(f"{k} {v:,}" for k, v in verdicts.most_common()))
    print("diagnoses: " + ", ".join(f"{k} {v:,}" for k, v in diagnoses.most_common()))
    target = 10.0 * len(typed) / 10_000
    print(f"target: under {target:.1f} s -> {'ok' if elapsed < target else 'MISSED'}")


if __name__ == "__main__":
    main()
