"""The check wing: typed answers against exact results.

`parse_answer` reads what a student typed, safely (no eval, bounded size and time); `check`
compares it with an expected result and returns a verdict with reasons, assumptions, a
counterexample and a diagnosis; `check_steps` finds the first wrong line of a derivation;
`grade` is the entry point for autograders (a score, feedback and the LaTeX of the answer).
The checks themselves are small named functions in `verdicts`, composable per question.

The module itself is callable: `symsig.check(answer, expected, ...)` is `symsig.check.check`.
"""

import sys
import types

from .answers import Answer, AnswerError
from .answers import parse as parse_answer
from .checker import Checker, Diagnosis, Result, check
from .grade import grade
from .names import Vocabulary
from .steps import StepResult, Steps, check_steps
from .verdicts import Outcome

__all__ = ["Answer", "AnswerError", "Checker", "Diagnosis", "Outcome", "Result", "StepResult",
           "Steps", "Vocabulary", "check", "check_steps", "grade", "parse_answer"]


class _CallableModule(types.ModuleType):
    """`symsig.check(...)` calls `check`; `symsig.check.grade` and the rest stay reachable."""

    def __call__(self, answer, expected, **options) -> Result:
        return check(answer, expected, **options)


sys.modules[__name__].__class__ = _CallableModule
