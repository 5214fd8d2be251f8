"""Coupled inductors (`K1 L1 L2 k`) and the ideal transformer (`TF1 p1 n1 p2 n2 n`).

Independent source of each expectation: the textbook formulas written here by hand (the
reflected impedance s·L1 − s²M²/(Z_L + s·L2), the coupled-coil T-equivalent, n²·Z_L through an
ideal transformer) and ngspice's `.ac` results on the same netlists (`K` is ngspice's own
element; the ideal transformer, which ngspice lacks, against coupled inductors with k → 1 and
large L).
"""

from __future__ import annotations

import math
import random

import pytest
import sympy

from symsig import parse, transfer
from symsig.analysis.linear import impedance, measure, param_values
from symsig.cli import main
from symsig.errors import NetlistError, SymsigError
from tests.conftest import same
from tests.ngspice import run_ac

P = lambda name: sympy.Symbol(name, positive=True)  # noqa: E731
s = sympy.Symbol("s")
L1, L2, RL, k, M1, n = (P(x) for x in ("L1", "L2", "RL", "k", "M1", "n"))

COUPLED = """coupled coils, dots at the top
I1 0 a AC 1
La a 0 L1
Lb b 0 L2
K1 La Lb k
RL b 0 RL
"""


def test_reflected_impedance_of_coupled_coils():
    c = parse(COUPLED)
    # hand: V1 = sL1 I1 + sM I2, V2 = sM I1 + sL2 I2, V2 = -RL I2
    assert same(impedance(c, "a"), s * L1 - s**2 * M1**2 / (RL + s * L2))
    assert c.params == {"M1": k * sympy.sqrt(L1) * sympy.sqrt(L2)}  # M = k sqrt(L1 L2)
    # voltage across the load: V2 = sM I1 RL / (RL + s L2)
    assert same(measure(c, "b"), s * M1 * RL / (RL + s * L2))


def test_coupled_coils_equal_their_t_equivalent():
    """With a common node, coupled coils are L1 - M, L2 - M in the arms and M in the leg."""
    coils = parse("coils\nVs in 0 AC 1\nRs in a Rs\nLa a 0 L1\nLb b 0 L2\nK1 La Lb k\n"
                  "RL b 0 RL\nCL b 0 CL\n")
    tee = parse("tee\nVs in 0 AC 1\nRs in a Rs\nLa a x {L1-M1}\nLb b x {L2-M1}\nLm x 0 M1\n"
                "RL b 0 RL\nCL b 0 CL\n")
    for node in ("a", "b"):
        assert same(transfer(coils, node, "Vs"), transfer(tee, node, "Vs").expr)
    assert same(impedance(coils, "b", remove=["Vs"]), impedance(tee, "b", remove=["Vs"]).expr)


def test_dot_convention_flips_with_the_winding():
    flipped = parse(COUPLED.replace("Lb b 0 L2", "Lb 0 b L2"))
    assert same(measure(flipped, "b"), -s * M1 * RL / (RL + s * L2))


def test_ideal_transformer_reflects_n_squared_times_the_load():
    c = parse("transformer\nI1 0 p AC 1\nTF1 p 0 s2 0 n\nRL s2 0 RL\nCL s2 0 CL\n")
    zl = RL / (1 + s * RL * P("CL"))
    assert same(impedance(c, "p"), n**2 * zl)
    assert same(measure(c, "s2"), n * zl)  # v2 = v1/n
    assert same(measure(c, "i(TF1)"), 1)  # the current into winding 1 is the drive
    assert same(measure(c, "i(RL)"), n / (1 + s * RL * P("CL")))  # i2 = n i1 into Z_L


def test_transformer_drives_a_divider_with_the_turns_ratio():
    c = parse("t\nVs in 0 AC 1\nRs in p Rs\nTF1 p 0 s2 0 n\nRL s2 0 RL\n")
    Rs = P("Rs")
    assert same(transfer(c, "s2", "Vs"), (1 / n) * n**2 * RL / (Rs + n**2 * RL))


