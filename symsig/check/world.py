"""The world of one check: the space both sides are written in, the random points, the expected
result there, and text for the values people read."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from functools import lru_cache

from ..forms.latex import symbol_latex
from .answers import run
from .names import log_uniform, quantity
from .program import Evaluator, FloatAlgebra, Space, finite, formula_program

NAN = float("nan")


class World:
    """A space (see `program.Space`), `size` random points in it and the expected result's
    exact pair and values there.

    Every basis symbol gets values drawn log-uniformly from its plausible range (resistances
    100 Ω–1 MΩ, g_m 1–100 mS, β 50–300, capacitances pF–µF, s = j2πf with f from 10 Hz to
    100 MHz, ...), each from its own generator seeded by (seed, name), so adding a name leaves
    the others' values alone. Derived symbols (r_π1 = β1/g_m1) follow from their relation.
    """

    def __init__(self, vocabulary, basis, target_of, size: int = 6, seed: int = 2024):
        self.vocab = vocabulary
        self.space = Space(vocabulary, basis)
        self.size, self.seed = size, seed
        space = self.space
        self.exact_points: list[list] = [[None] * len(space.names) for _ in range(size)]
        self.float_points: list[list] = [[0.0] * len(space.names) for _ in range(size)]
        self._floats: dict[str, list] = {}
        self._limit_points: dict[tuple, list] = {}
        for i, name in enumerate(space.names):
            values = self.sample(name)
            self._floats[name] = values
            for p, v in enumerate(values):
                self.exact_points[p][i] = v if isinstance(v, complex) or name == "pi" \
                    else Fraction(repr(v))
                self.float_points[p][i] = v
        self.algebra = FloatAlgebra(size)
        self.target = target_of(space)  # the expected result's exact pair in this space
        num, den = self.target
        self.infinite = den.is_zero()
        self.zero = num.is_zero()
        self._num, self._den = Evaluator(num, space), Evaluator(den, space)
        self.values = [self._at(self.exact_points[p], exact=True) for p in range(size)]

    # -- values ---------------------------------------------------------------------------
    def sample(self, name: str) -> list:
        if name == "pi":
            return [math.pi] * self.size
        rng = random.Random(f"{self.seed}/{name}")
        if name == "s":
            return [complex(0, 2 * math.pi * log_uniform(rng, quantity("s")))
                    for _ in range(self.size)]
        return [log_uniform(rng, quantity(name)) for _ in range(self.size)]

    def floats(self, name: str) -> list:
        """The values of a symbol (basis or derived) at the points."""
        got = self._floats.get(name)
        if got is None:
            formula = self.vocab.formula(name)
            if formula is None:
                raise KeyError(name)
            got = self._floats[name] = run(formula_program(formula), self.algebra, self.floats)
        return got

    def _at(self, values: list, exact: bool = False):
        """The expected result at one point (values by generator index)."""
        if self.infinite:
            return float("inf")
        try:
            den = self._den(values)
            if den == 0:
                return NAN
            value = self._num(values) / den
        except (OverflowError, ZeroDivisionError):
            return NAN
        if isinstance(value, Fraction):
            return float(value)
        return value

    def target_at(self, changes: dict[str, float], point: int) -> object:
        """The expected result (in floats) at one point with some basis values changed."""
        values = list(self.float_points[point])
        for name, v in changes.items():
            values[self.space.index[name]] = v
        return self._at(values)

    def limit_points(self, limits: tuple) -> tuple[dict[str, list], list]:
        """For a quick numeric look at limits, at the first two points: the basis values with
        the limit symbols pushed far out (the first furthest), and the expected result
        there."""
        got = self._limit_points.get(limits)
        if got is None:
            m, n = len(limits), min(2, self.size)
            override: dict[str, list] = {name: [0.0] * n for name, _ in limits}
            targets = []
            for p in range(n):
                changes = {}
                for j, (name, to) in enumerate(limits):
                    base = self.float_points[p][self.space.index[name]]
                    scale = 10.0 ** (8 * (m - j) + 4)
                    changes[name] = base * scale if to == "oo" else base / scale
                    override[name][p] = changes[name]
                targets.append(self.target_at(changes, p))
            got = self._limit_points[limits] = (override, targets)
        return got

    @property
    def target_size(self) -> int:
        return len(self._num.terms) + len(self._den.terms)

    def used(self) -> set[str]:
        """The basis symbols the expected result depends on."""
        return {self.space.names[i] for i in self._num.used | self._den.used}

    def valid(self, values: list) -> list[int]:
        """Points where both the answer (`values`) and the expected are finite numbers."""
        return [p for p in range(self.size) if finite(values[p]) and finite(self.values[p])]


# -- text ---------------------------------------------------------------------------------------

_UNITS = {(1, 0, 0): "Ω", (-1, 0, 0): "S", (-1, 1, 0): "F", (1, 1, 0): "H", (0, 0, 1): "A",
          (1, 0, 1): "V", (0, -1, 0): "Hz"}
_PREFIXES = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"),
             (1e-9, "n"), (1e-12, "p"), (1e-15, "f")]
_GREEK_TEX = {r"\pi": "π", r"\beta": "β", r"\alpha": "α", r"\mu": "μ", r"\lambda": "λ",
              r"\chi": "χ", r"\omega": "ω", r"\gamma": "γ", r"\tau": "τ"}


@lru_cache(maxsize=4096)
def pretty(name: str) -> str:
    """A symbol as people write it in plain text: r_π1, g_m1, β1, R_C, C_μ."""
    tex = symbol_latex(name)
    for k, v in _GREEK_TEX.items():
        tex = tex.replace(k + " ", v).replace(k, v)
    tex = tex.replace("{", "").replace("}", "").replace("\\", "")
    if tex[:1] in "βαλχμ" and tex[1:2] == "_":
        tex = tex[0] + tex[2:]
    return tex


def si(value: float | complex, dims=None, digits: int = 3) -> str:
    """A number with an SI prefix and unit where its dimension is known: 4.7 kΩ, 12 mS."""
    if isinstance(value, complex):
        if value.imag == 0:
            value = value.real
        else:
            return f"{value.real:.{digits}g}{value.imag:+.{digits}g}j"
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞" if value < 0 else "undefined"
    unit = _UNITS.get(dims)
    if unit is None or value == 0:
        return f"{value:.{digits}g}"
    scale, prefix = next(((k, p) for k, p in _PREFIXES if abs(value) >= k * 0.9995),
                         _PREFIXES[-1])
    return f"{value / scale:.{digits}g} {prefix}{unit}"
