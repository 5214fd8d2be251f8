"""Solve-time benchmark: exact, cancelled H(s) of cascaded hybrid-π CE stages (C_π, C_μ, all
values symbolic), by symsig and by its peers (Lcapy, sycan) in the same run.

    python benchmarks/solve.py [--stages 5] [--timeout 60] [--extra]

Prints, per circuit, symsig's solve time (netlist to cancelled polynomials), the time to turn the
result into one SymPy expression, the result size in terms, each peer's time and the ratio
peer/symsig. Where both finish and the result is small, it checks the two are equal.
Targets on the 2-core reference machines: 4 stages under 1 s, 5 stages under 10 s.
Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peers import BENCH, lcapy_transfer, sycan_transfer  # noqa: E402

from symsig import parse, transfer  # noqa: E402

TARGETS = {4: 1.0, 5: 10.0}


def cascade(n: int) -> str:
    """N cascaded CE stages, hybrid-π with C_π and C_μ; output node c<n> (as shared/bench)."""
    lines = [f"* {n} cascaded common-emitter stages, hybrid-pi with C_pi and C_mu; "
             f"output node: c{n}", "Vs s 0 AC 1", "Rs s b1 Rs"]
    base = "b1"
    for k in range(1, n + 1):
        c = f"c{k}"
        lines += [f"Rpi{k} {base} 0 rpi{k}", f"Cpi{k} {base} 0 cpi{k}",
                  f"Cmu{k} {base} {c} cmu{k}", f"G{k} {c} 0 {base} 0 gm{k}",
                  f"Ro{k} {c} 0 ro{k}", f"RC{k} {c} 0 RC{k}"]
        base = c
    return "\n".join(lines) + "\n.end\n"


def case(name: str) -> tuple[str, str, str]:
    """(netlist, source, output) of a circuit: a generated cascade or a shared/bench file."""
    if name.startswith("cascade"):
        n = int(name[len("cascade"):])
        return cascade(n), "Vs", f"c{n}"
    text = (BENCH / f"{name}.cir").read_text()
    node = text.split("output node:", 1)[1].split()[0]
    source = "Vs" if "\nVs " in text else "Vin"
    return text, source, node


def time_symsig(text: str, source: str, node: str):
    t0 = time.perf_counter()
    result = transfer(parse(text), node, source)
    t1 = time.perf_counter()
    expr = result.numerator / result.denominator
    t2 = time.perf_counter()
    return result, expr, t1 - t0, t2 - t1


def plain(expr: sympy.Expr) -> sympy.Expr:
    return expr.xreplace({x: sympy.Symbol(x.name) for x in expr.free_symbols})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stages", type=int, default=5, help="cascades 1..N (default 5)")
    ap.add_argument("--timeout", type=float, default=60.0, help="per peer and circuit, seconds")
    ap.add_argument("--extra", action="store_true",
                    help="also ce_hf, ota5, miller, miller_caps from shared/bench")
    ap.add_argument("--no-peers", action="store_true", help="time symsig only")
    args = ap.parse_args()
    names = [f"cascade{n}" for n in range(1, args.stages + 1)]
    if args.extra and BENCH.exists():
        names += ["ce_hf", "ota5", "miller", "miller_caps"]
    print(f"{'circuit':12s} {'symsig':>9s} {'→SymPy':>8s} {'terms':>7s}   "
          f"{'lcapy':>14s} {'ratio':>7s}   {'sycan':>14s} {'ratio':>7s}  check")
    verdicts = []
    for name in names:
        text, source, node = case(name)
        result, expr, solve_s, convert_s = time_symsig(text, source, node)
        row = f"{name:12s} {solve_s:8.3f}s {convert_s:7.2f}s {result.terms:7d}   "
        checks = []
        for peer in ([] if args.no_peers else [lcapy_transfer, sycan_transfer]):
            r = peer(text, source, node, timeout_s=args.timeout)
            if r.error:
                row += f"{r.error[:14]:>14s} {'':>7s}   "
                continue
            row += f"{r.seconds:13.2f}s {r.seconds / solve_s:6.0f}x   "
            if result.terms <= 3000 and r.expr is not None:
                equal = sympy.cancel(plain(expr) - r.expr) == 0
                checks.append(f"{r.name} {'=' if equal else '≠'}")
        print(row + " ".join(checks), flush=True)
        stages = int(name[len("cascade"):]) if name.startswith("cascade") else None
        if stages in TARGETS:
            ok = solve_s < TARGETS[stages]
            verdicts.append(f"{stages} stages: {solve_s:.3f} s (target < {TARGETS[stages]:g} s) "
                            f"{'met' if ok else 'MISSED'}")
    print("\n" + "\n".join(verdicts))


if __name__ == "__main__":
    main()
