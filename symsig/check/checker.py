"""`check(answer, expected)`: one typed answer against an expected result, as a verdict with
its reasons, the assumptions behind it, a counterexample and a diagnosis. `Checker` prepares an
expected result once (its space, random points and values) for any number of answers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import sympy

from ..engine.rational import RationalFunction
from ..forms.parallel import expand_par
from ..forms.text import exact_text
from .answers import Answer, AnswerError, FractionAlgebra, compile_tree, parse, run
from .names import Vocabulary, canonical, device_stem, is_gain, quantity
from .program import (
    DimAlgebra,
    DimensionError,
    FloatAlgebra,
    OwnSpace,
    SympyAlgebra,
    finite,
    formula_program,
    from_sympy,
    limit,
    reduce,
)
from .verdicts import (
    Outcome,
    equal_in_limit,
    equivalent,
    find_limit,
    relative_error,
    requirement,
    within_tolerance,
)
from .world import World, pretty, si

#: A number typed for a result is accepted within this relative error unless a tolerance is
#: given (3 significant digits, as textbooks print them).
NUMBER_TOLERANCE = 0.01
#: Exact confirmation runs when (expected terms) x (answer terms) stays under this.
EXACT_BUDGET = 2_000_000

VERDICTS = ("equivalent", "equivalent_in_limit", "approximately_equal", "not_equivalent")


@dataclass
class Diagnosis:
    """What is wrong with an answer, where a known mistake fits: `kind` is one of sign,
    factor, symbol_factor, reciprocal, beta_plus_one, alpha_one, swapped, replaced, missing,
    extra, term, dimension."""

    kind: str
    message: str
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message,
                **({"details": self.details} if self.details else {})}


@dataclass
class Result:
    """The outcome of `check`: the verdict (one of `VERDICTS`), whether it passes (the verdict
    is accepted and every required form holds), the reasons, the assumptions behind them, a
    counterexample (for a wrong answer), a diagnosis and every named check that ran."""

    verdict: str
    passed: bool
    reasons: list[str]
    assumptions: list[str]
    counterexample: dict | None
    diagnosis: list[Diagnosis]
    checks: list[Outcome]
    answer: Answer
    limits: list[tuple[str, object]] = field(default_factory=list)
    #: the answer and the expected result at the nominal values (`at`), when given
    nominal: dict | None = None

    @property
    def notes(self) -> list[str]:
        return self.answer.notes

    @property
    def latex(self) -> str:
        return self.answer.latex

    def to_dict(self) -> dict:
        """Plain JSON-ready data (formulas as text that reads back exactly)."""
        ans = self.answer
        return {
            "verdict": self.verdict,
            "passed": self.passed,
            # written out (∥ as 1/(1/a + 1/b)), so that it reads back with parse_expr
            "answer": exact_text(expand_par(ans.display)) if not ans.infinite else "oo",
            "answer_latex": ans.latex,
            "names": dict(ans.names),
            "reasons": list(self.reasons),
            "assumptions": list(self.assumptions),
            "limits": [[n, str(v)] for n, v in self.limits],
            "counterexample": self.counterexample,
            "diagnosis": [d.to_dict() for d in self.diagnosis],
            "checks": [c.to_dict() for c in self.checks],
            "notes": list(ans.notes),
            "nominal": self.nominal,
        }

    def __str__(self) -> str:
        lines = [f"{self.verdict.replace('_', ' ')}: {'; '.join(self.reasons)}"]
        lines += [f"  diagnosis: {d.message}" for d in self.diagnosis]
        if self.counterexample:
            lines.append(f"  counterexample: {self.counterexample['text']}")
        lines += [f"  assuming {a}" for a in self.assumptions]
        return "\n".join(lines)


def _names(names) -> set[str] | None:
    """Symbol names from strings, SymPy symbols, an expression or a Circuit."""
    if names is None:
        return None
    if callable(getattr(names, "symbols", None)):  # a Circuit
        names = names.symbols()
    elif hasattr(names, "free_symbols"):
        names = names.free_symbols
    return {n.name if hasattr(n, "name") else str(n) for n in names}


def _number(value) -> float:
    """A value given through the API (number, Fraction, SymPy number, text like 4.7k) as a
    float; `oo` for infinity."""
    if isinstance(value, str):
        if value.strip().lower() in ("oo", "inf", "infinity", "∞"):
            return math.inf
        ans = parse(value)
        if not ans.is_number:
            raise AnswerError(f"{value!r} is not a number")
        return float(run(ans.program, FractionAlgebra, None))
    if isinstance(value, sympy.Basic):
        if value == sympy.oo:
            return math.inf
        return float(value)
    return float(value)


class Checker:
    """An expected result prepared once for checking typed answers against it.

    - expected: a typed string (read the same safe way), a SymPy expression, a symsig
      `RationalFunction`, or a number.
    - names: the circuit's symbol names (a Circuit's `symbols()`, or strings): the names answers
      may use. By default the expected result's own.
    - limits: limits the question allows, as ("ro", "beta", "A", "gmb->0") or a mapping
      {"ro": oo}: an answer equal in them passes ("equivalent_in_limit"). A device stem
      means every device's (ro -> ro1, ro2).
    - tolerance, at: accept an answer within this relative error at these nominal values
      (a mapping name -> number); a number typed for the result is accepted within 1 %
      (`NUMBER_TOLERANCE`) unless `tolerance` says otherwise.
    - require: form requirements ("factored", "uses ||", "no ro", "uses beta").
    - allow_unknown: accept names outside `names` (as new symbols) instead of an error.
    - relations: compare through DESIGN §2's relations (β = g_m r_π, ...).
    - points, seed: the random points (deterministic for a seed).
    - auto_limits: look for a usual limit (r_o → ∞, β → ∞, A → ∞, g_mb → 0) in which a wrong
      answer is right, and report it (it passes only if `limits` allows it).
    - diagnose: look for a known mistake in a wrong answer.
    """

    def __init__(self, expected, *, names=None, limits=(), tolerance: float | None = None,
                 at: Mapping | None = None, require: Iterable[str] = (),
                 allow_unknown: bool = False, relations: bool = True, points: int = 6,
                 seed: int = 2024, auto_limits: bool = True, diagnose: bool = True):
        given = _names(names)
        self.original = expected
        if isinstance(expected, (int, float, Fraction)) and not isinstance(expected, bool):
            expected = sympy.Rational(str(expected)) if isinstance(expected, float) \
                else sympy.Rational(expected)
        if isinstance(expected, str):
            pre = Vocabulary(given or (), allow_unknown=True, relations=relations)
            parsed = parse(expected, pre)
            self._program, own = parsed.program, set(parsed.symbols)
            self.expected_answer: Answer | None = parsed
            self._infinite = parsed.infinite
        elif isinstance(expected, Answer):
            self._program, own = expected.program, set(expected.symbols)
            self.expected_answer, self._infinite = expected, expected.infinite
        elif isinstance(expected, RationalFunction):
            self._program, own = None, {g.name for g in expected.generators if g.is_Symbol}
            self.expected_answer, self._infinite = None, expected.is_infinite
        elif isinstance(expected, sympy.Basic):
            self._infinite = expected in (sympy.oo, sympy.zoo)
            self._program, own = ((), set()) if self._infinite else from_sympy(expected)
            self.expected_answer = None
        else:
            raise AnswerError(f"expected must be a string, a SymPy expression or a "
                              f"RationalFunction, not {type(expected).__name__}")
        self.expected_names = own
        # a circuit names h_fe1 … for every BJT (for --model h); a typed h_fe is that symbol
        # only where the result is in h-parameters, and β otherwise
        given = {n for n in (given or set()) if n in own or not _h_parameter(n)}
        self.vocab = Vocabulary(given | own, allow_unknown, relations, first=own)
        self.size, self.seed = points, seed
        self.auto_limits, self.diagnose = auto_limits, diagnose
        self.tolerance = tolerance
        self.limits = self._limits(limits)
        self.at = self._fill(at) if at else None
        self.require = [requirement(r, self.vocab) for r in
                        ([require] if isinstance(require, str) else require)]
        self._worlds: dict[frozenset, World] = {}
        self.world = self._world(frozenset())

    # -- the world ------------------------------------------------------------------------
    def _basis(self, extra: Iterable[str]) -> set[str]:
        out: set[str] = set()
        names = set(self.vocab.known) | set(extra)
        for k, kind in self.vocab.families.items():
            stems = {"bjt": ("gm", "beta", "ro"), "mos": ("gm", "ro", "gmb", "Vov"),
                     "transistor": ("gm", "beta", "ro", "gmb", "Vov"), "diode": ()}[kind]
            names |= {s + k for s in stems}
            if kind in ("bjt", "transistor"):
                names.add("VT")
        for n in names:
            f = self.vocab.formula(n)
            out |= set(parse(f).symbols) if f else {n}
        return out

    def _target(self, space) -> tuple:
        if self._infinite:
            return (space.algebra.one, space.algebra.zero)
        if self._program is None:
            return space.convert(self.original)
        try:
            return reduce(*space.exact(self._program))
        except ZeroDivisionError as exc:
            raise AnswerError(f"the expected result divides by zero: {exc}") from None

    def _world(self, extra: frozenset) -> World:
        got = self._worlds.get(extra)
        if got is None:
            got = self._worlds[extra] = World(self.vocab, self._basis(extra), self._target,
                                              self.size, self.seed)
        return got

    def world_for(self, answer: Answer) -> World:
        """The world that holds every symbol of the answer (a larger one for new names)."""
        extra = frozenset(n for n in answer.symbols if n not in self.world.space.index
                          and self.vocab.formula(n) is None)
        if not extra:
            return self.world
        return self._world(extra)

    # -- options --------------------------------------------------------------------------
    def _limits(self, limits) -> list[tuple[str, object]]:
        """Stated limits as (basis symbol, "oo" or 0) in order: "ro" (every device's r_o),
        "beta", "A", "gmb->0", "ro2=oo"; r_π → ∞ and α → 1 are β → ∞."""
        items = list(limits.items()) if isinstance(limits, Mapping) else [
            _split_limit(x) for x in ([limits] if isinstance(limits, str) else limits)]
        out: list[tuple[str, object]] = []
        for typed, to in items:
            word = str(to).strip().lower()
            key = canonical(str(typed))
            if word in ("oo", "inf", "infinity", "∞"):
                to = "oo"
            elif word == "0":
                to = 0
            elif word == "1" and key.startswith("alpha"):
                to = "oo"
            else:
                raise AnswerError(f"limit {typed} -> {to}: a limit goes to oo or 0")
            d = device_stem(_LIMIT_ALIASES.get(key, key))
            if d is not None and d[0] in ("rpi", "alpha"):
                d = ("beta", d[1])
            if d is not None and not d[1]:
                members = self.vocab.family_symbols(d[0])
                if not members:
                    raise AnswerError(f"limit {typed}: this circuit has no device with "
                                      f"{pretty(d[0])}")
            else:
                name = d[0] + d[1] if d is not None else str(typed)
                try:
                    _, name = self.vocab.resolve(name)
                except AnswerError:
                    raise AnswerError(f"limit {typed}: no symbol {typed!r} in this "
                                      "result") from None
                members = [name]
            for m in members:
                if self.vocab.formula(m) is not None:
                    raise AnswerError(f"limit {typed}: {m} = {self.vocab.formula(m)} is "
                                      "derived; state a limit of g_m, β, r_o, ...")
                out.append((m, to))
        return out

    def _fill(self, at: Mapping) -> dict[str, float]:
        """Nominal values by symbol name, with DESIGN §2's relations filling in the rest
        (β from r_π and g_m, g_m from I_C/V_T, r_π from β/g_m, ...)."""
        values: dict[str, float] = {}
        for k, v in at.items():
            key = k.name if hasattr(k, "name") else str(k)
            if key not in self.vocab.known:
                try:
                    kind, key = self.vocab.resolve(key)
                except AnswerError:
                    continue  # a value for a name neither side uses
            values[key] = _number(v)
        for _ in range(3):
            for k, kind in self.vocab.families.items():
                _fill_family(values, k, kind)
        return values

    # -- checking -------------------------------------------------------------------------
    def parse(self, text: str) -> Answer:
        return parse(text, self.vocab)

    def check(self, answer: str | Answer) -> Result:
        """The verdict on one answer (see `check`)."""
        if isinstance(answer, str):
            answer = self.parse(answer)
        case = Case(self, answer)
        return case.result()


_LIMIT_ALIASES = {"hfe": "beta", "rπ": "rpi"}


def _split_limit(text) -> tuple[str, object]:
    if isinstance(text, tuple):
        return text
    for sep in ("->", "→", "="):
        if sep in str(text):
            a, _, b = str(text).partition(sep)
            return a.strip(), b.strip()
    return str(text).strip(), "oo"


def _fill_family(v: dict, k: str, kind: str) -> None:
    def get(stem):
        return v.get(stem + k)

    def put(stem, value):
        if get(stem) is None and value is not None and math.isfinite(value):
            v[stem + k] = value

    if kind in ("bjt", "transistor"):
        vt = v.get("VT")
        if get("beta") is None and get("alpha") is not None and get("alpha") != 1:
            put("beta", get("alpha") / (1 - get("alpha")))
        if get("gm") is None and get("IC") and vt:
            put("gm", get("IC") / vt)
        if get("beta") is None and get("rpi") and get("gm"):
            put("beta", get("rpi") * get("gm"))
        if get("gm") is None and get("beta") and get("rpi"):
            put("gm", get("beta") / get("rpi"))
        if get("gm") is None and get("alpha") and get("re"):
            put("gm", get("alpha") / get("re"))
        if get("ro") is None and get("VA") and get("IC"):
            put("ro", get("VA") / get("IC"))
        if get("beta") and get("gm"):
            put("rpi", get("beta") / get("gm"))
            put("alpha", get("beta") / (get("beta") + 1))
            put("re", get("alpha") / get("gm"))
        if get("gm") and vt:
            put("IC", get("gm") * vt)
    if kind in ("mos", "transistor"):
        if get("gm") is None and get("ID") and get("Vov"):
            put("gm", 2 * get("ID") / get("Vov"))
        if get("ro") is None and get("lambda") and get("ID"):
            put("ro", 1 / (get("lambda") * get("ID")))
        if get("gmb") is None and get("chi") and get("gm"):
            put("gmb", get("chi") * get("gm"))


def check(answer: str | Answer, expected, **options) -> Result:
    """Check a typed answer against an expected result. See `Checker` for the options.

    The verdict is "equivalent" (equal as functions: random plausible points, then exactly),
    "equivalent_in_limit" (equal as r_o → ∞, β → ∞, ...: passes when `limits` allows it),
    "approximately_equal" (within `tolerance` at the nominal values `at`) or "not_equivalent"
    (with a counterexample at plausible values and a diagnosis where a known mistake fits).
    """
    return Checker(expected, **options).check(answer)


# -- one answer against the expected result ----------------------------------------------------

class Case:
    """One answer against one expected result: the facts the named checks ask for, each
    computed once."""

    def __init__(self, checker: Checker, answer: Answer):
        self.checker = checker
        self.answer = answer
        self.world = checker.world_for(answer)
        self.space = self.world.space
        self.vocab = checker.vocab
        self._screens: dict[tuple, bool] = {}

    # -- values ---------------------------------------------------------------------------
    @cached_property
    def values(self) -> list:
        if self.answer.infinite:
            return [math.inf] * self.world.size
        return self.run_floats()

    def run_floats(self, override: Mapping[str, list] | None = None) -> list:
        """The answer at the points, with some leaves' values replaced."""
        leaf = self.world.floats if not override else (
            lambda n: override[n] if n in override else self.world.floats(n))
        try:
            return run(self.answer.program, self.world.algebra, leaf)
        except (OverflowError, ZeroDivisionError):
            return [math.nan] * self.world.size

    @cached_property
    def exact(self) -> tuple:
        if self.answer.infinite:
            return (self.space.algebra.one, self.space.algebra.zero)
        try:
            return reduce(*self.space.exact(self.answer.program))
        except ZeroDivisionError as exc:
            raise AnswerError(f"the answer divides by zero: {exc}") from None

    def exact_is_cheap(self) -> bool:
        size = self.answer.tree.size if self.answer.tree is not None else (1, 1, 0, 0)
        return self.world.target_size * (size[0] + size[1]) <= EXACT_BUDGET

    def exactly_equal(self, pair: tuple | None = None) -> bool:
        an, ad = pair if pair is not None else self.exact
        en, ed = self.world.target
        return an * ed == en * ad

    @cached_property
    def answer_basis(self) -> set[str]:
        """Basis symbols the answer depends on (after the relations)."""
        names: set[str] = set()
        if not self.answer.infinite:
            for p in self.exact:
                for m in (p.monoms() if not p.is_zero() else ()):
                    names |= {self.space.names[i] for i, e in enumerate(m) if e}
        return names

    @cached_property
    def used(self) -> set[str]:
        """Basis symbols either side depends on."""
        return self.world.used() | self.answer_basis

    # -- limits ---------------------------------------------------------------------------
    def limit_families(self) -> list[list[tuple[str, object]]]:
        used = self.used
        fams = []
        for stem, to in (("ro", "oo"), ("beta", "oo")):
            members = [n for n in self.vocab.family_symbols(stem) if n in used]
            if members:
                fams.append([(n, to) for n in members])
        gains = sorted(n for n in used if is_gain(n))
        if gains:
            fams.append([(n, "oo") for n in gains])
        gmb = [n for n in self.vocab.family_symbols("gmb") if n in used]
        if gmb:
            fams.append([(n, 0) for n in gmb])
        return fams

    def limit_screen(self, limits: Sequence[tuple[str, object]], program=None) -> bool:
        """A quick numeric look: the ratio answer/expected (or `program`/expected) near 1 with
        the limit symbols pushed far out (the first furthest), at two points."""
        key = tuple(limits)
        if program is None and key in self._screens:
            return self._screens[key]
        override, targets = self.world.limit_points(key)
        values = self._with_basis(override, program, len(targets))
        scale = max((abs(x) for x in self.values if finite(x)), default=1.0)
        ok = True
        for a, e in zip(values, targets, strict=True):
            if not (finite(a) and finite(e)):
                continue
            if (e == 0 and abs(a) > 1e-6 * scale) or (e != 0 and abs(a / e - 1) > 1e-3):
                ok = False
                break
        if program is None:
            self._screens[key] = ok
        return ok

    def _with_basis(self, override: dict[str, list], program=None, size=None) -> list:
        """The answer (or `program`) at the first `size` points with some basis values
        replaced (derived symbols follow)."""
        size = size or self.world.size
        algebra = self.world.algebra if size == self.world.size else FloatAlgebra(size)
        cache: dict[str, list] = dict(override)

        def leaf(name):
            got = cache.get(name)
            if got is None:
                f = self.vocab.formula(name)
                got = run(formula_program(f), algebra, leaf) if f else \
                    self.world.floats(name)[:size]
                cache[name] = got
            return got

        try:
            return run(program or self.answer.program, algebra, leaf)
        except (KeyError, OverflowError, ZeroDivisionError):
            return [math.nan] * size

    def equal_in(self, pair: tuple, limits) -> bool:
        """`pair` equal to the expected result exactly (no limits) or in the limits."""
        if not limits:
            return self.exactly_equal(pair)
        an, ad = pair
        en, ed = self.world.target
        if en.is_zero():
            return self.at_limits((an, ad), limits)[0].is_zero()
        n, d = self.at_limits(reduce(an * ed, ad * en), limits)
        return not d.is_zero() and n == d

    def limit_ratio(self, limits) -> tuple[bool, str]:
        """(equal in the limits?, "value" when the expected result tends to a finite nonzero
        value there, else "leading")."""
        an, ad = self.exact
        en, ed = self.world.target
        if en.is_zero():
            n, _ = self.at_limits((an, ad), limits)
            return n.is_zero(), "value"
        n, d = self.at_limits(reduce(an * ed, ad * en), limits)
        e = self.at_limits((en, ed), limits)
        kind = "value" if not (e[0].is_zero() or e[1].is_zero()) else "leading"
        return not d.is_zero() and n == d, kind

    def at_limits(self, pair: tuple, limits) -> tuple:
        for name, to in limits:
            pair = limit(pair, self.space.index[name], to)
        return pair

    # -- nominal values -------------------------------------------------------------------
    def nominal(self, values: Mapping[str, float]) -> tuple:
        """(answer, expected) at nominal values (by name; KeyError names a missing one)."""
        one = FloatAlgebra(1)

        def leaf(name):
            if name in values:
                return [values[name]]
            f = self.vocab.formula(name)
            if f is None:
                raise KeyError(name)
            return run(formula_program(f), one, leaf)

        a = math.inf if self.answer.infinite else run(self.answer.program, one, leaf)[0]
        original = self.checker.original
        if isinstance(original, RationalFunction):
            missing = [g.name for g in original.generators if g.name not in values]
            if missing:
                raise KeyError(missing[0])
            e = original.evaluate({g.name: values.get(g.name, 1.0) for g in original.ring.gens})
        elif self.checker._infinite:
            e = math.inf
        else:
            e = run(self.checker._program, one, leaf)[0]
        return a, e

    # -- dimensions -----------------------------------------------------------------------
    @cached_property
    def dims(self):
        """The answer's dimension (None: unknown); DimensionError for an inconsistent sum."""
        if self.answer.unit is not None:
            return self.answer.unit
        if self.answer.infinite or self.answer.is_number:
            return None  # a bare number may be in any unit
        return run(self.answer.program, DimAlgebra, lambda n: quantity(n).dims)

    @property
    def safe_dims(self):
        """The answer's dimension, None when unknown or inconsistent."""
        try:
            return self.dims
        except DimensionError:
            return None

    @property
    def expected_dims(self):
        c = self.checker
        if "_dims" not in c.__dict__:
            c._dims = self._expected_dims()
        return c._dims

    def _expected_dims(self):
        c = self.checker
        try:
            if c._program is not None:
                return run(c._program, DimAlgebra, lambda n: quantity(n).dims) \
                    if c._program else None
        except DimensionError:
            return None
        rf = c.original
        if not isinstance(rf, RationalFunction) or rf.is_infinite or rf.is_zero:
            return None
        gens = [g.name for g in rf.ring.gens]
        sides = []
        for p in (rf.num, rf.den):
            found = set()
            for m in p.monoms():
                d = [0, 0, 0]
                for name, e in zip(gens, m, strict=False):
                    if e:
                        q = quantity(name).dims
                        if q is None:
                            return None
                        d = [x + int(e) * y for x, y in zip(d, q, strict=True)]
                found.add(tuple(d))
            if len(found) != 1:
                return None
            sides.append(found.pop())
        return tuple(a - b for a, b in zip(*sides, strict=True))

    # -- presentation ---------------------------------------------------------------------
    def node_numerator(self, node):
        own = OwnSpace(self.answer)
        n, d = reduce(*own.exact(compile_tree(node)))
        return n

    def node_text(self, node) -> str:
        """A part of the typed answer as text, in textbook names (g_m1 R_E)."""
        expr = run(compile_tree(node), SympyAlgebra, lambda n: sympy.Symbol(pretty(n)))
        return str(expr).replace("**", "^").replace("*", "·")

    def shown_names(self) -> list[str]:
        names = set(self.answer.symbols) | set(self.checker.expected_names)
        return sorted(n for n in names if n != "s")

    def counterexample(self, point: int) -> dict:
        a, e = self.values[point], self.world.values[point]
        values = {}
        parts = []
        for n in self.shown_names():
            try:
                v = self.world.floats(n)[point]
            except KeyError:
                continue
            values[n] = v
            parts.append(f"{pretty(n)} = {si(v, quantity(n).dims)}")
        out = {"values": values}
        if "s" in self.space.index and ("s" in self.answer.symbols or "s" in self.checker
                                        .expected_names):
            f = abs(self.world.floats("s")[point]) / (2 * math.pi)
            out["frequency"] = f
            parts.append(f"s = j2π·{si(f, (0, -1, 0))}")
        err = relative_error(a, e)
        dims = self.expected_dims if not isinstance(self.expected_dims, Exception) else None
        out.update({"answer": _jsonable(a), "expected": _jsonable(e), "relative_error": err})
        mine = self.safe_dims if not self.answer.is_number else dims
        out["text"] = (f"at {', '.join(parts) or 'these values'}: the answer is "
                       f"{si(a, mine or dims)}, the expected result {si(e, dims)} "
                       f"({_percent(err)} off)")
        return out

    def nominal_counterexample(self, tol: Outcome) -> dict:
        a, e, err = tol.details["answer"], tol.details["expected"], tol.details["error"]
        values = {n: v for n, v in (self.checker.at or {}).items()
                  if n in self.checker.expected_names}
        parts = [f"{pretty(n)} = {si(v, quantity(n).dims)}" for n, v in sorted(values.items())]
        dims = self.expected_dims
        return {"values": values, "answer": a, "expected": e, "relative_error": err,
                "text": f"at {', '.join(parts) or 'the given values'}: the answer is "
                        f"{si(a, self.safe_dims or dims)}, the expected result {si(e, dims)} "
                        f"({_percent(err)} off)"}

    # -- the verdict ----------------------------------------------------------------------
    def result(self) -> Result:
        c = self.checker
        checks: list[Outcome] = []
        reasons: list[str] = []
        verdict, passed, limits = "not_equivalent", False, []
        diagnosis: list[Diagnosis] = []
        number_answer = self.answer.is_number and bool(self.world.used())
        eq = equivalent(self)
        checks.append(eq)
        if eq.passed:
            verdict, passed = "equivalent", True
            reasons.append(eq.reason)
        if not passed and c.limits and not number_answer:
            lim = equal_in_limit(self, c.limits)
            checks.append(lim)
            if lim.passed:
                verdict, passed, limits = "equivalent_in_limit", True, lim.details["limits"]
                reasons.append(f"{lim.reason} (allowed)")
        tolerance = c.tolerance if c.tolerance is not None else (
            NUMBER_TOLERANCE if self.answer.is_number else None)
        if not passed and tolerance is not None and (c.at or not self.world.used()):
            tol = within_tolerance(self, tolerance, c.at or {})
            checks.append(tol)
            if tol.passed:
                verdict, passed = "approximately_equal", True
                reasons.append(f"within {_percent(tolerance)}: {tol.reason}")
        if not passed:
            if c.diagnose:
                from .diagnose import diagnose

                diagnosis = diagnose(self)
            # a mistake that explains the answer exactly outweighs a limit it happens to meet
            mistake = any(d.kind != "term" or d.details.get("term") for d in diagnosis)
            if c.auto_limits and not number_answer and not self.answer.infinite:
                found = find_limit(self)
                checks.append(found)
                if found.passed and not mistake:
                    verdict, limits = "equivalent_in_limit", found.details["limits"]
                    reasons.append(f"{found.reason} only (a limit this check does not allow)")
                    diagnosis = [d for d in diagnosis if d.kind == "dimension"]
                elif found.passed:
                    reasons.append(f"though {found.reason}")
        tol_check = next((x for x in checks if x.name == "within_tolerance"), None)
        if verdict == "not_equivalent":
            if not number_answer:
                reasons.insert(0, eq.reason)
            elif tol_check is not None and tol_check.passed is not None:
                reasons.insert(0, tol_check.reason)
            else:
                reasons.insert(0, "a number cannot equal a formula in "
                               + ", ".join(pretty(n) for n in sorted(c.expected_names))
                               + " (give the values to compare at)")
        counter = None
        if verdict == "not_equivalent":
            if number_answer:
                if tol_check is not None and tol_check.passed is False:
                    counter = self.nominal_counterexample(tol_check)
            elif eq.details.get("point") is not None:
                counter = self.counterexample(eq.details["point"])
        for text, form in c.require:
            out = form(self)
            checks.append(out)
            if not out.passed:
                passed = False
                reasons.append(f"required {text}: {out.reason}")
        return Result(verdict, passed, reasons, self.assumptions(limits), counter, diagnosis,
                      checks, self.answer, limits, self.at_nominal())

    def at_nominal(self) -> dict | None:
        """The answer and the expected result at the nominal values, when they are given."""
        if not self.checker.at:
            return None
        try:
            a, e = self.nominal(self.checker.at)
        except (KeyError, ArithmeticError):
            return None
        if not (finite(a) and finite(e)):
            return None
        dims = self.expected_dims
        err = relative_error(a, e)
        return {"answer": _jsonable(a), "expected": _jsonable(e), "relative_error": err,
                "text": f"{si(a, self.safe_dims or dims)} against {si(e, dims)} "
                        f"({_percent(err)} off)"}

    def assumptions(self, limits) -> list[str]:
        """How the answer was read: names mapped, DESIGN §2 relations used, limits taken."""
        out = []
        for typed, name in self.answer.names.items():
            if canonical(typed) != name:
                out.append(f"{typed} is {pretty(name)} ({name})")
        expected = set(self.checker.expected_names)
        for n in sorted(self.answer.symbols - expected):
            d = device_stem(n)
            if d is None or d[1] not in self.vocab.families:
                continue
            k = d[1]
            if d[0] == "beta" and {"gm" + k, "rpi" + k} <= self.vocab.known | expected:
                out.append(f"{pretty(n)} = {pretty('gm' + k)}·{pretty('rpi' + k)} (DESIGN §2: "
                           "r_π = β/g_m)")
                continue
            related = [n] if self.vocab.formula(n) else []
            related += [m for m in sorted(expected) if self.vocab.formula(m)
                        and n in parse(self.vocab.formula(m)).symbols]
            for m in related:
                out.append(f"{pretty(m)} = {_pretty_formula(self.vocab.formula(m))} "
                           "(DESIGN §2)")
        for n, to in limits:
            out.append(f"{pretty(n)} → {'∞' if to == 'oo' else to}")
        return list(dict.fromkeys(out))


def _pretty_formula(f: str) -> str:
    ans = parse(f)
    expr = ans.display
    names = {sympy.Symbol(n, positive=True): sympy.Symbol(pretty(n)) for n in ans.symbols}
    return str(expr.xreplace(names)).replace("**", "^")




def _jsonable(x):
    if isinstance(x, complex):
        return {"re": x.real, "im": x.imag}
    return x if math.isfinite(x) else str(x)


def _percent(x: float) -> str:
    if x < 1e-12:
        return "0 %"
    return f"{100 * x:.3g} %" if x < 10 else f"{x:.3g}×"


def _h_parameter(name: str) -> bool:
    return name[:3] in ("hie", "hre", "hfe", "hoe")
