"""`grade(answer, expected, ...)`: a score, feedback and the LaTeX of the answer as parsed, for
an autograder (PrairieLearn's `server.py`, a Jupyter grader, an LMS hook).

An answer that cannot be read is not an error here: it scores 0 with the reason as feedback
and `format_error` set (PrairieLearn's "invalid, not graded"), so one bad submission never
stops a grading run. A bad `expected` (the instructor's) still raises.
"""

from __future__ import annotations

from collections.abc import Mapping

from .answers import AnswerError
from .checker import Checker, Result

#: Score per outcome; "limit_only" is an answer equal only in a limit the question does not
#: allow (r_o → ∞ when r_o is part of the question).
SCORES = {"equivalent": 1.0, "equivalent_in_limit": 1.0, "approximately_equal": 1.0,
          "limit_only": 0.5, "not_equivalent": 0.0}


def grade(answer: str, expected, *, scores: Mapping[str, float] | None = None,
          partial: Mapping[str, float] | None = None, form_penalty: float = 0.5,
          **options) -> dict:
    """Grade one typed answer. `expected` is a typed string, a SymPy expression, a symsig
    `RationalFunction` or a prepared `Checker`; `options` are `Checker`'s (names, limits,
    tolerance, at, require, ...).

    Returns a dict: `score` (0 to 1), `feedback` (text for the student), `latex` (the answer
    as parsed, via symsig.forms.latex), `verdict`, `passed`, `answer` (exact text),
    `diagnosis`, `counterexample`, `assumptions`, `checks`, `notes` and `format_error` (None,
    or why the answer could not be read).

    `scores` overrides `SCORES`; `partial` gives credit to a wrong answer by diagnosis kind
    (e.g. {"sign": 0.5}); each failed form requirement takes `form_penalty` of the score.
    """
    table = {**SCORES, **(scores or {})}
    checker = expected if isinstance(expected, Checker) else Checker(expected, **options)
    try:
        result = checker.check(answer)
    except AnswerError as exc:
        return {"score": 0.0, "feedback": f"Your answer could not be read: {exc}",
                "format_error": str(exc), "latex": None, "verdict": None, "passed": False,
                "answer": None, "diagnosis": [], "counterexample": None, "assumptions": [],
                "checks": [], "notes": []}
    score = _score(result, table, partial or {})
    forms = [c for c in result.checks if c.name not in _VALUE_CHECKS]
    failed = [c for c in forms if c.passed is False]
    score *= (1 - form_penalty) ** len(failed)
    return {
        "score": round(score, 6),
        "feedback": feedback(result),
        "latex": result.answer.latex,
        "verdict": result.verdict,
        "passed": result.passed,
        "answer": result.to_dict()["answer"],
        "diagnosis": [d.message for d in result.diagnosis],
        "counterexample": result.counterexample,
        "assumptions": list(result.assumptions),
        "checks": [c.to_dict() for c in result.checks],
        "notes": list(result.notes),
        "format_error": None,
    }


_VALUE_CHECKS = {"equivalent", "equal_in_limit", "find_limit", "within_tolerance"}


def _score(result: Result, table: Mapping[str, float], partial: Mapping[str, float]) -> float:
    v = result.verdict
    if v == "equivalent_in_limit":
        allowed = any(c.name == "equal_in_limit" and c.passed for c in result.checks)
        return table["equivalent_in_limit"] if allowed else table["limit_only"]
    if v == "not_equivalent":
        credit = [partial[d.kind] for d in result.diagnosis if d.kind in partial]
        return max(credit, default=table["not_equivalent"])
    return table[v]


def feedback(result: Result) -> str:
    """Feedback for a student, in sentences."""
    v = result.verdict
    parts: list[str] = []
    value_reasons = [r for r in result.reasons if not r.startswith("required ")]
    if v == "equivalent":
        parts.append("Correct.")
    elif v == "equivalent_in_limit":
        allowed = any(c.name == "equal_in_limit" and c.passed for c in result.checks)
        reason = value_reasons[0] if value_reasons else ""
        if allowed:
            parts.append(f"Correct: {reason.replace(' (allowed)', '')}, which this question "
                         "allows.")
        else:
            parts.append(f"Not the exact result: your answer is {reason.split(' only')[0]}. "
                         "This question asks for the exact result.")
    elif v == "approximately_equal":
        parts.append(f"Correct to within the tolerance ({value_reasons[0].split(': ', 1)[-1]}).")
    else:
        parts.append("Not equivalent to the expected result.")
        for d in result.diagnosis:
            parts.append(_sentence(d.message))
        if result.counterexample:
            parts.append(_sentence("For example, " + result.counterexample["text"]))
    for r in result.reasons:
        if r.startswith("required "):
            parts.append(_sentence(r[0].upper() + r[1:]))
    for note in result.notes:
        parts.append(_sentence("Note: " + note))
    return " ".join(parts)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