def test_perfect_coupling_and_large_inductance_is_the_ideal_transformer():
    """k = 1 and L1 = n² L2: M = n·L2 exactly (no square root); as L2 → ∞ the input
    impedance is n²·R_L and the voltage ratio 1/n, as the ideal transformer's."""
    c = parse("t\nI1 0 a AC 1\nLa a 0 {n^2*L2}\nLb b 0 L2\nK1 La Lb 1\nRL b 0 RL\n")
    assert c.params == {}  # M = n L2 is a ratio of polynomials: no symbol needed
    z = impedance(c, "a")
    assert same(z, s * n**2 * L2 * RL / (s * L2 + RL))
    assert same(z.substitute({"L2": sympy.oo}), n**2 * RL)
    assert same(measure(c, "b").substitute({"L2": sympy.oo}), n * RL)


@pytest.mark.parametrize("la, lb, kk, m", [
    ("L", "L", "k", P("k") * P("L")),  # equal inductors
    ("1m", "4m", "k", P("k") / 500),  # numbers whose product is a square
    ("1m", "4m", "0.5", sympy.Rational(1, 1000)),
])
def test_mutual_inductance_stays_exact_without_a_root(la, lb, kk, m):
    c = parse(f"t\nI1 0 a AC 1\nLa a 0 {la}\nLb b 0 {lb}\nK1 La Lb {kk}\nRL b 0 RL\n")
    assert "M1" not in c.params
    La, Lb = c.element("La").value, c.element("Lb").value
    assert same(impedance(c, "a"), s * La - s**2 * m**2 / (RL + s * Lb))


def test_an_irrational_mutual_inductance_is_a_symbol_with_its_number_kept():
    c = parse("t\nI1 0 a AC 1\nLa a 0 1m\nLb b 0 2m\nK1 La Lb 0.5\nRL b 0 50\n")
    assert c.params["M1"] == sympy.sqrt(2) / 2000
    z = impedance(c, "a")
    assert {str(g) for g in z.generators} == {"M1", "s"}
    m = math.sqrt(2) / 2000  # hand: M = 0.5 sqrt(1m 2m)
    for w in (1e3, 1e5):
        want = 1j * w * 1e-3 + w**2 * m**2 / (50 + 1j * w * 2e-3)
        got = z.evaluate(param_values(c), s=1j * w)
        assert abs(got - want) <= 1e-12 * abs(want)


def test_ltspice_couples_several_inductors_on_one_line():
    one = parse("t\nI1 0 a AC 1\nL1 a 0 1m\nL2 b 0 1m\nL3 c 0 1m\nK1 L1 L2 L3 k\n"
                "R2 b 0 10\nR3 c 0 20\n")
    pairs = parse("t\nI1 0 a AC 1\nL1 a 0 1m\nL2 b 0 1m\nL3 c 0 1m\nK1 L1 L2 k\nK2 L1 L3 k\n"
                  "K3 L2 L3 k\nR2 b 0 10\nR3 c 0 20\n")
    assert same(impedance(one, "a"), impedance(pairs, "a").expr)
    sym = parse("t\nI1 0 a AC 1\nL1 a 0 A\nL2 b 0 B\nL3 c 0 C\nK1 L1 L2 L3 k\nR2 b 0 10\n"
                "R3 c 0 20\n")
    assert set(sym.params) == {"M1_12", "M1_13", "M1_23"}


def test_removing_a_coupled_inductor_removes_its_coupling():
    c = parse(COUPLED)
    opened = c.without("Lb")
    assert [e.name for e in opened.elements] == ["I1", "La", "RL"]
    assert "M1" not in opened.params
    assert same(impedance(opened, "a"), s * L1)
    changed = c.replace("Lb", value=L1)
    assert changed.params == {}  # equal inductors: M = k L1
    assert same(impedance(changed, "a"), s * L1 - s**2 * k**2 * L1**2 / (RL + s * L1))


@pytest.mark.parametrize("line, words", [
    ("K1 La Lb 1.5", "not between -1 and 1"),
    ("K1 La RL 0.5", "not an inductor"),
    ("K1 La Lx 0.5", "no inductor named 'Lx'"),
    ("K1 La 0.5", "written K1 L1 L2 k"),
    ("K1 La La 0.5", "named twice"),
])
def test_coupling_errors(line, words):
    with pytest.raises(NetlistError, match=words) as info:
        parse(f"t\nI1 0 a AC 1\nLa a 0 1m\nLb b 0 1m\nRL b 0 1\n{line}\n")
    assert info.value.line == 6


