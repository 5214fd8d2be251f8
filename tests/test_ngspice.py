"""ngspice is the ground truth: random linear circuits solved exactly by symsig, then evaluated
at numbers, must match ngspice's .ac results for the same circuit at several frequencies.

Each circuit is generated symbolically (every value a symbol) together with a numeric twin for
ngspice (tests/randcircuits.py). The impedance definitions of DESIGN §3 (R_in, R_out, two-node
impedance) are checked the same way, with ngspice driving a 1 A test current.
"""

import math
import random

import numpy as np
import pytest

from symsig import impedance, measure, parse, rin, rout
from symsig.analysis.linear import driven_node
from tests.ngspice import run_ac
from tests.randcircuits import random_circuit

FREQS = [10.0, 1e3, 1e5]
SEEDS = range(200)


def close(ours: np.ndarray, theirs: np.ndarray, scale: float) -> bool:
    """Relative error <= 1e-6, with an absolute floor for values that are exactly zero
    (ngspice returns round-off ~1e-16 there; `scale` is the size of the other values of that
    kind, and 1e-13 covers a group whose values are all zero)."""
    return bool(np.all(np.abs(ours - theirs) <= 1e-6 * np.abs(theirs) + 1e-9 * scale + 1e-13))


def at_freqs(result, values) -> np.ndarray:
    return np.array([complex(result.evaluate(values, s=2j * math.pi * f)) for f in FREQS])


def zeroed(numeric: str, drop: set[str] = frozenset()) -> list[str]:
    """The numeric netlist with independent sources' AC parts zeroed and `drop` removed."""
    lines = []
    for line in numeric.strip().splitlines():
        name = line.split()[0]
        if name.lower() in drop:
            continue
        if name[0] in "VI" and " AC " in f" {line} ".upper():
            line = line[: line.upper().index(" AC ")]
            if line.split()[-1] == line.split()[2]:  # "Iin a b" with nothing after the nodes
                line += " DC 0"
        lines.append(line)
    return lines


@pytest.mark.ngspice
@pytest.mark.parametrize("seed", SEEDS)
def test_random_circuit_matches_ngspice(seed, ngspice):
    rc = random_circuit(random.Random(seed))
    circuit = parse(rc.symbolic)
    probes = rc.probes()
    sim = run_ac(rc.numeric, FREQS, probes)
    ours = {p: at_freqs(measure(circuit, p), rc.values) for p in probes}
    for kind in "vi":
        group = [p for p in probes if p.startswith(kind)]
        scale = max((np.abs(sim[p]).max() for p in group), default=1.0)
        for p in group:
            assert close(ours[p], sim[p], scale), (p, ours[p], sim[p], rc.symbolic)


@pytest.mark.ngspice
@pytest.mark.parametrize("seed", range(0, 200, 4))
def test_impedance_definitions_match_ngspice(seed, ngspice):
    rc = random_circuit(random.Random(1000 + seed))
    circuit = parse(rc.symbolic)
    rng = random.Random(seed)
    src = circuit.element(rc.sources[0])
    node = rng.choice(rc.nodes)
    other = rng.choice([n for n in rc.nodes if n != node] + ["0"])
    loads = [e.name for e in circuit.elements
             if e.kind == "R" and node in e.nodes and circuit.without(e.name).has_node(node)]
    load = loads[0] if loads else None

    def ngspice_z(lines: list[str], a: str, b: str = "0") -> np.ndarray:
        deck = "\n".join([*lines, f"Itest {b} {a} DC 0 AC 1"])
        probe = f"v({a})" if b == "0" else f"v({a},{b})"
        return run_ac(deck, FREQS, [probe])[probe]

    cases = [
        ("Z(node, other)", impedance(circuit, node, other), zeroed(rc.numeric), node, other),
        ("R_in", rin(circuit, src.name), zeroed(rc.numeric, {src.name.lower()}),
         driven_node(src), "0"),
    ]
    if load is not None:
        cases.append(("R_out", rout(circuit, node, load),
                      zeroed(rc.numeric, {load.lower()}), node, "0"))
    for label, result, lines, a, b in cases:
        if a == "0":
            continue
        theirs = ngspice_z(lines, a, b)
        ours = at_freqs(result, rc.values)
        # Impedances here are 10 ohm .. 100 kohm; an exact 0 (a node shorted to ground by a
        # zeroed V source) comes back from ngspice as ~1e-13 ohm of round-off.
        scale = max(np.abs(theirs).max(), 1e3)
        assert close(ours, theirs, scale), (label, ours, theirs, rc.symbolic)


@pytest.mark.parametrize(("value", "ci"), [
    ("true", True), ("1", True), ("yes", True), ("True", True), ("github-actions", True),
    ("", False), ("false", False), ("FALSE", False), ("0", False), (" 0 ", False)])
def test_any_ci_value_but_false_or_0_makes_missing_ngspice_a_failure(monkeypatch, value, ci):
    """Under CI the ngspice tests must fail, not skip, without ngspice: CI=1 as well as
    CI=true (GitHub, GitLab and others set one or the other)."""
    from tests.conftest import under_ci

    monkeypatch.setenv("CI", value)
    assert under_ci() is ci
    monkeypatch.delenv("CI")
    assert under_ci() is False
