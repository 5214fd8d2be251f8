"""Results past exact reach, approximated at nominal values with their error measured.

When the exact result has millions of terms (or more than the solver's budget), the formula a
designer wants is the few terms that matter at the circuit's nominal values. This is the
Analog Insydes route, in two stages, each at the nominal values over a frequency band:

1. simplification before generation: terms of the MNA matrix whose removal changes the result
   by less than a share of the error budget are dropped (each term ranked by the exact change
   its removal makes, by Sherman-Morrison, then dropped one by one while the change of the
   whole result, solved numerically, stays within the share);
2. simplification during generation: the two determinants (Cramer's numerator and
   denominator) are expanded row by row with every partial sum of minors kept only to its
   dominant terms (the smallest dropped while their summed worth stays within a share of its
   magnitude at every frequency of the grid), as determinant-decision-diagram tools do.

The result is then compared with the exact numeric solve of the full equations on a grid 2.5x
finer than the one the terms were chosen on: `Estimate.error` is the largest relative error
there, the bound reported. Where it exceeds the target, both shares shrink and it runs again.
The bound is measured, not proved: between grid points the error is not checked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import sympy

from ..circuit.netlist import Circuit
from ..engine.rational import Poly, RationalFunction, Ring
from ..engine.solve import bordered
from ..errors import AnalysisError
from .linear import Probe, _require_node, _source, linear, system, test_current

#: The widest frequency band (Hz) and grids: terms are chosen on PRUNE_PER_DECADE points a
#: decade, the result is checked on CHECK_PER_DECADE. By default the band ends where |H|
#: has fallen USEFUL_DB under its largest value in the band (the frequencies where the
#: circuit is used; past them every coefficient of s would count), or at BAND's top.
BAND = (1.0, 1e9)
USEFUL_DB = 20.0
PRUNE_PER_DECADE = 4
CHECK_PER_DECADE = 10
#: Shares of the error budget: matrix terms dropped before generation, terms during.
BEFORE, DURING = 0.3, 0.3
#: Tries, each with shares this many times smaller, before the measured error is reported
#: as it is.
TRIES, SHRINK = 4, 8.0
#: Partial expansions kept at once (subsets of columns); past this the matrix is too dense.
MAX_STATES = 200_000
#: An expanded approximation is given up past this many terms in its partial expansions (a
#: chain of stages: exponentially many) for the sequence of expressions.
EXPANDED_TERMS = 500


class _TooMany(Exception):
    """The expanded approximation would be too large: the sequence of expressions is used."""


@dataclass
class Estimate:
    """An approximate result: its value, and its largest relative error against the exact
    numeric solve on `points` frequencies log-spaced over `band` (Hz) at the nominal values."""

    value: RationalFunction | None  # None: too large expanded, see expr and definitions
    error: float
    band: tuple[float, float] | None
    points: int
    eps: float
    dropped: list[str] = field(default_factory=list)
    expr: sympy.Expr | None = None
    definitions: list[tuple[sympy.Symbol, sympy.Expr]] = field(default_factory=list)

    def __post_init__(self):
        if self.expr is None and self.value is not None:
            self.expr = self.value.expr

    @property
    def terms(self) -> int:
        """Terms of the expanded result, or of all expressions of the sequence."""
        if self.value is not None:
            return self.value.terms
        return sum(len(sympy.Add.make_args(sympy.expand(e))) for _, e in
                   [*self.definitions, (None, self.expr)])

    def text(self) -> str:
        where = (f" at {self.points} frequencies from {self.band[0]:g} Hz to "
                 f"{self.band[1]:g} Hz" if self.band else "")
        before = (f"{len(self.dropped)} matrix terms dropped before generation, "
                  if self.dropped else "")
        shape = (f"{self.value.terms:,} terms" if self.value is not None else
                 f"{len(self.definitions)} expressions in sequence")
        return (f"dominant terms at the nominal values ({before}the smallest terms dropped "
                f"during it): {shape}, error {self.error:.3g} measured{where} against the "
                "exact numeric solve")


# -- the public entry points -------------------------------------------------------------
def estimate(circuit: Circuit, probe: Probe | str, drive: Mapping[str, sympy.Expr],
             values: Mapping[str, object], *, eps: float = 0.01,
             band: tuple[float, float] | None = None) -> Estimate:
    """The probe's value with sources set by `drive`, approximated (see the module); `band`
    in Hz (default: see USEFUL_DB)."""
    probe = Probe.parse(probe) if isinstance(probe, str) else probe
    eq, target, constant = system(circuit, probe, drive)
    sys_ = bordered(eq.matrix, eq.rhs, eq.size, target, constant)
    return _estimate(sys_.ring, sys_.rows, sys_.scales, sys_.y, sys_.rhs_col, values, eps,
                     band)


def estimate_transfer(circuit: Circuit, output: str, source: str,
                      values: Mapping[str, object], **kw) -> Estimate:
    """transfer(circuit, output, source), approximated at the nominal values."""
    circuit = linear(circuit, [source])
    src = _source(circuit, source)
    return estimate(circuit, Probe.parse(output), {src.name.lower(): sympy.Integer(1)},
                    values, **kw)


def estimate_impedance(circuit: Circuit, a: str, values: Mapping[str, object],
                       remove: tuple[str, ...] = (), **kw) -> Estimate:
    """impedance(circuit, a, ground, remove), approximated at the nominal values."""
    circuit = linear(circuit)
    reduced = circuit.without(*remove) if remove else circuit
    a = _require_node(circuit, a)
    return estimate(*test_current(reduced, a), values, **kw)


# -- numbers ------------------------------------------------------------------------------
class _Numbers:
    """Polynomials of one ring at the nominal values and s = j·2πf, f on a grid, each term
    kept as a log-magnitude and a unit phase so that nothing overflows."""

    def __init__(self, ring: Ring, values: Mapping[str, object], freqs: np.ndarray | None):
        names = [str(g) for g in ring.gens]
        self.s = names.index("s") if "s" in names else None
        n = len(names)
        self.logs = np.zeros(n)
        self.signs = np.ones(n)
        for i, name in enumerate(names):
            if i == self.s:
                continue
            if name not in values:
                raise AnalysisError(f"no number for {name}: every symbol needs one")
            v = complex(sympy.N(values[name]))
            if v.imag or not math.isfinite(v.real) or v.real == 0:
                raise AnalysisError(f"{name} = {values[name]}: the approximation needs a "
                                    "finite, nonzero real number")
            self.logs[i] = math.log(abs(v.real))
            self.signs[i] = -1.0 if v.real < 0 else 1.0
        self.logw = np.log(2 * np.pi * freqs) if self.s is not None else np.zeros(1)

    def terms(self, p: Poly) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(log |term| without s, unit phase of the term at s = jω, exponent of s)."""
        monoms = np.array(p.monoms(), dtype=np.int64).reshape(len(p), -1)
        coeffs = p.coeffs()
        logc = np.array([math.log(abs(int(c))) for c in coeffs])
        sign = np.array([1.0 if int(c) > 0 else -1.0 for c in coeffs])
        es = monoms[:, self.s] if self.s is not None else np.zeros(len(p), dtype=np.int64)
        other = monoms.astype(float)
        if self.s is not None:
            other[:, self.s] = 0.0
        logm = logc + other @ self.logs
        sign = sign * np.prod(np.where(other % 2 == 1, self.signs, 1.0), axis=1)
        unit = sign * (1j) ** (es % 4)
        return logm, unit, es

    def scaled(self, p: Poly) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(per-term magnitudes / scale [terms x freqs], the sum / scale, log scale) with
        scale = the largest term's magnitude at each frequency."""
        logm, unit, es = self.terms(p)
        logs = logm[:, None] + es[:, None] * self.logw[None, :]
        top = logs.max(axis=0)
        mags = np.exp(logs - top[None, :])
        return mags, (unit[:, None] * mags).sum(axis=0), top

    def value(self, p: Poly) -> tuple[np.ndarray, np.ndarray]:
        """p at every frequency as (mantissa, log scale): p = mantissa * exp(scale)."""
        if p.is_zero():
            return np.zeros(len(self.logw), dtype=complex), np.zeros(len(self.logw))
        _, total, top = self.scaled(p)
        return total, top

    def prune(self, p: Poly, eps: float) -> Poly:
        """p without its smallest terms, dropped while their summed worth (|term|/|p| at the
        worst frequency) stays within eps: |p - pruned| <= eps·|p| at every grid frequency."""
        if eps <= 0 or len(p) < 2:
            return p
        mags, total, _ = self.scaled(p)
        size = np.abs(total)
        if not np.all(size > 0):
            return p
        worth = (mags / size[None, :]).max(axis=1)
        order = np.argsort(worth, kind="stable")
        drop = order[np.cumsum(worth[order]) <= eps]
        if len(drop) == 0:
            return p
        if len(drop) >= len(p):
            drop = drop[:-1]
        keep = np.ones(len(p), dtype=bool)
        keep[drop] = False
        monoms, coeffs = p.monoms(), p.coeffs()
        return p.context().from_dict({monoms[k]: coeffs[k] for k in np.nonzero(keep)[0]})


