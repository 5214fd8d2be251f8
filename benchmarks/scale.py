"""Scale benchmark: numeric resistor ladders and a 1,000-symbol circuit through the whole
`symsig analyze` command (a subprocess, imports included) and through the library, and how fast
the term budget ends a symbolic ladder whose exact answer is astronomically large.

    python benchmarks/scale.py [--elements 500,5000,50000] [--no-cli] [--cascades]

A ladder of N elements has N/2 sections: Ra_k (1k) from n(k-1) to nk, Rb_k (2k) from nk to
ground, driven by V1 at n0; the command is `symsig analyze ladder.cir --source V1 --output nN`
(gain, R_in and R_out: three exact solves). Targets on the 2-core reference machines, whole
command: 5,000 elements under 2 s, 50,000 under 60 s. `--cascades` also reports the largest
entry stored while solving the 5- to 7-stage hybrid-π cascades (the yardstick for the default
term budget; cascade7 takes ~10 s and ~4.5 GB). Not a timed test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from symsig import amplifier, parse, transfer
from symsig.engine import solve as engine_solve

TARGETS = {5000: 2.0, 50000: 60.0}  # elements -> seconds for the whole command


def ladder(sections: int, symbolic: bool = False) -> str:
    lines = [f"* resistor ladder, {sections} sections; output node: n{sections}",
             "V1 n0 0 AC 1"]
    for k in range(1, sections + 1):
        a, b = (f"Ra{k}", f"Rb{k}") if symbolic else ("1k", "2k")
        lines += [f"Ra{k} n{k - 1} n{k} {a}", f"Rb{k} n{k} 0 {b}"]
    return "\n".join(lines) + "\n.end\n"


def parallel(n: int) -> str:
    """V1 a 0; Rs from a to b; n symbolic resistors from b to ground: n + 1 distinct symbols."""
    lines = [f"* {n} symbolic resistors in parallel; output node: b", "V1 a 0 AC 1", "Rs a b Rs"]
    lines += [f"R{i} b 0 R{i}" for i in range(n)]
    return "\n".join(lines) + "\n.end\n"


def command() -> list[str]:
    """The installed `symsig` command next to this interpreter, else the same via -c."""
    beside = Path(sys.executable).with_name("symsig")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("symsig")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from symsig.cli import main; sys.exit(main())"]


def run_cli(text: str, output: str, timeout: float) -> tuple[float, str]:
    """Wall time of `symsig analyze` on `text` and a one-word outcome."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "circuit.cir"
        path.write_text(text)
        # The exact answers of long numeric ladders are integers of more than 4,300 digits,
        # which Python refuses to print by default (sys.set_int_max_str_digits); lift it here.
        env = dict(os.environ, PYTHONINTMAXSTRDIGITS="0")
        t0 = time.perf_counter()
        try:
            done = subprocess.run([*command(), "analyze", str(path), "--source", "V1",
                                   "--output", output], capture_output=True, text=True,
                                  timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return time.perf_counter() - t0, f"timeout ({timeout:g} s)"
        seconds = time.perf_counter() - t0
    if done.returncode == 0:
        return seconds, "ok"
    last = (done.stderr.strip().splitlines() or ["?"])[-1]
    return seconds, f"exit {done.returncode}: {last[:90]}"


def time_library(text: str, output: str) -> float:
    t0 = time.perf_counter()
    amplifier(parse(text), "V1", output)
    return time.perf_counter() - t0


def largest_entries(names: list[str]) -> None:
    """The largest entry stored while solving each cascade (by wrapping the budget check)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from solve import case  # benchmarks/solve.py: the cascades as in shared/bench

    budget = engine_solve._Budget
    seen = {"max": 0}
    check = budget.entry

    def entry(self, value):
        seen["max"] = max(seen["max"], len(value))
        return check(self, value)

    budget.entry = entry
    try:
        for name in names:
            seen["max"] = 0
            text, source, node = case(name)
            t0 = time.perf_counter()
            result = transfer(parse(text), node, source)
            print(f"  {name:10s} answer {result.terms:9,d} terms, largest stored entry "
                  f"{seen['max']:9,d} terms ({time.perf_counter() - t0:.1f} s)", flush=True)
    finally:
        budget.entry = check
    print(f"  default budget MAX_TERMS = {engine_solve.MAX_TERMS:,} terms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--elements", default="500,5000,50000",
                    help="ladder sizes in elements (default 500,5000,50000)")
    ap.add_argument("--timeout", type=float, default=300.0, help="per command, seconds")
    ap.add_argument("--no-cli", action="store_true", help="library calls only")
    ap.add_argument("--cascades", action="store_true",
                    help="also the largest intermediate of cascade5-7 (slow, ~4.5 GB)")
    args = ap.parse_args()

    print(f"{'circuit':28s} {'command':>9s} {'library':>9s}  {'target':>8s}  outcome")
    verdicts = []
    cases = [(f"ladder, {int(e):,} elements", ladder(int(e) // 2), f"n{int(e) // 2}", int(e))
             for e in args.elements.split(",")]
    cases.append(("parallel, 1,001 symbols", parallel(1000), "b", None))
    for title, text, output, elements in cases:
        cli_s, outcome = (None, "skipped") if args.no_cli else run_cli(text, output, args.timeout)
        lib_s = time_library(text, output)
        target = TARGETS.get(elements)
        shown = f"< {target:g} s" if target else ""
        row = f"{title:28s} {_s(cli_s):>9s} {_s(lib_s):>9s}  {shown:>8s}  {outcome}"
        print(row, flush=True)
        if target and cli_s is not None:
            met = cli_s < target and outcome == "ok"
            verdicts.append(f"{elements:,} elements: {cli_s:.2f} s (target < {target:g} s) "
                            f"{'met' if met else 'MISSED'}")

    print("\nThe term budget on a symbolic 200-section ladder (exact answer ~1e83 terms):")
    text = ladder(200, symbolic=True)
    t0 = time.perf_counter()
    try:
        transfer(parse(text), "n200", "V1")
        print("  solved?! (the budget did not stop it)")
    except engine_solve.ResultTooLarge as exc:
        print(f"  library: ResultTooLarge after {time.perf_counter() - t0:.2f} s: {exc}")
    if not args.no_cli:
        cli_s, outcome = run_cli(text, "n200", args.timeout)
        print(f"  command: {outcome} after {cli_s:.2f} s")

    if args.cascades:
        print("\nLargest intermediates (the default budget must let these through):")
        largest_entries(["cascade5", "cascade6", "cascade7"])
    if verdicts:
        print("\n" + "\n".join(verdicts))


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.2f}s"


if __name__ == "__main__":
    main()
