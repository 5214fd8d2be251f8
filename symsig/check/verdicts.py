"""Answer tests as named, composable checks (as STACK's AlgEquiv, FacForm, ...): each is one
small function of a `Case` (an answer against an expected result) returning an `Outcome` — a
verdict and a reason — so a grader asks for "equivalent and uses ∥" without new code.

Checks on the value: `equivalent`, `equal_in_limit`, `find_limit`, `within_tolerance`.
Checks on the form: `factored`, `uses_parallel`, `excludes`, `includes`. `requirement(text)`
reads an instructor's words ("factored", "uses ||", "no ro") into a form check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..engine.rational import Undefined
from .answers import ADD, INV, MUL, NEG, PAR, POW, AnswerError, Node
from .names import device_stem, is_gain
from .program import finite
from .world import pretty, si

#: Relative difference under which two values at a point count as equal.
CLOSE = 1e-9


@dataclass
class Outcome:
    """What one named check found: `passed` (None: it could not decide), a one-line reason,
    and details (numbers, the limits taken, ...)."""

    name: str
    passed: bool | None
    reason: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "reason": self.reason,
                **({"details": self.details} if self.details else {})}


def relative_error(a, e) -> float:
    if e == 0:
        return abs(a) if a != 0 else 0.0
    return abs(a - e) / abs(e)


# -- value checks -------------------------------------------------------------------------------

def equivalent(case) -> Outcome:
    """Equal as functions: equal at random plausible points, then confirmed exactly (cancelling
    answer − expected as polynomials in python-flint) where that is cheap."""
    world, answer = case.world, case.answer
    if answer.infinite or world.infinite:
        same = answer.infinite and world.infinite
        what = "infinite" if world.infinite else "finite"
        return Outcome("equivalent", same, "both are infinite" if same else
                       f"the expected result is {what}, the answer is not")
    a, e = case.values, world.values
    valid = world.valid(a)
    worst, err = None, 0.0
    for p in valid:
        r = relative_error(a[p], e[p])
        if r > err:
            worst, err = p, r
    numeric_close = bool(valid) and err <= CLOSE
    if not case.exact_is_cheap():
        if not valid:
            return Outcome("equivalent", None, "no point where both sides are defined")
        if numeric_close:
            return Outcome("equivalent", True, f"equal at {len(valid)} random points (the exact "
                           "comparison is too large to run)", {"method": "random points"})
        return Outcome("equivalent", False, "not equal", {"method": "random points",
                                                          "point": worst, "error": err})
    if numeric_close or err < 1e-6 or not valid:
        same = case.exactly_equal()
        if same:
            return Outcome("equivalent", True, "equal (confirmed exactly)", {"method": "exact"})
        if numeric_close:
            return Outcome("equivalent", False, f"not exactly equal, though within {err:.1g} "
                           "at every point tried", {"method": "exact", "point": worst,
                                                    "error": err, "tiny": True})
    return Outcome("equivalent", False, "not equal", {"method": "random points" if worst
                                                      is not None else "exact",
                                                      "point": worst, "error": err})


def _limit_text(limits: Sequence[tuple[str, object]]) -> str:
    return ", then ".join(f"{pretty(n)} → {'∞' if v == 'oo' else v}" for n, v in limits)


def equal_in_limit(case, limits: Sequence[tuple[str, object]], screen: bool = False) -> Outcome:
    """Equal in a stated limit (r_o → ∞, β → ∞, A → ∞, g_mb → 0, taken in the order given): the
    ratio answer/expected → 1 (the difference → 0 where the expected result is 0)."""
    name = "equal_in_limit"
    limits = [(n, v) for n, v in limits if n in case.used]
    if not limits:
        return Outcome(name, False, "none of the limits applies to these results")
    text = _limit_text(limits)
    if screen and not case.limit_screen(limits):
        return Outcome(name, False, f"not equal as {text}")
    try:
        ratio, kind = case.limit_ratio(limits)
    except (Undefined, ZeroDivisionError):
        return Outcome(name, False, f"not defined as {text}")
    if not ratio:
        return Outcome(name, False, f"not equal as {text}", {"limits": limits})
    how = "equal as" if kind == "value" else "equal to leading order as"
    return Outcome(name, True, f"{how} {text}", {"limits": limits, "kind": kind})


def find_limit(case) -> Outcome:
    """The simplest textbook limit in which the answer is right, if any: r_o → ∞, β → ∞,
    A → ∞, g_mb → 0, alone or together."""
    families = case.limit_families()
    for size in range(1, len(families) + 1):
        for combo in itertools.combinations(families, size):
            limits = [lim for fam in combo for lim in fam]
            out = equal_in_limit(case, limits, screen=True)
            if out.passed:
                out.name = "find_limit"
                return out
    return Outcome("find_limit", False, "not equal in any of the usual limits "
                   f"({', '.join(_limit_text(f) for f in families) or 'none apply'})")


def within_tolerance(case, tolerance: float, values: dict) -> Outcome:
    """Within a relative error of the expected result at given nominal values."""
    name = "within_tolerance"
    try:
        a, e = case.nominal(values)
    except KeyError as exc:
        return Outcome(name, None, f"no value for {pretty(exc.args[0])} to compare at")
    if not (finite(a) and finite(e)):
        return Outcome(name, None, "not defined at the given values")
    err = relative_error(a, e)
    dims = case.expected_dims
    shown = f"{si(a, dims)} against {si(e, dims)}"
    return Outcome(name, err <= tolerance,
                   f"{shown}: {_percent(err)} off at the given values "
                   f"({'within' if err <= tolerance else 'more than'} {_percent(tolerance)})",
                   {"answer": _json_number(a), "expected": _json_number(e), "error": err,
                    "tolerance": tolerance})


def _percent(x: float) -> str:
    return f"{100 * x:.2g} %" if x < 10 else f"{x:.3g}×"


def _json_number(x):
    return x if isinstance(x, float) else str(x)


# -- form checks --------------------------------------------------------------------------------

def uses_parallel(case) -> Outcome:
    """The answer uses the parallel operator (|| or ∥)."""
    used = case.answer.uses_parallel
    return Outcome("uses_parallel", used, "uses ∥" if used else "does not use ∥ (write, "
                   "e.g., R_C || r_o)")


def _matches(name: str, spec: str) -> bool:
    d = device_stem(name)
    return name == spec or (d is not None and d[0] == spec)


def excludes(case, spec: str) -> Outcome:
    """The answer leaves a symbol out (a device stem such as `ro` covers every device's)."""
    found = sorted(n for n in case.answer.symbols if _matches(n, spec))
    return Outcome(f"excludes_{spec}", not found,
                   f"uses {', '.join(pretty(n) for n in found)}, which the question leaves out"
                   if found else f"does not use {pretty(spec)}")


def includes(case, spec: str) -> Outcome:
    """The answer uses a symbol (a device stem covers every device's)."""
    found = sorted(n for n in case.answer.symbols if _matches(n, spec))
    return Outcome(f"includes_{spec}", bool(found),
                   f"uses {', '.join(pretty(n) for n in found)}" if found
                   else f"does not use {pretty(spec)}")


def factored(case) -> Outcome:
    """In factored form: a product (quotient, power, parallel combination) of factors, each
    sum among them not splitting further over the integers (no common factor left in it)."""
    tree = case.answer.tree
    if tree is None:
        return Outcome("factored", True, "a single value")
    while tree.op == NEG:
        tree = tree.args[0]
    if tree.op == ADD:
        return Outcome("factored", False, "a sum at the top level, not a product of factors")
    sums: list[Node] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.op == ADD:
            sums.append(node)
        elif node.op in (MUL, INV, POW, NEG, PAR):
            stack.extend(node.args)
    for node in sums:
        n = case.node_numerator(node)
        content, factors = n.factor()
        if abs(int(content)) != 1 or len(factors) > 1 or any(int(e) > 1 for _, e in factors):
            shown = case.node_text(node)
            return Outcome("factored", False, f"the sum {shown} factors further")
    return Outcome("factored", True, "in factored form")


_FORMS: dict[str, Callable] = {
    "factored": factored, "factored form": factored, "in factored form": factored,
    "parallel": uses_parallel, "uses parallel": uses_parallel, "uses ||": uses_parallel,
    "uses ∥": uses_parallel, "||": uses_parallel, "∥": uses_parallel,
    "uses_parallel": uses_parallel,
}


def requirement(text: str, vocabulary=None) -> tuple[str, Callable]:
    """An instructor's form requirement as (its text, a check of a Case): "factored",
    "uses ||", "no ro" (or "no r_o", "without ro", "no:ro"), "uses beta"."""
    words = " ".join(text.strip().split())
    low = words.lower()
    if low in _FORMS:
        return words, _FORMS[low]
    for prefix, check in (("no:", excludes), ("no ", excludes), ("without ", excludes),
                          ("uses ", includes), ("uses:", includes), ("with ", includes)):
        if low.startswith(prefix):
            spec = _spec(words[len(prefix):].strip(), vocabulary)
            return words, lambda case, spec=spec, check=check: check(case, spec)
    raise AnswerError(f"unknown form requirement {text!r}: one of factored, uses ||, "
                      "no NAME, uses NAME")


def _spec(typed: str, vocabulary) -> str:
    """A symbol or device stem named in a requirement (r_o -> ro, β -> beta)."""
    from .names import canonical

    key = canonical(typed)
    key = {"rπ": "rpi", "hfe": "beta"}.get(key, key)
    if device_stem(key) is not None and device_stem(key)[1] == "":
        return key
    if vocabulary is not None:
        try:
            kind, name = vocabulary.resolve(typed)
            if kind == "sym":
                return name
        except AnswerError:
            pass
    return key


def is_device_limit(name: str) -> bool:
    d = device_stem(name)
    return (d is not None and d[0] in ("ro", "beta", "gmb")) or is_gain(name)