def _grid(band: tuple[float, float], per_decade: int) -> np.ndarray:
    lo, hi = math.log10(band[0]), math.log10(band[1])
    return np.logspace(lo, hi, max(2, int(round(per_decade * (hi - lo))) + 1))


def _numeric_solve(nums: _Numbers, rows, cols: list[int], rhs_col: int, y: int) -> np.ndarray:
    """The unknown y of the system at every frequency (complex), by LU with rows scaled."""
    n = len(rows)
    f = len(nums.logw)
    m = np.zeros((f, n, n), dtype=complex)
    b = np.zeros((f, n), dtype=complex)
    where = {c: k for k, c in enumerate(cols)}
    for i, row in enumerate(rows):
        for j, p in row.items():
            mant, top = nums.value(p)
            v = mant * np.exp(top)
            if j == rhs_col:
                b[:, i] = v
            elif j in where:
                m[:, i, where[j]] = v
    scale = np.abs(m).max(axis=2)
    scale[scale == 0] = 1.0
    m /= scale[:, :, None]
    b /= scale
    with np.errstate(all="ignore"):
        try:
            return np.linalg.solve(m, b[:, :, None])[:, where[y], 0]
        except np.linalg.LinAlgError:
            return np.full(f, np.nan, dtype=complex)


def _relative_error(got: np.ndarray, want: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        err = np.abs(got - want) / np.abs(want)
    err = np.where(np.abs(want) == 0, np.where(np.abs(got) == 0, 0.0, np.inf), err)
    return float(np.nanmax(err)) if not np.isnan(err).all() else math.inf


# -- simplification before generation ------------------------------------------------------
def _before(nums: _Numbers, rows, cols, y, rhs_col, exact: np.ndarray, eps: float
            ) -> tuple[list[dict[int, Poly]], list[str]]:
    """Rows with the matrix terms dropped whose removal, all together, changes the result by
    at most eps (relative) on the grid. Returns (rows, what was dropped)."""
    rows = [dict(r) for r in rows]
    if eps <= 0:
        return rows, []
    where = {c: k for k, c in enumerate(cols)}
    # M^-1 at each frequency, for the exact change each single removal makes
    n = len(rows)
    f = len(nums.logw)
    m = np.zeros((f, n, n), dtype=complex)
    for i, row in enumerate(rows):
        for j, p in row.items():
            if j in where:
                mant, top = nums.value(p)
                m[:, i, where[j]] = mant * np.exp(top)
    try:
        inv = np.linalg.inv(m)
    except np.linalg.LinAlgError:
        return rows, []
    b = np.zeros((f, n), dtype=complex)
    for i, row in enumerate(rows):
        if rhs_col in row:
            mant, top = nums.value(row[rhs_col])
            b[:, i] = mant * np.exp(top)
    x = np.einsum("fij,fj->fi", inv, b)
    ky = where[y]
    candidates = []
    for i, row in enumerate(rows):
        if i == y:
            continue
        for j, p in row.items():
            if j not in where or j == y or len(p) < 1:
                continue
            logm, unit, es = nums.terms(p)
            monoms, coeffs = p.monoms(), p.coeffs()
            kj = where[j]
            for t in range(len(p)):
                delta = unit[t] * np.exp(logm[t] + es[t] * nums.logw)
                with np.errstate(all="ignore"):
                    change = delta * inv[:, ky, i] * x[:, kj] / (1 - delta * inv[:, kj, i])
                    worst = np.abs(change) / np.abs(exact)
                if np.all(np.isfinite(worst)) and worst.max() <= eps:
                    worst = float(worst.max())
                    candidates.append((worst, i, j, monoms[t], coeffs[t]))
    candidates.sort(key=lambda c: c[0])
    dropped = []
    for _, i, j, monom, coeff in candidates:
        p = rows[i].get(j)
        if p is None:
            continue
        d = p.to_dict()
        if monom not in d:
            continue
        del d[monom]
        trial = p.context().from_dict(d) if d else None
        saved = rows[i][j]
        if trial is None:
            del rows[i][j]
        else:
            rows[i][j] = trial
        got = _numeric_solve(nums, rows, cols, rhs_col, y)
        if _relative_error(got, exact) <= eps:
            dropped.append((i, j, monom, coeff))
        else:
            rows[i][j] = saved
    return rows, [f"{c}·{m} in ({i}, {j})" for i, j, m, c in dropped]


# -- simplification during generation ------------------------------------------------------
def _det(rows: list[dict[int, Poly]], cols: list[int], one: Poly, nums: _Numbers, eps: float
         ) -> Poly:
    """det of rows restricted to `cols` (mapped to positions in that order), expanded row by
    row over subsets of columns used, each partial sum pruned to its dominant terms."""
    pos = {c: k for k, c in enumerate(cols)}
    n = len(rows)
    entries = [{pos[j]: p for j, p in row.items() if j in pos and not p.is_zero()}
               for row in rows]
    order = _row_order(entries, n)
    last_use = {}
    for k, i in enumerate(order):
        for c in entries[i]:
            last_use[c] = k
    if len(last_use) < n:
        return one - one  # a column no row reaches: det = 0
    states: dict[int, Poly] = {0: one}
    done_rows: list[int] = []
    for k, i in enumerate(order):
        later = sum(1 for r in done_rows if r > i)
        closing = [c for c, t in last_use.items() if t == k]
        new: dict[int, Poly] = {}
        for mask, acc in states.items():
            for c, a in entries[i].items():
                bit = 1 << c
                if mask & bit:
                    continue
                nmask = mask | bit
                if any(not (nmask >> cc) & 1 for cc in closing):
                    continue
                sign = (bin(mask >> (c + 1)).count("1") + later) % 2
                term = -(acc * a) if sign else acc * a
                new[nmask] = new[nmask] + term if nmask in new else term
        states = {m: nums.prune(p, eps) for m, p in new.items() if not p.is_zero()}
        if sum(len(p) for p in states.values()) > EXPANDED_TERMS:
            raise _TooMany
        if len(states) > MAX_STATES:
            raise AnalysisError(f"the equations are too dense to expand term by term "
                                f"({len(states):,} partial expansions)")
        done_rows.append(i)
        if not states:
            return one - one
    (det,) = states.values()
    return det


def _row_order(entries: list[dict[int, Poly]], n: int) -> list[int]:
    """Rows in an order that keeps few columns open (touched and still to be used): each
    next row the one that closes most columns, then opens fewest."""
    rows_of: dict[int, set[int]] = {}
    for i, e in enumerate(entries):
        for c in e:
            rows_of.setdefault(c, set()).add(i)
    left = set(range(n))
    opened: set[int] = set()
    order = []
    while left:
        def cost(i: int, opened=opened) -> tuple:
            cols = entries[i].keys()
            closes = sum(1 for c in cols if rows_of[c] & left == {i})
            opens = sum(1 for c in cols if c not in opened)
            return (-closes, opens, len(cols), i)
        i = min(left, key=cost)
        order.append(i)
        left.discard(i)
        opened |= set(entries[i])
    return order


# -- simplification during generation, as a sequence of expressions --------------------------
class _Sequence:
    """Gaussian elimination with every quantity kept as (values on the grid, a short
    expression): a quantity built from others gets a name of its own (Y1, Y2, ...) defined
    once, so the result is a sequence of expressions whose size grows with the circuit, not
    with its number of terms (a chain of stages: a few definitions a stage). An update
    a - b is written a alone (or -b) where the other part is worth less than eps of the
    sum at every frequency of the grid: the simplification during generation."""

    def __init__(self, nums: _Numbers, ring: Ring, eps: float, taken: set[str]):
        self.nums, self.ring, self.eps = nums, ring, eps
        self.definitions: list[tuple[sympy.Symbol, sympy.Expr]] = []
        self.taken = taken

    def leaf(self, p: Poly, scale: Poly) -> tuple[np.ndarray, sympy.Expr]:
        """An entry of the equations as they were written (its row's scale divided out)."""
        p = self.nums.prune(p, self.eps)
        (a, ta), (b, tb) = self.nums.value(p), self.nums.value(scale)
        if len(scale) == 1:  # a sum of conductances and the like, written as such
            expr = sympy.expand(self.ring.to_sympy(p) / self.ring.to_sympy(scale))
        else:
            expr = RationalFunction.reduced(p, scale, self.ring).expr
        return a / b * np.exp(ta - tb), expr

    def name(self, expr: sympy.Expr) -> sympy.Expr:
        """expr itself when short, else a new name defined as expr."""
        if expr.is_Atom or sympy.count_ops(expr) <= 3:
            return expr
        k = len(self.definitions) + 1
        label = f"Y{k}"
        while label in self.taken:
            label += "_"
        symbol = sympy.Symbol(label)
        self.definitions.append((symbol, expr))
        return symbol

    def combine(self, parts: list[tuple[np.ndarray, sympy.Expr]]) -> tuple | None:
        """The sum of parts without those worth less than eps of it at every frequency."""
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        total = sum(v for v, _ in parts)
        size = np.abs(total)
        if not np.all(size > 0):
            kept = parts
        else:
            worth = [float(np.max(np.abs(v) / size)) for v, _ in parts]
            order = sorted(range(len(parts)), key=lambda k: worth[k])
            dropped, budget = set(), 0.0
            for k in order[:-1]:
                if budget + worth[k] <= self.eps:
                    budget += worth[k]
                    dropped.add(k)
            kept = [p for k, p in enumerate(parts) if k not in dropped]
        value = sum(v for v, _ in kept)
        return value, self.name(sympy.Add(*[e for _, e in kept]))


def _soe(rows: list[dict[int, Poly]], scales: list[Poly], y: int, rhs_col: int,
         nums: _Numbers, eps: float, ring: Ring) -> tuple[np.ndarray, sympy.Expr, list]:
    """y by elimination as a sequence of expressions (see _Sequence): pivots farthest from
    the driven rows first, so that a chain of stages is solved from its load back to its
    source and y comes out as the product of the stage gains."""
    n = len(rows)
    seq = _Sequence(nums, ring, eps, {str(g) for g in ring.gens})
    live = [{j: seq.leaf(p, k) for j, p in row.items() if j != rhs_col and not p.is_zero()}
            for row, k in zip(rows, scales, strict=True)]
    rhs = [seq.leaf(row[rhs_col], k) if rhs_col in row else None
           for row, k in zip(rows, scales, strict=True)]
    driven = {i for i, r in enumerate(rhs) if r is not None}
    far = _distances(live, driven, n)
    col_rows: dict[int, set[int]] = {}
    for i, row in enumerate(live):
        for j in row:
            col_rows.setdefault(j, set()).add(i)
    steps = []
    left = set(range(n))
    while left:
        def cost(e, col_rows=col_rows):
            i, j = e
            v = live[i][j][0]
            return (i in driven, -far[i], (len(live[i]) - 1) * (len(col_rows[j]) - 1),
                    -float(np.min(np.abs(v))), i, j)
        candidates = [(i, j) for i in left for j in live[i]]
        if not candidates:
            raise AnalysisError("the equations are singular at the nominal values")
        p, q = min(candidates, key=cost)
        prow, (pv, pe) = live[p], live[p][q]
        for i in list(col_rows[q]):
            if i == p or i not in left:
                continue
            fv, fe = live[i].pop(q)
            ratio_v, ratio_e = fv / pv, seq.name(fe / pe)
            for j, (bv, be) in prow.items():
                if j == q:
                    continue
                new = seq.combine([live[i].get(j), (-ratio_v * bv, -ratio_e * be)])
                live[i][j] = new
                col_rows.setdefault(j, set()).add(i)
            if rhs[p] is not None:
                rv, re = rhs[p]
                rhs[i] = seq.combine([rhs[i], (-ratio_v * rv, -ratio_e * re)])
        steps.append((q, {j: b for j, b in prow.items() if j != q}, (pv, pe), rhs[p]))
        left.discard(p)
        for j in prow:
            col_rows.get(j, set()).discard(p)
    x: dict[int, tuple[np.ndarray, sympy.Expr]] = {}
    for q, others, (pv, pe), r in reversed(steps):
        parts = [r] + [(-bv * x[j][0], -be * x[j][1]) for j, (bv, be) in others.items()
                       if x.get(j) is not None]
        total = seq.combine(parts)
        x[q] = None if total is None else (total[0] / pv, seq.name(total[1] / pe))
    if x.get(y) is None:
        return np.zeros(len(nums.logw), dtype=complex), sympy.S.Zero, seq.definitions
    value, expr = x[y]
    definitions, expr = _needed(expr, seq.definitions)
    return value, expr, definitions


def _needed(expr: sympy.Expr, definitions: list
            ) -> tuple[list[tuple[sympy.Symbol, sympy.Expr]], sympy.Expr]:
    """The definitions expr uses, in order (each after the ones it uses), renumbered, and
    expr with the new names."""
    by = dict(definitions)
    need, stack = set(), [expr]
    while stack:
        for x in stack.pop().free_symbols:
            if x in by and x not in need:
                need.add(x)
                stack.append(by[x])
    kept = [(k, v) for k, v in definitions if k in need]
    # numbered 1, 2, ... in order of use (names the circuit has are skipped)
    rename, taken = {}, {str(x) for x in expr.free_symbols} - {str(k) for k, _ in kept}
    for k, _ in kept:
        n = len(rename) + 1
        label = f"Y{n}"
        while label in taken:
            label += "_"
        rename[k] = sympy.Symbol(label)
    return [(rename[k], v.xreplace(rename)) for k, v in kept], expr.xreplace(rename)


def _distances(live, driven: set[int], n: int) -> list[int]:
    """Each unknown's distance from the driven rows in the matrix's graph."""
    far = [n] * n
    frontier = list(driven)
    for i in frontier:
        far[i] = 0
    while frontier:
        nxt = []
        for i in frontier:
            for j in live[i]:
                if far[j] > far[i] + 1:
                    far[j] = far[i] + 1
                    nxt.append(j)
            for k in range(n):  # rows that reach i's column
                if i in live[k] and far[k] > far[i] + 1:
                    far[k] = far[i] + 1
                    nxt.append(k)
        frontier = nxt
    return far


# -- the whole route -----------------------------------------------------------------------
def _useful_band(ring: Ring, rows, y: int, rhs_col: int, values) -> tuple[float, float]:
    """BAND, ended where |H| has fallen USEFUL_DB under its largest value in BAND."""
    nums = _Numbers(ring, values, _grid(BAND, CHECK_PER_DECADE))
    if nums.s is None:
        return BAND
    freqs = _grid(BAND, CHECK_PER_DECADE)
    h = np.abs(_numeric_solve(nums, rows, list(range(y + 1)), rhs_col, y))
    if not np.all(np.isfinite(h)) or h.max() == 0:
        return BAND
    peak = int(np.argmax(h))
    low = np.nonzero(h[peak:] < h[peak] * 10 ** (-USEFUL_DB / 20))[0]
    if len(low) == 0:
        return BAND
    return (BAND[0], float(freqs[peak + low[0]]))


def _estimate(ring: Ring, rows, scales, y: int, rhs_col: int, values, eps: float,
              band: tuple[float, float] | None) -> Estimate:
    if band is None:
        band = _useful_band(ring, rows, y, rhs_col, values)
    nums = _Numbers(ring, values, _grid(band, PRUNE_PER_DECADE))
    check = _Numbers(ring, values, _grid(band, CHECK_PER_DECADE))
    has_s = nums.s is not None
    cols = list(range(y + 1))
    exact = _numeric_solve(nums, rows, cols, rhs_col, y)
    exact_check = _numeric_solve(check, rows, cols, rhs_col, y)
    if not np.all(np.isfinite(exact_check)):
        raise AnalysisError("the equations are singular at the nominal values")
    one = ring.ctx.constant(1)
    num_cols = [c if c != y else rhs_col for c in cols]
    before, during = BEFORE * eps, DURING * eps
    expanded = True
    best = None
    for _ in range(TRIES):
        simple, dropped = _before(nums, rows, cols, y, rhs_col, exact, before)
        value, expr, definitions = None, None, []
        if expanded:
            try:
                den = _det(simple, cols, one, nums, during)
                num = _det(simple, num_cols, one, nums, during)
                if den.is_zero():
                    raise AnalysisError("the approximate determinant vanished")
                value = RationalFunction.reduced(num, den if not num.is_zero() else one, ring)
            except _TooMany:
                expanded = False
        if value is not None:
            (n_m, n_t), (d_m, d_t) = check.value(value.num), check.value(value.den)
            with np.errstate(all="ignore"):
                got = n_m / d_m * np.exp(n_t - d_t)
        else:
            _, expr, definitions = _soe(simple, scales, y, rhs_col, nums, during, ring)
            got = evaluate(expr, definitions, check, ring)
        error = _relative_error(got, exact_check)
        if best is None or error < best.error:
            best = Estimate(value, error, band if has_s else None,
                            len(check.logw) if has_s else 1, eps, dropped, expr, definitions)
        if error <= eps:
            break
        before, during = before / SHRINK, during / SHRINK
    return best


def evaluate(expr: sympy.Expr, definitions: list, nums: _Numbers, ring: Ring) -> np.ndarray:
    """A sequence of expressions at the nominal values on the grid of `nums` (numpy)."""
    names = [g for g in ring.gens if str(g) != "s"]
    s = next((g for g in ring.gens if str(g) == "s"), sympy.Symbol("s"))
    point = {g: float(np.exp(nums.logs[i]) * nums.signs[i]) for i, g in enumerate(ring.gens)
             if str(g) != "s"}
    del names
    freqs = np.exp(nums.logw) if nums.s is not None else np.zeros(1)
    sval = 1j * freqs
    known: dict[sympy.Symbol, np.ndarray] = {}
    for symbol, e in [*definitions, (None, expr)]:
        e = e.xreplace({k: v for k, v in point.items()})
        args = [s, *known]
        f = sympy.lambdify(args, e, "numpy")
        with np.errstate(all="ignore"):
            v = np.broadcast_to(np.asarray(f(sval, *known.values()), dtype=complex),
                                sval.shape)
        if symbol is None:
            return v
        known[symbol] = v
    raise AssertionError("unreachable")


__all__ = ["BAND", "Estimate", "estimate", "estimate_impedance", "estimate_transfer", "evaluate"]
