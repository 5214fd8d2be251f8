"""The benchmark: every bench circuit, each tool in its own process, median of 3, one run.

    python benchmarks/bench.py [--files miller,cascade5] [--repeat 3] [--timeout 60]
                               [--tools symsig,lcapy,sycan,slicap] [--slicap-python PATH]
                               [--no-scaling] [--out FILE.md]

For each file of ../shared/bench/ (the exact, cancelled H(s) = v(out)/v(source)):
- each tool (symsig's library, Lcapy, sycan, SLiCAP) in a fresh process (benchmarks/child.py),
  timed from netlist text to a cancelled result after its import, capped at --timeout seconds;
  its size in terms; its exact values at three random rational points, compared with symsig's
  (equal values at random points: the same rational function, by Schwartz-Zippel);
- the whole `symsig analyze FILE` command (imports, gain, R_in, R_out, printing), with its
  default output and with --exact --json: wall time and peak memory of the process.
A peer that ran out of time on cascadeN is not run on the larger cascades. SLiCAP needs Python
>= 3.12 with SLiCAP installed (`pip install slicap`): --slicap-python, $SLICAP_PYTHON, or the
first such interpreter found; without one, SLiCAP is skipped with a message.

Then a scaling table: symsig's exact gain, R_in and R_out of cascade1...cascade8 and the whole
command on numeric resistor ladders of 500 to 50,000 elements, with the growth fitted as a
power law. Not a test: run it by hand; the README shows the latest table.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import platform
import select
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT.parent / "shared" / "bench"
IMPORT_GRACE = 120.0  # seconds a tool may take to import (not part of its time)
EXACT_JSON_TERMS = 1_000_000  # --exact --json is not run past this (cascade8: > 2 GB of text)
PEERS = ("lcapy", "sycan", "slicap")


# -- running one process ------------------------------------------------------------------
def run_child(python: str, argv: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run child.py; its time cap starts at its `ready` line. Returns its JSON (or an error)
    with the process's peak memory (MB)."""
    proc = subprocess.Popen([python, str(HERE / "child.py"), *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.monotonic() + IMPORT_GRACE
    out: dict = {"error": f"timeout > {timeout:g} s"}
    lines = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            out = {"error": "crashed"}
            break
        lines.append(line)
        if line.strip() == "ready":
            deadline = time.monotonic() + timeout
        elif line.startswith("{"):
            out = json.loads(line)
            break
    if "error" in out and out["error"].startswith("timeout"):
        proc.kill()
    _, _, usage = os.wait4(proc.pid, 0)  # reaps it: its peak memory
    proc.returncode = 0  # reaped above; Popen must not wait for it again
    out["peak_mb"] = usage.ru_maxrss / 1024
    return out


def run_cli(path: Path, source: str, node: str, extra: list[str], timeout: float) -> dict:
    """The whole `symsig analyze` process: wall seconds, peak MB (GNU time), bytes printed."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    timer = ["/usr/bin/time", "-f", "%M", "-o"] if os.path.exists("/usr/bin/time") else None
    with tempfile.TemporaryFile() as sink, tempfile.NamedTemporaryFile("r") as report:
        command = [sys.executable, "-m", "symsig", "analyze", str(path), "--source", source,
                   "--output", node, *extra]
        t0 = time.perf_counter()
        try:
            done = subprocess.run([*timer, report.name, *command] if timer else command,
                                  stdout=sink, stderr=subprocess.DEVNULL, env=env,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"timeout > {timeout:g} s"}
        seconds = time.perf_counter() - t0
        peak = report.read().strip().splitlines() if timer else []
        out = {"seconds": seconds, "bytes": sink.seek(0, 2), "rc": done.returncode}
    if peak and peak[-1].isdigit():
        out["peak_mb"] = int(peak[-1]) / 1024
    return out


def median_of(runs: list[dict], key: str = "seconds") -> dict:
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0]
    good.sort(key=lambda r: r[key])
    return good[len(good) // 2]


# -- the bench circuits -------------------------------------------------------------------
def case(path: Path) -> tuple[str, str]:
    """(source, output node) of a bench file (its comment names the output node)."""
    text = path.read_text()
    node = text.split("output node:", 1)[1].split()[0]
    source = next(ln.split()[0] for ln in text.splitlines()
                  if ln.split() and ln.split()[0][0] in "Vv")
    return source, node


def order(files: list[Path]) -> list[Path]:
    """Small circuits first, cascades by their number of stages."""
    def key(p: Path):
        name = p.stem
        return (name.startswith("cascade"), int(name[7:]) if name.startswith("cascade") and
                name[7:].isdigit() else 0, name)
    return sorted(files, key=key)


def find_slicap(given: str | None) -> tuple[str | None, str]:
    """A Python >= 3.12 that imports SLiCAP, and what was found (for the report)."""
    candidates = [given] if given else []
    if os.environ.get("SLICAP_PYTHON"):
        candidates.append(os.environ["SLICAP_PYTHON"])
    candidates += sorted(glob.glob("/tmp/slicap*/bin/python"))
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[2-9]*/bin/python")))
    candidates += [shutil.which(f"python3.{m}") for m in range(12, 20)]
    for py in filter(None, candidates):
        try:
            done = subprocess.run([py, "-c", "import sys, SLiCAP; assert sys.version_info >= "
                                   "(3, 12); print(SLiCAP.__version__)"],
                                  capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return py, done.stdout.strip().splitlines()[-1]
    return None, ("no Python >= 3.12 with SLiCAP found (pip install slicap into one and pass "
                  "--slicap-python)")


def versions(slicap: str | None) -> dict[str, str]:
    out = {}
    for name, module in (("lcapy", "lcapy"), ("sycan", "sycan"), ("sympy", "sympy"),
                         ("python-flint", "flint")):
        try:
            from importlib.metadata import version
            out[name] = version(name if name != "python-flint" else "python-flint")
        except Exception:  # noqa: BLE001  (not installed: shown as such)
            out[name] = "not installed"
        del module
    out["slicap"] = slicap or "skipped"
    return out


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")),
                       cpu)
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}")


# -- the table ----------------------------------------------------------------------------
def seconds_text(r: dict) -> str:
    if "error" in r:
        return r["error"].replace("timeout ", "")
    return f"{r['seconds']:.3g} s"


def bench(args, slicap_py: str | None) -> list[str]:
    files = order([p for p in BENCH.glob("*.cir")
                   if not args.files or p.stem in args.files.split(",")])
    tools = args.tools.split(",")
    rows = ["| file | terms | symsig | CLI default | CLI --exact --json | "
            + " | ".join(t for t in PEERS if t in tools) + " | fastest peer / symsig | equal |",
            "|---|---|---|---|---|" + "---|" * len([t for t in PEERS if t in tools]) + "---|---|"]
    print(*rows, sep="\n", flush=True)
    gave_up: dict[tuple[str, str], str] = {}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for path in files:
        source, node = case(path)
        argv = [str(path), source, node, "1"]
        mine = median_of([run_child(sys.executable, ["symsig", *argv], 600, env)
                          for _ in range(args.repeat)])
        cli = {}
        for label, extra in (("default", []), ("exact", ["--exact", "--json"])):
            if label == "exact" and mine.get("terms", 0) > EXACT_JSON_TERMS:
                cli[label] = {"error": f"not run ({mine['terms']:,}-term gain: GBs of text)"}
                continue
            runs = [run_cli(path, source, node, extra, 600) for _ in range(args.repeat)]
            cli[label] = median_of(runs)
        peers = {}
        for tool in PEERS:
            if tool not in tools:
                continue
            if tool == "slicap" and slicap_py is None:
                peers[tool] = {"error": "skipped"}
                continue
            stem = path.stem.rstrip("0123456789")
            if (tool, stem) in gave_up:
                peers[tool] = {"error": gave_up[(tool, stem)]}
                continue
            python = slicap_py if tool == "slicap" else sys.executable
            runs = []
            for _ in range(args.repeat):
                r = run_child(python, [tool, *argv], args.timeout, env)
                runs.append(r)
                if "error" in r:
                    break
            peers[tool] = median_of(runs)
            if "error" in peers[tool] and stem == "cascade":
                gave_up[(tool, stem)] = f"> {args.timeout:g} s (so did {path.stem})"
        done = {t: r for t, r in peers.items() if "error" not in r}
        equal = "—"
        if done and "error" not in mine:
            same = [r["values"] == mine["values"] for r in done.values()]
            equal = "yes" if all(same) else "NO: " + ", ".join(
                t for t, r in done.items() if r["values"] != mine["values"])
        fastest = min((r["seconds"] for r in done.values()), default=None)
        ratio = (f"{fastest / mine['seconds']:,.0f}×" if fastest and "error" not in mine
                 else f"> {args.timeout / mine['seconds']:,.0f}×" if "error" not in mine else "—")
        terms = f"{mine['terms']:,}" if "error" not in mine else "—"

        def cli_text(r: dict) -> str:
            if "error" in r:
                return r["error"]
            mb = f", {r['peak_mb']:.0f} MB" if r.get("peak_mb") else ""
            return f"{r['seconds']:.2f} s{mb}"

        row = (f"| {path.stem} | {terms} | {seconds_text(mine)} | {cli_text(cli['default'])} | "
               f"{cli_text(cli['exact'])} | "
               + " | ".join(seconds_text(peers[t]) for t in PEERS if t in tools)
               + f" | {ratio} | {equal} |")
        print(row, flush=True)
        rows.append(row)
    return rows


# -- scaling ------------------------------------------------------------------------------
def fit(xs: list[float], ys: list[float]) -> float | None:
    """The exponent b of y ~ a*x^b, least squares on logs (points with y > 0 only)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


SCALE_CHILD = """
import resource, sys, time
sys.path.insert(0, {bench!r})
from symsig import parse, transfer, rin, rout
text = open(sys.argv[1]).read()
src, node = sys.argv[2], sys.argv[3]
c = parse(text)
out = []
for f in (lambda: transfer(c, node, src), lambda: rin(c, src), lambda: rout(c, node)):
    t = time.perf_counter(); r = f(); out.append((time.perf_counter() - t, r.terms))
print(*[f"{{t:.4f}} {{n}}" for t, n in out], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def scaling(args) -> list[str]:
    rows = ["| circuit | elements | gain terms | gain | R_in terms | R_in | R_out terms | R_out | "
            "peak |", "|---|---|---|---|---|---|---|---|---|"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    gains: list[tuple[int, float]] = []
    for n in range(1, 9):
        path = BENCH / f"cascade{n}.cir"
        if not path.exists():
            continue
        source, node = case(path)
        runs = []
        for _ in range(args.repeat if n < 8 else 1):
            done = subprocess.run([sys.executable, "-c", SCALE_CHILD.format(bench=str(HERE)),
                                   str(path), source, node], capture_output=True, text=True,
                                  env=env, timeout=900)
            if done.returncode:
                break
            w = done.stdout.split()
            runs.append(([float(w[0]), float(w[2]), float(w[4])],
                         [int(w[1]), int(w[3]), int(w[5])], int(w[6]) / 1024))
        if not runs:
            rows.append(f"| cascade{n} | | failed | | | | | | |")
            continue
        runs.sort(key=lambda r: sum(r[0]))
        times, terms, peak = runs[len(runs) // 2]
        elements = sum(1 for ln in path.read_text().splitlines()
                       if ln.split() and ln.split()[0][0] not in "*.")
        gains.append((terms[0], times[0]))
        row = (f"| cascade{n} | {elements} | {terms[0]:,} | {times[0]:.3g} s | {terms[1]:,} | "
               f"{times[1]:.3g} s | {terms[2]:,} | {times[2]:.3g} s | {peak:,.0f} MB |")
        print(row, flush=True)
        rows.append(row)
    big = [(t, s) for t, s in gains if s > 0.01]
    b = fit([t for t, _ in big], [s for _, s in big])
    if b is not None:
        rows.append("")
        rows.append(f"Exact gain of the cascades: time grows as terms^{b:.2f} "
                    f"(fitted over the runs above 0.01 s).")
    rows += ["", "| numeric ladder | elements | whole command | peak |", "|---|---|---|---|"]
    sys.path.insert(0, str(HERE))
    from scale import ladder

    xs, ys = [], []
    for elements in (500, 5_000, 50_000):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "ladder.cir"
            path.write_text(ladder(elements // 2))
            runs = [run_cli(path, "V1", f"n{elements // 2}", [], 600)
                    for _ in range(args.repeat if elements < 50_000 else 1)]
            r = median_of(runs)
            peak = r.get("peak_mb")
        if "error" in r:
            rows.append(f"| {elements // 2} sections | {elements:,} | {r['error']} | |")
            continue
        xs.append(elements)
        ys.append(r["seconds"])
        row = (f"| {elements // 2:,} sections | {elements:,} | {r['seconds']:.2f} s | "
               f"{peak or 0:,.0f} MB |")
        print(row, flush=True)
        rows.append(row)
    big = [(x, y) for x, y in zip(xs, ys, strict=True) if y >= 1.0]
    b = fit([x for x, _ in big], [y for _, y in big])
    if b is not None:
        rows.append("")
        rows.append(f"Numeric ladders, whole command: time grows as elements^{b:.2f} (fitted "
                    "over the runs of 1 s or more; the start-up of ~0.5 s included).")
    return rows


def past_reach(args) -> list[str]:
    """The whole command on circuits past exact reach, with numbers: cascade6 with nominal
    values, and generated chains of n devices (benchmarks/amplifiers.py)."""
    sys.path.insert(0, str(HERE))
    from amplifiers import chain

    rows = ["| circuit | symbols | whole command | peak | gain | R_in | R_out |",
            "|---|---|---|---|---|---|---|"]
    cases = []
    c6 = BENCH / "cascade6.cir"
    if c6.exists():
        params = ["Rs=1k"] + [f"rpi{k}=2.5k gm{k}=40m cpi{k}=10p cmu{k}=1p ro{k}=100k RC{k}=5k"
                              for k in range(1, 7)]
        text = c6.read_text().replace(".end", "".join(f".param {p}\n" for p in params) + ".end")
        cases.append(("cascade6 with nominal values", text, "Vs", "c6"))
    for n in (10, 20):
        text, out = chain(n)
        cases.append((f"{n}-device chain (generated)", text, "Vs", out))
    for name, text, source, node in cases:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "c.cir"
            path.write_text(text)
            runs = [run_cli(path, source, node, [], 600) for _ in range(args.repeat)]
            r = median_of(runs)
            env = dict(os.environ, PYTHONPATH=str(ROOT))
            done = subprocess.run([sys.executable, "-m", "symsig", "analyze", str(path),
                                   "--source", source, "--output", node, "--json"],
                                  capture_output=True, text=True, env=env, timeout=600)
        doc = json.loads(done.stdout) if done.returncode == 0 else {}
        symbols = len({w for ln in text.splitlines() if ln.split() and
                       ln.split()[0][0] in "RCG" for w in ln.split()[-1:]})

        def what(key: str, doc=doc) -> str:
            est = doc.get("estimates", {}).get(key)
            if est:
                shape = (f"{len(est['definitions'])} expressions" if est["definitions"] else
                         f"{est['terms']:,} terms")
                hi = est["band_hz"][1] if est["band_hz"] else None
                band = f" to {hi:.3g} Hz" if hi else ""
                return f"~ {shape}, error {est['error']:.2g}{band}"
            if doc.get(key) is not None:
                return f"exact, {doc['terms'][key]:,} terms"
            return "—"

        row = (f"| {name} | {symbols} | {seconds_text(r)} | {r.get('peak_mb', 0):,.0f} MB | "
               f"{what('gain')} | {what('rin')} | {what('rout')} |")
        print(row, flush=True)
        rows.append(row)
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", help="bench files to run (names without .cir), default all")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--timeout", type=float, default=60.0, help="cap on a peer's solve (s)")
    p.add_argument("--tools", default="symsig,lcapy,sycan,slicap")
    p.add_argument("--slicap-python", help="a Python >= 3.12 with SLiCAP installed")
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument("--out", help="also write the tables (markdown) to this file")
    args = p.parse_args()
    if not BENCH.is_dir():
        print(f"no bench circuits at {BENCH}", file=sys.stderr)
        return 2
    slicap_py, slicap_what = (None, "not asked for")
    if "slicap" in args.tools.split(","):
        slicap_py, slicap_what = find_slicap(args.slicap_python)
        if slicap_py is None:
            print(f"SLiCAP skipped: {slicap_what}", flush=True)
    v = versions(slicap_what if slicap_py else None)
    head = [f"Run on {date.today().isoformat()}, {machine()}; median of {args.repeat}, each "
            f"tool in its own process, peers capped at {args.timeout:g} s; "
            + ", ".join(f"{k} {val}" for k, val in v.items()) + ".", ""]
    print(*head, sep="\n", flush=True)
    rows = head + bench(args, slicap_py)
    rows += [""] + past_reach(args)
    if not args.no_scaling:
        rows += [""] + scaling(args)
    if args.out:
        Path(args.out).write_text("\n".join(rows) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
