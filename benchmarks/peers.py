"""Time symsig's peers (Lcapy, sycan) on the benchmark netlists.

A benchmark script calls :func:`lcapy_transfer` / :func:`sycan_transfer` next to
symsig so the printed ratios come from one run on one machine.  Every peer runs
in a fresh *spawned* subprocess: a symbolic blow-up cannot hang the benchmark
(it is killed after ``timeout_s``), and no SymPy cache or Lcapy state warmed
by an earlier run (or by symsig in the parent) flatters the peer.  The clock
starts after the peer is imported and stops once the transfer function is a
fully cancelled ratio of polynomials, because that is what symsig delivers.

Results are returned with plain ``Symbol(name)`` symbols (and ``Symbol('s')``),
whatever assumptions the peer used internally, so that expressions from
different tools compare with ``sympy.cancel(a - b) == 0``.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
IMPORT_GRACE_S = 120.0  # importing Lcapy takes seconds; not part of the timeout


@dataclass
class PeerResult:
    """One peer's answer: wall time of solve + cancel, the result and its size."""

    name: str
    seconds: float | None = None
    expr: sp.Expr | None = None
    terms: int | None = None
    error: str | None = None
    solve_seconds: float | None = None  # the peer's own solve, before our cancel


def count_terms(expr: sp.Expr) -> int:
    """Terms in the expanded numerator plus the expanded denominator."""
    num, den = sp.fraction(sp.cancel(expr))
    return sum(len(sp.Add.make_args(sp.expand(p))) for p in (num, den))


def _plain(expr: sp.Expr) -> sp.Expr:
    """Strip assumptions (Lcapy makes symbols positive) so tools compare equal."""
    return expr.xreplace({x: sp.Symbol(x.name) for x in expr.free_symbols})


def _finish(name: str, t0: float, expr: sp.Expr) -> PeerResult:
    """Cancel (timed, as part of the peer's work) then size the result (untimed)."""
    t1 = time.perf_counter()
    expr = sp.cancel(sp.together(expr))
    t2 = time.perf_counter()
    expr = _plain(expr)
    return PeerResult(name, t2 - t0, expr, count_terms(expr), solve_seconds=t1 - t0)


def _lines(text: str) -> list[list[str]]:
    """Element lines as token lists; comments, blanks and dot-cards dropped."""
    rows = (ln.split() for ln in text.splitlines())
    return [p for p in rows if p and p[0][0] not in "*."]


def to_lcapy(text: str, source: str) -> str:
    """Translate a symsig/SPICE small-signal netlist to Lcapy syntax.

    * VCCS: Lcapy's ``G np nm cp cm g`` stamps the opposite sign to SPICE (its
      current g*v(cp,cm) flows *out of* the source into np), so np and nm are
      swapped to keep SPICE's meaning.
    * The input source becomes a unit s-domain source (``Vs s 0 s 1``) so that
      v(out) *is* H(s); Lcapy would solve ``AC 1`` as a phasor in omega.
    """
    out = []
    for p in _lines(text):
        if p[0][0] in "Gg":
            p = [p[0], p[2], p[1], *p[3:]]
        elif p[0] == source:
            p = [*p[:3], "s", "1"]
        out.append(" ".join(p))
    return "\n".join(out)


def _lcapy_child(text: str, source: str, node: str, method: str, api: str, ready) -> PeerResult:
    """Runs in the subprocess: import Lcapy, signal ready, then time the solve."""
    import lcapy

    # Lcapy's linear-system solver (rcParams, so copies made by transfer() etc.
    # see it too).  Measured on the 'mna' route, cascade2 / cascade3: CRAMER
    # 0.5 s / 1.4 s, LU 2.3 s / -, ADJ 5 s / 40 s, DM (Lcapy's default) 11 s / -,
    # GE, GJ, QR > 60 s on cascade2; same 76 / 440-term results.
    lcapy.rcParams["sympy.solver"] = method
    ready()
    t0 = time.perf_counter()
    cct = lcapy.Circuit(to_lcapy(text, source))
    if api == "mna":
        # Fastest: the s-domain sub-netlist's MNA solution, skipping the
        # `canonical()` factorisation that cct[node].V(s) performs (>90 % of
        # its time on cascade3).
        v = cct.sub["s"].mna.Vdict[node]
    else:  # the documented user route
        v = cct[node].V(lcapy.s)
    return _finish("lcapy", t0, v.sympy.subs(lcapy.s.sympy, sp.Symbol("s")))


