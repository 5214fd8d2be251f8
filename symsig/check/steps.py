"""Step checking: a student's derivation as lines, each claimed equal to the one before (and the
last to the expected result); the first line that is not is named, with what changed (a sign,
a factor, a term added or dropped, a symbol swapped, an element missing).

A line may carry a label (`A_v = ...`: the text before the first `=` is a label) and several
steps (`= a = b`). `≈` (or `~=`, `\\approx`) before a step marks it approximate: it passes
when equal in a usual limit (r_o → ∞, β → ∞, A → ∞, g_mb → 0) or within `tolerance` at `at`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .answers import Answer, AnswerError, parse
from .checker import Checker, Diagnosis, Result
from .names import Vocabulary

_SEPARATOR = re.compile(r"(~=|≈|\\approx|=)")


@dataclass
class StepResult:
    """One step: its line (1-based), text, whether it follows from the step before, and why."""

    line: int
    text: str
    ok: bool | None
    verdict: str  # first, equivalent, equivalent_in_limit, approximately_equal, not_equivalent
    message: str
    changes: list[Diagnosis] = field(default_factory=list)
    approximate: bool = False
    latex: str | None = None

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "ok": self.ok, "verdict": self.verdict,
                "message": self.message, "approximate": self.approximate,
                "changes": [d.to_dict() for d in self.changes], "latex": self.latex}


@dataclass
class Steps:
    """Every step's result; `first_error` is the first step that does not follow (None if
    all do), `final` the last step against the expected result (None without one)."""

    steps: list[StepResult]
    first_error: StepResult | None
    final: Result | None

    @property
    def ok(self) -> bool:
        return self.first_error is None and (self.final is None or self.final.passed)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "steps": [s.to_dict() for s in self.steps],
                "first_error": self.first_error.line if self.first_error else None,
                "final": self.final.to_dict() if self.final is not None else None}

    def __str__(self) -> str:
        out = []
        for s in self.steps:
            mark = {True: "ok ", False: "NO ", None: "   "}[s.ok]
            out.append(f"{mark} line {s.line}: {s.text.strip()}  -- {s.message}")
        if self.final is not None:
            out.append(f"final: {self.final.verdict.replace('_', ' ')}: "
                       f"{'; '.join(self.final.reasons)}")
        return "\n".join(out)


def split_steps(lines: str | Iterable[str]) -> list[tuple[int, str, bool]]:
    """(line number, step text, approximate?) for each step of a derivation."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = _SEPARATOR.split(line)
        if len(parts) == 1:
            out.append((number, line, False))
            continue
        # parts: [label, sep, step, sep, step, ...]; the text before the first separator is a
        # label (or empty, for a line that starts with "=")
        for k in range(1, len(parts), 2):
            text = parts[k + 1]
            if text.strip():
                out.append((number, text, parts[k] != "="))
    return out


def check_steps(lines: str | Iterable[str], expected=None, *, names=None,
                tolerance: float | None = None, at=None, **options) -> Steps:
    """Check a derivation step by step (see the module docstring). `expected` (optional) is
    what the last step must equal, as in `check`; `names` the circuit's symbol names
    (default: the expected result's, or any name when there is none)."""
    steps = split_steps(lines)
    if not steps:
        raise AnswerError("no steps to check")
    first = Checker(expected, names=names, tolerance=tolerance, at=at, **options) \
        if expected is not None else None
    known = set(first.vocab.known) if first is not None else set(
        str(n) for n in (names or ()))
    vocab = Vocabulary(known, allow_unknown=first is None and not names,
                       relations=options.get("relations", True))
    results: list[StepResult] = []
    parsed: list[Answer | None] = []
    for number, text, approx in steps:
        try:
            ans = parse(text, vocab)
        except AnswerError as exc:
            results.append(StepResult(number, text, False, "unreadable", str(exc),
                                      approximate=approx))
            parsed.append(None)
            continue
        parsed.append(ans)
        results.append(StepResult(number, text, None, "first", "first step",
                                  approximate=approx, latex=ans.latex))
    all_names = known | {n for a in parsed if a is not None for n in a.symbols}
    first_error = next((r for r in results if r.verdict == "unreadable"), None)
    for i in range(1, len(results)):
        prev, cur, step = parsed[i - 1], parsed[i], results[i]
        if prev is None or cur is None:
            continue
        checker = Checker(prev, names=all_names, tolerance=tolerance, at=at,
                          allow_unknown=True, **options)
        res = checker.check(cur)
        ok = res.verdict == "equivalent" or (step.approximate and res.verdict in (
            "equivalent_in_limit", "approximately_equal"))
        step.ok, step.verdict = ok, res.verdict
        if ok:
            step.message = "equal to the step before" if res.verdict == "equivalent" else \
                f"approximately: {_why(res)}"
        else:
            step.changes = [_reworded(d) for d in res.diagnosis]
            what = "; ".join(d.message for d in step.changes) or res.reasons[0]
            if res.verdict == "equivalent_in_limit" and not step.approximate:
                what = f"{_why(res)} only (write ≈ before the step if that is intended)"
            step.message = f"not equal to the step before (line {results[i - 1].line}): {what}"
            if first_error is None:
                first_error = step
    final = None
    if first is not None and parsed[-1] is not None:
        final = first.check(parsed[-1])
        if not final.passed and results[-1].approximate and final.verdict in (
                "equivalent_in_limit", "approximately_equal") and not any(
                c.passed is False for c in final.checks if c.name not in _VALUE_CHECKS):
            final.passed = True  # the derivation says it approximates
    if results:
        results[0].ok = parsed[0] is not None
    return Steps(results, first_error, final)


_VALUE_CHECKS = {"equivalent", "equal_in_limit", "find_limit", "within_tolerance"}


def _why(res: Result) -> str:
    """The limit (or tolerance) in which a step holds, in words."""
    for c in res.checks:
        if c.name in ("find_limit", "equal_in_limit", "within_tolerance") and c.passed:
            return c.reason
    return res.reasons[0]


_WORDS = (("the answer", "this step"), ("the expected result", "the step before"))


def _reworded(d: Diagnosis) -> Diagnosis:
    """A diagnosis said of two steps rather than of an answer and an expected result."""
    message = d.message
    for a, b in _WORDS:
        message = message.replace(a, b)
    return Diagnosis(d.kind, message, d.details)
