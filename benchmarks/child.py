"""One tool, one bench circuit, one process: `python child.py TOOL FILE SOURCE NODE SEED`.

Run by bench.py, under whichever Python has the tool (SLiCAP needs Python >= 3.12, so this
file imports nothing of symsig's outside the symsig tool). It prints `ready` once the tool is
imported (the parent's clock for the time cap starts then), and then one JSON line: the
seconds the tool took from netlist text to a fully cancelled H(s) = v(NODE)/SOURCE, the
result's size in terms (expanded numerator plus denominator), and its exact values at a few
random rational points (symbols sorted by name, then s), so that the parent can compare tools
without shipping formulas between processes.
"""

from __future__ import annotations

import json
import random
import sys
import time
from fractions import Fraction


def points(names: list[str], seed: int, count: int = 3) -> list[dict[str, Fraction]]:
    """The same random rational points for every tool: one value per symbol name and s."""
    rng = random.Random(seed)
    return [{n: Fraction(rng.randint(1, 997), rng.randint(1, 997)) for n in [*sorted(names), "s"]}
            for _ in range(count)]


def _lines(text: str) -> list[list[str]]:
    rows = (ln.split() for ln in text.splitlines())
    return [p for p in rows if p and p[0][0] not in "*."]


def symbols_of(text: str) -> list[str]:
    """The symbolic values of a bench netlist (every element's last word that is a name)."""
    out = set()
    for p in _lines(text):
        if p[0][0] in "Vv":
            continue
        if p[-1][0].isalpha():
            out.add(p[-1])
    return sorted(out)


# -- the tools: each returns (seconds, SymPy expression or None, terms, values) -------------
def run_symsig(text: str, source: str, node: str, seed: int):
    from symsig import parse, transfer

    print("ready", flush=True)
    t0 = time.perf_counter()
    r = transfer(parse(text), node, source)
    seconds = time.perf_counter() - t0
    values = []
    for point in points(symbols_of(text), seed):
        v = r.substitute(point)
        num = int(v.num.leading_coefficient()) if not v.is_zero else 0
        values.append(str(Fraction(num, int(v.den.leading_coefficient()))))
    return seconds, r.terms, values


def _sympy_finish(t0: float, expr, text: str, seed: int):
    """Cancel (timed, as the peer's work: symsig's result is cancelled too), then size and
    evaluate (untimed)."""
    import sympy as sp

    expr = sp.cancel(sp.together(expr))
    seconds = time.perf_counter() - t0
    expr = expr.xreplace({x: sp.Symbol(x.name) for x in expr.free_symbols})
    num, den = sp.fraction(expr)
    terms = sum(len(sp.Add.make_args(sp.expand(p))) for p in (num, den))
    values = []
    for point in points(symbols_of(text), seed):
        sub = {sp.Symbol(k): sp.Rational(v.numerator, v.denominator) for k, v in point.items()}
        values.append(str(sp.Rational(expr.xreplace(sub))))
    return seconds, terms, values


def run_lcapy(text: str, source: str, node: str, seed: int):
    import lcapy

    # Lcapy's fastest solver on these circuits (see peers.py); Vdict skips the factorisation
    # that cct[node].V(s) adds
    lcapy.rcParams["sympy.solver"] = "CRAMER"
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from peers import to_lcapy

    print("ready", flush=True)
    t0 = time.perf_counter()
    cct = lcapy.Circuit(to_lcapy(text, source))
    v = cct.sub["s"].mna.Vdict[node]
    import sympy as sp

    return _sympy_finish(t0, v.sympy.subs(lcapy.s.sympy, sp.Symbol("s")), text, seed)


def run_sycan(text: str, source: str, node: str, seed: int):
    import sycan
    import sympy as sp

    print("ready", flush=True)
    t0 = time.perf_counter()
    cct = sycan.parse("* title\n" + text)  # sycan takes line 1 as the title
    src = next(c for c in cct.components if c.name == source)
    v = sycan.solve_ac(cct, s=sp.Symbol("s"))[sp.Symbol(f"V({node})")]
    return _sympy_finish(t0, v / sp.sympify(src.ac_value), text, seed)


def run_slicap(text: str, source: str, node: str, seed: int):
    """SLiCAP's doLaplace (its minor-expansion engine) on the netlist in SLiCAP's syntax."""
    import os
    import tempfile

    import sympy as sp

    work = tempfile.mkdtemp(prefix="slicap_")
    os.chdir(work)
    import SLiCAP as sl

    sl.initProject("bench")
    names = symbols_of(text)
    lines = ["bench"]
    for p in _lines(text):
        kind = p[0][0].upper()
        if kind == "V":
            lines.append(f"{p[0]} {p[1]} {p[2]} V value=0")
        elif kind == "G":
            lines.append(f"{p[0]} {p[1]} {p[2]} {p[3]} {p[4]} g value={{{p[5]}}}")
        else:
            lines.append(f"{p[0]} {p[1]} {p[2]} {{{p[3]}}}")
    lines.append(".end")
    os.makedirs("cir", exist_ok=True)
    with open("cir/bench.cir", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("ready", flush=True)
    t0 = time.perf_counter()
    cir = sl.makeCircuit("cir/bench.cir", imgWidth=0) if _takes_img() else \
        sl.makeCircuit("cir/bench.cir")
    result = sl.doLaplace(cir, source=source, detector=f"V_{node}", pardefs=None,
                          numeric=False)
    expr = result.laplace
    expr = expr.xreplace({x: sp.Symbol(x.name) for x in expr.free_symbols})
    missing = set(names) - {str(x) for x in expr.free_symbols}
    del missing
    return _sympy_finish(t0, expr, text, seed)


def _takes_img() -> bool:
    return False


TOOLS = {"symsig": run_symsig, "lcapy": run_lcapy, "sycan": run_sycan, "slicap": run_slicap}


def main() -> None:
    tool, path, source, node, seed = sys.argv[1:6]
    with open(path) as f:
        text = f.read()
    try:
        seconds, terms, values = TOOLS[tool](text, source, node, int(seed))
        out = {"seconds": seconds, "terms": terms, "values": values}
    except Exception as exc:  # a tool's failure is a result, not a crash
        out = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    sys.set_int_max_str_digits(0)
    main()
