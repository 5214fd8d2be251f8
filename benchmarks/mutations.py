"""Mutation check of the bias layer: which tests catch each deliberate single-line bug?

    python benchmarks/mutations.py [--only NAME ...] [--list] [-- PYTEST ARGS ...]

A test suite is only as good as the bugs it catches. Each mutation below is one plausible wrong
line in the numeric bias layer (symsig/bias: the exponential laws, the ngspice bridge, the
numbers at the end) or in the device laws it uses; the script applies each in turn and runs
the test suite against it, and reports the tests that fail, the test modules they come from
(a proxy for independent references: ngspice's .op, ngspice's .ac, hand formulas, the
command line, the notebooks), how many of them are marked `ngspice` (their reference is
ngspice's numbers) and how many are not (hand formulas, a second route), and whether the bug is
caught by at least 3 tests from at least 2 modules.

The repository is never touched: its working tree (tracked and untracked files, without .git
and caches) is copied to a temporary directory, each mutation is applied to the copy only and
undone after its run, and pytest runs there with PYTHONPATH pointing at the copy. Before any
mutation the script checks that the copy's symsig is the one imported (an installed or
editable symsig elsewhere would make every mutation look uncaught) and runs the unmutated
suite once: tests that already fail are reported and not credited to any mutation.

Not part of the test suite: it runs the whole suite once per mutation (measured: about 2 h for
the 39 below on a shared 2-core machine, ~3 min a run). Pass pytest arguments after `--` to
run fewer tests while working on one bug, e.g. `--only cap-meyer -- tests/test_bias_laws.py`
(a subset can only under-count the tests that catch it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str  # the bug, in words
    path: str  # relative to the repository
    line: str  # the right line (stripped), exactly once in the file
    wrong: str  # what it becomes


MUTATIONS = [
    # -- the table ----------------------------------------------------------------------
    Mutation("exp-rpi", "r_pi = beta*g_m in the exponential small-signal numbers",
             "symsig/bias/exponential.py",
             'small = {"gm": gm, "rpi": _inverse(gpi), "ro": _inverse(go)}',
             'small = {"gm": gm, "rpi": gm / gpi * gm, "ro": _inverse(go)}'),
    Mutation("bridge-re", "the ngspice bridge's r_e = 1/g_m instead of alpha/g_m",
             "symsig/bias/ngspice.py",
             '"beta": beta, "alpha": beta / (beta + 1), "re": beta / (beta + 1) / v["gm"],',
             '"beta": beta, "alpha": beta / (beta + 1), "re": 1 / v["gm"],'),
    Mutation("relation-rpi", "r_pi = beta*g_m in the relations used for numbers at the end",
             "symsig/bias/numbers.py",
             'values["rpi" + k] = values["beta" + k] / values["gm" + k]',
             'values["rpi" + k] = values["beta" + k] * values["gm" + k]'),
    Mutation("vt-25C", "V_T at 25 C instead of 27 C", "symsig/bias/dc.py",
             "VT_27C = 1.380649e-23 * 300.15 / 1.602176634e-19",
             "VT_27C = 1.380649e-23 * 298.15 / 1.602176634e-19"),
    Mutation("vt-300K", "V_T at 300 K instead of 300.15 K", "symsig/bias/dc.py",
             "VT_27C = 1.380649e-23 * 300.15 / 1.602176634e-19",
             "VT_27C = 1.380649e-23 * 300 / 1.602176634e-19"),
    Mutation("bridge-273", "bridge temperature offset 273 instead of 273.15",
             "symsig/bias/ngspice.py",
             'values: dict[str, float] = {"VT": K_OVER_Q * (float(temp.group(1)) + 273.15)} '
             'if temp else {}',
             'values: dict[str, float] = {"VT": K_OVER_Q * (float(temp.group(1)) + 273)} '
             'if temp else {}'),
    # -- more of the same kind ------------------------------------------------------------------
    Mutation("exp-gm-fixed-vbc", "exponential g_m taken at fixed V_BC (adds g_o to g_m)",
             "symsig/bias/exponential.py",
             "gm = (ic_of(vbe + _H, vbc + _H) - ic_of(vbe - _H, vbc - _H)) / (2 * _H)",
             "gm = (ic_of(vbe + _H, vbc) - ic_of(vbe - _H, vbc)) / (2 * _H)"),
    Mutation("exp-go-sign", "exponential g_o with the wrong sign", "symsig/bias/exponential.py",
             "go = -gmu_total  # ∂I_C/∂V_CE at fixed V_BE is -∂I_C/∂V_BC",
             "go = gmu_total"),
    Mutation("early-sign", "Gummel-Poon q_b with the Early term's sign flipped",
             "symsig/bias/newton.py",
             'qb = 1 / (1 - vbc / p["va"]) if math.isfinite(p["va"]) else 1.0',
             'qb = 1 / (1 + vbc / p["va"]) if math.isfinite(p["va"]) else 1.0'),
    Mutation("diode-n", "diode emission coefficient N ignored", "symsig/bias/newton.py",
             'vte = p["n"] * self.vt', "vte = self.vt"),
    Mutation("mos-lambda", "channel-length modulation dropped in saturation",
             "symsig/bias/newton.py",
             'i = k / 2 * vov**2 * (1 + p["lambda"] * vds)', "i = k / 2 * vov**2"),
    Mutation("body-sign", "body effect raising the threshold the wrong way",
             "symsig/bias/newton.py",
             'return polarity(self.type) * p["vth"] + p["gamma"] * (self._root(vbs)',
             'return polarity(self.type) * p["vth"] - p["gamma"] * (self._root(vbs)'),
    Mutation("temp-xti", "saturation current's (T/T_nom)^XTI dropped",
             "symsig/bias/temperature.py",
             'p["is"] *= math.exp((ratio - 1) * p["eg"] / vt + p["xti"] * math.log(ratio))',
             'p["is"] *= math.exp((ratio - 1) * p["eg"] / vt)'),
    Mutation("temp-kp", "MOS mobility rising with temperature", "symsig/bias/temperature.py",
             'p["kp"] /= ratio**1.5', 'p["kp"] *= ratio**1.5'),
    Mutation("bridge-vov", "bridge's pmos V_ov = V_SG - von (von has a pmos's sign)",
             "symsig/bias/ngspice.py",
             '"VDS": v["vds"], "Vov": v["vgs"] - polarity * v["von"]}',
             '"VDS": v["vds"], "Vov": v["vgs"] - v["von"]}'),
    Mutation("bridge-ic-sign", "bridge's pnp I_C without the polarity", "symsig/bias/ngspice.py",
             '"cpi": v["cpi"], "cmu": v["cmu"], "IC": polarity * v["ic"], '
             '"IB": polarity * v["ib"],',
             '"cpi": v["cpi"], "cmu": v["cmu"], "IC": v["ic"], "IB": polarity * v["ib"],'),
    Mutation("bridge-mos-caps", "bridge's C_db and C_sb swapped", "symsig/bias/ngspice.py",
             '"cgd": v["cgd"], "cdb": v["cbd"], "csb": v["cbs"], "ID": v["id"], '
             '"VGS": v["vgs"],',
             '"cgd": v["cgd"], "cdb": v["cbs"], "csb": v["cbd"], "ID": v["id"], '
             '"VGS": v["vgs"],'),
    Mutation("card-beta", "a card's large-signal BF beats a SPICE-law Q-point's small-signal beta",
             "symsig/bias/numbers.py",
             'spice_law = op.method != "constant-vbe"', "spice_law = False"),
    Mutation("relation-mos-gm", "MOS g_m = I_D/V_ov in the relations", "symsig/bias/numbers.py",
             'values["gm" + k] = 2 * values[i_d] / values["Vov" + own]',
             'values["gm" + k] = values[i_d] / values["Vov" + own]'),
    # -- emission coefficients, temperature, body effect, pnp signs -----------------------------
    Mutation("bjt-nf", "BJT emission coefficient NF ignored", "symsig/bias/newton.py",
             'cbe = p["is"] * (_exp(vbe / (p["n"] * self.vt)) - 1)',
             'cbe = p["is"] * (_exp(vbe / self.vt) - 1)'),
    Mutation("relation-rd-n", "diode r_d = V_T/I_D in the relations (N ignored)",
             "symsig/bias/numbers.py",
             'values["rd" + k] = values.get("n" + k, 1) * vt / values[i_d]',
             'values["rd" + k] = vt / values[i_d]'),
    Mutation("temp-eg-sign", "the band-gap term of I_S(T) with the wrong sign",
             "symsig/bias/temperature.py",
             'p["is"] *= math.exp((ratio - 1) * p["eg"] / vt + p["xti"] * math.log(ratio))',
             'p["is"] *= math.exp((1 - ratio) * p["eg"] / vt + p["xti"] * math.log(ratio))'),
    Mutation("temp-diode-n", "a diode's I_S(T) without its emission coefficient",
             "symsig/bias/temperature.py",
             'p["is"] *= math.exp((ratio - 1) * p["eg"] / (n * vt) + p["xti"] / n * '
             'math.log(ratio))',
             'p["is"] *= math.exp((ratio - 1) * p["eg"] / vt + p["xti"] * math.log(ratio))'),
    Mutation("temp-273", "a .temp read with 273 instead of 273.15", "symsig/bias/temperature.py",
             "kelvin = float(-value if negative else value) + ZERO_CELSIUS",
             "kelvin = float(-value if negative else value) + 273"),
    Mutation("gmb-sign", "exponential g_mb with the wrong sign", "symsig/bias/exponential.py",
             "return gm, gds, (f(vgs, vds, vbs + _H) - f(vgs, vds, vbs - _H)) / d",
             "return gm, gds, (f(vgs, vds, vbs - _H) - f(vgs, vds, vbs + _H)) / d"),
    Mutation("gmb-forward", "g_mb of a forward-biased body twice SPICE's", "symsig/bias/newton.py",
             'return self.params["gamma"] / (2 * root) if root > 0 else 0.0',
             'return self.params["gamma"] / root if root > 0 else 0.0'),
    Mutation("bridge-gmb", "the bridge reads g_mb from ngspice's gds", "symsig/bias/ngspice.py",
             'return {"gm": v["gm"], "gmb": v["gmbs"], "ro": _inverse(v["gds"]), "cgs": v["cgs"],',
             'return {"gm": v["gm"], "gmb": v["gds"], "ro": _inverse(v["gds"]), "cgs": v["cgs"],'),
    Mutation("exp-pnp-vbc", "a pnp's V_BC without its polarity in the exponential report",
             "symsig/bias/exponential.py",
             "vbe, vbc = sgn * (v[1] - v[2]), sgn * (v[1] - v[0])",
             "vbe, vbc = sgn * (v[1] - v[2]), v[1] - v[0]"),
    Mutation("constant-vt", "the constant drop's g_m = I_C/25 mV", "symsig/bias/constant.py",
             "gm = ic / num(VT)", "gm = ic / 0.025"),
    # -- names of devices inside subcircuits -------------------------------------------------------
    Mutation("suffix-exp", "X1.Q1's exponential bias named IC1.Q1", "symsig/bias/exponential.py",
             "own = e.suffix", "own = e.name[1:]"),
    Mutation("suffix-numbers", "numbers at the end look up X1.Q1's bias as IC1.Q1",
             "symsig/bias/numbers.py",
             "own = circuit.element(d.name).suffix  # X1.Q1 -> IC1_X1",
             "own = d.name[1:]"),
    # -- capacitances from the card --------------------------------------------------------------
    Mutation("cap-grading-sign", "depletion capacitance (1 - V/V_J)^+M",
             "symsig/bias/capacitance.py",
             "return c0 * (1 - v / potential) ** -grading",
             "return c0 * (1 - v / potential) ** grading"),
    Mutation("cap-fc-branch", "the continuation past FC*V_J off by (1 - FC)",
             "symsig/bias/capacitance.py",
             "return c0 / (1 - fc) ** (1 + grading) * (1 - fc * (1 + grading) + grading * v / "
             "potential)",
             "return c0 / (1 - fc) ** grading * (1 - fc * (1 + grading) + grading * v / "
             "potential)"),
    Mutation("cap-meyer", "Meyer's saturated C_gs = C_ox/2", "symsig/bias/capacitance.py",
             "full = 2 * cox / 3 if vgst > 0 else 2 * (vgst * cox / (1.5 * phi) + cox / 3)",
             "full = cox / 2 if vgst > 0 else 2 * (vgst * cox / (1.5 * phi) + cox / 3)"),
    Mutation("cap-triode-swap", "Meyer's triode C_gs and C_gd swapped",
             "symsig/bias/capacitance.py",
             "return full * (1 - (vdsat - vds) ** 2 / span), full * (1 - vdsat**2 / span)",
             "return full * (1 - vdsat**2 / span), full * (1 - (vdsat - vds) ** 2 / span)"),
    Mutation("cap-overlap", "C_gd's overlap from CGSO", "symsig/bias/capacitance.py",
             'return {"cgs": cgs + p["cgso"] * w, "cgd": cgd + p["cgdo"] * w,',
             'return {"cgs": cgs + p["cgso"] * w, "cgd": cgd + p["cgso"] * w,'),
    Mutation("cap-tf-qb", "the transit-time capacitance times q_b instead of over it",
             "symsig/bias/capacitance.py",
             'gbe *= 1 - vbc / p["va"]', 'gbe /= 1 - vbc / p["va"]'),
    Mutation("cap-ld", "L_eff = L - LD (one side only)", "symsig/bias/newton.py",
             'return self.params["l"] - 2 * self.params["ld"]',
             'return self.params["l"] - self.params["ld"]'),
    Mutation("cap-temperature", "the junction capacitance's temperature bracket with the "
             "potential's term flipped", "symsig/bias/temperature.py",
             "return 1 + grading * (4e-4 * (kelvin - NOMINAL) - (pb - reference) / reference)",
             "return 1 + grading * (4e-4 * (kelvin - NOMINAL) + (pb - reference) / reference)"),
]

_IGNORE = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                 ".ruff_cache", "build", ".ipynb_checkpoints", "*.pyc")


def copy_repository(tmp: Path) -> Path:
    """The working tree as it is now (edits not yet committed included), without .git."""
    dest = tmp / "repo"
    shutil.copytree(REPO, dest, ignore=_IGNORE)
    return dest


def environment(copy: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def check_imports_the_copy(copy: Path) -> None:
    out = subprocess.run([sys.executable, "-c", "import symsig; print(symsig.__file__)"],
                         cwd=copy, env=environment(copy), capture_output=True, text=True,
                         check=True).stdout.strip()
    if not Path(out).resolve().is_relative_to(copy.resolve()):
        sys.exit(f"the copy's tests would import {out}, not the copy: stopping")
    print(f"symsig imported from the copy: {out}")


def run_suite(copy: Path, pytest_args: list[str], label: str, timeout: float
              ) -> tuple[set[str], int, float]:
    """Failed (and errored) test ids, the number of tests run, seconds taken."""
    report = copy / f".mutation-{label}.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o",
               "addopts=", f"--junitxml={report}", *pytest_args]
    start = time.monotonic()
    try:
        subprocess.run(command, cwd=copy, env=environment(copy), capture_output=True,
                       text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {f"(the suite took longer than {timeout:.0f} s)"}, 0, time.monotonic() - start
    seconds = time.monotonic() - start
    if not report.exists():
        return {"(pytest wrote no report: the suite could not start)"}, 0, seconds
    failed, total = set(), 0
    for case in ET.parse(report).getroot().iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            failed.add(f"{module}.py::{case.get('name')}")
    report.unlink()
    return failed, total, seconds


def ngspice_tests(copy: Path, pytest_args: list[str]) -> set[str]:
    """The ids of the tests marked `ngspice` (their expectation comes from ngspice's own
    numbers, or they check the ngspice bridge): the others check hand formulas, a second route
    or the command line."""
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
               "-o", "addopts=", "-m", "ngspice", *pytest_args]
    out = subprocess.run(command, cwd=copy, env=environment(copy), capture_output=True,
                         text=True, check=False).stdout
    return {line.strip() for line in out.splitlines() if "::" in line}


def apply(copy: Path, m: Mutation) -> str:
    """Apply `m` to the copy; return the original text to restore."""
    path = copy / m.path
    text = path.read_text(encoding="utf-8")
    if text.count(m.line) != 1:
        raise SystemExit(f"{m.name}: the line {m.line!r} occurs {text.count(m.line)} times in "
                         f"{m.path}; update the mutation list")
    path.write_text(text.replace(m.line, m.wrong), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    pytest_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="mutation names to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per suite run")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list or not chosen:
        for m in MUTATIONS:
            print(f"{m.name:18} {m.path:30} {m.what}")
        return 0
    with tempfile.TemporaryDirectory(prefix="symsig-mutations-") as tmp:
        copy = copy_repository(Path(tmp))
        check_imports_the_copy(copy)
        for m in chosen:  # every line is found before the long runs start
            (copy / m.path).write_text(apply(copy, m), encoding="utf-8")
        spice = ngspice_tests(copy, pytest_args)
        baseline, total, seconds = run_suite(copy, pytest_args, "baseline", args.timeout)
        print(f"unmutated: {total} tests, {len(baseline)} failing, {seconds:.0f} s")
        for test in sorted(baseline):
            print(f"  already failing (not credited): {test}")
        rows = []
        for m in chosen:
            original = apply(copy, m)
            try:
                failed, total, seconds = run_suite(copy, pytest_args, m.name, args.timeout)
            finally:
                (copy / m.path).write_text(original, encoding="utf-8")
            caught = sorted(failed - baseline)
            modules = sorted({t.split("::")[0] for t in caught})
            ok = len(caught) >= 3 and len(modules) >= 2
            rows.append((m, caught, modules, ok))
            print(f"\n{m.name}: {m.what} ({m.path}) -- {len(caught)} tests fail in "
                  f"{len(modules)} modules, {seconds:.0f} s")
            for test in caught:
                print(f"    {test}{'  [ngspice]' if test in spice else ''}")
    print("\n| bug | tests that fail | ngspice-marked / not | test modules "
          "| >= 3 tests, >= 2 modules |")
    print("|---|---|---|---|---|")
    for m, caught, modules, ok in rows:
        names = ", ".join(Path(x).stem.removeprefix("test_") for x in modules)
        marked = sum(t in spice for t in caught)
        print(f"| {m.what} (`{m.name}`) | {len(caught)} | {marked} / {len(caught) - marked} "
              f"| {names} | {'yes' if ok else 'NO'} |")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
