"""What a wrong answer got wrong, where a known mistake fits.

Each diagnosis is screened numerically at the check's random points (cheap), then confirmed
exactly (python-flint) before it is reported:

- dimension: the answer adds unlike quantities, or is in other units than the expected result;
- sign: the answer is −1 × the expected result;
- factor: off by a constant factor (which), or by a symbol (g_m, α, β+1, ...), or the
  reciprocal;
- beta_plus_one / alpha_one: β where β+1 belongs (or the reverse), α where 1 belongs;
- swapped / replaced: two symbols swapped, or one used where another belongs;
- missing / extra: an element missing (the expected result with R_L open equals the answer:
  "R_L is missing") or extra, alone or together with a usual limit (r_o → ∞, β → ∞);
- term: a term added or dropped (the difference is one term of one side), or a small difference.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from .answers import ADD, INV, MUL, NEG, NUM, SYM, run
from .checker import Diagnosis
from .names import device_stem, quantity
from .program import DimensionError, dim_text, finite, reduce
from .verdicts import is_device_limit
from .world import pretty

_SCREEN = 1e-7
_BIG = 1e12


def _close(a: list, b: list, valid: list[int], tol: float = _SCREEN) -> bool:
    if not valid:
        return False
    for p in valid:
        x, y = a[p], b[p]
        if not (finite(x) and finite(y)):
            return False
        if abs(x - y) > tol * max(abs(x), abs(y), 1e-300):
            return False
    return True


def diagnose(case) -> list[Diagnosis]:
    """Known mistakes that explain a wrong answer, most specific first (possibly none)."""
    out: list[Diagnosis] = []
    dim = _dimension(case)
    if dim is not None:
        out.append(dim)
    if case.answer.infinite or case.world.infinite or not case.exact_is_cheap() or \
            (case.answer.is_number and case.world.used()):
        return out
    a, e = case.values, case.world.values
    valid = [p for p in case.world.valid(a) if e[p] != 0]
    # exact explanations first, then those that need a usual limit too (one in which the
    # answer is not already right: a limit that makes it right explains nothing)
    found = _factor(case, a, e, valid) or _structure(case) or \
        _leaf_mutations(case, a, e, valid, [[]]) or _symbolic_factor(case, a, e, valid) or \
        _elements(case, a, e, valid, [[]])
    if found:
        return out + found
    sets = [s for s in _limit_sets(case) if s and not case.limit_screen(s)]
    for finder in (_leaf_mutations, _elements):
        found = finder(case, a, e, valid, sets)
        if found:
            return out + found
    return out + _difference(case)


# -- dimension ----------------------------------------------------------------------------------

def _dimension(case) -> Diagnosis | None:
    try:
        mine = case.dims
    except DimensionError as exc:
        return Diagnosis("dimension", f"the answer adds quantities of different units "
                         f"({exc}): check each term", {"terms": str(exc)})
    theirs = case.expected_dims
    if mine is None or theirs is None or mine == theirs:
        return None
    return Diagnosis("dimension", f"the answer is {dim_text(mine)}, the expected result "
                     f"{dim_text(theirs)}", {"answer": list(mine), "expected": list(theirs)})


# -- factors ------------------------------------------------------------------------------------

def _factor(case, a, e, valid) -> list[Diagnosis]:
    if not valid:
        return []
    ratios = [a[p] / e[p] for p in valid]
    r0 = ratios[0]
    if all(abs(r - r0) <= _SCREEN * max(abs(r0), 1e-300) for r in ratios) and \
            abs(complex(r0).imag) <= _SCREEN * abs(r0):
        c = complex(r0).real
        frac = Fraction(c).limit_denominator(1000)
        if frac != 0 and abs(float(frac) - c) <= 1e-9 * abs(c) and _confirm_factor(case, frac):
            if frac == -1:
                return [Diagnosis("sign", "sign error: the answer is −1 × the expected result",
                                  {"factor": -1})]
            sign = " (and the sign)" if frac < 0 else ""
            return [Diagnosis("factor", f"off by a constant factor {frac}{sign}: the answer "
                              f"is {frac} × the expected result", {"factor": str(frac)})]
        if c != 0:
            return [Diagnosis("factor", f"off by a constant factor {c:.6g}: the answer is "
                              f"{c:.6g} × the expected result", {"factor": c})]
    inv = [1 / (a[p] * e[p]) if a[p] * e[p] != 0 else float("nan") for p in valid]
    if all(finite(x) and abs(x - 1) <= _SCREEN for x in inv):
        an, ad = case.exact
        en, ed = case.world.target
        if an * en == ad * ed:
            return [Diagnosis("reciprocal", "the answer is the reciprocal of the expected "
                              "result (a conductance for a resistance?)")]
    return []


def _symbolic_factor(case, a, e, valid) -> list[Diagnosis]:
    """Off by a symbol: g_m, 1/g_m, α, β+1, ..."""
    if not valid:
        return []
    ratios = [a[p] / e[p] for p in valid]
    for label, values, pair in _factor_candidates(case):
        for power in (1, -1):
            for sign in (1, -1):
                f = [sign * (v if power == 1 else 1 / v) for v in values]
                if _close(ratios, [f[p] for p in valid], list(range(len(valid)))) and \
                        _confirm_symbolic(case, pair, power, sign):
                    return [_symbol_factor(label, power, sign)]
    return []


def _confirm_factor(case, frac: Fraction) -> bool:
    an, ad = case.exact
    en, ed = case.world.target
    return an * ed * frac.denominator == en * ad * frac.numerator


def _factor_candidates(case):
    """(label, values at the points, exact pair) of each symbolic factor worth trying."""
    world, space = case.world, case.space
    names = sorted((set(case.answer.symbols) | set(case.checker.expected_names)
                    | case.used) - {"pi", "s"})
    seen = set()
    for n in names:
        try:
            values = world.floats(n)
        except KeyError:
            continue
        if n not in seen:
            seen.add(n)
            yield pretty(n), values, space.leaf(n)
    for k, kind in case.vocab.families.items():
        if kind in ("bjt", "transistor") and "beta" + k in case.used:
            beta = world.floats("beta" + k)
            one = space.algebra.one
            bn, bd = space.leaf("beta" + k)
            yield (f"{pretty('alpha' + k)} = β/(β+1)",
                   [b / (b + 1) for b in beta], (bn, bn + bd))
            yield f"(β{k}+1)", [b + 1 for b in beta], (bn + bd, bd if bd != one else one)


def _confirm_symbolic(case, pair, power, sign) -> bool:
    an, ad = case.exact
    en, ed = case.world.target
    fn, fd = pair if power == 1 else (pair[1], pair[0])
    return an * ed * fd == sign * en * ad * fn


def _symbol_factor(label: str, power: int, sign: int) -> Diagnosis:
    signed = " and the sign" if sign < 0 else ""
    if label.startswith("α") or "β/(β+1)" in label:
        msg = ("the answer has a factor α too many (α where 1 belongs)" if power == 1 else
               "the answer lacks a factor α (1 where α belongs: i_c = α i_e, not i_e)")
        return Diagnosis("alpha_one", msg + signed, {"factor": label, "power": power})
    if label.startswith("(β"):
        msg = ("the answer has a factor (β+1) too many" if power == 1 else
               "the answer lacks a factor (β+1)")
        return Diagnosis("beta_plus_one", msg + signed, {"factor": label, "power": power})
    what = (f"the answer is {label} × the expected result (a factor {label} too many)"
            if power == 1 else
            f"the answer is the expected result divided by {label} (a factor {label} missing)")
    return Diagnosis("symbol_factor", what + signed, {"factor": label, "power": power})


# -- changed leaves: β ±1, α -> 1, swapped or replaced symbols -------------------------------

def _mutants(case):
    """(program, diagnosis) for each small change of the typed answer worth trying: β -> β±1
    and α -> 1 at one occurrence or all, two symbols swapped, one symbol (at one occurrence or
    all) replaced by one the expected result uses and the answer does not."""
    answer = case.answer
    program = answer.program
    sites: dict[str, list[int]] = {}
    for i, (op, arg) in enumerate(program):
        if op == SYM:
            sites.setdefault(arg, []).append(i)

    def at(where, make) -> tuple:
        out = list(program)
        for i in sorted(where, reverse=True):
            out[i:i + 1] = make(program[i][1])
        return tuple(out)

    def choices(name):
        spots = sites[name]
        return [spots] + ([[i] for i in spots] if len(spots) > 1 else [])

    for n in sorted(sites):
        d = device_stem(n)
        if d and d[0] == "beta":
            for where in choices(n):
                yield at(where, lambda x: [(SYM, x), (NUM, Fraction(1)), (ADD, 2)]), Diagnosis(
                    "beta_plus_one", f"β+1 belongs where the answer has {pretty(n)} (an "
                    "emitter current is (β+1)·i_b, a collector current β·i_b)",
                    {"symbol": n, "should_be": "beta+1"})
                yield at(where, lambda x: [(SYM, x), (NUM, Fraction(-1)), (ADD, 2)]), Diagnosis(
                    "beta_plus_one", f"β belongs where the answer has {pretty(n)}+1 (a "
                    "collector current is β·i_b, an emitter current (β+1)·i_b)",
                    {"symbol": n, "should_be": "beta"})
        if d and d[0] == "alpha":
            for where in choices(n):
                yield at(where, lambda x: [(NUM, Fraction(1))]), Diagnosis(
                    "alpha_one", f"1 belongs where the answer has {pretty(n)}", {"symbol": n})
    for k, kind in ((Fraction(-1), "sign"), (Fraction(2), "factor"), (Fraction(1, 2), "factor")):
        scaled = program + ((NUM, 1 / k), (MUL, 2))
        yield scaled, Diagnosis(kind, "sign error: the answer is −1 × the expected result"
                                if kind == "sign" else f"off by a constant factor {k}: the "
                                f"answer is {k} × the expected result", {"factor": str(k)})
    names = sorted(set(sites) - {"s"})
    for x, y in itertools.combinations(names, 2):
        if _kind(x) == _kind(y):
            swapped = tuple((SYM, {x: y, y: x}.get(arg, arg)) if op == SYM else (op, arg)
                            for op, arg in program)
            yield swapped, Diagnosis("swapped", f"{pretty(x)} and {pretty(y)} are swapped",
                                     {"symbols": [x, y]})
    missing = sorted(set(case.checker.expected_names) - set(sites) - {"s"})
    for x in names:
        for y in missing:
            if _kind(x) != _kind(y):
                continue
            for where in choices(x):
                which = "" if len(where) == len(sites[x]) else " (at one of its places)"
                yield at(where, lambda _, y=y: [(SYM, y)]), Diagnosis(
                    "replaced", f"{pretty(y)} belongs where the answer has {pretty(x)}{which}",
                    {"used": x, "should_be": y})


def _leaf_mutations(case, a, e, valid, limit_sets) -> list[Diagnosis]:
    if not valid:
        return []
    world, space = case.world, case.space
    for program, diagnosis in _mutants(case):
        try:
            got = run(program, world.algebra, world.floats)
        except (KeyError, OverflowError, ZeroDivisionError):
            continue
        if _close(got, a, valid, 1e-12):
            continue  # the change changes nothing (R_C || R_L with R_C, R_L swapped)
        scaled = diagnosis.kind in ("sign", "factor")  # found exactly by _factor already
        changed = set(diagnosis.details.get("symbols", ())) | {
            diagnosis.details.get(k) for k in ("used", "symbol", "should_be")}
        for limits in limit_sets:
            if (not limits and scaled) or changed & {n for n, _ in limits}:
                continue  # nothing to say about a symbol taken to its limit
            if not limits:
                if not _close(got, e, valid):
                    continue
            elif not case.limit_screen(limits, program):
                continue
            try:
                pair = reduce(*space.exact(program))
            except (KeyError, ZeroDivisionError):
                break
            if case.equal_in(pair, limits):
                if limits:
                    diagnosis.message += " (taking " + ", ".join(
                        f"{pretty(n)} → {'∞' if v == 'oo' else v}" for n, v in limits) + ")"
                    diagnosis.details["limits"] = [[n, str(v)] for n, v in limits]
                return [diagnosis]
    return []


def _limit_sets(case) -> list[list]:
    """No limit, the limits the question allows, each usual limit alone, and the first two
    together."""
    out = [[]]
    if case.checker.limits:
        out.append([lim for lim in case.checker.limits if lim[0] in case.used])
    families = case.limit_families()
    for fam in families + ([families[0] + families[1]] if len(families) > 1 else []):
        if fam not in out:
            out.append(fam)
    return [x for i, x in enumerate(out) if i == 0 or x]


def _kind(name: str) -> tuple:
    d = device_stem(name)
    q = quantity(name)
    return (q.dims, d[0] if d and q.dims is None else None)


# -- missing or extra elements ------------------------------------------------------------------

def _elements(case, a, e, valid, limit_sets) -> list[Diagnosis]:
    """The expected result with one element open (→ ∞) or shorted (→ 0), perhaps in a usual
    limit too, equal to the answer: that element is missing; the reverse: it is extra."""
    world = case.world
    if not valid:
        return []
    used = case.used
    elements = sorted(n for n in used if _is_element(n))
    # a transistor's r_o is an element too where the answer keeps other output resistances
    # (an active load's r_o2 forgotten), not where it leaves them all out (r_o -> oo)
    kept = {n for n in case.answer_basis if (device_stem(n) or ("",))[0] == "ro"}
    if kept:
        elements += sorted(n for n in used if (device_stem(n) or ("",))[0] == "ro")
    en, ed = world.target
    an, ad = case.exact
    for limits in limit_sets:
        for y in elements:
            if y in {n for n, _ in limits}:
                continue
            for to in ("oo", 0):
                # missing: the expected result with y open/shorted equals the answer
                if y in world.used() and y not in case.answer_basis and \
                        _screen_target(case, y, to, limits, a, valid):
                    n, d = case.at_limits(reduce(en * ad, ed * an), [(y, to), *limits])
                    if not d.is_zero() and n == d:
                        return [_element_diagnosis("missing", y, to, limits)]
                # extra: the answer with y open/shorted equals the expected result
                if y in case.answer_basis and y not in world.used() and \
                        _screen_answer(case, y, to, limits, e, valid):
                    n, d = case.at_limits(reduce(an * ed, ad * en), [(y, to), *limits])
                    if not d.is_zero() and n == d:
                        return [_element_diagnosis("extra", y, to, limits)]
    return []


def _is_element(name: str) -> bool:
    if name in ("s", "pi") or device_stem(name) is not None or is_device_limit(name):
        return False
    q = quantity(name)
    return q.what in ("resistance", "capacitance", "inductance", "conductance")


def _changes(case, point, y, to, limits):
    changes = {}
    m = len(limits)
    for j, (name, lim) in enumerate([*limits]):
        base = case.world.float_points[point][case.space.index[name]]
        scale = 10.0 ** (8 * (m - j) + 4)
        changes[name] = base * scale if lim == "oo" else base / scale
    base = case.world.float_points[point][case.space.index[y]]
    changes[y] = base * _BIG if to == "oo" else base / _BIG
    return changes


def _screen_target(case, y, to, limits, a, valid) -> bool:
    for p in valid[:2]:
        e = case.world.target_at(_changes(case, p, y, to, limits), p)
        if not (finite(e) and finite(a[p])) or abs(e - a[p]) > 1e-4 * max(abs(e), abs(a[p])):
            return False
    return True


def _screen_answer(case, y, to, limits, e, valid) -> bool:
    for p in valid[:2]:
        changes = _changes(case, p, y, to, limits)
        override = {n: [v if q == p else case.world.floats(n)[q]
                        for q in range(case.world.size)] for n, v in changes.items()}
        got = case._with_basis(override)[p]
        target = case.world.target_at({n: v for n, v in changes.items() if n != y}, p) \
            if limits else e[p]
        if not (finite(got) and finite(target)) or \
                abs(got - target) > 1e-4 * max(abs(got), abs(target)):
            return False
    return True


def _element_diagnosis(kind: str, y: str, to, limits) -> Diagnosis:
    q = quantity(y).what
    if q == "capacitance" or q == "conductance":
        how = "open (→ 0)" if to == 0 else "shorted (→ ∞)"
    else:
        how = "open (→ ∞)" if to == "oo" else "shorted (→ 0)"
    also = ""
    if limits:
        also = " and " + ", ".join(f"{pretty(n)} → {'∞' if v == 'oo' else v}"
                                   for n, v in limits)
    if kind == "missing":
        msg = (f"{pretty(y)} is missing: the answer is the expected result with {pretty(y)} "
               f"{how}{also}")
    else:
        msg = (f"{pretty(y)} should not be there: the expected result is the answer with "
               f"{pretty(y)} {how}{also}")
    return Diagnosis(kind, msg, {"element": y, "to": str(to),
                                 "limits": [[n, str(v)] for n, v in limits]})


# -- terms ----------------------------------------------------------------------------------------

def _structure(case) -> list[Diagnosis]:
    """A term or a factor of one side, as typed, added or dropped: answer − expected is one
    top-level term of a side, or answer/expected one top-level factor."""
    an, ad = case.exact
    en, ed = case.world.target
    for node, power, where in _top(case, MUL):
        try:
            tn, td = reduce(*case.space.exact(_program(node)))
        except (KeyError, ZeroDivisionError):
            continue
        if tn.is_constant() and td.is_constant():
            continue
        p = power if where == "answer" else -power  # answer = expected * t^p ?
        if an * ed * td**max(p, 0) * tn**max(-p, 0) == \
                en * ad * tn**max(p, 0) * td**max(-p, 0):
            text = case.node_text(node)
            if where == "answer":
                return [Diagnosis("term", f"the factor {text} should not be there",
                                  {"factor": text, "term": text})]
            return [Diagnosis("term", f"the factor {text} is missing",
                              {"factor": text, "term": text})]
    dn, dd = reduce(an * ed - en * ad, ad * ed)
    if dn.is_zero():
        return []
    for node, sign, where in _top(case, ADD):
        try:
            tn, td = reduce(*case.space.exact(_program(node)))
        except (KeyError, ZeroDivisionError):
            continue
        if sign * tn * dd == dn * td:
            text = case.node_text(node)
            if where == "answer":
                return [Diagnosis("term", f"the term {text} should not be there",
                                  {"term": text})]
            return [Diagnosis("term", f"the term {text} is missing", {"term": text})]
    return []


def _difference(case) -> list[Diagnosis]:
    """A small difference answer − expected, said as it is."""
    an, ad = case.exact
    en, ed = case.world.target
    dn, dd = reduce(an * ed - en * ad, ad * ed)
    if dn.is_zero() or len(dn) + len(dd) > 8:
        return []
    diff = case.space.rational((dn, dd))
    return [Diagnosis("term", f"the answer exceeds the expected result by {_show(diff)}",
                      {"difference": _show(diff)})]


def _program(node):
    from .answers import compile_tree

    return compile_tree(node)


def _top(case, op):
    """The top-level terms (op ADD: (node, sign, side)) or factors (op MUL: (node, power,
    side)) of the answer and, when it was typed, of the expected result. A term t of the
    answer with answer − expected = t is extra; one of the expected result with
    answer − expected = −t is missing; likewise for factors and the ratio."""
    sides = [(case.answer.tree, 1, "answer")]
    exp = case.checker.expected_answer
    if exp is not None and exp.tree is not None:
        sides.append((exp.tree, -1, "expected"))
    for tree, sign, where in sides:
        if tree is None:
            continue
        node, s = tree, sign
        while node.op == NEG:
            node = node.args[0]
            s = -s if op == ADD else s
        if node.op != op:
            continue
        for t in node.args:
            if op == MUL:
                yield (t.args[0], -1, where) if t.op == INV else (t, 1, where)
            else:
                yield t, s, where


def _show(rf) -> str:
    names = {g: sympy.Symbol(pretty(g.name)) for g in rf.ring.gens if g.is_Symbol}
    return str(rf.expr.xreplace(names)).replace("**", "^").replace("*", "·")