def test_mutual_symbol_never_clashes_silently():
    with pytest.raises(NetlistError, match="named M1"):
        parse(COUPLED + "R9 a 0 M1\n")
    with pytest.raises(SymsigError, match="carries no current"):
        measure(parse(COUPLED), "i(K1)")


def test_transformer_name_and_transmission_lines():
    with pytest.raises(NetlistError, match="transmission lines"):
        parse("t\nV1 a 0 AC 1\nT1 a 0 b 0 Z0=50 TD=1n\nR1 b 0 50\n")
    c = parse("t\nV1 a 0 AC 1\nTFout a 0 b 0 2\nR1 b 0 50\n")
    assert c.element("TFout").kind == "T"


def test_amplifier_with_a_transformer_load_analyses_with_numbers(capsys, tmp_path):
    """A device circuit with coupled inductors: the Q-point (inductors shorted at DC) and
    the small-signal result both go through."""
    path = tmp_path / "tuned.cir"
    path.write_text("""transformer-coupled CE stage
VCC vcc 0 12
Vs s 0 AC 1
Rs s x 1k
C1 x b 10u
R1 vcc b 47k
R2 b 0 10k
Q1 c b e QN
RE e 0 1k
CE e 0 100u
L1 vcc c 1m
L2 o 0 250u
K1 L1 L2 0.99
RL o 0 1k
.model QN npn (BF=100 VAF=100 IS=1e-15)
""")
    assert main(["analyze", str(path), "--source", "Vs", "--output", "o", "--caps", "keep"]) == 0
    out = capsys.readouterr().out
    assert "gain v(o)/Vs" in out and "M1" not in out  # 1m and 250u: M = 0.99*500u exactly


# -- against ngspice -----------------------------------------------------------------------------
@pytest.mark.ngspice
@pytest.mark.parametrize("seed", range(4))
def test_coupled_networks_against_ngspice(ngspice, seed):
    rng = random.Random(seed)
    la, lb, lc = (rng.choice(["1m", "2.2m", "470u", "3.3m"]) for _ in range(3))
    kab, kbc = rng.uniform(0.2, 0.99), rng.uniform(-0.9, 0.9)
    body = f"""V1 in 0 DC 0 AC 1
R1 in a 50
La a 0 {la}
Lb b 0 {lb}
Lc c d {lc}
Rb b c 200
Rd d 0 1k
Cd d 0 10n
Ka La Lb {kab!r}
Kb Lb Lc {kbc!r}
"""
    c = parse("coupled\n" + body)
    values = param_values(c)
    freqs = [1e3, 2e4, 3e5]
    ref = run_ac(body, freqs, ["v(d)", "v(b)"])
    for node in ("d", "b"):
        h = transfer(c, node, "V1")
        for i, f in enumerate(freqs):
            got = h.evaluate(values, s=2j * math.pi * f)
            want = ref[f"v({node})"][i]
            assert abs(got - want) <= 1e-6 * abs(want), (node, f, got, want)


@pytest.mark.ngspice
def test_ideal_transformer_against_tightly_coupled_large_inductors(ngspice):
    """ngspice has no ideal transformer: coupled inductors with k = 1, L1 = n² L2 and
    ωL far above the resistances approach it (error ~ R/(ωL))."""
    ratio, load = 3, 75.0
    body = f"""V1 in 0 DC 0 AC 1
Rs in p 600
L1 p 0 {9e3!r}
L2 s 0 {1e3!r}
K1 L1 L2 1
RL s 0 {load!r}
CL s 0 1u
"""
    ideal = parse(f"t\nV1 in 0 AC 1\nRs in p 600\nTF1 p 0 s 0 {ratio}\nRL s 0 {load!r}\n"
                  "CL s 0 1u\n")
    h = transfer(ideal, "s", "V1")
    freqs = [1e2, 1e3, 1e4]
    ref = run_ac(body, freqs, ["v(s)"])["v(s)"]
    for i, f in enumerate(freqs):
        got = h.evaluate({}, s=2j * math.pi * f)
        assert abs(got - ref[i]) <= 1e-4 * abs(ref[i]), (f, got, ref[i])