def _sycan_child(text: str, source: str, node: str, ready) -> PeerResult:
    """Runs in the subprocess: sycan's own SPICE parser and LU-based AC solve.

    sycan's ``solve_ac`` (sympy ``LUsolve``) is its core; ``solve_tf`` /
    ``solve_pz`` add root solving we do not want.  sycan's VCCS is SPICE's.
    """
    try:
        import sycan
    except ImportError:
        return PeerResult("sycan", error="sycan not installed")
    ready()
    t0 = time.perf_counter()
    # sycan discards line 1 as a SPICE title whatever it holds.
    cct = sycan.parse("* title\n" + text)
    src = next(c for c in cct.components if c.name == source)
    v = sycan.solve_ac(cct, s=sp.Symbol("s"))[sp.Symbol(f"V({node})")]
    return _finish("sycan", t0, v / sp.sympify(src.ac_value))


def _trampoline(conn, name: str, fn, args) -> None:
    """Subprocess entry: send ``'ready'`` after imports, then the PeerResult."""
    try:
        res = fn(*args, ready=lambda: conn.send("ready"))
    except Exception as exc:  # a peer failure is a result, not a crash
        res = PeerResult(name, error=f"{type(exc).__name__}: {exc}")
    conn.send(res)


def _run(name: str, fn, args: tuple, timeout_s: float) -> PeerResult:
    """Run ``fn(*args)`` in a spawned process; kill it after ``timeout_s`` of solving."""
    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_trampoline, args=(send, name, fn, args), daemon=True)
    proc.start()
    send.close()
    try:
        msg = recv.recv() if recv.poll(IMPORT_GRACE_S) else None
        if msg == "ready":
            msg = recv.recv() if recv.poll(timeout_s) else None
        if msg is None:
            return PeerResult(name, error=f"timeout > {timeout_s:g} s")
        return msg
    except EOFError:
        return PeerResult(name, error=f"crashed (exit code {proc.exitcode})")
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def lcapy_transfer(
    netlist_text: str, source: str, output_node: str, timeout_s: float = 60.0,
    method: str = "CRAMER", api: str = "mna",
) -> PeerResult:
    """Exact, cancelled v(output_node)/v(source) by Lcapy (positive symbols).

    ``api='mna'`` (default, fastest) reads Lcapy's MNA solution directly;
    ``api='V'`` uses ``cct[node].V(s)``, which also factorises the result.
    """
    return _run("lcapy", _lcapy_child, (netlist_text, source, output_node, method, api), timeout_s)


def sycan_transfer(
    netlist_text: str, source: str, output_node: str, timeout_s: float = 60.0
) -> PeerResult:
    """Exact, cancelled v(output_node)/v(source) by sycan (plain symbols)."""
    return _run("sycan", _sycan_child, (netlist_text, source, output_node), timeout_s)


def bench_case(name: str) -> tuple[str, str, str]:
    """(netlist text, source name, output node) of ``shared/bench/<name>.cir``."""
    text = (BENCH / f"{name}.cir").read_text()
    node = text.split("output node:", 1)[1].split()[0]
    source = next(p[0] for p in _lines(text) if p[0][0] in "Vv")
    return text, source, node


if __name__ == "__main__":
    import sys

    cases = sys.argv[1:] or ["cascade1", "cascade2", "cascade3", "cascade4", "ce_hf", "ota5"]
    for case in cases:
        for peer in (lcapy_transfer, sycan_transfer):
            r = peer(*bench_case(case))
            if r.error:
                print(f"{case:10s} {r.name:6s} {r.error}", flush=True)
            else:
                print(f"{case:10s} {r.name:6s} {r.seconds:8.2f} s (solve {r.solve_seconds:.2f} s)"
                      f" {r.terms:6d} terms", flush=True)
